/**
 * The shape shared by `entra.owned-app-secret` and `entra.owned-app-certificate`: the subject
 * owns an application or service principal carrying a credential valid at `at` and — when D is
 * known and the subject is disabled in its own source — created at or before D (a credential
 * added after the disable was added by someone else).
 */
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { EntraCredentialProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { credentialsOf, edge, entraCredentialRemediation, holderReach, owned, validAt } from './ruleHelpers.js';

export const OWNED_CREDENTIAL_NEEDS = ['users', 'applications', 'applicationOwners', 'servicePrincipals', 'servicePrincipalOwners'] as const;

export function ownedCredentialRule(id: string, title: string, credKind: NodeKind): Rule {
  return {
    id,
    source: 'entra',
    title,
    appliesTo: 'departed',
    statuses: ['live'],
    viaDoc: "the credential's keyId",
    needs: { entra: OWNED_CREDENTIAL_NEEDS },
    evaluate(s, a) {
      const hits: Hit[] = [];
      const D = s.disabled ? s.departedAt : null;
      for (const { node: holder, edge: own } of owned(a, s.key, [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal])) {
        for (const { node: cred, edge: has } of credentialsOf(a, holder.key, [credKind])) {
          const p = cred.props as unknown as EntraCredentialProps;
          if (!validAt(p, a.at)) continue;
          const start = instant(p.startDateTime);
          if (D !== null && start !== null && start > D) continue;
          const { reach, tail } = holderReach(a, holder);
          hits.push({
            via: cred,
            status: 'live',
            validUntil: instant(p.endDateTime),
            reach,
            path: [a.step(s.node), edge(own), a.step(holder), edge(has), a.step(cred), ...(tail.length ? [edge(EdgeKind.AUTHENTICATES_AS), tail[1]] : [])],
            evidence: [s.node.prov, own.prov, cred.prov],
            remediation: entraCredentialRemediation(holder, cred),
            facts: { startDateTime: p.startDateTime, endDateTime: p.endDateTime, departedAt: D === null ? null : new Date(D).toISOString() },
          });
        }
      }
      return hits;
    },
  };
}
