/** Okta `groupRoles`: `{groupId, role}` → (group)-[:HAS_ROLE]->(OktaRoleAssignment). */
import { roleTransform } from './common.js';

export const transformGroupRoles = roleTransform('groupId', 'group');
