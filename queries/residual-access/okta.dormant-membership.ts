/** `okta.dormant-membership` (dormant): the subject is a member of an OKTA_GROUP (deactivation keeps group memberships). */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { EdgeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode} from '../../src/model/types.js';
import { relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';
import { NodeKind } from '../../src/model/schema.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, m: GraphEdge, grp: GraphNode, reach: Reach): Hit {
  return {
    via: grp,
    status: 'dormant',
    validUntil: null,
    reach,
    path: [a.step(s.node), edge(m), a.step(grp)],
    evidence: [s.node.prov, m.prov],
    remediation: [`DELETE /api/v1/groups/${grp.id}/users/${s.id}`],
  };
}

export const oktaDormantMembership: Rule = {
  id: 'okta.dormant-membership',
  source: 'okta',
  title: 'Group membership left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the group's id",
  action: { verb: 'Remove', unit: ['group membership', 'group memberships'], unitKey: 'finding', object: ['group', 'groups', 'from'], objectKey: 'via' },
  needs: { okta: ['users', 'groups', 'groupMembers'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const m of a.g.out(s.key, EdgeKind.MEMBER_OF)) {
      const grp = a.node(m.to);
      if (!grp || propsOf(grp, NodeKind.OktaGroup).type !== 'OKTA_GROUP') continue;
      hits.push(hitOf(a, s, m, grp, namedReach('oktaDirect', a.g, grp.key, a.ctx)));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[m:${relType(EdgeKind.MEMBER_OF)}]->(grp) WHERE grp.type = 'OKTA_GROUP'
RETURN sub.key AS subject, ${REL('m')} AS m, ${NODE('grp')} AS grp, ${REACH('oktaDirect', 'grp')} AS reach
ORDER BY m.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.m), c.node(row.grp), c.reach(row.reach)),
  },
};
