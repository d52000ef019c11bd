/** `entra.dormant-membership` (dormant): the subject is a direct member of a group (and gets back what the group holds if re-enabled). */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, grp: GraphNode, reach: Reach): Hit {
  return {
    via: grp,
    status: 'dormant',
    validUntil: null,
    reach,
    path: [a.step(s.node), edge(e), a.step(grp)],
    evidence: [s.node.prov, e.prov],
    remediation: [`DELETE /groups/${grp.id}/members/${s.id}/$ref`],
  };
}

export const entraDormantMembership: Rule = {
  id: 'entra.dormant-membership',
  source: 'entra',
  title: 'Group membership left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the group's id",
  action: { verb: 'Remove', unit: ['group membership', 'group memberships'], unitKey: 'finding', object: ['group', 'groups', 'from'], objectKey: 'via' },
  needs: { entra: ['users', 'groupMembers'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.MEMBER_OF)) {
      const grp = a.node(e.to);
      if (!grp || grp.kind !== NodeKind.EntraGroup) continue;
      hits.push(hitOf(a, s, e, grp, namedReach('entraObject', a.g, grp.key, a.ctx)));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(EdgeKind.MEMBER_OF)}]->(grp:${nodeLabel(NodeKind.EntraGroup)})
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('grp')} AS grp, ${REACH('entraObject', 'grp')} AS reach
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.grp), c.reach(row.reach)),
  },
};
