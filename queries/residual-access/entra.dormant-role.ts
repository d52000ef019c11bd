/**
 * `entra.dormant-role` (dormant): the subject still holds an active directory role assignment or
 * a PIM eligibility, directly or through a (role-assignable) group. An eligibility whose
 * schedule ended at or before `at` no longer counts. One finding per assignment or schedule.
 */
import { entraRolePrivilege, reachOf, transitiveGroups } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { EntraRoleEligibilityProps } from '../../src/model/types.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

export const entraDormantRole: Rule = {
  id: 'entra.dormant-role',
  source: 'entra',
  title: 'Directory role or PIM eligibility left on a disabled account',
  appliesTo: 'disabled',
  statuses: ['dormant'],
  viaDoc: "the assignment's or schedule's id",
  needs: { entra: ['users', 'groups', 'roleAssignments', 'roleEligibilitySchedules', 'groupMembers'] },
  evaluate(s, a) {
    const hits = new Map<string, Hit>();
    const holders: { key: string; via: string | null }[] = [{ key: s.key, via: null }, ...transitiveGroups(a.g, s.key).map((k) => ({ key: k, via: k }))];
    for (const h of holders) {
      for (const kind of [EdgeKind.HAS_ROLE, EdgeKind.ELIGIBLE_FOR]) {
        for (const e of a.g.out(h.key, kind)) {
          const n = a.node(e.to);
          if (!n || hits.has(n.key)) continue;
          if (n.kind === NodeKind.EntraRoleEligibility) {
            const end = instant((n.props as unknown as EntraRoleEligibilityProps).endDateTime);
            if (end !== null && end <= a.at) continue;
          } else if (n.kind !== NodeKind.EntraRoleAssignment) continue;
          const group = h.via ? a.node(h.via) : undefined;
          const role = a.g.out(n.key, EdgeKind.OF_ROLE).map((x) => a.node(x.to)).find(Boolean);
          const path = [a.step(s.node), ...(group ? [edge(EdgeKind.MEMBER_OF), a.step(group)] : []), edge(e), a.step(n), ...(role ? [edge(EdgeKind.OF_ROLE), a.step(role)] : [])];
          hits.set(n.key, {
            via: n,
            status: 'dormant',
            validUntil: null,
            reach: reachOf([entraRolePrivilege(a.g, n)]),
            path,
            evidence: [s.node.prov, n.prov],
            remediation: group
              ? [`DELETE /groups/${group.id}/members/${s.id}/$ref`]
              : n.kind === NodeKind.EntraRoleEligibility
                ? [`POST /roleManagement/directory/roleEligibilityScheduleRequests {"action":"adminRemove","principalId":"${s.id}","roleDefinitionId":"${(n.props as unknown as EntraRoleEligibilityProps).roleDefinitionId}","directoryScopeId":"${(n.props as unknown as EntraRoleEligibilityProps).directoryScopeId ?? '/'}"}`]
                : [`DELETE /roleManagement/directory/roleAssignments/${n.id}`],
          });
        }
      }
    }
    return [...hits.values()];
  },
};
