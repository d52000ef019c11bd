/** Okta `userRoles`: `{userId, role}` → (user)-[:HAS_ROLE]->(OktaRoleAssignment). */
import { roleTransform } from './common.js';

export const transformUserRoles = roleTransform('userId', 'user');
