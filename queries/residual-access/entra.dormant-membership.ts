/** `entra.dormant-membership` (dormant): the subject is a direct member of a group (and gets back what the group holds if re-enabled). */
import { entraRolesReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const entraDormantMembership: Rule = {
  id: 'entra.dormant-membership',
  source: 'entra',
  title: 'Group membership left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the group's id",
  needs: { entra: ['users', 'groupMembers'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.MEMBER_OF)) {
      const grp = a.node(e.to);
      if (!grp || grp.kind !== NodeKind.EntraGroup) continue;
      hits.push({
        via: grp,
        status: 'dormant',
        validUntil: null,
        reach: entraRolesReach(a.g, grp.key),
        path: [a.step(s.node), edge(e), a.step(grp)],
        evidence: [s.node.prov, e.prov],
        remediation: [`DELETE /groups/${grp.id}/members/${s.id}/$ref`],
      });
    }
    return hits;
  },
};
