/**
 * `okta.idp-may-reactivate` (unverified): the subject signs in through an external IdP
 * (`credentials.provider.type` FEDERATION or SOCIAL) and an IdP's provisioning policy brings the
 * subject's own status back — REACTIVATE for a DEPROVISIONED subject, UNSUSPEND for a SUSPENDED
 * one. One finding per such IdP of the subject's org.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { NodeKind } from '../../src/model/schema.js';
import type { GraphNode} from '../../src/model/types.js';
import { nodeLabel } from '../../src/store/neo4jSchema.js';
import { NODE, REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, idp: GraphNode, reach: Reach): Hit {
  const provider = propsOf(s.node, NodeKind.OktaUser).providerType;
  return {
    via: idp,
    status: 'unverified',
    validUntil: null,
    reach,
    path: [a.step(s.node), { edge: 'MAY_BE_REACTIVATED_BY' }, a.step(idp)],
    evidence: [s.node.prov, idp.prov],
    remediation: [
      `PUT /api/v1/idps/${idp.id} with policy.provisioning.conditions.${s.status === 'DEPROVISIONED' ? 'deprovisioned' : 'suspended'}.action = "NONE"`,
    ],
    facts: { providerType: provider, status: s.status },
  };
}

export const oktaIdpMayReactivate: Rule = {
  id: 'okta.idp-may-reactivate',
  source: 'okta',
  title: 'An identity provider can bring the account back',
  appliesTo: 'departed',
  statuses: ['unverified'],
  viaDoc: "the IdP's id",
  action: { verb: 'Change the provisioning policy of', unit: ['identity provider', 'identity providers'], unitKey: 'via', object: null },
  needs: { okta: ['users', 'idps'] },
  evaluate(s, a) {
    const provider = propsOf(s.node, NodeKind.OktaUser).providerType;
    if (provider !== 'FEDERATION' && provider !== 'SOCIAL') return [];
    const hits: Hit[] = [];
    for (const idp of a.g.nodesOfKind(NodeKind.OktaIdentityProvider)) {
      if (idp.sourceKey !== s.node.sourceKey) continue;
      const p = propsOf(idp, NodeKind.OktaIdentityProvider);
      const back =
        (s.status === 'DEPROVISIONED' && p.deprovisionedAction === 'REACTIVATE') || (s.status === 'SUSPENDED' && p.suspendedAction === 'UNSUSPEND');
      if (!back) continue;
      hits.push(hitOf(a, s, idp, namedReach(s.assumed ? 'oktaUserGroups' : 'oktaUser', a.g, s.key, a.ctx)));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
WITH s, sub WHERE s.providerType IN ['FEDERATION', 'SOCIAL']
MATCH (idp:${nodeLabel(NodeKind.OktaIdentityProvider)} {snapshot: $snapshot, source: sub.sourceKey})
WHERE (sub.status = 'DEPROVISIONED' AND idp.deprovisionedAction = 'REACTIVATE') OR (sub.status = 'SUSPENDED' AND idp.suspendedAction = 'UNSUSPEND')
RETURN sub.key AS subject, ${NODE('idp')} AS idp, CASE WHEN sub.assumed THEN ${REACH('oktaUserGroups', 's')} ELSE ${REACH('oktaUser', 's')} END AS reach
ORDER BY idp.nid`,
    hit: (row, c) => hitOf(c.a, c.s, c.node(row.idp), c.reach(row.reach)),
  },
};
