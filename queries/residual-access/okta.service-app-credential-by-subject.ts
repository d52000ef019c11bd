/**
 * `okta.service-app-credential-by-subject` (live): the System Log shows the subject creating or
 * activating client credentials of an OAuth service app, or reading its client secret; the app
 * still has an ACTIVE client secret or JWK created at or before that event; and the app holds
 * admin roles or `okta.*` scope grants. One finding per such secret or JWK.
 */
import { oktaServiceAppReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { OktaAppProps, OktaClientCredentialProps, OktaLogEventProps } from '../../src/model/types.js';
import { CREDENTIAL_EVENTS } from '../../ingest/okta/logs.js';
import type { Hit, Rule } from './Rule.js';
import { credentialsOf, edge } from './ruleHelpers.js';

export const oktaServiceAppCredentialBySubject: Rule = {
  id: 'okta.service-app-credential-by-subject',
  source: 'okta',
  title: 'Service-app client credential the subject created or read',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the secret's or JWK's id",
  needs: { okta: ['users', 'apps', 'appSecrets', 'appJwks', 'clientRoles', 'appGrants', 'logs'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    for (const init of a.g.out(s.key, EdgeKind.INITIATED)) {
      const ev = a.node(init.to);
      if (!ev || ev.kind !== NodeKind.OktaLogEvent) continue;
      const p = ev.props as unknown as OktaLogEventProps;
      const t = instant(p.published);
      if (!CREDENTIAL_EVENTS.has(p.eventType) || t === null || t > a.at) continue;
      for (const te of a.g.out(ev.key, EdgeKind.TARGETS)) {
        const app = a.node(te.to);
        if (!app || app.kind !== NodeKind.OktaApp || (app.props as unknown as OktaAppProps).applicationType !== 'service') continue;
        const reach = oktaServiceAppReach(a.g, app.key);
        if (!reach.privileged) continue;
        for (const { node: cred, edge: has } of credentialsOf(a, app.key, [NodeKind.OktaClientSecret, NodeKind.OktaJwk])) {
          const cp = cred.props as unknown as OktaClientCredentialProps;
          const created = instant(cp.created);
          if (cp.status !== 'ACTIVE' || created === null || created > t || hits.has(cred.key)) continue;
          const col = cred.kind === NodeKind.OktaJwk ? 'jwks' : 'secrets';
          hits.set(cred.key, {
            via: cred,
            status: 'live',
            validUntil: null,
            reach,
            path: [a.step(s.node), edge(init), a.step(ev), edge(te), a.step(app), edge(has), a.step(cred), edge(EdgeKind.AUTHENTICATES_AS), a.step(app)],
            evidence: [s.node.prov, ev.prov, cred.prov],
            remediation: [
              `POST /api/v1/apps/${app.id}/credentials/${col}/${cred.id}/lifecycle/deactivate`,
              `DELETE /api/v1/apps/${app.id}/credentials/${col}/${cred.id}`,
            ],
            facts: { event: p.eventType, published: p.published, created: cp.created },
          });
        }
      }
    }
    return [...hits.values()];
  },
};
