/**
 * Entra collectors for delegated grants and directory roles: `oauth2PermissionGrants`,
 * `roleDefinitions`, `roleAssignments` (active) and `roleEligibilitySchedules` (PIM) — each one
 * tenant-wide paged list with the fields the rules read.
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import { ENTRA_PERMISSIONS, type EntraContext, ROLE_ASSIGNMENT_SELECT, ROLE_DEFINITION_SELECT, ROLE_ELIGIBILITY_SELECT } from './EntraContext.js';
import { graphList } from './graphPages.js';

type Raw = Record<string, unknown>;

export function collectOauth2PermissionGrants(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, '/oauth2PermissionGrants', { permission: ENTRA_PERMISSIONS.oauth2PermissionGrants });
}

export function collectRoleDefinitions(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/roleManagement/directory/roleDefinitions?$select=${ROLE_DEFINITION_SELECT}`, {
    permission: ENTRA_PERMISSIONS.roleDefinitions,
  });
}

export function collectRoleAssignments(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/roleManagement/directory/roleAssignments?$select=${ROLE_ASSIGNMENT_SELECT}`, {
    permission: ENTRA_PERMISSIONS.roleAssignments,
  });
}

export function collectRoleEligibilitySchedules(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/roleManagement/directory/roleEligibilitySchedules?$select=${ROLE_ELIGIBILITY_SELECT}`, {
    permission: ENTRA_PERMISSIONS.roleEligibilitySchedules,
  });
}
