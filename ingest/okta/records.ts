/**
 * Record identities of the Okta datasets (see ingest/collection/records.ts). Okta ids are
 * case-sensitive and compared verbatim.
 */
import type { RecordSpec } from '../../src/model/source.js';
import { byId, child, pair, str } from '../collection/recordSpec.js';

export const OKTA_RECORDS: Record<string, RecordSpec> = {
  users: { key: byId, owner: byId, covers: 'accounts' },
  groups: { key: byId },
  groupMembers: { key: (l) => pair(str(l.groupId), str(child(l, 'user').id)), owner: (l) => str(child(l, 'user').id), parent: (l) => str(l.groupId), covers: 'accounts' },
  apps: { key: byId },
  appUsers: { key: (l) => pair(str(l.appId), str(child(l, 'appUser').id)), owner: (l) => str(child(l, 'appUser').id), parent: (l) => str(l.appId), covers: 'accounts' },
  appGroups: { key: (l) => pair(str(l.appId), str(child(l, 'appGroup').id)), parent: (l) => str(l.appId) },
  appFeatures: { key: (l) => pair(str(l.appId), str(child(l, 'feature').name)), owner: (l) => str(l.appId), parent: (l) => str(l.appId), covers: 'parents' },
  appGrants: { key: byId, owner: (l) => str(l.clientId), parent: (l) => str(l.clientId), covers: 'parents' },
  appSecrets: { key: (l) => pair(str(l.appId), str(child(l, 'secret').id)), owner: (l) => str(l.appId), parent: (l) => str(l.appId), covers: 'parents' },
  appJwks: { key: (l) => pair(str(l.appId), str(child(l, 'jwk').id)), owner: (l) => str(l.appId), parent: (l) => str(l.appId), covers: 'parents' },
  apiTokens: { key: byId, owner: (l) => str(l.userId), covers: 'accounts' },
  userGrants: { key: byId, owner: (l) => str(l.userId), covers: 'accounts' },
  refreshTokens: { key: byId, owner: (l) => str(l.userId), parent: (l) => str(l.clientId), covers: 'accounts' },
  userRoles: { key: (l) => pair(str(l.userId), str(child(l, 'role').id)), owner: (l) => str(l.userId), covers: 'accounts' },
  groupRoles: { key: (l) => pair(str(l.groupId), str(child(l, 'role').id)), owner: (l) => str(l.groupId), parent: (l) => str(l.groupId), covers: 'parents' },
  clientRoles: { key: (l) => pair(str(l.clientId), str(child(l, 'role').id)), owner: (l) => str(l.clientId), parent: (l) => str(l.clientId), covers: 'parents' },
  idps: { key: byId },
  logs: { key: (l) => str(l.uuid) },
};
