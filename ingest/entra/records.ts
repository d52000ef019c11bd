/**
 * Record identities of the Entra datasets (see ingest/collection/records.ts): object ids, and for
 * wrapped child lines the parent and child ids. Entra GUIDs compare lower-cased.
 */
import { canonicalId } from '../../src/model/ids.js';
import type { RecordSpec } from '../../src/model/source.js';
import { child, pair, str } from '../collection/recordSpec.js';

const id = (v: unknown): string | null => {
  const s = str(v);
  return s ? canonicalId(s) : null;
};
const byId = (l: Record<string, unknown>) => id(l.id);

export const ENTRA_RECORDS: Record<string, RecordSpec> = {
  users: { key: byId, owner: byId, covers: 'accounts' },
  deletedUsers: { key: byId, owner: byId, covers: 'accounts' },
  groups: { key: byId },
  groupMembers: { key: (l) => pair(id(l.groupId), id(child(l, 'member').id)), owner: (l) => id(child(l, 'member').id), parent: (l) => id(l.groupId), covers: 'accounts' },
  groupOwners: { key: (l) => pair(id(l.groupId), id(child(l, 'owner').id)), owner: (l) => id(child(l, 'owner').id), parent: (l) => id(l.groupId), covers: 'both' },
  applications: { key: byId },
  applicationOwners: {
    key: (l) => pair(id(l.applicationId), id(child(l, 'owner').id)),
    owner: (l) => id(child(l, 'owner').id),
    parent: (l) => id(l.applicationId),
    covers: 'both',
  },
  federatedIdentityCredentials: {
    key: (l) => pair(id(l.applicationId), str(child(l, 'credential').id)),
    owner: (l) => id(l.applicationId),
    parent: (l) => id(l.applicationId),
    covers: 'parents',
  },
  servicePrincipals: { key: byId },
  servicePrincipalOwners: {
    key: (l) => pair(id(l.servicePrincipalId), id(child(l, 'owner').id)),
    owner: (l) => id(child(l, 'owner').id),
    parent: (l) => id(l.servicePrincipalId),
    covers: 'both',
  },
  appRoleAssignments: { key: (l) => str(l.id), owner: (l) => id(l.principalId), parent: (l) => id(l.resourceId), covers: 'accounts+lines' },
  oauth2PermissionGrants: { key: (l) => str(l.id), owner: (l) => id(l.principalId), covers: 'accounts+lines' },
  roleDefinitions: { key: (l) => str(l.id) },
  roleAssignments: { key: (l) => str(l.id), owner: (l) => id(l.principalId), covers: 'accounts+lines' },
  roleEligibilitySchedules: { key: (l) => str(l.id), owner: (l) => id(l.principalId), covers: 'accounts+lines' },
  directoryAudits: { key: (l) => str(l.id) },
};
