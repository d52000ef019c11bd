/**
 * The Okta collector: `collectOkta` reads every Okta dataset of the collection format through
 * `@okta/okta-sdk-nodejs` into `<out>/okta/`. Independent lists run side by side (they count
 * against different Okta rate-limit buckets), parents first so that per-app and per-group lists
 * start early. `userGrants` is opt-in (`include`): Okta lists user grants only per user, one
 * request per user, and no residual-access rule reads them; without it the dataset is recorded
 * as missing with that reason. `collectOktaSubject` (collectOktaSubject.ts) reads one identity.
 */
import { SourceWriter } from '../collection/SourceWriter.js';
import { type CollectResult, type CollectorRunOptions, type DatasetOutput, type DatasetTask, collectInto, skippedByRequest } from '../collection/runDatasets.js';
import { pipe, prepareSourceFolder } from '../collection/sourceFolder.js';
import { type OktaSessionOptions, createOktaSession } from './client.js';
import { collectApiTokens, collectApps, collectGroups, collectIdps, collectUsers } from './collectDirectory.js';
import { collectLogs, logsLedger } from './collectLogs.js';
import {
  collectAppFeatures,
  collectAppGrants,
  collectAppGroups,
  collectAppJwks,
  collectAppSecrets,
  collectAppUsers,
  collectClientRoles,
  collectGroupMembers,
  collectGroupRoles,
  collectRefreshTokens,
  collectUserGrants,
  collectUserRoles,
} from './collectRelationships.js';
import { COLLECTOR_VERSION, type OktaContext, logWindow } from './OktaContext.js';

export { logWindow } from './OktaContext.js';

export { collectOktaSubject } from './collectOktaSubject.js';
export { collectOktaDelta } from './collectOktaDelta.js';
export type { CollectEvent, DatasetResult } from '../collection/runDatasets.js';

/** Datasets collected only when asked for (`include`), with why. */
export const OPT_IN: Record<string, string> = {
  userGrants: 'not collected by default: Okta lists user grants only per user (one request per user) and no rule reads them; pass --include userGrants',
};

export interface CollectOktaOptions extends Omit<OktaSessionOptions, 'signal'>, CollectorRunOptions {
  /** System Log window (ISO); default the last 90 days up to now. */
  since?: string;
  until?: string;
  /** Opt-in datasets to collect (`userGrants`). */
  include?: readonly string[];
}

function oktaTasks(ctx: OktaContext): DatasetTask[] {
  const t = (name: string, run: (out: DatasetOutput) => AsyncIterable<Record<string, unknown>>, after?: string[]): DatasetTask => ({
    name,
    after,
    run: (out) => pipe(run(out), out),
  });
  return [
    t('apps', (o) => collectApps(ctx, o)),
    t('groups', (o) => collectGroups(ctx, o)),
    t('users', (o) => collectUsers(ctx, o)),
    { ...t('logs', (o) => collectLogs(ctx, o)), ledger: logsLedger(ctx) },
    t('appUsers', (o) => collectAppUsers(ctx, o), ['apps']),
    t('groupMembers', (o) => collectGroupMembers(ctx, o), ['groups']),
    t('appGroups', (o) => collectAppGroups(ctx, o), ['apps']),
    t('appFeatures', (o) => collectAppFeatures(ctx, o), ['apps']),
    t('appGrants', (o) => collectAppGrants(ctx, o), ['apps']),
    t('appSecrets', (o) => collectAppSecrets(ctx, o), ['apps']),
    t('appJwks', (o) => collectAppJwks(ctx, o), ['apps']),
    t('refreshTokens', (o) => collectRefreshTokens(ctx, o), ['apps']),
    t('clientRoles', (o) => collectClientRoles(ctx, o), ['apps']),
    t('groupRoles', (o) => collectGroupRoles(ctx, o), ['groups']),
    t('userRoles', (o) => collectUserRoles(ctx, o)),
    t('apiTokens', (o) => collectApiTokens(ctx, o)),
    t('idps', (o) => collectIdps(ctx, o)),
    t('userGrants', (o) => collectUserGrants(ctx, o), ['users']),
  ];
}

export type { CollectResult };

export async function collectOkta(opts: CollectOktaOptions): Promise<CollectResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const window = logWindow(opts.since, opts.until);
  const session = createOktaSession({ ...opts, signal });
  const dir = prepareSourceFolder(opts.out, 'okta', session.orgUrl, opts);
  const ctx: OktaContext = { session, ...window };
  const writer = new SourceWriter(dir, {
    source: 'okta',
    tenant: session.orgUrl,
    collectedAt: opts.collectedAt,
    resume: opts.resume,
    extra: { collector: COLLECTOR_VERSION, scope: { kind: 'tenant' } },
  });
  const skip = new Map<string, string>();
  for (const [d, why] of Object.entries(OPT_IN)) if (!opts.include?.includes(d)) skip.set(d, why);
  skippedByRequest(opts.skip, skip);
  return collectInto(dir, {
      writer,
      source: 'okta',
      tasks: oktaTasks(ctx),
      skip,
      resume: opts.resume,
      parallel: opts.parallelDatasets ?? 6,
      signal,
      onEvent: opts.onEvent,
    });
}
