/**
 * `okta.shared-app-password` (live): the subject has an app user record for an app with one
 * shared username and password (`SHARED_USERNAME_AND_PASSWORD`) that Okta revealed to users
 * (`revealPassword`): the shared password outlives any one user.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import type { GraphEdge, GraphNode} from '../../src/model/types.js';
import { APP_USER_RECORDS, NODE, REL, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { appUserRecords, edge } from './ruleHelpers.js';
import { NodeKind } from '../../src/model/schema.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, app: GraphNode, au: GraphEdge): Hit {
  return {
    via: app,
    precedenceKey: app.key,
    status: 'live',
    validUntil: null,
    reach: NO_REACH,
    path: [a.step(s.node), edge(au), a.step(app)],
    evidence: [s.node.prov, au.prov, app.prov],
    remediation: [
      `Rotate the shared password in the downstream app, then PUT /api/v1/apps/${app.id} with the new credentials.password`,
      `DELETE /api/v1/apps/${app.id}/users/${s.id}`,
    ],
  };
}

export const oktaSharedAppPassword: Rule = {
  id: 'okta.shared-app-password',
  source: 'okta',
  title: 'The subject has seen a shared app password',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the app's id",
  action: { verb: 'Rotate the shared password of', unit: ['app', 'apps'], unitKey: 'via', object: null },
  needs: { okta: ['users', 'apps', 'appUsers'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    for (const { app, edge: au } of appUserRecords(a, s)) {
      const p = propsOf(app, NodeKind.OktaApp);
      if (p.scheme !== 'SHARED_USERNAME_AND_PASSWORD' || p.revealPassword !== true || hits.has(app.key)) continue;
      hits.set(app.key, hitOf(a, s, app, au));
    }
    return [...hits.values()];
  },
  cypher: {
    query: `${SUBJECTS}
${APP_USER_RECORDS}
  AND app.scheme = 'SHARED_USERNAME_AND_PASSWORD' AND app.revealPassword = true
RETURN sub.key AS subject, app.key AS once, ${NODE('app')} AS app, ${REL('au')} AS au
ORDER BY au.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.node(row.app), c.edge(row.au)),
  },
};
