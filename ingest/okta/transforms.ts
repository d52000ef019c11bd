/** The Okta transforms in load order: objects before the relationships that reference them. */
import type { Transform } from '../../src/model/Emit.js';
import type { OktaDataset } from './datasets.js';
import { transformApiTokens } from './apiTokens.js';
import { transformAppFeatures } from './appFeatures.js';
import { transformAppGrants } from './appGrants.js';
import { transformAppGroups } from './appGroups.js';
import { transformAppJwks } from './appJwks.js';
import { transformAppSecrets } from './appSecrets.js';
import { transformApps } from './apps.js';
import { transformAppUsers } from './appUsers.js';
import { transformClientRoles } from './clientRoles.js';
import { transformGroupMembers } from './groupMembers.js';
import { transformGroupRoles } from './groupRoles.js';
import { transformGroups } from './groups.js';
import { transformIdps } from './idps.js';
import { transformLogs } from './logs.js';
import { transformRefreshTokens } from './refreshTokens.js';
import { transformUserGrants } from './userGrants.js';
import { transformUserRoles } from './userRoles.js';
import { transformUsers } from './users.js';

export const OKTA_TRANSFORMS: readonly [OktaDataset, Transform][] = [
  ['users', transformUsers],
  ['groups', transformGroups],
  ['apps', transformApps],
  ['idps', transformIdps],
  ['groupMembers', transformGroupMembers],
  ['appUsers', transformAppUsers],
  ['appGroups', transformAppGroups],
  ['appFeatures', transformAppFeatures],
  ['appGrants', transformAppGrants],
  ['appSecrets', transformAppSecrets],
  ['appJwks', transformAppJwks],
  ['apiTokens', transformApiTokens],
  ['userGrants', transformUserGrants],
  ['refreshTokens', transformRefreshTokens],
  ['userRoles', transformUserRoles],
  ['groupRoles', transformGroupRoles],
  ['clientRoles', transformClientRoles],
  ['logs', transformLogs],
];
