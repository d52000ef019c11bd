/**
 * The Azure resource plane's reach (sources-azure.md "Reach, tier 0 and severity"): the privilege
 * an Azure role assignment or eligibility confers, graded by its role definition (a privileged
 * built-in or an assigning role is an admin role; Owner, User Access Administrator, RBAC
 * Administrator or an assigning custom role at the root with no condition is tier 0; other roles
 * are app access and confer no privilege), and the roles a principal holds — directly or through
 * its groups, transitively; for an application, its service principals' — in both engines: the
 * embedded functions here, the Cypher subquery (`azureReachCypher`) returning facts that
 * `AZURE_FACTS` turn into the same privileges. Declared on the source through privileges.ts.
 */
import { AzureEdge, AzureKind, azureProps, azurePropsIf } from '../../src/model/azureSchema.js';
import { assignmentActive, assignmentActiveCypher } from '../../src/model/azureSchedule.js';
import type { ReachContext } from '../../src/model/reachContext.js';
import { azureRoleLabel, gradeAzureRole } from './tiers.js';
import { parseNodeKey } from '../../src/model/ids.js';
import { type Privilege, type Reach, reachOf, transitiveGroups } from '../../src/model/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { CypherHelpers, FactContext, GraphView } from '../../src/model/source.js';
import type { GraphNode } from '../../src/model/types.js';

/** The tenant of an azure node's source (`azure:<tenant>`). */
function tenantOf(n: GraphNode): string {
  const sk = parseNodeKey(n.key).sourceKey;
  return sk.slice(sk.indexOf(':') + 1);
}

/** The role definition of an assignment or eligibility (first OF_AZURE_ROLE), when listed. */
function roleDefinition(g: GraphView, n: GraphNode): GraphNode | undefined {
  return g
    .out(n.key, AzureEdge.OF_AZURE_ROLE)
    .map((e) => g.node(e.to))
    .find((d) => !!d);
}

/** The privilege an assignment or eligibility confers with its role definition `def`, or null for app access. */
export function azurePrivilege(n: GraphNode, def: GraphNode | null | undefined): Privilege | null {
  const p = n.kind === AzureKind.AzureRoleEligibility ? azureProps(n, 'AzureRoleEligibility') : azureProps(n, 'AzureRoleAssignment');
  const grade = gradeAzureRole(p, def && !def.props.stub ? azurePropsIf(def, 'AzureRoleDefinition') : undefined, tenantOf(n));
  return grade.privileged ? { label: azureRoleLabel(grade, p.scope), tier0: grade.tier0, type: 'role', via: n.key } : null;
}

/** `azurePrivilege` reading the definition from the graph. */
export function azureRolePrivilege(g: GraphView, n: GraphNode): Privilege | null {
  return azurePrivilege(n, roleDefinition(g, n));
}

/**
 * The active Azure role assignments of a principal at `ctx.at` (not ended through their PIM
 * schedule instances: src/model/azureSchedule.ts), directly or through its groups (transitively).
 */
function activeAzureAssignments(g: GraphView, principal: string, ctx: ReachContext): GraphNode[] {
  const out: GraphNode[] = [];
  for (const holder of [principal, ...transitiveGroups(g, principal)]) {
    for (const e of g.out(holder, AzureEdge.AZURE_ROLE)) {
      const n = g.node(e.to);
      if (n?.kind === AzureKind.AzureRoleAssignment && !out.some((x) => x.key === n.key) && assignmentActive(g, n, ctx)) out.push(n);
    }
  }
  return out;
}

/**
 * The Azure roles a node signs in with or holds: an application's service principals', else its
 * own (a service principal, a managed identity, a user or a group), through groups.
 */
export function azureHolderReach(g: GraphView, key: string, ctx: ReachContext): Reach {
  const n = g.node(key);
  const principals = n?.kind === NodeKind.EntraApplication ? g.in(key, EdgeKind.INSTANCE_OF).map((e) => e.from) : [key];
  return reachOf(principals.flatMap((p) => activeAzureAssignments(g, p, ctx).map((a) => azureRolePrivilege(g, a)).filter((x): x is Privilege => x !== null)));
}

/** azureHolderReach in Cypher for `x`: binds `out` to a list of `azureRole` facts (reads `$at` and `$complete`). */
export function azureReachCypher(x: string, out: string, h: CypherHelpers): string {
  const { label: L, rel: R, node: NODE } = h;
  return `CALL (${x}) {
  CALL (${x}) {
    WITH ${x} WHERE ${x}:${L(NodeKind.EntraApplication)}
    MATCH (zp:${L(NodeKind.EntraServicePrincipal)})-[:${R(EdgeKind.INSTANCE_OF)}]->(${x}) RETURN zp
    UNION
    WITH ${x} WHERE NOT ${x}:${L(NodeKind.EntraApplication)}
    RETURN ${x} AS zp
  }
  CALL (zp) {
    CALL (zp) { MATCH (zp)-[:${R(EdgeKind.MEMBER_OF)}*0..]->(zh) RETURN DISTINCT zh }
    MATCH (zh)-[:${R(AzureEdge.AZURE_ROLE)}]->(za:${L(AzureKind.AzureRoleAssignment)})
    WHERE ${assignmentActiveCypher('za', h)}
    RETURN {t: 'azureRole', a: ${NODE('za')}, def: ${h.firstOut('za', AzureEdge.OF_AZURE_ROLE)}} AS fact
  }
  RETURN collect(fact) AS ${out}
}`;
}

/** The privileges of the facts azureReachCypher (and the azure rules' rows) return. */
export const AZURE_FACTS = {
  azureRole(f: Record<string, unknown>, c: FactContext): Privilege[] {
    const p = azurePrivilege(c.node(f.a), c.maybeNode(f.def));
    return p ? [p] : [];
  },
};
