/**
 * Azure collectors for workload identities: `userAssignedIdentities` (every subscription) and
 * `managedIdentityFederatedCredentials` (per identity: the issuer and subject an external
 * workload — GitHub Actions among them — presents to act as the identity, without any secret).
 */
import { type DatasetOutput, readWritten, summarize } from '../collection/runDatasets.js';
import { AZURE_PERMISSIONS, type AzureContext } from './AzureContext.js';
import { armError, armList } from './client.js';
import { scopesOf } from './collectHierarchy.js';

type Raw = Record<string, unknown>;

export async function* collectUserAssignedIdentities(ctx: AzureContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const { subscriptions } = await scopesOf(ctx, out);
  const failures: string[] = [];
  let done = 0;
  out.progress(0, subscriptions.length);
  for (const sub of subscriptions) {
    try {
      yield* armList(ctx.session, out.stats, `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, (o) =>
        ctx.session.msi(sub).userAssignedIdentities.listBySubscription(o as never) as never,
      AZURE_PERMISSIONS.userAssignedIdentities);
    } catch (e) {
      if (out.signal.aborted) throw e;
      failures.push(`${armError(e, `/subscriptions/${sub}`).reason} for subscriptions`);
    }
    out.progress(++done, subscriptions.length);
  }
  if (failures.length && failures.length === subscriptions.length) throw new Error(summarize(failures));
  for (const f of failures) out.incomplete(f);
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}` → its parts. */
export function identityParts(id: string): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(id);
  return m ? { subscriptionId: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}

export async function* collectManagedIdentityFederatedCredentials(ctx: AzureContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const ids: string[] = [];
  for await (const i of readWritten(out.dir, 'userAssignedIdentities')) if (typeof i.id === 'string') ids.push(i.id);
  const failures: string[] = [];
  let done = 0;
  out.progress(0, ids.length);
  for (const id of ids) {
    const p = identityParts(id);
    if (!p) {
      failures.push('an identity id that is not a user-assigned identity path for identities');
      continue;
    }
    try {
      yield* armList(ctx.session, out.stats, `${id}/federatedIdentityCredentials`, (o) =>
        ctx.session.msi(p.subscriptionId).federatedIdentityCredentials.list(p.resourceGroup, p.name, o as never) as never,
      AZURE_PERMISSIONS.managedIdentityFederatedCredentials);
    } catch (e) {
      if (out.signal.aborted) throw e;
      failures.push(`${armError(e, `${id}/federatedIdentityCredentials`).reason} for identities`);
    }
    out.progress(++done, ids.length);
  }
  if (failures.length && failures.length === ids.length) throw new Error(summarize(failures));
  for (const f of failures) out.incomplete(f);
}
