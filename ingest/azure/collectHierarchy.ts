/**
 * Azure collectors for the resource hierarchy: `managementGroups` (the tenant root group and its
 * descendants — management groups and subscriptions — from `getDescendants`) and `subscriptions`
 * (`GET /subscriptions`). A caller that cannot read the root group leaves `managementGroups`
 * partial with the reason, and then `subscriptions` holds only what the caller can see: partial
 * ("caller-visible only"), never a complete-looking list.
 */
import { type DatasetOutput, readWritten } from '../collection/runDatasets.js';
import { AZURE_PERMISSIONS, type AzureContext, managementGroupScope } from './AzureContext.js';
import { armError, armGet, armList } from './client.js';
import { str } from '../collection/fields.js';

type Raw = Record<string, unknown>;

export async function* collectManagementGroups(ctx: AzureContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const { session } = ctx;
  const rootPath = managementGroupScope(ctx.tenant);
  try {
    const root = await armGet(session, out.stats, rootPath, (o) => session.managementGroups.managementGroups.get(ctx.tenant, o), AZURE_PERMISSIONS.managementGroups);
    if (root) yield root;
    yield* armList(session, out.stats, `${rootPath}/descendants`, (o) => session.managementGroups.managementGroups.listDescendants(ctx.tenant, o), AZURE_PERMISSIONS.managementGroups);
  } catch (e) {
    if (out.signal.aborted) throw e;
    const err = armError(e, rootPath, AZURE_PERMISSIONS.managementGroups);
    if (!err.forbidden && err.status !== 404) throw err;
    out.incomplete(`the tenant root management group could not be read (${err.reason}): management groups and subscriptions the caller cannot see are not here`);
  }
}

export async function* collectSubscriptions(ctx: AzureContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const { session } = ctx;
  const listed = new Set<string>();
  for await (const s of armList(session, out.stats, '/subscriptions', (o) => session.subscriptions.subscriptions.list(o), AZURE_PERMISSIONS.subscriptions)) {
    listed.add((str(s, 'subscriptionId') ?? '').toLowerCase());
    yield s;
  }
  // Subscriptions under the root group the list did not show (a caller without access to them).
  let unseen = 0;
  for await (const d of readWritten(out.dir, 'managementGroups')) {
    if (String(d.type).toLowerCase() === 'microsoft.management/managementgroups/subscriptions' && !listed.has(String(d.name).toLowerCase())) unseen++;
  }
  if (unseen) out.incomplete(`${unseen} subscriptions under the tenant root group are not visible to the caller`);
  if (out.statusOf('managementGroups') !== 'complete') out.incomplete('caller-visible only: the subscriptions were not read through the tenant root group');
}

/** Every scope to read RBAC at: the root group, every management group, every subscription. */
export async function scopesOf(ctx: AzureContext, out: DatasetOutput): Promise<{ groups: string[]; subscriptions: string[] }> {
  const groups = new Set<string>();
  const subscriptions = new Set<string>();
  for await (const d of readWritten(out.dir, 'managementGroups')) {
    const type = String(d.type).toLowerCase();
    if (type === 'microsoft.management/managementgroups') groups.add(String(d.name));
    else if (type === 'microsoft.management/managementgroups/subscriptions') subscriptions.add(String(d.name).toLowerCase());
  }
  for await (const s of readWritten(out.dir, 'subscriptions')) { const id = str(s, 'subscriptionId'); if (id) subscriptions.add(id.toLowerCase()); };
  if (!groups.size && out.statusOf('managementGroups') === 'complete') groups.add(ctx.tenant);
  return { groups: [...groups], subscriptions: [...subscriptions] };
}
