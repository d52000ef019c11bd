/**
 * `okta.service-app-credential-by-subject` (live): the System Log shows the subject creating or
 * activating client credentials of an OAuth service app, or reading its client secret; the app
 * still has an ACTIVE client secret or JWK created at or before that event; and the app holds
 * admin roles or `okta.*` scope grants. One finding per such secret or JWK.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode} from '../../src/model/types.js';
import { OKTA_CREDENTIAL_EVENTS as CREDENTIAL_EVENTS } from '../../src/model/auditVocabulary.js';
import { hasLabel, nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { credentialsOf, edge } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, init: GraphEdge, ev: GraphNode, te: GraphEdge, app: GraphNode, has: GraphEdge, cred: GraphNode, reach: Reach): Hit {
  const p = propsOf(ev, NodeKind.OktaLogEvent);
  const cp = propsOf(cred, NodeKind.OktaClientSecret, NodeKind.OktaJwk);
  const col = cred.kind === NodeKind.OktaJwk ? 'jwks' : 'secrets';
  return {
    via: cred,
    status: 'live',
    validUntil: null,
    reach,
    path: [a.step(s.node), edge(init), a.step(ev), edge(te), a.step(app), edge(has), a.step(cred), edge(EdgeKind.AUTHENTICATES_AS), a.step(app)],
    evidence: [s.node.prov, ev.prov, cred.prov],
    remediation: [`POST /api/v1/apps/${app.id}/credentials/${col}/${cred.id}/lifecycle/deactivate`, `DELETE /api/v1/apps/${app.id}/credentials/${col}/${cred.id}`],
    facts: { event: p.eventType, published: p.published, created: cp.created },
  };
}

export const oktaServiceAppCredentialBySubject: Rule = {
  id: 'okta.service-app-credential-by-subject',
  source: 'okta',
  title: 'Service-app client credential the subject created or read',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the secret's or JWK's id",
  action: { verb: 'Rotate', unit: ['client secret or key', 'client secrets and keys'], unitKey: 'via', object: ['service app', 'service apps', 'of'], objectKey: 'beforeVia' },
  needs: { okta: ['users', 'apps', 'appSecrets', 'appJwks', 'clientRoles', 'appGrants', 'logs'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    for (const init of a.g.out(s.key, EdgeKind.INITIATED)) {
      const ev = a.node(init.to);
      if (!ev || ev.kind !== NodeKind.OktaLogEvent) continue;
      const p = propsOf(ev, NodeKind.OktaLogEvent);
      const t = instant(p.published);
      if (!CREDENTIAL_EVENTS.has(p.eventType) || t === null || t > a.at) continue;
      for (const te of a.g.out(ev.key, EdgeKind.TARGETS)) {
        const app = a.node(te.to);
        if (!app || app.kind !== NodeKind.OktaApp || propsOf(app, NodeKind.OktaApp).applicationType !== 'service') continue;
        const reach = namedReach('oktaServiceApp', a.g, app.key, a.ctx);
        if (!reach.privileged) continue;
        for (const { node: cred, edge: has } of credentialsOf(a, app.key, [NodeKind.OktaClientSecret, NodeKind.OktaJwk])) {
          const cp = propsOf(cred, NodeKind.OktaClientSecret, NodeKind.OktaJwk);
          const created = instant(cp.created);
          if (cp.status !== 'ACTIVE' || created === null || created > t || hits.has(cred.key)) continue;
          hits.set(cred.key, hitOf(a, s, init, ev, te, app, has, cred, reach));
        }
      }
    }
    return [...hits.values()];
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[init:${relType(EdgeKind.INITIATED)}]->(ev:${nodeLabel(NodeKind.OktaLogEvent)})
WHERE ev.eventType IN $events AND ev.publishedMs IS NOT NULL AND ev.publishedMs <= $at
MATCH (ev)-[te:${relType(EdgeKind.TARGETS)}]->(app:${nodeLabel(NodeKind.OktaApp)}) WHERE app.applicationType = 'service'
WITH s, sub, init, ev, te, app
WHERE EXISTS { MATCH (app)-[:${relType(EdgeKind.HAS_ROLE)}]->(r:${nodeLabel(NodeKind.OktaRoleAssignment)}) WHERE coalesce(r.status, 'ACTIVE') = 'ACTIVE' }
   OR EXISTS { MATCH (app)-[:${relType(EdgeKind.HAS_GRANT)}]->(g) WHERE coalesce(g.status, 'ACTIVE') = 'ACTIVE' AND g.scopeId STARTS WITH 'okta.' }
MATCH (app)-[has:${relType(EdgeKind.HAS_CREDENTIAL)}]->(cred)
WHERE ${hasLabel('cred', [NodeKind.OktaClientSecret, NodeKind.OktaJwk])} AND cred.status = 'ACTIVE' AND cred.createdMs IS NOT NULL AND cred.createdMs <= ev.publishedMs
RETURN sub.key AS subject, cred.key AS once, ${REL('init')} AS init, ${NODE('ev')} AS ev, ${REL('te')} AS te, ${NODE('app')} AS app, ${REL('has')} AS has, ${NODE('cred')} AS cred, ${REACH('oktaServiceApp', 'app')} AS reach
ORDER BY init.seq, te.seq, has.seq`,
    params: { events: [...CREDENTIAL_EVENTS] },
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.init), c.node(row.ev), c.edge(row.te), c.node(row.app), c.edge(row.has), c.node(row.cred), c.reach(row.reach)),
  },
};
