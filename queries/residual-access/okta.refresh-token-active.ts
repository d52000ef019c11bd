/**
 * `okta.refresh-token-active` (unverified): an ACTIVE refresh token of the subject that has not
 * expired. Okta does not document that suspend or deactivate revokes refresh tokens.
 */
import { NO_REACH } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { OktaRefreshTokenProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const oktaRefreshTokenActive: Rule = {
  id: 'okta.refresh-token-active',
  source: 'okta',
  title: 'Refresh token still active',
  appliesTo: 'departed',
  statuses: ['unverified'],
  viaDoc: "the token's id",
  needs: { okta: ['users', 'refreshTokens'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.HAS_REFRESH_TOKEN)) {
      const t = a.node(e.to);
      if (!t || t.kind !== NodeKind.OktaRefreshToken) continue;
      const p = t.props as unknown as OktaRefreshTokenProps;
      const exp = instant(p.expiresAt);
      if (p.status !== 'ACTIVE' || (exp !== null && exp <= a.at)) continue;
      const client = a.g.out(t.key, EdgeKind.FOR_CLIENT).map((x) => a.node(x.to)).find(Boolean);
      hits.push({
        via: t,
        status: 'unverified',
        validUntil: exp,
        reach: NO_REACH,
        path: [a.step(s.node), edge(e), a.step(t), ...(client ? [edge(EdgeKind.FOR_CLIENT), a.step(client)] : [])],
        evidence: [s.node.prov, t.prov],
        remediation: [`DELETE /api/v1/users/${s.id}/sessions?oauthTokens=true`, ...(client ? [`DELETE /api/v1/users/${s.id}/clients/${client.id}/tokens/${t.id}`] : [])],
      });
    }
    return hits;
  },
};
