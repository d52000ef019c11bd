/**
 * `entra.credential-added-by-subject` (live): the directory audit log shows the subject adding
 * a credential (`Add service principal credentials`, `Update application – Certificates and
 * secrets management`) to an application or service principal it does NOT own, and a credential
 * of that object valid at `at` has its keyId in a `newValue` of the event's modified properties
 * (as text, case-insensitive) and not in the matching `oldValue`.
 */
import { Activity } from '../../ingest/entra/directoryAudits.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { EntraAuditEventProps, EntraCredentialProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { credentialsOf, edge, entraCredentialRemediation, holderReach, validAt } from './ruleHelpers.js';

const ADD_ACTIVITIES = new Set<string>([Activity.addSpCredentials, Activity.updateAppCredentials]);

export const entraCredentialAddedBySubject: Rule = {
  id: 'entra.credential-added-by-subject',
  source: 'entra',
  title: "Credential the subject added to someone else's app",
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the credential's keyId",
  needs: { entra: ['users', 'applications', 'servicePrincipals', 'applicationOwners', 'servicePrincipalOwners', 'directoryAudits'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    const ownedKeys = new Set(a.g.out(s.key, EdgeKind.OWNS).map((e) => e.to));
    for (const init of a.g.out(s.key, EdgeKind.INITIATED)) {
      const ev = a.node(init.to);
      if (!ev || ev.kind !== NodeKind.EntraAuditEvent) continue;
      const p = ev.props as unknown as EntraAuditEventProps;
      const t = instant(p.activityDateTime);
      if (!ADD_ACTIVITIES.has(p.activity) || t === null || t > a.at) continue;
      for (const target of p.targets) {
        const tkey = a.g.out(ev.key, EdgeKind.TARGETS).find((e) => a.node(e.to)?.id === target.id)?.to;
        const holder = tkey ? a.node(tkey) : undefined;
        if (!holder || (holder.kind !== NodeKind.EntraApplication && holder.kind !== NodeKind.EntraServicePrincipal)) continue;
        if (ownedKeys.has(holder.key)) continue;
        for (const { node: cred, edge: has } of credentialsOf(a, holder.key, [NodeKind.PasswordCredential, NodeKind.KeyCredential])) {
          const cp = cred.props as unknown as EntraCredentialProps;
          if (!validAt(cp, a.at) || hits.has(cred.key)) continue;
          const keyId = cp.keyId.toLowerCase();
          const added = target.modifiedProperties.some(
            (m) => (m.newValue ?? '').toLowerCase().includes(keyId) && !(m.oldValue ?? '').toLowerCase().includes(keyId),
          );
          if (!added) continue;
          const { reach, tail } = holderReach(a, holder);
          hits.set(cred.key, {
            via: cred,
            status: 'live',
            validUntil: instant(cp.endDateTime),
            reach,
            path: [a.step(s.node), edge(init), a.step(ev), edge(EdgeKind.TARGETS), a.step(holder), edge(has), a.step(cred), ...(tail.length ? [edge(EdgeKind.AUTHENTICATES_AS), tail[1]] : [])],
            evidence: [s.node.prov, ev.prov, cred.prov],
            remediation: entraCredentialRemediation(holder, cred),
            facts: { event: ev.id, activityDateTime: p.activityDateTime },
          });
        }
      }
    }
    return [...hits.values()];
  },
};
