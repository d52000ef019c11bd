/** Okta `clientRoles`: `{clientId, role}` → (OAuth service app)-[:HAS_ROLE]->(OktaRoleAssignment). */
import { roleTransform } from './common.js';

export const transformClientRoles = roleTransform('clientId', 'client');
