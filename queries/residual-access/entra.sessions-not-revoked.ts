/**
 * `entra.sessions-not-revoked` (window or dormant): `signInSessionsValidFromDateTime` is null or
 * earlier than D. Within 28 h of D (the longest access-token lifetime, CAE long-lived tokens)
 * issued tokens may still work: `window` until D + 28 h; afterwards `dormant` (refresh tokens
 * come back if the account is re-enabled). With D unknown it fires only when the timestamp is
 * null, as `dormant`.
 */
import { entraRolesReach } from '../../src/analysis/reach.js';
import { HOUR_MS, instant } from '../../src/model/time.js';
import type { EntraUserProps } from '../../src/model/types.js';
import type { Rule } from './Rule.js';

export const TOKEN_WINDOW_MS = 28 * HOUR_MS;

export const entraSessionsNotRevoked: Rule = {
  id: 'entra.sessions-not-revoked',
  source: 'entra',
  title: 'Sign-in sessions were not revoked at departure',
  appliesTo: 'disabled',
  statuses: ['window', 'dormant'],
  viaDoc: "the subject's id",
  needs: { entra: ['users', 'directoryAudits'] },
  evaluate(s, a) {
    const p = s.node.props as unknown as EntraUserProps;
    const validFrom = instant(p.signInSessionsValidFromDateTime);
    const D = s.departedAt;
    if (D === null ? validFrom !== null : validFrom !== null && validFrom >= D) return [];
    const inWindow = D !== null && a.at < D + TOKEN_WINDOW_MS;
    return [
      {
        via: s.node,
        status: inWindow ? 'window' : 'dormant',
        validUntil: inWindow ? D + TOKEN_WINDOW_MS : null,
        reach: entraRolesReach(a.g, s.key),
        path: [a.step(s.node)],
        evidence: [s.node.prov, s.departedAtEvidence],
        remediation: [`POST /users/${s.id}/revokeSignInSessions`],
        facts: {
          signInSessionsValidFromDateTime: p.signInSessionsValidFromDateTime,
          departedAt: D === null ? null : new Date(D).toISOString(),
          departedAtFrom: s.departedAtFrom,
        },
      },
    ];
  },
};
