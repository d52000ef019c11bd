/**
 * `entra.sessions-not-revoked` (window or dormant): `signInSessionsValidFromDateTime` is null or
 * earlier than D. Within 28 h of D (the longest access-token lifetime, CAE long-lived tokens)
 * issued tokens may still work: `window` until D + 28 h; afterwards `dormant` (refresh tokens
 * come back if the account is re-enabled). With D unknown it fires only when the timestamp is
 * null, as `dormant`.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import type { Status } from '../../src/analysis/severity.js';
import { HOUR_MS, instant } from '../../src/model/time.js';
import { REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { NodeKind } from '../../src/model/schema.js';
import { propsOf } from '../../src/model/props.js';

export const TOKEN_WINDOW_MS = 28 * HOUR_MS;

function hitOf(a: Analysis, s: AccountState, status: Status, reach: Reach): Hit {
  const p = propsOf(s.node, NodeKind.EntraUser);
  const D = s.departedAt;
  return {
    via: s.node,
    status,
    validUntil: status === 'window' && D !== null ? D + TOKEN_WINDOW_MS : null,
    reach,
    path: [a.step(s.node)],
    evidence: [s.node.prov, s.departedAtEvidence],
    remediation: [`POST /users/${s.id}/revokeSignInSessions`],
    facts: {
      signInSessionsValidFromDateTime: p.signInSessionsValidFromDateTime,
      departedAt: D === null ? null : new Date(D).toISOString(),
      departedAtFrom: s.departedAtFrom,
    },
  };
}

export const entraSessionsNotRevoked: Rule = {
  id: 'entra.sessions-not-revoked',
  source: 'entra',
  title: 'Sign-in sessions were not revoked at departure',
  appliesTo: 'disabled',
  statuses: ['window', 'dormant'],
  viaDoc: "the subject's id",
  action: { verb: 'Revoke the sign-in sessions of', unit: ['account', 'accounts'], unitKey: 'subject', object: null },
  needs: { entra: ['users', 'directoryAudits'] },
  evaluate(s, a) {
    const p = propsOf(s.node, NodeKind.EntraUser);
    const validFrom = instant(p.signInSessionsValidFromDateTime);
    const D = s.departedAt;
    if (D === null ? validFrom !== null : validFrom !== null && validFrom >= D) return [];
    const inWindow = D !== null && a.at < D + TOKEN_WINDOW_MS;
    return [hitOf(a, s, inWindow ? 'window' : 'dormant', namedReach('entraObject', a.g, s.key, a.ctx))];
  },
  cypher: {
    query: `${SUBJECTS}
WITH s, sub, s.signInSessionsValidFromDateTimeMs AS validFrom
WHERE CASE WHEN sub.departedAt IS NULL THEN validFrom IS NULL ELSE validFrom IS NULL OR validFrom < sub.departedAt END
RETURN sub.key AS subject, ${REACH('entraObject', 's')} AS reach, CASE WHEN sub.departedAt IS NOT NULL AND $at < sub.departedAt + $window THEN 'window' ELSE 'dormant' END AS status`,
    params: { window: TOKEN_WINDOW_MS },
    hit: (row, c) => hitOf(c.a, c.s, row.status as Status, c.reach(row.reach)),
  },
};
