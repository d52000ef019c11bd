/**
 * `entra.dormant-ownership` (dormant): the subject is an owner of an application, service
 * principal or group. Re-enabled, it could add credentials or members at once. Owners of an
 * application and of its service principal are separate lists; each object is judged alone.
 */
import { entraObjectReach } from '../../src/analysis/reach.js';
import { NodeKind } from '../../src/model/schema.js';
import type { Rule } from './Rule.js';
import { edge, owned } from './ruleHelpers.js';

const COLLECTION: Record<string, string> = {
  [NodeKind.EntraApplication]: 'applications',
  [NodeKind.EntraServicePrincipal]: 'servicePrincipals',
  [NodeKind.EntraGroup]: 'groups',
};

export const entraDormantOwnership: Rule = {
  id: 'entra.dormant-ownership',
  source: 'entra',
  title: 'Ownership left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the owned object's id",
  needs: { entra: ['users', 'applicationOwners', 'servicePrincipalOwners', 'groupOwners'] },
  evaluate(s, a) {
    return owned(a, s.key, [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal, NodeKind.EntraGroup]).map(({ node, edge: own }) => ({
      via: node,
      status: 'dormant' as const,
      validUntil: null,
      reach: entraObjectReach(a.g, node),
      path: [a.step(s.node), edge(own), a.step(node)],
      evidence: [s.node.prov, own.prov],
      remediation: [`DELETE /${COLLECTION[node.kind]}/${node.id}/owners/${s.id}/$ref`],
    }));
  },
};
