/**
 * `okta.dormant-role` (dormant): the subject still has an admin role assignment, directly or as
 * a member of a group that holds one. A what-if deactivation removes direct admin roles.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphNode } from '../../src/model/types.js';
import { propsOf } from '../../src/model/props.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, role: GraphNode, group: GraphNode | null, reach: Reach): Hit {
  return {
    via: role,
    status: 'dormant',
    validUntil: null,
    reach,
    path: [a.step(s.node), ...(group ? [edge(EdgeKind.MEMBER_OF), a.step(group)] : []), edge(EdgeKind.HAS_ROLE), a.step(role)],
    evidence: [s.node.prov, role.prov],
    remediation: group ? [`DELETE /api/v1/groups/${group.id}/users/${s.id}`] : [`DELETE /api/v1/users/${s.id}/roles/${role.id}`],
  };
}

const ROLE = nodeLabel(NodeKind.OktaRoleAssignment);

export const oktaDormantRole: Rule = {
  id: 'okta.dormant-role',
  source: 'okta',
  title: 'Admin role left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the role assignment's id",
  action: { verb: 'Remove', unit: ['admin role assignment', 'admin role assignments'], unitKey: 'via', object: ['account', 'accounts', 'from'], objectKey: 'subject' },
  needs: { okta: ['users', 'userRoles', 'groupRoles', 'groupMembers'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    const add = (role: GraphNode, group: GraphNode | null) => {
      if (hits.has(role.key)) return;
      hits.set(role.key, hitOf(a, s, role, group, namedReach('oktaRole', a.g, role.key, a.ctx)));
    };
    // The active admin roles a holder holds itself (as the Cypher form's `coalesce(role.status, 'ACTIVE')`).
    const directRoles = (holder: string) =>
      a.g
        .out(holder, EdgeKind.HAS_ROLE)
        .map((e) => a.g.node(e.to))
        .filter((n): n is GraphNode => !!n && n.kind === NodeKind.OktaRoleAssignment && (propsOf(n, NodeKind.OktaRoleAssignment).status ?? 'ACTIVE') === 'ACTIVE');
    if (!s.assumed) for (const r of directRoles(s.key)) add(r, null);
    for (const m of a.g.out(s.key, EdgeKind.MEMBER_OF)) {
      const grp = a.node(m.to);
      if (grp) for (const r of directRoles(grp.key)) add(r, grp);
    }
    return [...hits.values()];
  },
  cypher: {
    query: `${SUBJECTS}
CALL (s, sub) {
  MATCH (s)-[hr:${relType(EdgeKind.HAS_ROLE)}]->(role:${ROLE}) WHERE NOT sub.assumed AND coalesce(role.status, 'ACTIVE') = 'ACTIVE'
  RETURN null AS grp, role, 0 AS o1, hr.seq AS o2, 0 AS o3
  UNION ALL
  MATCH (s)-[m:${relType(EdgeKind.MEMBER_OF)}]->(grp)-[hr:${relType(EdgeKind.HAS_ROLE)}]->(role:${ROLE}) WHERE coalesce(role.status, 'ACTIVE') = 'ACTIVE'
  RETURN grp, role, 1 AS o1, m.seq AS o2, hr.seq AS o3
}
RETURN sub.key AS subject, role.key AS once, ${NODE('grp')} AS grp, ${NODE('role')} AS role
ORDER BY o1, o2, o3`,
    hit(row, c) {
      const role = c.node(row.role);
      return hitOf(c.a, c.s, role, c.maybeNode(row.grp), c.reach([{ t: 'oktaRole', a: row.role }]));
    },
  },
};
