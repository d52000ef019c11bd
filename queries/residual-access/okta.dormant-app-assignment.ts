/** `okta.dormant-app-assignment` (dormant): a SUSPENDED subject keeps its app assignments (direct or through a group). */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { APP_USER_RECORDS, NODE, REL, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { appUserRecords, edge, oktaRemoveAppUser } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, app: GraphNode, au: GraphEdge): Hit {
  return {
    via: app,
    precedenceKey: app.key,
    status: 'dormant',
    validUntil: null,
    reach: NO_REACH,
    path: [a.step(s.node), edge(au), a.step(app)],
    evidence: [s.node.prov, au.prov],
    remediation: [oktaRemoveAppUser(app, s)],
  };
}

export const oktaDormantAppAssignment: Rule = {
  id: 'okta.dormant-app-assignment',
  source: 'okta',
  title: 'App assignment kept by a suspended account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the app's id",
  action: { verb: 'Remove', unit: ['app assignment', 'app assignments'], unitKey: 'finding', object: ['app', 'apps', 'from'], objectKey: 'via' },
  policy: { suppressedBy: ['okta.app-password-known', 'okta.shared-app-password', 'okta.downstream-account-not-deprovisioned'] },
  needs: { okta: ['users', 'appUsers'] },
  evaluate(s, a) {
    if (s.status !== 'SUSPENDED') return [];
    const hits = new Map<string, Hit>();
    for (const { app, edge: au } of appUserRecords(a, s)) {
      if (hits.has(app.key)) continue;
      hits.set(app.key, hitOf(a, s, app, au));
    }
    return [...hits.values()];
  },
  cypher: {
    query: `${SUBJECTS}
WITH s, sub WHERE sub.status = 'SUSPENDED'
${APP_USER_RECORDS}
RETURN sub.key AS subject, app.key AS once, ${NODE('app')} AS app, ${REL('au')} AS au
ORDER BY au.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.node(row.app), c.edge(row.au)),
  },
};
