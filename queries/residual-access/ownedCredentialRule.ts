/**
 * The shape shared by `entra.owned-app-secret` and `entra.owned-app-certificate`: the subject
 * owns an application or service principal carrying a credential valid at `at` and — when D is
 * known and the subject is disabled in its own source — created at or before D (a credential
 * added after the disable was added by someone else).
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { HOLDER_SP, NODE, REL, REACH, SUBJECTS, VALID_AT } from '../cypher/fragments.js';
import type { Hit, PathStep, RemediationAction, Rule } from './Rule.js';
import { authenticatesAs, credentialsOf, edge, entraCredentialRemediation, holderReach, owned, tailOf, validAt } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

const OWNED_CREDENTIAL_NEEDS = ['users', 'applications', 'applicationOwners', 'servicePrincipals', 'servicePrincipalOwners'] as const;

function hitOf(a: Analysis, s: AccountState, holder: GraphNode, own: GraphEdge, cred: GraphNode, has: GraphEdge, reach: Reach, tail: PathStep[], D: number | null): Hit {
  const p = propsOf(cred, NodeKind.PasswordCredential, NodeKind.KeyCredential);
  return {
    via: cred,
    status: 'live',
    validUntil: instant(p.endDateTime),
    reach,
    path: [a.step(s.node), edge(own), a.step(holder), edge(has), a.step(cred), ...authenticatesAs(tail)],
    evidence: [s.node.prov, own.prov, cred.prov],
    remediation: entraCredentialRemediation(holder, cred),
    facts: { startDateTime: p.startDateTime, endDateTime: p.endDateTime, departedAt: D === null ? null : new Date(D).toISOString() },
  };
}

export function ownedCredentialRule(id: string, title: string, credKind: NodeKind, action: RemediationAction): Rule {
  return {
    id,
    source: 'entra',
    title,
    appliesTo: 'departed',
    statuses: ['live'],
    viaDoc: "the credential's keyId",
    action,
    needs: { entra: OWNED_CREDENTIAL_NEEDS },
    evaluate(s, a) {
      const hits: Hit[] = [];
      const D = s.disabled ? s.departedAt : null;
      for (const { node: holder, edge: own } of owned(a, s.key, [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal])) {
        for (const { node: cred, edge: has } of credentialsOf(a, holder.key, [credKind])) {
          const p = propsOf(cred, NodeKind.PasswordCredential, NodeKind.KeyCredential);
          if (!validAt(p, a.at)) continue;
          const start = instant(p.startDateTime);
          if (D !== null && start !== null && start > D) continue;
          const { reach, tail } = holderReach(a, holder);
          hits.push(hitOf(a, s, holder, own, cred, has, reach, tail, D));
        }
      }
      return hits;
    },
    cypher: {
      query: `${SUBJECTS}
MATCH (s)-[own:${relType(EdgeKind.OWNS)}]->(holder) WHERE holder:${nodeLabel(NodeKind.EntraApplication)} OR holder:${nodeLabel(NodeKind.EntraServicePrincipal)}
MATCH (holder)-[has:${relType(EdgeKind.HAS_CREDENTIAL)}]->(cred:${nodeLabel(credKind)})
WHERE ${VALID_AT('cred')}
  AND NOT (sub.disabled AND sub.departedAt IS NOT NULL AND cred.startDateTimeMs IS NOT NULL AND cred.startDateTimeMs > sub.departedAt)
RETURN sub.key AS subject, ${REL('own')} AS own, ${NODE('holder')} AS holder, ${REL('has')} AS has, ${NODE('cred')} AS cred, ${REACH('entraObject', 'holder')} AS reach, ${HOLDER_SP('holder')} AS sp
ORDER BY own.seq, has.seq`,
      hit(row, c) {
        const D = c.s.disabled ? c.s.departedAt : null;
        return hitOf(c.a, c.s, c.node(row.holder), c.edge(row.own), c.node(row.cred), c.edge(row.has), c.reach(row.reach), tailOf(c.a, c.maybeNode(row.sp)), D);
      },
    },
  };
}
