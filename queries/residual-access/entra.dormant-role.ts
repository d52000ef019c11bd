/**
 * `entra.dormant-role` (dormant): the subject still holds an active directory role assignment or
 * a PIM eligibility, directly or through a (role-assignable) group. An eligibility whose
 * schedule ended at or before `at` no longer counts. One finding per assignment or schedule.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach, transitiveGroups } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType, relTypes } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS, firstOut } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, group: GraphNode | null | undefined, e: GraphEdge, n: GraphNode, role: GraphNode | null | undefined, reach: Reach): Hit {
  const path = [a.step(s.node), ...(group ? [edge(EdgeKind.MEMBER_OF), a.step(group)] : []), edge(e), a.step(n), ...(role ? [edge(EdgeKind.OF_ROLE), a.step(role)] : [])];
  return {
    via: n,
    status: 'dormant',
    validUntil: null,
    reach,
    path,
    evidence: [s.node.prov, n.prov],
    remediation: group
      ? [`DELETE /groups/${group.id}/members/${s.id}/$ref`]
      : n.kind === NodeKind.EntraRoleEligibility
        ? [`POST /roleManagement/directory/roleEligibilityScheduleRequests {"action":"adminRemove","principalId":"${s.id}","roleDefinitionId":"${propsOf(n, NodeKind.EntraRoleEligibility).roleDefinitionId}","directoryScopeId":"${propsOf(n, NodeKind.EntraRoleEligibility).directoryScopeId ?? '/'}"}`]
        : [`DELETE /roleManagement/directory/roleAssignments/${n.id}`],
  };
}

export const entraDormantRole: Rule = {
  id: 'entra.dormant-role',
  source: 'entra',
  title: 'Directory role or PIM eligibility left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the assignment's or schedule's id",
  action: { verb: 'Remove', unit: ['directory role assignment or eligibility', 'directory role assignments and eligibilities'], unitKey: 'via', object: ['leaver account', 'leaver accounts', 'held by'], objectKey: 'subject' },
  needs: { entra: ['users', 'groups', 'roleAssignments', 'roleEligibilitySchedules', 'groupMembers'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    const holders: { key: string; via: string | null }[] = [{ key: s.key, via: null }, ...transitiveGroups(a.g, s.key).map((k) => ({ key: k, via: k }))];
    for (const h of holders) {
      for (const kind of [EdgeKind.HAS_ROLE, EdgeKind.ELIGIBLE_FOR]) {
        for (const e of a.g.out(h.key, kind)) {
          const n = a.node(e.to);
          if (!n || hits.has(n.key)) continue;
          if (n.kind === NodeKind.EntraRoleEligibility) {
            const end = instant(propsOf(n, NodeKind.EntraRoleEligibility).endDateTime);
            if (end !== null && end <= a.at) continue;
          } else if (n.kind !== NodeKind.EntraRoleAssignment) continue;
          const group = h.via ? a.node(h.via) : undefined;
          const role = a.g.out(n.key, EdgeKind.OF_ROLE).map((x) => a.node(x.to)).find(Boolean);
          hits.set(n.key, hitOf(a, s, group, e, n, role, namedReach('entraRole', a.g, n.key, a.ctx)));
        }
      }
    }
    return [...hits.values()];
  },
  cypher: {
    // Holders: the subject and every group it is in, directly or through nested groups.
    query: `${SUBJECTS}
CALL (s) { MATCH (s)-[:${relType(EdgeKind.MEMBER_OF)}*0..]->(h) RETURN DISTINCT h }
MATCH (h)-[e:${relTypes([EdgeKind.HAS_ROLE, EdgeKind.ELIGIBLE_FOR])}]->(n)
WHERE n:${nodeLabel(NodeKind.EntraRoleAssignment)}
   OR (n:${nodeLabel(NodeKind.EntraRoleEligibility)} AND (n.endDateTimeMs IS NULL OR n.endDateTimeMs > $at))
RETURN sub.key AS subject, n.key AS once, CASE WHEN h = s THEN null ELSE ${NODE('h')} END AS grp, ${REL('e')} AS e, ${NODE('n')} AS n,
  ${firstOut('n', EdgeKind.OF_ROLE)} AS role, CASE WHEN h = s THEN 0 ELSE 1 END AS direct
ORDER BY direct, e.seq`,
    hit(row, c) {
      const n = c.node(row.n);
      const role = c.maybeNode(row.role);
      return hitOf(c.a, c.s, c.maybeNode(row.grp), c.edge(row.e), n, role, c.reach([{ t: 'entraRole', a: row.n, def: row.role }]));
    },
  },
};
