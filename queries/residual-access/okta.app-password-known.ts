/**
 * `okta.app-password-known` (live): the subject has an app user record (direct or through a
 * group) for a password app (AUTO_LOGIN, BROWSER_PLUGIN, SECURE_PASSWORD_STORE, BASIC_AUTH) whose
 * credential scheme lets the user set or see the password: the subject knows a password the app
 * accepts without Okta. Not when the subject is DEPROVISIONED and the app pushes deactivation.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import type { GraphEdge, GraphNode} from '../../src/model/types.js';
import { APP_USER_RECORDS, NODE, PUSHES_DEACTIVATION, REL, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { appUserRecords, edge, oktaRemoveAppUser, pushesDeactivation } from './ruleHelpers.js';
import { NodeKind } from '../../src/model/schema.js';
import { propsOf } from '../../src/model/props.js';

const PASSWORD_MODES = new Set(['AUTO_LOGIN', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'BASIC_AUTH']);
const USER_KNOWS = new Set(['EDIT_USERNAME_AND_PASSWORD', 'EDIT_PASSWORD_ONLY', 'EXTERNAL_PASSWORD_SYNC']);

function hitOf(a: Analysis, s: AccountState, app: GraphNode, au: GraphEdge): Hit {
  const p = propsOf(app, NodeKind.OktaApp);
  return {
    via: app,
    precedenceKey: app.key,
    status: 'live',
    validUntil: null,
    reach: NO_REACH,
    path: [a.step(s.node), edge(au), a.step(app)],
    evidence: [s.node.prov, au.prov, app.prov],
    remediation: ['Change the password in the downstream app (the subject knows it)', oktaRemoveAppUser(app, s)],
    facts: { signOnMode: p.signOnMode, scheme: p.scheme, scope: au.props?.scope ?? null },
  };
}

export const oktaAppPasswordKnown: Rule = {
  id: 'okta.app-password-known',
  source: 'okta',
  title: 'The subject knows a password the app accepts without Okta',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the app's id",
  action: { verb: 'Change the password a leaver knows for', unit: ['app account', 'app accounts'], unitKey: 'finding', object: ['app', 'apps', 'in'], objectKey: 'via' },
  needs: { okta: ['users', 'apps', 'appUsers', 'appFeatures'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    for (const { app, edge: au } of appUserRecords(a, s)) {
      const p = propsOf(app, NodeKind.OktaApp);
      if (!PASSWORD_MODES.has(p.signOnMode ?? '') || !USER_KNOWS.has(p.scheme ?? '')) continue;
      if (s.status === 'DEPROVISIONED' && pushesDeactivation(a, app)) continue;
      if (hits.has(app.key)) continue;
      hits.set(app.key, hitOf(a, s, app, au));
    }
    return [...hits.values()];
  },
  cypher: {
    query: `${SUBJECTS}
${APP_USER_RECORDS}
  AND app.signOnMode IN $passwordModes AND app.scheme IN $userKnows
  AND NOT (sub.status = 'DEPROVISIONED' AND ${PUSHES_DEACTIVATION('app')})
RETURN sub.key AS subject, app.key AS once, ${NODE('app')} AS app, ${REL('au')} AS au
ORDER BY au.seq`,
    params: { passwordModes: [...PASSWORD_MODES], userKnows: [...USER_KNOWS] },
    hit: (row, c) => hitOf(c.a, c.s, c.node(row.app), c.edge(row.au)),
  },
};
