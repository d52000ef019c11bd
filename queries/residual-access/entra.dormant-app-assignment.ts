/** `entra.dormant-app-assignment` (dormant): the subject directly holds an app role assignment to a service principal (app access). */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS, firstOut } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, n: GraphNode, res: GraphNode | null | undefined): Hit {
  return {
    via: n,
    status: 'dormant',
    validUntil: null,
    reach: NO_REACH,
    path: [a.step(s.node), edge(e), a.step(n), ...(res ? [edge(EdgeKind.ON_RESOURCE), a.step(res)] : [])],
    evidence: [s.node.prov, n.prov],
    remediation: [`DELETE /servicePrincipals/${propsOf(n, NodeKind.EntraAppRoleAssignment).resourceId}/appRoleAssignedTo/${n.id}`],
  };
}

export const entraDormantAppAssignment: Rule = {
  id: 'entra.dormant-app-assignment',
  source: 'entra',
  title: 'App assignment left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the assignment's id",
  action: { verb: 'Remove', unit: ['app role assignment', 'app role assignments'], unitKey: 'via', object: ['application', 'applications', 'on'], objectKey: 'last' },
  needs: { entra: ['users', 'appRoleAssignments'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.HAS_APP_ROLE)) {
      const n = a.node(e.to);
      if (!n || n.kind !== NodeKind.EntraAppRoleAssignment) continue;
      const res = a.g.out(n.key, EdgeKind.ON_RESOURCE).map((x) => a.node(x.to)).find(Boolean);
      hits.push(hitOf(a, s, e, n, res));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(EdgeKind.HAS_APP_ROLE)}]->(n:${nodeLabel(NodeKind.EntraAppRoleAssignment)})
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('n')} AS n, ${firstOut('n', EdgeKind.ON_RESOURCE)} AS res
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.n), c.maybeNode(row.res)),
  },
};
