/**
 * `entra.owned-app-federated-credential` (live): the subject owns an application with a
 * federated identity credential — an external workload (`issuer` + `subject`, such as a GitHub
 * repository) can get tokens for the app without any secret.
 */
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { FederatedCredentialProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { credentialsOf, edge, entraCredentialRemediation, holderReach, owned } from './ruleHelpers.js';

export const entraOwnedAppFederatedCredential: Rule = {
  id: 'entra.owned-app-federated-credential',
  source: 'entra',
  title: 'Federated credential on an app the subject owns trusts an outside workload',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the credential's id",
  needs: { entra: ['users', 'applications', 'applicationOwners', 'federatedIdentityCredentials'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const { node: app, edge: own } of owned(a, s.key, [NodeKind.EntraApplication])) {
      for (const { node: cred, edge: has } of credentialsOf(a, app.key, [NodeKind.FederatedIdentityCredential])) {
        const p = cred.props as unknown as FederatedCredentialProps;
        const { reach, tail } = holderReach(a, app);
        hits.push({
          via: cred,
          status: 'live',
          validUntil: null,
          reach,
          path: [a.step(s.node), edge(own), a.step(app), edge(has), a.step(cred), ...(tail.length ? [edge(EdgeKind.AUTHENTICATES_AS), tail[1]] : [])],
          evidence: [s.node.prov, own.prov, has.prov],
          remediation: entraCredentialRemediation(app, cred),
          facts: { issuer: p.issuer, subject: p.subject },
        });
      }
    }
    return hits;
  },
};
