/**
 * `okta.dormant-role` (dormant): the subject still has an admin role assignment, directly or as
 * a member of a group that holds one. A what-if deactivation removes direct admin roles.
 */
import { oktaDirectRoles, oktaRolePrivilege, reachOf } from '../../src/analysis/reach.js';
import { EdgeKind } from '../../src/model/schema.js';
import type { GraphNode } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const oktaDormantRole: Rule = {
  id: 'okta.dormant-role',
  source: 'okta',
  title: 'Admin role left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the role assignment's id",
  needs: { okta: ['users', 'userRoles', 'groupRoles', 'groupMembers'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    const add = (role: GraphNode, group: GraphNode | null) => {
      if (hits.has(role.key)) return;
      hits.set(role.key, {
        via: role,
        status: 'dormant',
        validUntil: null,
        reach: reachOf([oktaRolePrivilege(role)]),
        path: [a.step(s.node), ...(group ? [edge(EdgeKind.MEMBER_OF), a.step(group)] : []), edge(EdgeKind.HAS_ROLE), a.step(role)],
        evidence: [s.node.prov, role.prov],
        remediation: group ? [`DELETE /api/v1/groups/${group.id}/users/${s.id}`] : [`DELETE /api/v1/users/${s.id}/roles/${role.id}`],
      });
    };
    if (!s.assumed) for (const r of oktaDirectRoles(a.g, s.key)) add(r, null);
    for (const m of a.g.out(s.key, EdgeKind.MEMBER_OF)) {
      const grp = a.node(m.to);
      if (grp) for (const r of oktaDirectRoles(a.g, grp.key)) add(r, grp);
    }
    return [...hits.values()];
  },
};
