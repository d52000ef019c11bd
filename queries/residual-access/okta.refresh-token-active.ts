/**
 * `okta.refresh-token-active` (unverified): an ACTIVE refresh token of the subject that has not
 * expired. Okta does not document that suspend or deactivate revokes refresh tokens.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode} from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS, firstOut } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, t: GraphNode, client: GraphNode | null | undefined): Hit {
  const p = propsOf(t, NodeKind.OktaRefreshToken);
  return {
    via: t,
    status: 'unverified',
    validUntil: instant(p.expiresAt),
    reach: NO_REACH,
    path: [a.step(s.node), edge(e), a.step(t), ...(client ? [edge(EdgeKind.FOR_CLIENT), a.step(client)] : [])],
    evidence: [s.node.prov, t.prov],
    remediation: [`DELETE /api/v1/users/${s.id}/sessions?oauthTokens=true`, ...(client ? [`DELETE /api/v1/users/${s.id}/clients/${client.id}/tokens/${t.id}`] : [])],
  };
}

export const oktaRefreshTokenActive: Rule = {
  id: 'okta.refresh-token-active',
  source: 'okta',
  title: 'Refresh token still active',
  appliesTo: 'departed',
  statuses: ['unverified'],
  viaDoc: "the token's id",
  action: { verb: 'Revoke', unit: ['refresh token', 'refresh tokens'], unitKey: 'via', object: ['account', 'accounts', 'of'], objectKey: 'subject' },
  needs: { okta: ['users', 'refreshTokens'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.HAS_REFRESH_TOKEN)) {
      const t = a.node(e.to);
      if (!t || t.kind !== NodeKind.OktaRefreshToken) continue;
      const p = propsOf(t, NodeKind.OktaRefreshToken);
      const exp = instant(p.expiresAt);
      if (p.status !== 'ACTIVE' || (exp !== null && exp <= a.at)) continue;
      const client = a.g.out(t.key, EdgeKind.FOR_CLIENT).map((x) => a.node(x.to)).find(Boolean);
      hits.push(hitOf(a, s, e, t, client));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(EdgeKind.HAS_REFRESH_TOKEN)}]->(t:${nodeLabel(NodeKind.OktaRefreshToken)})
WHERE t.status = 'ACTIVE' AND (t.expiresAtMs IS NULL OR t.expiresAtMs > $at)
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('t')} AS t, ${firstOut('t', EdgeKind.FOR_CLIENT)} AS client
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.t), c.maybeNode(row.client)),
  },
};
