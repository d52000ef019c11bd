/** `okta.dormant-membership` (dormant): the subject is a member of an OKTA_GROUP (deactivation keeps group memberships). */
import { oktaDirectRoles, oktaRolePrivilege, reachOf } from '../../src/analysis/reach.js';
import { EdgeKind } from '../../src/model/schema.js';
import type { OktaGroupProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const oktaDormantMembership: Rule = {
  id: 'okta.dormant-membership',
  source: 'okta',
  title: 'Group membership left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the group's id",
  needs: { okta: ['users', 'groups', 'groupMembers'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const m of a.g.out(s.key, EdgeKind.MEMBER_OF)) {
      const grp = a.node(m.to);
      if (!grp || (grp.props as unknown as OktaGroupProps).type !== 'OKTA_GROUP') continue;
      hits.push({
        via: grp,
        status: 'dormant',
        validUntil: null,
        reach: reachOf(oktaDirectRoles(a.g, grp.key).map(oktaRolePrivilege)),
        path: [a.step(s.node), edge(m), a.step(grp)],
        evidence: [s.node.prov, m.prov],
        remediation: [`DELETE /api/v1/groups/${grp.id}/users/${s.id}`],
      });
    }
    return hits;
  },
};
