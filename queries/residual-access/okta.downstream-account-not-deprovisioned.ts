/**
 * `okta.downstream-account-not-deprovisioned` (unverified): the subject has an app user record
 * with a downstream account (`externalId`) and either is SUSPENDED (suspend pushes nothing
 * downstream) or is DEPROVISIONED and the app does not push deactivation.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { APP_USER_RECORDS, NODE, PUSHES_DEACTIVATION, REL, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { appUserRecords, edge, pushesDeactivation } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, app: GraphNode, au: GraphEdge): Hit {
  const externalId = au.props?.externalId;
  return {
    via: app,
    precedenceKey: app.key,
    status: 'unverified',
    validUntil: null,
    reach: NO_REACH,
    path: [a.step(s.node), edge(au), a.step(app)],
    evidence: [s.node.prov, au.prov, app.prov],
    remediation: [`Deactivate or delete account ${String(externalId)} in the downstream app`, `DELETE /api/v1/apps/${app.id}/users/${s.id}`],
    facts: { externalId, status: s.status },
  };
}

export const oktaDownstreamAccountNotDeprovisioned: Rule = {
  id: 'okta.downstream-account-not-deprovisioned',
  source: 'okta',
  title: 'Downstream account may never have been deprovisioned',
  appliesTo: 'departed',
  statuses: ['unverified'],
  viaDoc: "the app's id",
  action: { verb: 'Deactivate', unit: ['downstream account', 'downstream accounts'], unitKey: 'finding', object: ['app', 'apps', 'in'], objectKey: 'via' },
  policy: { suppressedBy: ['okta.app-password-known', 'okta.shared-app-password'] },
  needs: { okta: ['users', 'apps', 'appUsers', 'appFeatures'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    for (const { app, edge: au } of appUserRecords(a, s)) {
      const externalId = au.props?.externalId;
      if (externalId === null || externalId === undefined || hits.has(app.key)) continue;
      const fires = s.status === 'SUSPENDED' || (s.status === 'DEPROVISIONED' && !pushesDeactivation(a, app));
      if (!fires) continue;
      hits.set(app.key, hitOf(a, s, app, au));
    }
    return [...hits.values()];
  },
  cypher: {
    query: `${SUBJECTS}
${APP_USER_RECORDS}
  AND au.externalId IS NOT NULL
  AND (sub.status = 'SUSPENDED' OR (sub.status = 'DEPROVISIONED' AND NOT ${PUSHES_DEACTIVATION('app')}))
RETURN sub.key AS subject, app.key AS once, ${NODE('app')} AS app, ${REL('au')} AS au
ORDER BY au.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.node(row.app), c.edge(row.au)),
  },
};
