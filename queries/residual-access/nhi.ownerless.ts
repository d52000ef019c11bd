/**
 * `nhi.ownerless` (dormant): an application or service principal whose owners are now all
 * departed — no one accountable for the machine identity remains. Reported once per departed
 * owner. An owner that is not a user account (a service principal) keeps it accountable; an
 * owner only known by reference cannot be judged and is not counted as departed.
 */
import { entraObjectReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { Rule } from './Rule.js';
import { edge, owned } from './ruleHelpers.js';

export const nhiOwnerless: Rule = {
  id: 'nhi.ownerless',
  source: 'entra',
  title: 'Machine identity left without an accountable owner',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the application's or service principal's id",
  needs: { entra: ['users', 'applicationOwners', 'servicePrincipalOwners'] },
  evaluate(s, a) {
    return owned(a, s.key, [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal])
      .filter(({ node }) => a.g.in(node.key, EdgeKind.OWNS).every((o) => a.state(o.from)?.departed === true))
      .map(({ node, edge: own }) => ({
        via: node,
        status: 'dormant' as const,
        validUntil: null,
        reach: entraObjectReach(a.g, node),
        path: [a.step(s.node), edge(own), a.step(node)],
        evidence: [s.node.prov, own.prov, node.prov],
        remediation: [
          `POST /${node.kind === NodeKind.EntraApplication ? 'applications' : 'servicePrincipals'}/${node.id}/owners/$ref {"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/<accountable owner id>"}`,
        ],
        facts: { owners: a.g.in(node.key, EdgeKind.OWNS).length },
      }));
  },
};
