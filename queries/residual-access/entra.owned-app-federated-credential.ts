/**
 * `entra.owned-app-federated-credential` (live): the subject owns an application with a
 * federated identity credential — an external workload (`issuer` + `subject`, such as a GitHub
 * repository) can get tokens for the app without any secret.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { HOLDER_SP, NODE, REL, REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, PathStep, Rule } from './Rule.js';
import { authenticatesAs, credentialsOf, edge, entraCredentialRemediation, holderReach, owned, tailOf } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, app: GraphNode, own: GraphEdge, cred: GraphNode, has: GraphEdge, reach: Reach, tail: PathStep[]): Hit {
  const p = propsOf(cred, NodeKind.FederatedIdentityCredential);
  return {
    via: cred,
    status: 'live',
    validUntil: null,
    reach,
    path: [a.step(s.node), edge(own), a.step(app), edge(has), a.step(cred), ...authenticatesAs(tail)],
    evidence: [s.node.prov, own.prov, has.prov],
    remediation: entraCredentialRemediation(app, cred),
    facts: { issuer: p.issuer, subject: p.subject },
  };
}

export const entraOwnedAppFederatedCredential: Rule = {
  id: 'entra.owned-app-federated-credential',
  source: 'entra',
  title: 'Federated credential on an app the subject owns trusts an outside workload',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the credential's id",
  action: { verb: 'Remove', unit: ['federated credential', 'federated credentials'], unitKey: 'via', object: ['application', 'applications', 'from'], objectKey: 'beforeVia' },
  needs: { entra: ['users', 'applications', 'applicationOwners', 'federatedIdentityCredentials'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const { node: app, edge: own } of owned(a, s.key, [NodeKind.EntraApplication])) {
      for (const { node: cred, edge: has } of credentialsOf(a, app.key, [NodeKind.FederatedIdentityCredential])) {
        const { reach, tail } = holderReach(a, app);
        hits.push(hitOf(a, s, app, own, cred, has, reach, tail));
      }
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[own:${relType(EdgeKind.OWNS)}]->(app:${nodeLabel(NodeKind.EntraApplication)})-[has:${relType(EdgeKind.HAS_CREDENTIAL)}]->(cred:${nodeLabel(NodeKind.FederatedIdentityCredential)})
RETURN sub.key AS subject, ${REL('own')} AS own, ${NODE('app')} AS app, ${REL('has')} AS has, ${NODE('cred')} AS cred, ${REACH('entraObject', 'app')} AS reach, ${HOLDER_SP('app')} AS sp
ORDER BY own.seq, has.seq`,
    hit(row, c) {
      return hitOf(c.a, c.s, c.node(row.app), c.edge(row.own), c.node(row.cred), c.edge(row.has), c.reach(row.reach), tailOf(c.a, c.maybeNode(row.sp)));
    },
  },
};
