/**
 * The Entra collector: `collectEntra` reads every Entra dataset of the collection format from
 * Microsoft Graph into `<out>/entra/`, in an order that lets parents (groups, applications,
 * service principals) finish early so that their per-object lists overlap the other lists.
 * `collectEntraSubject` (collectEntraSubject.ts) reads what the rules need about one identity.
 */
import { SourceWriter } from '../collection/SourceWriter.js';
import { type GraphSessionOptions, createGraphSession, resolveTenant } from './client.js';
import { collectApplications, collectDeletedUsers, collectGroups, collectServicePrincipals, collectUsers } from './collectDirectory.js';
import { auditLedger, collectDirectoryAudits } from './collectDirectoryAudits.js';
import {
  collectOauth2PermissionGrants,
  collectRoleAssignments,
  collectRoleDefinitions,
  collectRoleEligibilitySchedules,
} from './collectGrantsAndRoles.js';
import {
  collectAppRoleAssignments,
  collectApplicationOwners,
  collectFederatedIdentityCredentials,
  collectGroupMembers,
  collectGroupOwners,
  collectServicePrincipalOwners,
} from './collectRelationships.js';
import { COLLECTOR_VERSION, type EntraContext } from './EntraContext.js';
import { type CollectEvent, type CollectResult, type DatasetTask, collectInto, skippedByRequest } from '../collection/runDatasets.js';
import { pipe, prepareSourceFolder } from '../collection/sourceFolder.js';

export { collectEntraSubject } from './collectEntraSubject.js';
export type { CollectEvent, DatasetResult } from '../collection/runDatasets.js';

export interface CollectEntraOptions extends Omit<GraphSessionOptions, 'signal'> {
  /** Collection folder; the collector writes `<out>/entra`. */
  out: string;
  resume?: boolean;
  force?: boolean;
  /** Audit window (ISO); default: everything Entra retains. */
  since?: string;
  until?: string;
  /** Datasets not to collect (recorded as missing, with the reason). */
  skip?: readonly string[];
  /** Datasets collected at once (default 4). */
  parallelDatasets?: number;
  signal?: AbortSignal;
  onEvent?: (e: CollectEvent) => void;
  /** Collection time (default now). */
  collectedAt?: string;
}

/** The tasks of a tenant sweep, parents first. */
function entraTasks(ctx: EntraContext): DatasetTask[] {
  const t = (name: string, run: (out: Parameters<DatasetTask['run']>[0]) => AsyncIterable<Record<string, unknown>>, after?: string[]) => ({
    name,
    after,
    run: (out: Parameters<DatasetTask['run']>[0]) => pipe(run(out), out),
  });
  return [
    t('groups', (o) => collectGroups(ctx, o)),
    t('applications', (o) => collectApplications(ctx, o)),
    t('servicePrincipals', (o) => collectServicePrincipals(ctx, o)),
    t('users', (o) => collectUsers(ctx, o)),
    t('groupMembers', (o) => collectGroupMembers(ctx, o), ['groups']),
    t('groupOwners', (o) => collectGroupOwners(ctx, o), ['groups']),
    t('applicationOwners', (o) => collectApplicationOwners(ctx, o), ['applications']),
    t('federatedIdentityCredentials', (o) => collectFederatedIdentityCredentials(ctx, o), ['applications']),
    t('servicePrincipalOwners', (o) => collectServicePrincipalOwners(ctx, o), ['servicePrincipals']),
    t('appRoleAssignments', (o) => collectAppRoleAssignments(ctx, o), ['servicePrincipals']),
    t('deletedUsers', (o) => collectDeletedUsers(ctx, o)),
    t('oauth2PermissionGrants', (o) => collectOauth2PermissionGrants(ctx, o)),
    t('roleDefinitions', (o) => collectRoleDefinitions(ctx, o)),
    t('roleAssignments', (o) => collectRoleAssignments(ctx, o)),
    t('roleEligibilitySchedules', (o) => collectRoleEligibilitySchedules(ctx, o)),
    { ...t('directoryAudits', (o) => collectDirectoryAudits(ctx, o)), ledger: auditLedger(ctx) },
  ];
}

export type { CollectResult };

export async function collectEntra(opts: CollectEntraOptions): Promise<CollectResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const session = createGraphSession({ ...opts, signal });
  const tenant = await resolveTenant(session, opts.tenant);
  const dir = prepareSourceFolder(opts.out, 'entra', tenant, opts);
  const ctx: EntraContext = { session, since: opts.since, until: opts.until };
  const writer = new SourceWriter(dir, {
    source: 'entra',
    tenant,
    collectedAt: opts.collectedAt,
    resume: opts.resume,
    extra: {
      collector: COLLECTOR_VERSION,
      graphUrl: session.graphUrl,
      scope: { kind: 'tenant' },
    },
  });
  const skip = skippedByRequest(opts.skip);
  return collectInto(dir, {
      writer,
      source: 'entra',
      tasks: entraTasks(ctx),
      skip,
      resume: opts.resume,
      parallel: opts.parallelDatasets,
      signal,
      onEvent: opts.onEvent,
    });
}
