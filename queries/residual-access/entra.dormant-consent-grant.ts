/** `entra.dormant-consent-grant` (dormant): a delegated consent the subject gave for itself (`consentType` Principal). */
import { NO_REACH } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraOAuth2GrantProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const entraDormantConsentGrant: Rule = {
  id: 'entra.dormant-consent-grant',
  source: 'entra',
  title: "Delegated consent left on a disabled account",
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the grant's id",
  needs: { entra: ['users', 'oauth2PermissionGrants'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.CONSENTED)) {
      const n = a.node(e.to);
      if (!n || n.kind !== NodeKind.EntraOAuth2Grant) continue;
      const p = n.props as unknown as EntraOAuth2GrantProps;
      if (p.consentType !== 'Principal' || p.principalId !== s.id) continue;
      const client = a.g.out(n.key, EdgeKind.FOR_CLIENT).map((x) => a.node(x.to)).find(Boolean);
      hits.push({
        via: n,
        status: 'dormant',
        validUntil: null,
        reach: NO_REACH,
        path: [a.step(s.node), edge(e), a.step(n), ...(client ? [edge(EdgeKind.FOR_CLIENT), a.step(client)] : [])],
        evidence: [s.node.prov, n.prov],
        remediation: [`DELETE /oauth2PermissionGrants/${n.id}`],
        facts: { scope: p.scope },
      });
    }
    return hits;
  },
};
