/**
 * Azure collectors for workload identities: `userAssignedIdentities` (every subscription) and
 * `managedIdentityFederatedCredentials` (per identity: the issuer and subject an external
 * workload — GitHub Actions among them — presents to act as the identity, without any secret).
 */
import { perParent } from '../collection/perParent.js';
import { type DatasetOutput, readWritten } from '../collection/runDatasets.js';
import { AZURE_PERMISSIONS, type AzureContext } from './AzureContext.js';
import { armList } from './client.js';
import { scopesOf } from './collectHierarchy.js';

type Raw = Record<string, unknown>;

export async function* collectUserAssignedIdentities(ctx: AzureContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const { subscriptions } = await scopesOf(ctx, out);
  yield* perParent(out, subscriptions, 'subscriptions', (sub) =>
    armList(ctx.session, out.stats, `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, (o) =>
      ctx.session.msi(sub).userAssignedIdentities.listBySubscription(o),
    AZURE_PERMISSIONS.userAssignedIdentities),
  );
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}` → its parts. */
export function identityParts(id: string): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(id);
  return m ? { subscriptionId: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}

/** One identity's federated credentials. */
function credentialsOf(ctx: AzureContext, out: DatasetOutput, id: string): AsyncIterable<Raw> {
  const p = identityParts(id);
  if (!p) throw new Error(`${id}: not a user-assigned identity id`);
  return armList(ctx.session, out.stats, `${id}/federatedIdentityCredentials`, (o) =>
    ctx.session.msi(p.subscriptionId).federatedIdentityCredentials.list(p.resourceGroup, p.name, o),
  AZURE_PERMISSIONS.managedIdentityFederatedCredentials);
}

/**
 * Every identity's federated credentials; in a per-subject collection only those of
 * `ctx.credentialsOf` (the plan's identities), each identity whose list was read in full added to
 * `readInFull` (the ledger's `parents`: a credential of theirs not read again is gone).
 */
export async function* collectManagedIdentityFederatedCredentials(ctx: AzureContext, out: DatasetOutput, readInFull?: string[]): AsyncGenerator<Raw> {
  if (ctx.credentialsOf) {
    yield* perParent(out, ctx.credentialsOf, 'identities', async function* (id) {
      const lines: Raw[] = [];
      for await (const c of credentialsOf(ctx, out, id)) lines.push(c);
      // Listed only once the whole list (every page) was read.
      readInFull?.push(id.toLowerCase());
      yield* lines;
    });
    return;
  }
  const ids: string[] = [];
  for await (const i of readWritten(out.dir, 'userAssignedIdentities')) if (typeof i.id === 'string') ids.push(i.id);
  yield* perParent(out, ids, 'identities', (id) => credentialsOf(ctx, out, id));
}
