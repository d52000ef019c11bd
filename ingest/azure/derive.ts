/**
 * What the Azure lines imply once every source is loaded (the source's `derive`, run by
 * src/store/deriveGraph.ts): who holds each role assignment and PIM eligibility. `principalId`
 * is an Entra object id of the paired tenant (`manifest.tenant`, sources-azure.md): the holder is
 * that tenant's user, group or service principal, and a user-assigned managed identity of this
 * folder whose `principalId` it is (a managed identity's service principal may be listed in Entra
 * too: both hold it). An assignment whose principal matches nothing (deleted for good) gets no
 * holder: hygiene, not a finding.
 */
import { AzureEdge, AzureKind } from '../../src/model/azureSchema.js';
import { canonicalId, parseNodeKey } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import { SOURCES, type DeriveWriter } from '../../src/model/source.js';

/** The source whose folder of the same tenant holds the principals (SourceDefinition.pairedWith). */
export const AZURE_PAIRED_WITH = 'entra';

const PRINCIPAL_KINDS = [NodeKind.EntraUser, NodeKind.EntraGroup, NodeKind.EntraServicePrincipal];

export function deriveAzure(w: DeriveWriter): void {
  // Holders by `<entra source key>|<object id>`; managed identities under their own tenant's Entra key.
  const holders = new Map<string, number[]>();
  const add = (k: string, nid: number) => (holders.get(k) ?? holders.set(k, []).get(k)!).push(nid);
  for (const kind of PRINCIPAL_KINDS) {
    for (const r of w.nodesOf(kind)) {
      const { sourceKey, id } = parseNodeKey(r.key);
      add(`${sourceKey}|${canonicalId(id)}`, r.nid);
    }
  }
  for (const r of w.nodesOf(AzureKind.AzureManagedIdentity)) {
    if (typeof r.props.principalId === 'string') add(`${pairedKey(r.key)}|${canonicalId(r.props.principalId)}`, r.nid);
  }
  for (const [kind, edge] of [
    [AzureKind.AzureRoleAssignment, AzureEdge.AZURE_ROLE],
    [AzureKind.AzureRoleEligibility, AzureEdge.AZURE_ELIGIBLE],
  ] as const) {
    for (const r of w.nodesOf(kind)) {
      const pid = typeof r.props.principalId === 'string' ? canonicalId(r.props.principalId) : '';
      for (const h of holders.get(`${pairedKey(r.key)}|${pid}`) ?? []) w.putEdge(edge, h, r.nid);
    }
  }
}

/** The Entra source key paired with an azure node's source (`azure:<t>` → `entra:<t>`). */
function pairedKey(key: string): string {
  const sk = parseNodeKey(key).sourceKey;
  return SOURCES.sourceKey(AZURE_PAIRED_WITH, sk.slice(sk.indexOf(':') + 1));
}
