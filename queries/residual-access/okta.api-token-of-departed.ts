/**
 * `okta.api-token-of-departed` (dormant or live): an active API token owned by the subject that
 * has not expired (`expiresAt > at`). Owner SUSPENDED: dormant (rejected while suspended, works
 * again on unsuspend). Owner DEPROVISIONED (Okta says such tokens are deprovisioned, so a listed
 * one is an inconsistency to verify) or departed only per HR while still active: live.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import type { Status } from '../../src/analysis/severity.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode} from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, t: GraphNode, status: Status, reach: Reach): Hit {
  const p = propsOf(t, NodeKind.OktaApiToken);
  return {
    via: t,
    status,
    validUntil: instant(p.expiresAt),
    reach,
    path: [a.step(s.node), edge(e), a.step(t)],
    evidence: [s.node.prov, t.prov],
    remediation: [`DELETE /api/v1/api-tokens/${t.id}`],
    facts: { expiresAt: p.expiresAt, ownerStatus: s.status },
  };
}

export const oktaApiTokenOfDeparted: Rule = {
  id: 'okta.api-token-of-departed',
  source: 'okta',
  title: 'API token of a departed admin',
  appliesTo: 'departed',
  statuses: ['dormant', 'live'],
  viaDoc: "the token's id",
  action: { verb: 'Revoke', unit: ['API token', 'API tokens'], unitKey: 'via', object: null },
  needs: { okta: ['users', 'apiTokens'] },
  evaluate(s, a) {
    // A what-if deactivation deprovisions the subject's API tokens (catalogue).
    if (s.assumed) return [];
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.HAS_API_TOKEN)) {
      const t = a.node(e.to);
      if (!t || t.kind !== NodeKind.OktaApiToken) continue;
      const p = propsOf(t, NodeKind.OktaApiToken);
      const exp = instant(p.expiresAt);
      if (exp !== null && exp <= a.at) continue;
      hits.push(hitOf(a, s, e, t, s.status === 'SUSPENDED' ? 'dormant' : 'live', namedReach('oktaUser', a.g, s.key, a.ctx)));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
WITH s, sub WHERE NOT sub.assumed
MATCH (s)-[e:${relType(EdgeKind.HAS_API_TOKEN)}]->(t:${nodeLabel(NodeKind.OktaApiToken)})
WHERE t.expiresAtMs IS NULL OR t.expiresAtMs > $at
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('t')} AS t, ${REACH('oktaUser', 's')} AS reach, CASE WHEN sub.status = 'SUSPENDED' THEN 'dormant' ELSE 'live' END AS status
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.t), row.status as Status, c.reach(row.reach)),
  },
};
