/**
 * How an event-driven refresh reads one subject again: an injected dependency of the server.
 * `refreshSubject` returns a source folder: a per-subject collection (what the live
 * implementation returns: the source's `events.refreshSubject`, e.g. collectEntraSubject /
 * collectOktaSubject, complete for the subject's accounts), or a whole collection of that source
 * with the subject's data fresh (what some tests inject). The worker loads it as a delta snapshot
 * on the snapshot being served. `prepare` loads the sources' collectors when the server starts,
 * so that the first event does not wait for their modules (the Okta SDK: seconds on a busy machine).
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { EventConfigError } from '../../model/sourceEvents.js';
import type { ApiConfig } from '../config.js';
import { eventContext, eventsOf } from './sourceEvents.js';

export interface RefreshRequest {
  /** A registered source kind. */
  source: string;
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
  /**
   * Set when every folder it returns is a per-subject collection (never a whole source folder):
   * the subjects of a batch are then read side by side from the first one on.
   */
  readonly perSubject?: boolean;
  /** Load what refreshing these sources runs (modules, SDKs) before the first event; optional. */
  prepare?(sources: readonly string[]): Promise<void>;
}

/** Reads the subject from the live tenant through the source's registered event capability. */
export class LiveRefresher implements SubjectRefresher {
  constructor(
    private readonly config: ApiConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void } = { info: () => {}, warn: () => {} },
  ) {}

  /** A source's `refreshSubject` returns a per-subject collection (src/model/sourceEvents.ts). */
  readonly perSubject = true;

  async prepare(sources: readonly string[]): Promise<void> {
    const signal = new AbortController().signal;
    await Promise.all(
      sources.map(async (source) => {
        const events = await eventsOf(source);
        await events?.prepare?.(eventContext(this.config, source, { env: this.env, signal, log: this.log }));
      }),
    );
  }

  async refreshSubject(req: RefreshRequest): Promise<string> {
    const events = await eventsOf(req.source);
    if (!events) throw new EventConfigError(`${req.source} refresh: this source has no event-driven refresh`);
    const ctx = eventContext(this.config, req.source, { env: this.env, signal: req.signal, log: this.log });
    return events.refreshSubject(ctx, { subject: req.subject, out: mkdtempSync(join(req.workDir, 'subject-')) });
  }
}
