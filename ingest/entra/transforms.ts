/**
 * The Entra transforms in load order: objects before the relationships that reference them, so
 * that references resolve to listed objects and only true strangers become stubs.
 */
import type { Transform } from '../../src/model/Emit.js';
import type { EntraDataset } from './datasets.js';
import { transformAppRoleAssignments } from './appRoleAssignments.js';
import { transformApplicationOwners } from './applicationOwners.js';
import { transformApplications } from './applications.js';
import { transformDeletedUsers } from './deletedUsers.js';
import { transformDirectoryAudits } from './directoryAudits.js';
import { transformFederatedIdentityCredentials } from './federatedIdentityCredentials.js';
import { transformGroupMembers } from './groupMembers.js';
import { transformGroupOwners } from './groupOwners.js';
import { transformGroups } from './groups.js';
import { transformOauth2PermissionGrants } from './oauth2PermissionGrants.js';
import { transformRoleAssignments } from './roleAssignments.js';
import { transformRoleDefinitions } from './roleDefinitions.js';
import { transformRoleEligibilitySchedules } from './roleEligibilitySchedules.js';
import { transformServicePrincipalOwners } from './servicePrincipalOwners.js';
import { transformServicePrincipals } from './servicePrincipals.js';
import { transformUsers } from './users.js';

export const ENTRA_TRANSFORMS: readonly [EntraDataset, Transform][] = [
  ['users', transformUsers],
  ['deletedUsers', transformDeletedUsers],
  ['groups', transformGroups],
  ['applications', transformApplications],
  ['servicePrincipals', transformServicePrincipals],
  ['roleDefinitions', transformRoleDefinitions],
  ['groupMembers', transformGroupMembers],
  ['groupOwners', transformGroupOwners],
  ['applicationOwners', transformApplicationOwners],
  ['servicePrincipalOwners', transformServicePrincipalOwners],
  ['federatedIdentityCredentials', transformFederatedIdentityCredentials],
  ['appRoleAssignments', transformAppRoleAssignments],
  ['oauth2PermissionGrants', transformOauth2PermissionGrants],
  ['roleAssignments', transformRoleAssignments],
  ['roleEligibilitySchedules', transformRoleEligibilitySchedules],
  ['directoryAudits', transformDirectoryAudits],
];
