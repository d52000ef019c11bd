/**
 * How an event-driven refresh reads one subject again: an injected dependency of the server.
 * `refreshSubject` returns a source folder: a per-subject collection (what the live
 * implementation returns: collectEntraSubject / collectOktaSubject, complete for the subject's
 * accounts), or a whole collection of that source with the subject's data fresh (what some tests
 * inject). The worker loads it as a delta snapshot on the snapshot being served.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiConfig } from '../config.js';
import { resolveSecret } from '../config.js';
import { RevenantError } from '../../model/errors.js';

export interface RefreshRequest {
  source: 'entra' | 'okta';
  /** Tenant id or org URL, when the event named it. */
  tenant: string | null;
  /** Account id (Okta user id, Entra object id), UPN, login or mail. */
  subject: string;
  /** The source folder the current snapshot was loaded from (or the previous refresh's output). */
  base: string;
  /** Where to write (a fresh folder the caller owns). */
  workDir: string;
  signal: AbortSignal;
}

export interface SubjectRefresher {
  /** Returns the folder of the refreshed source (one source folder with manifest.json). */
  refreshSubject(req: RefreshRequest): Promise<string>;
}

/** The refresher cannot work as configured (no collector settings for the source). Not retried. */
export class RefreshConfigError extends RevenantError {}

/** Reads the subject from the live tenant through the collectors, then merges it into the base. */
export class LiveRefresher implements SubjectRefresher {
  constructor(
    private readonly config: ApiConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async refreshSubject(req: RefreshRequest): Promise<string> {
    const tmp = mkdtempSync(join(req.workDir, 'subject-'));
    {
      let subjectDir: string;
      if (req.source === 'entra') {
        const c = this.config.events.entra?.collect;
        if (!c) throw new RefreshConfigError('entra refresh: the config has no events.entra.collect (tenant and credentials for Microsoft Graph)');
        const { collectEntraSubject } = await import('../../../ingest/entra/index.js');
        const res = await collectEntraSubject({
          tenant: c.tenant,
          mode: c.mode,
          token: c.token ? resolveSecret(c.token, 'events.entra.collect.token', this.env) : undefined,
          clientId: c.clientId,
          certificatePath: c.certificatePath,
          graphUrl: c.graphUrl,
          authorityHost: c.authorityHost,
          env: this.env,
          subject: req.subject,
          out: tmp,
          force: true,
          signal: req.signal,
        });
        subjectDir = res.dir;
      } else {
        const c = this.config.events.okta?.collect;
        if (!c) throw new RefreshConfigError('okta refresh: the config has no events.okta.collect (org URL and credentials)');
        const { collectOktaSubject } = await import('../../../ingest/okta/index.js');
        const res = await collectOktaSubject({
          orgUrl: c.orgUrl,
          auth: c.auth,
          token: c.token ? resolveSecret(c.token, 'events.okta.collect.token', this.env) : undefined,
          clientId: c.clientId,
          privateKey: c.privateKey ? resolveSecret(c.privateKey, 'events.okta.collect.privateKey', this.env) : undefined,
          keyId: c.keyId,
          subject: req.subject,
          out: tmp,
          force: true,
          signal: req.signal,
        });
        subjectDir = res.dir;
      }
      return subjectDir;
    }
  }
}
