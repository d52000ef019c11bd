/** `entra.dormant-consent-grant` (dormant): a delegated consent the subject gave for itself (`consentType` Principal). */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS, firstOut } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, n: GraphNode, client: GraphNode | null | undefined): Hit {
  const p = propsOf(n, NodeKind.EntraOAuth2Grant);
  return {
    via: n,
    status: 'dormant',
    validUntil: null,
    reach: NO_REACH,
    path: [a.step(s.node), edge(e), a.step(n), ...(client ? [edge(EdgeKind.FOR_CLIENT), a.step(client)] : [])],
    evidence: [s.node.prov, n.prov],
    remediation: [`DELETE /oauth2PermissionGrants/${n.id}`],
    facts: { scope: p.scope },
  };
}

export const entraDormantConsentGrant: Rule = {
  id: 'entra.dormant-consent-grant',
  source: 'entra',
  title: "Delegated consent left on a disabled account",
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the grant's id",
  action: { verb: 'Delete', unit: ['delegated consent grant', 'delegated consent grants'], unitKey: 'via', object: ['client application', 'client applications', 'for'], objectKey: 'last' },
  needs: { entra: ['users', 'oauth2PermissionGrants'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.CONSENTED)) {
      const n = a.node(e.to);
      if (!n || n.kind !== NodeKind.EntraOAuth2Grant) continue;
      const p = propsOf(n, NodeKind.EntraOAuth2Grant);
      if (p.consentType !== 'Principal' || p.principalId !== s.id) continue;
      const client = a.g.out(n.key, EdgeKind.FOR_CLIENT).map((x) => a.node(x.to)).find(Boolean);
      hits.push(hitOf(a, s, e, n, client));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(EdgeKind.CONSENTED)}]->(n:${nodeLabel(NodeKind.EntraOAuth2Grant)})
WHERE n.consentType = 'Principal' AND n.principalId = sub.id
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('n')} AS n, ${firstOut('n', EdgeKind.FOR_CLIENT)} AS client
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.n), c.maybeNode(row.client)),
  },
};
