/** `okta.dormant-app-assignment` (dormant): a SUSPENDED subject keeps its app assignments (direct or through a group). */
import { NO_REACH } from '../../src/analysis/reach.js';
import type { Hit, Rule } from './Rule.js';
import { appUserRecords, edge, oktaRemoveAppUser } from './ruleHelpers.js';

export const oktaDormantAppAssignment: Rule = {
  id: 'okta.dormant-app-assignment',
  source: 'okta',
  title: 'App assignment kept by a suspended account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the app's id",
  needs: { okta: ['users', 'appUsers'] },
  evaluate(s, a) {
    if (s.oktaStatus !== 'SUSPENDED') return [];
    const hits = new Map<string, Hit>();
    for (const { app, edge: au } of appUserRecords(a, s)) {
      if (hits.has(app.key)) continue;
      hits.set(app.key, {
        via: app,
        app: app.key,
        status: 'dormant',
        validUntil: null,
        reach: NO_REACH,
        path: [a.step(s.node), edge(au), a.step(app)],
        evidence: [s.node.prov, au.prov],
        remediation: [oktaRemoveAppUser(app, s)],
      });
    }
    return [...hits.values()];
  },
};
