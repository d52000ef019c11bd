/**
 * `entra.credential-added-by-subject` (live): the directory audit log shows the subject adding
 * a credential (`Add service principal credentials`, `Update application – Certificates and
 * secrets management`) to an application or service principal it does NOT own, and a credential
 * of that object valid at `at` has its keyId in a `newValue` of the event's modified properties
 * (as text, case-insensitive) and not in the matching `oldValue`.
 */
import { EntraActivity as Activity } from '../../src/model/auditVocabulary.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { hasLabel, nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { HOLDER_SP, NODE, REL, REACH, SUBJECTS, VALID_AT } from '../cypher/fragments.js';
import type { Hit, PathStep, Rule } from './Rule.js';
import { authenticatesAs, credentialsOf, edge, entraCredentialRemediation, holderReach, tailOf, validAt } from './ruleHelpers.js';
import { propsOf } from '../../src/model/props.js';

const ADD_ACTIVITIES = new Set<string>([Activity.addSpCredentials, Activity.updateAppCredentials]);

function hitOf(a: Analysis, s: AccountState, init: GraphEdge, ev: GraphNode, holder: GraphNode, cred: GraphNode, has: GraphEdge, reach: Reach, tail: PathStep[]): Hit {
  const cp = propsOf(cred, NodeKind.PasswordCredential, NodeKind.KeyCredential);
  const p = propsOf(ev, NodeKind.EntraAuditEvent);
  return {
    via: cred,
    status: 'live',
    validUntil: instant(cp.endDateTime),
    reach,
    path: [a.step(s.node), edge(init), a.step(ev), edge(EdgeKind.TARGETS), a.step(holder), edge(has), a.step(cred), ...authenticatesAs(tail)],
    evidence: [s.node.prov, ev.prov, cred.prov],
    remediation: entraCredentialRemediation(holder, cred),
    facts: { event: ev.id, activityDateTime: p.activityDateTime },
  };
}

export const entraCredentialAddedBySubject: Rule = {
  id: 'entra.credential-added-by-subject',
  source: 'entra',
  title: "Credential the subject added to someone else's app",
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the credential's keyId",
  action: { verb: 'Remove', unit: ['credential a leaver added', 'credentials leavers added'], unitKey: 'via', object: ['application', 'applications', 'to'], objectKey: 'beforeVia' },
  needs: { entra: ['users', 'applications', 'servicePrincipals', 'applicationOwners', 'servicePrincipalOwners', 'directoryAudits'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    const ownedKeys = new Set(a.g.out(s.key, EdgeKind.OWNS).map((e) => e.to));
    for (const init of a.g.out(s.key, EdgeKind.INITIATED)) {
      const ev = a.node(init.to);
      if (!ev || ev.kind !== NodeKind.EntraAuditEvent) continue;
      const p = propsOf(ev, NodeKind.EntraAuditEvent);
      const t = instant(p.activityDateTime);
      if (!ADD_ACTIVITIES.has(p.activity) || t === null || t > a.at) continue;
      for (const target of p.targets) {
        const tkey = a.g.out(ev.key, EdgeKind.TARGETS).find((e) => a.node(e.to)?.id === target.id)?.to;
        const holder = tkey ? a.node(tkey) : undefined;
        if (!holder || (holder.kind !== NodeKind.EntraApplication && holder.kind !== NodeKind.EntraServicePrincipal)) continue;
        if (ownedKeys.has(holder.key)) continue;
        for (const { node: cred, edge: has } of credentialsOf(a, holder.key, [NodeKind.PasswordCredential, NodeKind.KeyCredential])) {
          const cp = propsOf(cred, NodeKind.PasswordCredential, NodeKind.KeyCredential);
          if (!validAt(cp, a.at) || hits.has(cred.key)) continue;
          const keyId = cp.keyId.toLowerCase();
          const added = target.modifiedProperties.some(
            (m) => (m.newValue ?? '').toLowerCase().includes(keyId) && !(m.oldValue ?? '').toLowerCase().includes(keyId),
          );
          if (!added) continue;
          const { reach, tail } = holderReach(a, holder);
          hits.set(cred.key, hitOf(a, s, init, ev, holder, cred, has, reach, tail));
        }
      }
    }
    return [...hits.values()];
  },
  cypher: {
    // The event's targets and their modified properties are flattened at load (neo4jSchema.ts):
    // modTarget[i] / modNew[i] / modOld[i] is one modified property of the target modTarget[i],
    // its values lower-cased as the graph form compares them.
    query: `${SUBJECTS}
MATCH (s)-[init:${relType(EdgeKind.INITIATED)}]->(ev:${nodeLabel(NodeKind.EntraAuditEvent)})
WHERE ev.activity IN $activities AND ev.activityDateTimeMs IS NOT NULL AND ev.activityDateTimeMs <= $at
MATCH (ev)-[:${relType(EdgeKind.TARGETS)}]->(holder)
WHERE ${hasLabel('holder', [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal])} AND holder.id IN ev.targetIds
  AND NOT EXISTS { MATCH (s)-[:${relType(EdgeKind.OWNS)}]->(holder) }
MATCH (holder)-[has:${relType(EdgeKind.HAS_CREDENTIAL)}]->(cred)
WHERE ${hasLabel('cred', [NodeKind.PasswordCredential, NodeKind.KeyCredential])} AND ${VALID_AT('cred')}
  AND any(i IN range(0, size(ev.modTarget) - 1) WHERE ev.modTarget[i] = holder.id AND ev.modNew[i] CONTAINS cred.keyIdLower AND NOT ev.modOld[i] CONTAINS cred.keyIdLower)
RETURN sub.key AS subject, cred.key AS once, ${REL('init')} AS init, ${NODE('ev')} AS ev, ${NODE('holder')} AS holder, ${REL('has')} AS has, ${NODE('cred')} AS cred, ${REACH('entraObject', 'holder')} AS reach, ${HOLDER_SP('holder')} AS sp
ORDER BY init.seq, has.seq`,
    params: { activities: [...ADD_ACTIVITIES] },
    hit(row, c) {
      return hitOf(c.a, c.s, c.edge(row.init), c.node(row.ev), c.node(row.holder), c.node(row.cred), c.edge(row.has), c.reach(row.reach), tailOf(c.a, c.maybeNode(row.sp)));
    },
  },
};
