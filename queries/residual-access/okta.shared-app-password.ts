/**
 * `okta.shared-app-password` (live): the subject has an app user record for an app with one
 * shared username and password (`SHARED_USERNAME_AND_PASSWORD`) that Okta revealed to users
 * (`revealPassword`): the shared password outlives any one user.
 */
import { NO_REACH } from '../../src/analysis/reach.js';
import type { OktaAppProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { appUserRecords, edge } from './ruleHelpers.js';

export const oktaSharedAppPassword: Rule = {
  id: 'okta.shared-app-password',
  source: 'okta',
  title: 'The subject has seen a shared app password',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the app's id",
  needs: { okta: ['users', 'apps', 'appUsers'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    for (const { app, edge: au } of appUserRecords(a, s)) {
      const p = app.props as unknown as OktaAppProps;
      if (p.scheme !== 'SHARED_USERNAME_AND_PASSWORD' || p.revealPassword !== true || hits.has(app.key)) continue;
      hits.set(app.key, {
        via: app,
        app: app.key,
        status: 'live',
        validUntil: null,
        reach: NO_REACH,
        path: [a.step(s.node), edge(au), a.step(app)],
        evidence: [s.node.prov, au.prov, app.prov],
        remediation: [
          `Rotate the shared password in the downstream app, then PUT /api/v1/apps/${app.id} with the new credentials.password`,
          `DELETE /api/v1/apps/${app.id}/users/${s.id}`,
        ],
      });
    }
    return [...hits.values()];
  },
};
