/**
 * Record identities of the Azure datasets (see ingest/collection/records.ts): ARM ids compared
 * lower-cased (ARM returns the same id in varying case), subscriptions by their GUID. The RBAC and
 * PIM lists are owned by the principal they are assigned to, so a per-subject collection
 * (`collect azure --subject`, `verify`) is complete for its subject's assignments: one of the
 * subject's lines not read again is gone. The hierarchy, role definitions and identities are
 * read in full by a subject collection too; their lines replace the ones with the same id. A
 * federated credential belongs to its identity: a subject collection reads again the credentials
 * of the identities it is asked for (a plan's) and lists those it read in full (`parents`); a
 * credential of theirs not read again is gone, of any other identity never.
 */
import { canonicalId } from '../../src/model/ids.js';
import type { RecordSpec } from '../../src/model/source.js';
import { child, str } from '../collection/recordSpec.js';
import type { AzureDataset } from './AzureContext.js';

type Raw = Record<string, unknown>;

const armId = (l: Raw): string | null => str(l.id)?.toLowerCase() ?? null;
const principal = (l: Raw): string | null => {
  const p = str(child(l, 'properties').principalId);
  return p ? canonicalId(p) : null;
};
/** The identity a federated credential is listed under (its id before `/federatedIdentityCredentials/`), lower-cased. */
const identityOf = (l: Raw): string | null => {
  const id = armId(l);
  const i = id?.lastIndexOf('/federatedidentitycredentials/') ?? -1;
  return id && i > 0 ? id.slice(0, i) : null;
};
const rbac: RecordSpec = { key: armId, owner: principal, covers: 'accounts' };

export const AZURE_RECORDS: Record<AzureDataset, RecordSpec> = {
  managementGroups: { key: armId },
  subscriptions: { key: (l) => str(l.subscriptionId)?.toLowerCase() ?? null },
  // A role's id is scope-specific (it is listed again at every scope): its GUID (`name`) is the key, as the collector dedupes.
  roleDefinitions: { key: (l) => str(l.name)?.toLowerCase() ?? armId(l) },
  roleAssignments: rbac,
  roleEligibilityScheduleInstances: rbac,
  roleAssignmentScheduleInstances: rbac,
  userAssignedIdentities: { key: armId },
  // Listed per identity: a subject collection that read an identity's list in full (the ledger's
  // `parents`: verify reads the plan's identities again) holds all of its credentials.
  managedIdentityFederatedCredentials: { key: armId, owner: identityOf, parent: identityOf, covers: 'parents' },
};
