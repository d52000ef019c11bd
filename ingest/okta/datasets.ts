/**
 * The Okta datasets of `revenant-collection/1` (collection-format.md), in format order, with
 * the JSON Schema each line must satisfy: only what analysis relies on. Log events are
 * identified by `uuid`.
 */
import type { DatasetDef } from '../../src/model/source.js';
import { type Schema, str, strN, boolN, date, dateN, arrN, obj, objN, wrapped } from '../collection/lineSchema.js';

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

export type OktaDataset = (typeof OKTA_DATASETS)[number];

const oktaRole = obj({ id: str, type: strN, label: strN, status: strN, assignmentType: strN }, ['id']);
const oktaGrant = obj({ id: str, scopeId: str, clientId: strN, userId: strN, status: strN }, ['id', 'scopeId']);

export const OKTA_LINE_SCHEMAS: Record<OktaDataset, Schema> = {
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
};

/** The datasets as the source registry reads them. */
export const OKTA_DATASET_DEFS: readonly DatasetDef[] = OKTA_DATASETS.map((name) => ({ name, schema: OKTA_LINE_SCHEMAS[name], ...(name === 'logs' ? { idField: 'uuid' } : {}) }));
