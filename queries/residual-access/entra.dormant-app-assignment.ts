/** `entra.dormant-app-assignment` (dormant): the subject directly holds an app role assignment to a service principal (app access). */
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraAppRoleAssignmentProps } from '../../src/model/types.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const entraDormantAppAssignment: Rule = {
  id: 'entra.dormant-app-assignment',
  source: 'entra',
  title: 'App assignment left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the assignment's id",
  needs: { entra: ['users', 'appRoleAssignments'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, EdgeKind.HAS_APP_ROLE)) {
      const n = a.node(e.to);
      if (!n || n.kind !== NodeKind.EntraAppRoleAssignment) continue;
      const res = a.g.out(n.key, EdgeKind.ON_RESOURCE).map((x) => a.node(x.to)).find(Boolean);
      hits.push({
        via: n,
        status: 'dormant',
        validUntil: null,
        reach: NO_REACH,
        path: [a.step(s.node), edge(e), a.step(n), ...(res ? [edge(EdgeKind.ON_RESOURCE), a.step(res)] : [])],
        evidence: [s.node.prov, n.prov],
        remediation: [`DELETE /servicePrincipals/${(n.props as unknown as EntraAppRoleAssignmentProps).resourceId}/appRoleAssignedTo/${n.id}`],
      });
    }
    return hits;
  },
};
