/**
 * `azure.role-held-by-departed-guest` (unverified; sources-azure.md): an enabled Entra guest
 * (`userType` Guest) that is departed (its person terminated in HR) holds an active or eligible
 * Azure role, directly or through a group. A guest signs in with its home identity, which this
 * tenant's data does not show: `unverified`. (The catalogue's `dormant` branch — the home account
 * collected and disabled — is not drawn: no collected source says which account is a guest's
 * home.) Reported beside `hr.leaver-account-enabled`, one finding per assignment or eligibility.
 */
import { AZURE_DORMANT_ROLE_NEEDS, AZURE_ROLES_MATCH, AZURE_ROLES_RETURN, azureRoleDefinition, azureRoleHit, azureRolesOf } from './azure.dormant-role.js';
import { namedReach } from '../../src/analysis/reach.js';
import { propsIf } from '../../src/model/props.js';
import { NodeKind } from '../../src/model/schema.js';
import { SUBJECTS } from '../cypher/fragments.js';
import type { Rule } from './Rule.js';

export const azureRoleHeldByDepartedGuest: Rule = {
  id: 'azure.role-held-by-departed-guest',
  source: 'azure',
  subjects: 'entra',
  title: 'A departed guest still holds an Azure role',
  appliesTo: 'departed',
  statuses: ['unverified'],
  viaDoc: "the assignment's or eligibility schedule instance's ARM id",
  action: { verb: 'Remove', unit: ['Azure role of a departed guest', 'Azure roles of departed guests'], unitKey: 'via', object: ['guest', 'guests', 'held by'], objectKey: 'subject' },
  needs: { ...AZURE_DORMANT_ROLE_NEEDS, hr: ['people'] },
  evaluate(s, a) {
    if (s.disabled || propsIf(s.node, NodeKind.EntraUser)?.userType !== 'Guest') return [];
    return azureRolesOf(a, s).map(({ group, e, n }) => azureRoleHit(a, s, group, e, n, azureRoleDefinition(a, n), 'unverified', namedReach('azureRole', a.g, n.key)));
  },
  cypher: {
    query: `${SUBJECTS}
WITH s, sub WHERE NOT sub.disabled AND s.userType = 'Guest'
${AZURE_ROLES_MATCH}
RETURN sub.key AS subject, ${AZURE_ROLES_RETURN}
ORDER BY direct, e.seq`,
    hit: (row, c) => azureRoleHit(c.a, c.s, c.maybeNode(row.grp), c.edge(row.e), c.node(row.n), c.maybeNode(row.role), 'unverified', c.reach([{ t: 'azureRole', a: row.n, def: row.role }])),
  },
};
