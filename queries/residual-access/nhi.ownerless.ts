/**
 * `nhi.ownerless` (dormant): an application or service principal whose owners are now all
 * departed — no one accountable for the machine identity remains. Reported once per departed
 * owner. An owner that is not a user account (a service principal) keeps it accountable; an
 * owner only known by reference cannot be judged and is not counted as departed.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { hasLabel, relType } from '../../src/store/neo4jSchema.js';
import { DEPARTED, NODE, REL, REACH, SUBJECTS, perRegistry } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge, owned } from './ruleHelpers.js';

const MACHINE_KINDS = [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal];

function hitOf(a: Analysis, s: AccountState, node: GraphNode, own: GraphEdge, reach: Reach, owners: number): Hit {
  return {
    via: node,
    status: 'dormant' as const,
    validUntil: null,
    reach,
    path: [a.step(s.node), edge(own), a.step(node)],
    evidence: [s.node.prov, own.prov, node.prov],
    remediation: [
      `POST /${node.kind === NodeKind.EntraApplication ? 'applications' : 'servicePrincipals'}/${node.id}/owners/$ref {"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/<accountable owner id>"}`,
    ],
    facts: { owners },
  };
}

/** The query over the registered account kinds (rebuilt when a source registers). */
const QUERY = perRegistry(
  () => `${SUBJECTS}
MATCH (s)-[own:${relType(EdgeKind.OWNS)}]->(node) WHERE ${hasLabel('node', MACHINE_KINDS)}
  AND NOT EXISTS { MATCH (o)-[:${relType(EdgeKind.OWNS)}]->(node) WHERE NOT (${DEPARTED('o')}) }
RETURN sub.key AS subject, ${REL('own')} AS own, ${NODE('node')} AS node, ${REACH('entraObject', 'node')} AS reach, COUNT { ()-[:${relType(EdgeKind.OWNS)}]->(node) } AS owners
ORDER BY own.seq`,
);

export const nhiOwnerless: Rule = {
  id: 'nhi.ownerless',
  source: 'entra',
  title: 'Machine identity left without an accountable owner',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the application's or service principal's id",
  action: { verb: 'Assign an accountable owner to', unit: ['machine identity', 'machine identities'], unitKey: 'via', object: null },
  needs: { entra: ['users', 'applicationOwners', 'servicePrincipalOwners'] },
  evaluate(s, a) {
    return owned(a, s.key, MACHINE_KINDS)
      .filter(({ node }) => a.g.in(node.key, EdgeKind.OWNS).every((o) => a.state(o.from)?.departed === true))
      .map(({ node, edge: own }) => hitOf(a, s, node, own, namedReach('entraObject', a.g, node.key, a.ctx), a.g.in(node.key, EdgeKind.OWNS).length));
  },
  cypher: {
    get query() {
      return QUERY();
    },
    hit: (row, c) => hitOf(c.a, c.s, c.node(row.node), c.edge(row.own), c.reach(row.reach), Number(row.owners)),
  },
};
