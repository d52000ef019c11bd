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
import { APPLICATION_SELECT, COLLECTOR_VERSION, ENTRA_PERMISSIONS, type EntraContext, GROUP_SELECT, SERVICE_PRINCIPAL_SELECT, USER_SELECT } from './EntraContext.js';
import { graphDeltaRound } from './graphPages.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { type CollectResult, type CollectorRunOptions, type DatasetTask, collectInto, skippedByRequest } from '../collection/runDatasets.js';
import { pipe, prepareSourceFolder } from '../collection/sourceFolder.js';

export { collectEntraSubject } from './collectEntraSubject.js';
export { collectEntraDelta } from './collectEntraDelta.js';
export type { CollectEvent, DatasetResult } from '../collection/runDatasets.js';

export interface CollectEntraOptions extends Omit<GraphSessionOptions, 'signal'>, CollectorRunOptions {
  /** Audit window (ISO); default: everything Entra retains. */
  since?: string;
  until?: string;
}

/** The tasks of a tenant sweep, parents first. */
function entraTasks(ctx: EntraContext): DatasetTask[] {
  const t = (name: string, run: (out: Parameters<DatasetTask['run']>[0]) => AsyncIterable<Record<string, unknown>>, after?: string[]) => ({
    name,
    after,
    run: (out: Parameters<DatasetTask['run']>[0]) => pipe(run(out), out),
  });
  /**
   * A dataset Graph can track with a delta query: before it is listed, a link for "now" is taken
   * (`$deltatoken=latest`) and kept in the ledger, so that `collect entra --delta` can start
   * from this collection. A link that cannot be had is noted, not fatal: the delta reads in full.
   */
  const tracked = (name: string, deltaUrl: string, run: (out: Parameters<DatasetTask['run']>[0]) => AsyncIterable<Record<string, unknown>>): DatasetTask => {
    const ledger: Record<string, unknown> = {};
    return {
      name,
      ledger,
      run: async (out) => {
        try {
          ledger.deltaLink = await graphDeltaRound(ctx.session, out.stats, deltaUrl, () => {}, { permission: ENTRA_PERMISSIONS[name] });
        } catch (e) {
          if (!(e instanceof SourceApiError)) throw e;
          ledger.deltaLinkError = e.reason;
        }
        await pipe(run(out), out);
      },
    };
  };
  return [
    tracked('groups', `/groups/delta?$select=${GROUP_SELECT},members&$deltatoken=latest`, (o) => collectGroups(ctx, o)),
    tracked('applications', `/applications/delta?$select=${APPLICATION_SELECT}&$deltatoken=latest`, (o) => collectApplications(ctx, o)),
    tracked('servicePrincipals', `/servicePrincipals/delta?$select=${SERVICE_PRINCIPAL_SELECT}&$deltatoken=latest`, (o) => collectServicePrincipals(ctx, o)),
    tracked('users', `/users/delta?$select=${USER_SELECT}&$deltatoken=latest`, (o) => collectUsers(ctx, o)),
    t('groupMembers', (o) => collectGroupMembers(ctx, o), ['groups']),
    t('groupOwners', (o) => collectGroupOwners(ctx, o), ['groups']),
    t('applicationOwners', (o) => collectApplicationOwners(ctx, o), ['applications']),
    t('federatedIdentityCredentials', (o) => collectFederatedIdentityCredentials(ctx, o), ['applications']),
    t('servicePrincipalOwners', (o) => collectServicePrincipalOwners(ctx, o), ['servicePrincipals']),
    t('appRoleAssignments', (o) => collectAppRoleAssignments(ctx, o), ['servicePrincipals']),
    t('deletedUsers', (o) => collectDeletedUsers(ctx, o)),
    tracked('oauth2PermissionGrants', '/oauth2PermissionGrants/delta?$deltatoken=latest', (o) => collectOauth2PermissionGrants(ctx, o)),
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
