/**
 * What every Entra dataset collector receives: the Graph session and the options of this run.
 * Also the `$select` lists — the fields the residual-access rules read, per dataset — so that
 * tenant sweeps and one-subject collections ask Graph for exactly the same shape.
 */
import type { GraphSession } from './client.js';

export const COLLECTOR_VERSION = 'revenant-collect-entra/1';

export interface EntraContext {
  session: GraphSession;
  /** Lower bound of `directoryAudits.activityDateTime` (ISO); default: everything Entra retains. */
  since?: string;
  /** Upper bound of the audit window (ISO); default: no bound. */
  until?: string;
}

export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'mail',
  'accountEnabled',
  'userType',
  'employeeId',
  'employeeLeaveDateTime',
  'onPremisesSyncEnabled',
  'signInSessionsValidFromDateTime',
  'createdDateTime',
  'identities',
  'externalUserState',
].join(',');

export const DELETED_USER_SELECT = `${USER_SELECT},deletedDateTime`;

export const GROUP_SELECT = 'id,displayName,description,securityEnabled,mailEnabled,groupTypes,isAssignableToRole,createdDateTime';

export const APPLICATION_SELECT = 'id,appId,displayName,signInAudience,createdDateTime,passwordCredentials,keyCredentials';

export const SERVICE_PRINCIPAL_SELECT =
  'id,appId,displayName,servicePrincipalType,accountEnabled,appOwnerOrganizationId,appRoleAssignmentRequired,appRoles,passwordCredentials,keyCredentials';

export const FEDERATED_CREDENTIAL_SELECT = 'id,name,issuer,subject,audiences,description';

export const APP_ROLE_ASSIGNMENT_SELECT = 'id,appRoleId,principalId,principalType,principalDisplayName,resourceId,resourceDisplayName,createdDateTime';

export const ROLE_DEFINITION_SELECT = 'id,displayName,templateId,isBuiltIn,isEnabled';

export const ROLE_ASSIGNMENT_SELECT = 'id,principalId,roleDefinitionId,directoryScopeId,appScopeId';

export const ROLE_ELIGIBILITY_SELECT =
  'id,principalId,roleDefinitionId,directoryScopeId,appScopeId,memberType,status,createdUsing,createdDateTime,modifiedDateTime,scheduleInfo';

/** Page size for collections that accept `$top` (Graph's maximum for directory objects). */
export const TOP = 999;

/** Least-privileged application permission per dataset, named in `missing` reasons. */
export const ENTRA_PERMISSIONS: Record<string, string> = {
  users: 'User.Read.All (and User-LifeCycleInfo.Read.All for employeeLeaveDateTime)',
  deletedUsers: 'User.Read.All',
  groups: 'GroupMember.Read.All',
  groupMembers: 'GroupMember.Read.All',
  groupOwners: 'GroupMember.Read.All',
  applications: 'Application.Read.All',
  applicationOwners: 'Application.Read.All',
  federatedIdentityCredentials: 'Application.Read.All',
  servicePrincipals: 'Application.Read.All',
  servicePrincipalOwners: 'Application.Read.All',
  appRoleAssignments: 'Application.Read.All',
  oauth2PermissionGrants: 'Directory.Read.All',
  roleDefinitions: 'RoleManagement.Read.Directory',
  roleAssignments: 'RoleManagement.Read.Directory',
  roleEligibilitySchedules: 'RoleEligibilitySchedule.Read.Directory',
  directoryAudits: 'AuditLog.Read.All',
};

/** A directory object reference as a wrapped child line keeps it: `@odata.type` and `id` only. */
export function directoryRef(o: Record<string, unknown>): Record<string, unknown> {
  const ref: Record<string, unknown> = {};
  if (typeof o['@odata.type'] === 'string') ref['@odata.type'] = o['@odata.type'];
  ref.id = o.id;
  return ref;
}
