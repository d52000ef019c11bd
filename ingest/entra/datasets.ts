/**
 * The Entra datasets of `revenant-collection/1` (collection-format.md), in format order, with
 * the JSON Schema each line must satisfy: only what analysis relies on (ids, and the type of
 * every field a rule reads); unknown fields and missing optional fields are tolerated.
 */
import type { DatasetDef } from '../../src/model/source.js';
import { type Schema, str, strN, boolN, date, dateN, arrN, obj, objN, wrapped } from '../collection/lineSchema.js';

export const ENTRA_DATASETS = [
  'users',
  'deletedUsers',
  'groups',
  'groupMembers',
  'groupOwners',
  'applications',
  'applicationOwners',
  'federatedIdentityCredentials',
  'servicePrincipals',
  'servicePrincipalOwners',
  'appRoleAssignments',
  'oauth2PermissionGrants',
  'roleDefinitions',
  'roleAssignments',
  'roleEligibilitySchedules',
  'directoryAudits',
] as const;

export type EntraDataset = (typeof ENTRA_DATASETS)[number];

const passwordCredential = obj(
  { keyId: str, displayName: strN, startDateTime: dateN, endDateTime: dateN },
  ['keyId'],
);
const keyCredential = obj(
  { keyId: str, displayName: strN, startDateTime: dateN, endDateTime: dateN, type: strN, usage: strN },
  ['keyId'],
);

const entraUser = obj(
  {
    id: str,
    userPrincipalName: strN,
    displayName: strN,
    mail: strN,
    accountEnabled: boolN,
    userType: strN,
    employeeId: strN,
    employeeLeaveDateTime: dateN,
    onPremisesSyncEnabled: boolN,
    signInSessionsValidFromDateTime: dateN,
    createdDateTime: dateN,
    deletedDateTime: dateN,
  },
  ['id'],
);

export const ENTRA_LINE_SCHEMAS: Record<EntraDataset, Schema> = {
  users: entraUser,
  deletedUsers: entraUser,
  groups: obj({ id: str, displayName: strN, isAssignableToRole: boolN, securityEnabled: boolN }, ['id']),
  groupMembers: wrapped('groupId', 'member'),
  groupOwners: wrapped('groupId', 'owner'),
  applications: obj(
    { id: str, appId: strN, displayName: strN, passwordCredentials: arrN(passwordCredential), keyCredentials: arrN(keyCredential) },
    ['id'],
  ),
  applicationOwners: wrapped('applicationId', 'owner'),
  federatedIdentityCredentials: wrapped(
    'applicationId',
    'credential',
    obj({ id: str, name: strN, issuer: strN, subject: strN, audiences: arrN(str) }, ['id']),
  ),
  servicePrincipals: obj(
    {
      id: str,
      appId: strN,
      displayName: strN,
      servicePrincipalType: strN,
      accountEnabled: boolN,
      appRoles: arrN(obj({ id: str, value: strN, displayName: strN }, ['id'])),
      passwordCredentials: arrN(passwordCredential),
      keyCredentials: arrN(keyCredential),
    },
    ['id'],
  ),
  servicePrincipalOwners: wrapped('servicePrincipalId', 'owner'),
  appRoleAssignments: obj(
    { id: str, appRoleId: str, principalId: str, principalType: strN, resourceId: str, resourceDisplayName: strN, principalDisplayName: strN },
    ['id', 'appRoleId', 'principalId', 'resourceId'],
  ),
  oauth2PermissionGrants: obj(
    { id: str, clientId: str, consentType: strN, principalId: strN, resourceId: str, scope: strN },
    ['id', 'clientId', 'resourceId'],
  ),
  roleDefinitions: obj({ id: str, displayName: strN, templateId: strN }, ['id']),
  roleAssignments: obj({ id: str, principalId: str, roleDefinitionId: str, directoryScopeId: strN }, [
    'id',
    'principalId',
    'roleDefinitionId',
  ]),
  roleEligibilitySchedules: obj(
    {
      id: str,
      principalId: str,
      roleDefinitionId: str,
      directoryScopeId: strN,
      status: strN,
      scheduleInfo: objN({ startDateTime: dateN, expiration: objN({ endDateTime: dateN, type: strN }) }),
    },
    ['id', 'principalId', 'roleDefinitionId'],
  ),
  directoryAudits: obj(
    {
      id: str,
      activityDisplayName: str,
      activityDateTime: date,
      result: strN,
      initiatedBy: objN({ user: objN({ id: strN, userPrincipalName: strN }), app: objN({}) }),
      targetResources: arrN(
        obj({
          id: strN,
          type: strN,
          modifiedProperties: arrN(obj({ displayName: strN, oldValue: strN, newValue: strN })),
        }),
      ),
    },
    ['id', 'activityDisplayName', 'activityDateTime'],
  ),
};

/** The datasets as the source registry reads them. */
export const ENTRA_DATASET_DEFS: readonly DatasetDef[] = ENTRA_DATASETS.map((name) => ({ name, schema: ENTRA_LINE_SCHEMAS[name] }));
