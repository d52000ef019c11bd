/**
 * Azure RBAC collectors, per scope: `roleDefinitions` (built-in roles once, at the tenant root
 * group or the first scope read; custom roles at every scope), `roleAssignments` (every
 * subscription; every management group and the root scope `/` with `$filter=atScope()`),
 * `roleEligibilityScheduleInstances` and `roleAssignmentScheduleInstances` (PIM, every management
 * group and subscription with `atScope()`). Lines are deduplicated by `id` (an assignment at a
 * group is listed again below it). A scope that fails leaves the dataset partial with one reason
 * per cause; the root scope `/` needs elevated access and says so. For a subject, the lists are
 * filtered with `assignedTo('{objectId}')` (its direct and group assignments).
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import { summarize } from '../collection/runDatasets.js';
import { AZURE_PERMISSIONS, type AzureContext, managementGroupScope, subscriptionScope } from './AzureContext.js';
import { type ArmOperationOptions, type ArmSession, armError, armList, armUrlList } from './client.js';
import { scopesOf } from './collectHierarchy.js';
import { str } from '../collection/fields.js';

/** The role assignments API version the SDK uses (read at `/` by URL). */
const ROOT_API_VERSION = '2022-04-01';

type Lister = (scope: string, options: ArmOperationOptions) => { byPage(): AsyncIterableIterator<unknown[]> };

interface ScopeRead {
  scope: string;
  /** `$filter` for this scope (undefined: none). */
  filter?: string;
  /** The root scope: failure means elevated access is missing. */
  root?: boolean;
}

/** Read a per-scope list at every scope, a few scopes at once, writing each new id once. */
async function perScope(ctx: AzureContext, out: DatasetOutput, reads: ScopeRead[], list: Lister): Promise<void> {
  const seen = new Set<string>();
  const failures: string[] = [];
  let done = 0;
  let next = 0;
  out.progress(0, reads.length);
  const worker = async () => {
    while (next < reads.length) {
      const r = reads[next++];
      try {
        const options = (o: ArmOperationOptions) => (r.filter ? { ...o, filter: r.filter } : o);
        const items = r.root
          ? armUrlList(ctx.session, out.stats, `/providers/Microsoft.Authorization/${out.name}?api-version=${ROOT_API_VERSION}${r.filter ? `&$filter=${encodeURIComponent(r.filter)}` : ''}`, AZURE_PERMISSIONS.rootScope)
          : armList(ctx.session, out.stats, `${r.scope}/providers/Microsoft.Authorization/${out.name}`, (o) => list(r.scope, options(o)), AZURE_PERMISSIONS[out.name as 'roleAssignments']);
        for await (const item of items) {
          // Role definitions repeat per scope under scope-specific ids: the role's GUID (`name`) is the key.
          const id = (str(item, out.name === 'roleDefinitions' ? 'name' : 'id') ?? '').toLowerCase();
          if (id && seen.has(id)) continue;
          if (id) seen.add(id);
          await out.write(item);
        }
      } catch (e) {
        if (out.signal.aborted) throw e;
        const err = armError(e, r.scope, AZURE_PERMISSIONS.roleAssignments);
        failures.push(r.root ? `the root scope "/" could not be read (${err.reason}; needs ${AZURE_PERMISSIONS.rootScope})` : `${err.reason} for ${scopeKind(r.scope)}`);
      }
      out.progress(++done, reads.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, reads.length) }, worker));
  const nonRoot = reads.filter((r) => !r.root).length;
  if (failures.length && failures.length === reads.length && nonRoot > 0) throw new Error(summarize(failures));
  for (const f of failures) out.incomplete(f);
}

function scopeKind(scope: string): string {
  return scope.startsWith('/subscriptions/') ? 'subscriptions' : 'management groups';
}

function subjectFilter(ctx: AzureContext, atScope: boolean): string | undefined {
  const assigned = ctx.subject ? `assignedTo('${ctx.subject}')` : undefined;
  if (atScope) return assigned ? `atScope() and ${assigned}` : 'atScope()';
  return assigned;
}

async function reads(ctx: AzureContext, out: DatasetOutput, withRoot: boolean): Promise<ScopeRead[]> {
  const { groups, subscriptions } = await scopesOf(ctx, out);
  const list: ScopeRead[] = [];
  if (withRoot) list.push({ scope: '/', filter: subjectFilter(ctx, true), root: true });
  for (const g of groups) list.push({ scope: managementGroupScope(g), filter: subjectFilter(ctx, true) });
  // At a subscription, no atScope(): assignments on its resource groups and resources count too.
  for (const s of subscriptions) list.push({ scope: subscriptionScope(s), filter: subjectFilter(ctx, false) });
  return list;
}

export async function collectRoleAssignments(ctx: AzureContext, out: DatasetOutput): Promise<void> {
  const s: ArmSession = ctx.session;
  await perScope(ctx, out, await reads(ctx, out, true), (scope, o) => s.authorization.roleAssignments.listForScope(scope, o));
}

export async function collectRoleEligibilityScheduleInstances(ctx: AzureContext, out: DatasetOutput): Promise<void> {
  const s = ctx.session;
  await perScope(ctx, out, await reads(ctx, out, false), (scope, o) => s.authorization.roleEligibilityScheduleInstances.listForScope(scope, o));
}

export async function collectRoleAssignmentScheduleInstances(ctx: AzureContext, out: DatasetOutput): Promise<void> {
  const s = ctx.session;
  await perScope(ctx, out, await reads(ctx, out, false), (scope, o) => s.authorization.roleAssignmentScheduleInstances.listForScope(scope, o));
}

export async function collectRoleDefinitions(ctx: AzureContext, out: DatasetOutput): Promise<void> {
  const s = ctx.session;
  const all = await reads(ctx, out, false);
  // Built-in roles are the same everywhere: read them (and the custom roles) at the first scope,
  // only custom roles elsewhere.
  const list: ScopeRead[] = all.map((r, i) => ({ scope: r.scope, filter: i === 0 ? undefined : "type eq 'CustomRole'" }));
  await perScope(ctx, out, list, (scope, o) => s.authorization.roleDefinitions.list(scope, o));
}
