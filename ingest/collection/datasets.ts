/**
 * The datasets of `revenant-collection/1`, per source kind, with the JSON Schema each line must
 * satisfy. The schemas check only what analysis relies on (ids, and the type of every field a
 * rule reads); unknown fields and missing optional fields are tolerated, as the format says.
 */
import type { SourceKind } from '../../src/model/schema.js';

export const FORMAT = 'revenant-collection/1';

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

export const OKTA_DATASETS = [
  'users',
  'groups',
  'groupMembers',
  'apps',
  'appUsers',
  'appGroups',
  'appFeatures',
  'appGrants',
  'appSecrets',
  'appJwks',
  'apiTokens',
  'userGrants',
  'refreshTokens',
  'userRoles',
  'groupRoles',
  'clientRoles',
  'idps',
  'logs',
] as const;

export const HR_DATASETS = ['people'] as const;

export type EntraDataset = (typeof ENTRA_DATASETS)[number];
export type OktaDataset = (typeof OKTA_DATASETS)[number];
export type HrDataset = (typeof HR_DATASETS)[number];
export const DATASETS: Record<SourceKind, readonly string[]> = {
  entra: ENTRA_DATASETS,
  okta: OKTA_DATASETS,
  hr: HR_DATASETS,
};

export function isDataset(source: SourceKind, name: string): boolean {
  return DATASETS[source].includes(name);
}

// ---------------------------------------------------------------------------------------------
// Line schemas. A tiny vocabulary keeps them readable; each compiles to JSON Schema for Ajv.

type Schema = Record<string, unknown>;
const str: Schema = { type: 'string' };
const strN: Schema = { type: ['string', 'null'] };
const boolN: Schema = { type: ['boolean', 'null'] };
const date: Schema = { type: 'string', format: 'iso-date' };
const dateN: Schema = { type: ['string', 'null'], format: 'iso-date' };
const arrN = (items: Schema): Schema => ({ type: ['array', 'null'], items });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
});
const objN = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: ['object', 'null'],
  properties,
  required,
});
/** A line that wraps a child object under its parent's id: `{"groupId": "…", "member": {…}}`. */
const wrapped = (parent: string, child: string, childSchema: Schema = obj({ id: str, '@odata.type': strN }, ['id'])): Schema =>
  obj({ [parent]: str, [child]: childSchema }, [parent, child]);

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

const oktaRole = obj({ id: str, type: strN, label: strN, status: strN, assignmentType: strN }, ['id']);
const oktaGrant = obj({ id: str, scopeId: str, clientId: strN, userId: strN, status: strN }, ['id', 'scopeId']);

export const LINE_SCHEMAS: Record<SourceKind, Record<string, Schema>> = {
  entra: {
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
  },
  okta: {
    users: obj(
      {
        id: str,
        status: str,
        statusChanged: dateN,
        profile: objN({ login: strN, email: strN, employeeNumber: strN, firstName: strN, lastName: strN }),
        credentials: objN({ provider: objN({ type: strN, name: strN }) }),
      },
      ['id', 'status'],
    ),
    groups: obj({ id: str, type: strN, profile: objN({ name: strN }) }, ['id']),
    groupMembers: wrapped('groupId', 'user', obj({ id: str }, ['id'])),
    apps: obj(
      {
        id: str,
        name: strN,
        label: strN,
        status: strN,
        signOnMode: strN,
        features: arrN(str),
        credentials: objN({ scheme: strN, revealPassword: boolN }),
        settings: objN({ oauthClient: objN({ application_type: strN }) }),
      },
      ['id'],
    ),
    appUsers: wrapped('appId', 'appUser', obj({ id: str, externalId: strN, scope: strN, status: strN }, ['id'])),
    appGroups: wrapped('appId', 'appGroup', obj({ id: str }, ['id'])),
    appFeatures: wrapped(
      'appId',
      'feature',
      obj(
        {
          name: str,
          status: strN,
          capabilities: objN({ update: objN({ lifecycleDeactivate: objN({ status: strN }) }) }),
        },
        ['name'],
      ),
    ),
    appGrants: oktaGrant,
    appSecrets: wrapped('appId', 'secret', obj({ id: str, status: strN, created: dateN }, ['id'])),
    appJwks: wrapped('appId', 'jwk', obj({ id: str, kid: strN, status: strN, created: dateN }, ['id'])),
    apiTokens: obj({ id: str, name: strN, userId: str, expiresAt: dateN, created: dateN }, ['id', 'userId']),
    userGrants: oktaGrant,
    refreshTokens: obj(
      { id: str, status: strN, expiresAt: dateN, created: dateN, clientId: strN, userId: str },
      ['id', 'userId'],
    ),
    userRoles: wrapped('userId', 'role', oktaRole),
    groupRoles: wrapped('groupId', 'role', oktaRole),
    clientRoles: wrapped('clientId', 'role', oktaRole),
    idps: obj(
      {
        id: str,
        type: strN,
        name: strN,
        status: strN,
        policy: objN({
          provisioning: objN({
            conditions: objN({ deprovisioned: objN({ action: strN }), suspended: objN({ action: strN }) }),
          }),
        }),
      },
      ['id'],
    ),
    logs: obj(
      {
        uuid: str,
        eventType: str,
        published: date,
        actor: objN({ id: strN, type: strN }),
        target: arrN(obj({ id: strN, type: strN })),
        outcome: objN({ result: strN }),
      },
      ['uuid', 'eventType', 'published'],
    ),
  },
  hr: {
    people: {
      ...obj(
        {
          employeeId: strN,
          email: strN,
          displayName: strN,
          status: { enum: ['active', 'terminated'] },
          terminationDate: dateN,
        },
        ['status'],
      ),
      anyOf: [
        { required: ['employeeId'], properties: { employeeId: str } },
        { required: ['email'], properties: { email: str } },
      ],
    },
  },
};

/** The field that holds a line's own id (logs use `uuid`; HR lines have none of their own). */
export function idFieldOf(source: SourceKind, dataset: string): string | null {
  if (source === 'okta' && dataset === 'logs') return 'uuid';
  if (source === 'hr') return null;
  return 'id';
}
