/**
 * `okta.api-token-of-departed` (dormant or live): an active API token owned by the subject that
 * has not expired (`expiresAt > at`). Owner SUSPENDED: dormant (rejected while suspended, works
 * again on unsuspend). Owner DEPROVISIONED (Okta says such tokens are deprovisioned, so a listed
 * one is an inconsistency to verify) or departed only per HR while still active: live.
 */
import { oktaUserRolesReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { OktaApiTokenProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const oktaApiTokenOfDeparted: Rule = {
  id: 'okta.api-token-of-departed',
  source: 'okta',
  title: 'API token of a departed admin',
  appliesTo: 'departed',
  statuses: ['dormant', 'live'],
  viaDoc: "the token's id",
  needs: { okta: ['users', 'apiTokens'] },
  evaluate(s, a) {
    // A what-if deactivation deprovisions the subject's API tokens (catalogue).
    if (s.assumed) return [];
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.HAS_API_TOKEN)) {
      const t = a.node(e.to);
      if (!t || t.kind !== NodeKind.OktaApiToken) continue;
      const p = t.props as unknown as OktaApiTokenProps;
      const exp = instant(p.expiresAt);
      if (exp !== null && exp <= a.at) continue;
      hits.push({
        via: t,
        status: s.oktaStatus === 'SUSPENDED' ? 'dormant' : 'live',
        validUntil: exp,
        reach: oktaUserRolesReach(a.g, s.key),
        path: [a.step(s.node), edge(e), a.step(t)],
        evidence: [s.node.prov, t.prov],
        remediation: [`DELETE /api/v1/api-tokens/${t.id}`],
        facts: { expiresAt: p.expiresAt, ownerStatus: s.oktaStatus },
      });
    }
    return hits;
  },
};
