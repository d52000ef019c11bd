/**
 * What the Azure lines imply once every source is loaded (the source's `derive`, run by
 * src/store/deriveGraph.ts): who holds each role assignment and PIM eligibility. `principalId`
 * is an Entra object id of the paired tenant (`manifest.tenant`, sources-azure.md): the holder is
 * that tenant's user, group or service principal, and a user-assigned managed identity of this
 * folder whose `principalId` it is (a managed identity's service principal may be listed in Entra
 * too: both hold it). An assignment whose principal matches nothing (deleted for good) gets no
 * holder: hygiene, not a finding. And when each active assignment ends: its PIM role assignment
 * schedule instances (`SCHEDULED_BY`).
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
  deriveSchedules(w);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const lower = (v: unknown): string => (typeof v === 'string' ? v.trim().replace(/\/+$/, '').toLowerCase() : '');

/**
 * Each PIM role assignment schedule instance to the active assignment it schedules. Microsoft's
 * example (azure-rest-api-specs, Authorization 2020-10-01, GetRoleAssignmentScheduleInstancesByScope)
 * gives `originRoleAssignmentId` as the assignment's full ARM id and the instance's `name` as the
 * assignment's GUID; both shapes are read: the origin id (case-insensitive), a bare-GUID origin as
 * the assignment's name at the instance's scope, else the instance's own name at its scope.
 */
function deriveSchedules(w: DeriveWriter): void {
  const byId = new Map<string, number>();
  const byName = new Map<string, number>();
  for (const r of w.nodesOf(AzureKind.AzureRoleAssignment)) {
    const sk = parseNodeKey(r.key).sourceKey;
    const id = parseNodeKey(r.key).id;
    byId.set(`${sk}|${lower(id)}`, r.nid);
    byName.set(`${sk}|${lower(r.props.scope) || '/'}|${lower(r.props.name)}`, r.nid);
  }
  for (const r of w.nodesOf(AzureKind.AzureRoleAssignmentInstance)) {
    const sk = parseNodeKey(r.key).sourceKey;
    const scope = lower(r.props.scope) || '/';
    const origin = lower(r.props.originRoleAssignmentId);
    const target =
      (origin && !GUID.test(origin) ? byId.get(`${sk}|${origin}`) : undefined) ??
      (GUID.test(origin) ? byName.get(`${sk}|${scope}|${origin}`) : undefined) ??
      (origin ? undefined : byName.get(`${sk}|${scope}|${lower(r.props.name)}`));
    if (target !== undefined) w.putEdge(AzureEdge.SCHEDULED_BY, target, r.nid);
  }
}

/** The Entra source key paired with an azure node's source (`azure:<t>` → `entra:<t>`). */
function pairedKey(key: string): string {
  const sk = parseNodeKey(key).sourceKey;
  return SOURCES.sourceKey(AZURE_PAIRED_WITH, sk.slice(sk.indexOf(':') + 1));
}
