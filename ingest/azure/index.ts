/**
 * The Azure collector: `collectAzure` reads the Azure resource plane of one Entra tenant
 * (sources-azure.md) into `<out>/azure/`: the hierarchy first (the tenant root group's
 * descendants, then subscriptions), then RBAC and PIM at every scope, then user-assigned
 * identities and their federated credentials. With `subject` (an Entra object id) the RBAC and
 * PIM lists hold only that principal's assignments (direct and through groups), and federated
 * credentials are read only for `credentialsOf` (the identities a plan acts on); with
 * `credentialsOf` alone, only those credentials are read.
 */
import { SourceWriter } from '../collection/SourceWriter.js';
import { type CollectEvent, type CollectResult, type CollectorRunOptions, type DatasetResult, type DatasetTask, collectInto, skippedByRequest } from '../collection/runDatasets.js';
import { pipe, prepareSourceFolder } from '../collection/sourceFolder.js';
import { AZURE_DATASETS, COLLECTOR_VERSION, type AzureContext } from './AzureContext.js';
import { type ArmSessionOptions, createArmSession } from './client.js';
import { collectManagementGroups, collectSubscriptions } from './collectHierarchy.js';
import { collectManagedIdentityFederatedCredentials, collectUserAssignedIdentities } from './collectIdentities.js';
import { collectRoleAssignments, collectRoleAssignmentScheduleInstances, collectRoleDefinitions, collectRoleEligibilityScheduleInstances } from './collectRbac.js';

export { AZURE_DATASETS } from './AzureContext.js';
export type { CollectEvent, DatasetResult };

export interface CollectAzureOptions extends Omit<ArmSessionOptions, 'signal'>, CollectorRunOptions {
  /** An Entra object id: only that principal's assignments (direct and through groups). */
  subject?: string;
  /**
   * A per-subject collection's identities (ARM ids) whose federated credentials are read again
   * (verify: a plan's); alone (no `subject`), only they are read — the objects a plan acts on for a
   * subject of another source (a GitHub account's workload credential).
   */
  credentialsOf?: readonly string[];
}

/** Why a subject collection did not read a dataset (a deliberate omission: the merged ledger stays the tenant's). */
const NOT_READ = (what: string) => `not read in a subject collection: ${what}`;

type Raw = Record<string, unknown>;

export function azureTasks(ctx: AzureContext): DatasetTask[] {
  const g = (name: string, run: (out: Parameters<DatasetTask['run']>[0]) => AsyncIterable<Raw>, after?: string[]): DatasetTask => ({
    name,
    after,
    run: (out) => pipe(run(out), out),
  });
  const w = (name: string, run: DatasetTask['run'], after: string[], ledger?: Raw): DatasetTask => ({ name, after, run, ledger });
  const hierarchy = ['managementGroups', 'subscriptions'];
  // A subject collection lists the identities whose credentials it read in full (SubjectCover's parents).
  const parents: string[] = [];
  const credentials: DatasetTask = ctx.credentialsOf
    ? { name: 'managedIdentityFederatedCredentials', ledger: { parents }, run: (o) => pipe(collectManagedIdentityFederatedCredentials(ctx, o, parents), o) }
    : g('managedIdentityFederatedCredentials', (o) => collectManagedIdentityFederatedCredentials(ctx, o), ['userAssignedIdentities']);
  return [
    g('managementGroups', (o) => collectManagementGroups(ctx, o)),
    g('subscriptions', (o) => collectSubscriptions(ctx, o), ['managementGroups']),
    w('roleAssignments', (o) => collectRoleAssignments(ctx, o), hierarchy, { scopes: 'root "/", management groups (atScope()), subscriptions' }),
    w('roleEligibilityScheduleInstances', (o) => collectRoleEligibilityScheduleInstances(ctx, o), hierarchy),
    w('roleAssignmentScheduleInstances', (o) => collectRoleAssignmentScheduleInstances(ctx, o), hierarchy),
    w('roleDefinitions', (o) => collectRoleDefinitions(ctx, o), hierarchy),
    g('userAssignedIdentities', (o) => collectUserAssignedIdentities(ctx, o), hierarchy),
    credentials,
  ];
}

export async function collectAzure(opts: CollectAzureOptions): Promise<CollectResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const session = createArmSession({ ...opts, signal });
  const tenant = (await session.tokens.tenantId())?.toLowerCase() ?? opts.tenant.toLowerCase();
  const dir = prepareSourceFolder(opts.out, 'azure', tenant, opts);
  const credentialsOf = opts.credentialsOf ? [...new Map(opts.credentialsOf.map((x) => [x.toLowerCase(), x])).values()] : opts.subject ? [] : undefined;
  const ctx: AzureContext = { session, tenant, subject: opts.subject?.toLowerCase(), credentialsOf };
  const writer = new SourceWriter(dir, {
    source: 'azure',
    tenant,
    collectedAt: opts.collectedAt,
    resume: opts.resume,
    extra: {
      collector: COLLECTOR_VERSION,
      armUrl: session.armUrl,
      // A subject collection is complete for the subject's own assignments (ingest/azure/records.ts).
      scope: ctx.subject ? { kind: 'subject', subject: ctx.subject, accounts: [ctx.subject] } : credentialsOf ? { kind: 'subject', subject: '', accounts: [] } : { kind: 'tenant' },
    },
  });
  const skip = skippedByRequest(opts.skip);
  if (credentialsOf) {
    // A subject collection reads again only the credentials of the identities it is asked for; alone,
    // nothing else (the other datasets are the tenant's, unchanged).
    if (!credentialsOf.length) skip.set('managedIdentityFederatedCredentials', NOT_READ('federated credentials are read again only for the identities a plan acts on'));
    if (!ctx.subject) for (const d of AZURE_DATASETS) if (d !== 'managedIdentityFederatedCredentials') skip.set(d, NOT_READ('only the federated credentials of the identities a plan acts on were read'));
  }
  return collectInto(dir, { writer, source: 'azure', tasks: azureTasks(ctx), skip, resume: opts.resume, parallel: opts.parallelDatasets ?? 3, signal, onEvent: opts.onEvent });
}
