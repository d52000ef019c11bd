/**
 * `entra.dormant-ownership` (dormant): the subject is an owner of an application, service
 * principal or group. Re-enabled, it could add credentials or members at once. Owners of an
 * application and of its service principal are separate lists; each object is judged alone.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { hasLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge, owned } from './ruleHelpers.js';

const COLLECTION: Record<string, string> = {
  [NodeKind.EntraApplication]: 'applications',
  [NodeKind.EntraServicePrincipal]: 'servicePrincipals',
  [NodeKind.EntraGroup]: 'groups',
};
const OWNED_KINDS = [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal, NodeKind.EntraGroup];

function hitOf(a: Analysis, s: AccountState, node: GraphNode, own: GraphEdge, reach: Reach): Hit {
  return {
    via: node,
    status: 'dormant' as const,
    validUntil: null,
    reach,
    path: [a.step(s.node), edge(own), a.step(node)],
    evidence: [s.node.prov, own.prov],
    remediation: [`DELETE /${COLLECTION[node.kind]}/${node.id}/owners/${s.id}/$ref`],
  };
}

export const entraDormantOwnership: Rule = {
  id: 'entra.dormant-ownership',
  source: 'entra',
  title: 'Ownership left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the owned object's id",
  action: { verb: 'Remove', unit: ['ownership', 'ownerships'], unitKey: 'finding', object: ['object', 'objects', 'of'], objectKey: 'via' },
  needs: { entra: ['users', 'applicationOwners', 'servicePrincipalOwners', 'groupOwners'] },
  evaluate(s, a) {
    return owned(a, s.key, OWNED_KINDS).map(({ node, edge: own }) => hitOf(a, s, node, own, namedReach('entraObject', a.g, node.key, a.ctx)));
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[own:${relType(EdgeKind.OWNS)}]->(node) WHERE ${hasLabel('node', OWNED_KINDS)}
RETURN sub.key AS subject, ${REL('own')} AS own, ${NODE('node')} AS node, ${REACH('entraObject', 'node')} AS reach
ORDER BY own.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.node(row.node), c.edge(row.own), c.reach(row.reach)),
  },
};
