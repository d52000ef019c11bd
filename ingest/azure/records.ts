/**
 * Record identities of the Azure datasets (see ingest/collection/records.ts): ARM ids compared
 * lower-cased (ARM returns the same id in varying case), subscriptions by their GUID. The RBAC and
 * PIM lists are owned by the principal they are assigned to, so a per-subject collection
 * (`collect azure --subject`, `verify`) is complete for its subject's assignments: one of the
 * subject's lines not read again is gone. The hierarchy, role definitions and identities are
 * read in full by a subject collection too; their lines replace the ones with the same id.
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
  managedIdentityFederatedCredentials: { key: armId },
};
