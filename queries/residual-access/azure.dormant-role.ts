/**
 * `azure.dormant-role` (dormant; sources-azure.md): at any scope, an active Azure role assignment
 * or a PIM eligibility (`endDateTime` null or after `at`) whose principal is the subject — an
 * Entra account disabled or deleted in its own source, or assumed so — or a group it is a
 * transitive member of. Assignments survive deletion and no removal on disable is documented.
 * `validUntil` is a time-bound eligibility's end, or a time-bound active assignment's (its PIM
 * role assignment schedule instances', read only when that list is complete: src/model/azureSchedule.ts;
 * an assignment whose instances all ended is not active). One finding per assignment or eligibility; a
 * group-derived one is reported beside `entra.dormant-membership`. Reach: the role's privilege
 * (the azure source's `azureRole` reach and fact).
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach, transitiveGroups } from '../../src/analysis/reach.js';
import { AzureEdge, AzureKind, azureProps } from '../../src/model/azureSchema.js';
import { EdgeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType, relTypes } from '../../src/store/neo4jSchema.js';
import { CYPHER_HELPERS, NODE, REL, SUBJECTS, firstOut } from '../cypher/fragments.js';
import { assignmentActiveCypher, rowScheduledEnd, scheduleEndsCypher, scheduledEnd } from '../../src/model/azureSchedule.js';
import { azureRemediation } from './azureRuleHelpers.js';
import type { Hit, PathStep, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

/** The end of a time-bound eligibility, or of an active assignment through its schedule instances (src/model/azureSchedule.ts); else null. */
function endOf(a: Analysis, n: GraphNode): number | null {
  if (n.kind === AzureKind.AzureRoleEligibility) return instant(azureProps(n, 'AzureRoleEligibility').endDateTime);
  return scheduledEnd(a.g, n, a.ctx);
}

/** `validUntil` from a row's `ends` (the Neo4j engine's `endOf`): an eligibility's own end, else the assignment's instances'. */
export function rowEnd(row: Record<string, unknown>, n: GraphNode): number | null {
  if (n.kind === AzureKind.AzureRoleEligibility) return instant(azureProps(n, 'AzureRoleEligibility').endDateTime);
  return rowScheduledEnd(row.ends);
}

/** An Azure role hit of a subject: through `group` when not direct; `role` its definition; `validUntil` when it ends by itself. */
export function azureRoleHit(a: Analysis, s: AccountState, group: GraphNode | null | undefined, e: GraphEdge, n: GraphNode, role: GraphNode | null | undefined, status: Hit['status'], reach: Reach, validUntil: number | null): Hit {
  const path: PathStep[] = [a.step(s.node), ...(group ? [edge(EdgeKind.MEMBER_OF), a.step(group)] : []), edge(e), a.step(n), ...(role ? [edge(AzureEdge.OF_AZURE_ROLE), a.step(role)] : [])];
  return {
    via: n,
    status,
    validUntil,
    reach,
    path,
    evidence: [s.node.prov, n.prov],
    remediation: group ? [`DELETE /groups/${group.id}/members/${s.id}/$ref`, ...azureRemediation(n)] : azureRemediation(n),
  };
}

/** The role definition of an assignment or eligibility (first OF_AZURE_ROLE), when listed. */
export function azureRoleDefinition(a: Analysis, n: GraphNode): GraphNode | undefined {
  return a.g
    .out(n.key, AzureEdge.OF_AZURE_ROLE)
    .map((e) => a.node(e.to))
    .find((d) => !!d);
}

/**
 * The embedded engine's Azure roles of a subject: active assignments (not ended through their PIM
 * schedule instances) and unexpired eligibilities, directly then through each group (first way
 * wins), as `[group, edge, node, end]`.
 */
export function azureRolesOf(a: Analysis, s: AccountState): { group: GraphNode | undefined; e: GraphEdge; n: GraphNode; end: number | null }[] {
  const out = new Map<string, { group: GraphNode | undefined; e: GraphEdge; n: GraphNode; end: number | null }>();
  const holders: { key: string; group: string | null }[] = [{ key: s.key, group: null }, ...transitiveGroups(a.g, s.key).map((k) => ({ key: k, group: k }))];
  for (const h of holders) {
    for (const kind of [AzureEdge.AZURE_ROLE, AzureEdge.AZURE_ELIGIBLE]) {
      for (const e of a.g.out(h.key, kind)) {
        const n = a.node(e.to);
        if (!n || out.has(n.key) || (n.kind !== AzureKind.AzureRoleEligibility && n.kind !== AzureKind.AzureRoleAssignment)) continue;
        const end = endOf(a, n);
        if (end !== null && end <= a.at) continue;
        out.set(n.key, { group: h.group ? a.node(h.group) : undefined, e, n, end });
      }
    }
  }
  return [...out.values()];
}

/** Cypher: the subject's holders (itself and its groups, transitively) and their Azure roles, in the embedded engine's order. */
export const AZURE_ROLES_MATCH = `CALL (s) { MATCH (s)-[:${relType(EdgeKind.MEMBER_OF)}*0..]->(h) RETURN DISTINCT h }
MATCH (h)-[e:${relTypes([AzureEdge.AZURE_ROLE, AzureEdge.AZURE_ELIGIBLE])}]->(n)
WHERE (n:${nodeLabel(AzureKind.AzureRoleAssignment)} AND ${assignmentActiveCypher('n', CYPHER_HELPERS)})
   OR (n:${nodeLabel(AzureKind.AzureRoleEligibility)} AND (n.endDateTimeMs IS NULL OR n.endDateTimeMs > $at))`;

export const AZURE_ROLES_RETURN = `n.key AS once, CASE WHEN h = s THEN null ELSE ${NODE('h')} END AS grp, ${REL('e')} AS e, ${NODE('n')} AS n,
  ${firstOut('n', AzureEdge.OF_AZURE_ROLE)} AS role, CASE WHEN h = s THEN 0 ELSE 1 END AS direct, ${scheduleEndsCypher('n', CYPHER_HELPERS)} AS ends`;

export const AZURE_DORMANT_ROLE_NEEDS = {
  azure: ['managementGroups', 'subscriptions', 'roleAssignments', 'roleEligibilityScheduleInstances'],
  entra: ['users', 'groups', 'groupMembers'],
} as const;

export const azureDormantRole: Rule = {
  id: 'azure.dormant-role',
  source: 'azure',
  subjects: 'entra',
  title: 'Azure role assignment or PIM eligibility left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the assignment's or eligibility schedule instance's ARM id",
  action: { verb: 'Remove', unit: ['Azure role assignment or eligibility', 'Azure role assignments and eligibilities'], unitKey: 'via', object: ['leaver account', 'leaver accounts', 'held by'], objectKey: 'subject' },
  needs: AZURE_DORMANT_ROLE_NEEDS,
  evaluate(s, a) {
    return azureRolesOf(a, s).map(({ group, e, n, end }) => azureRoleHit(a, s, group, e, n, azureRoleDefinition(a, n), 'dormant', namedReach('azureRole', a.g, n.key, a.ctx), end));
  },
  cypher: {
    query: `${SUBJECTS}
${AZURE_ROLES_MATCH}
RETURN sub.key AS subject, ${AZURE_ROLES_RETURN}
ORDER BY direct, e.seq`,
    hit: (row, c) => azureRoleHit(c.a, c.s, c.maybeNode(row.grp), c.edge(row.e), c.node(row.n), c.maybeNode(row.role), 'dormant', c.reach([{ t: 'azureRole', a: row.n, def: row.role }]), rowEnd(row, c.node(row.n))),
  },
};
