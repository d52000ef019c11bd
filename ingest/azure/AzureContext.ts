/**
 * What every Azure dataset collector receives — the ARM session, the tenant (whose id is also
 * the tenant root management group's), the subject of a one-account collection — and the
 * datasets of the `azure` source (sources-azure.md) with the role each needs.
 */
import type { ArmSession } from './client.js';

export const COLLECTOR_VERSION = 'revenant-collect-azure/1';

export const AZURE_DATASETS = [
  'managementGroups',
  'subscriptions',
  'roleDefinitions',
  'roleAssignments',
  'roleEligibilityScheduleInstances',
  'roleAssignmentScheduleInstances',
  'userAssignedIdentities',
  'managedIdentityFederatedCredentials',
] as const;
export type AzureDataset = (typeof AZURE_DATASETS)[number];

const READER = 'Reader at the tenant root management group (Microsoft.Authorization/*/read, Microsoft.Management/managementGroups/read)';

export const AZURE_PERMISSIONS: Record<AzureDataset | 'rootScope', string> = {
  managementGroups: READER,
  subscriptions: `${READER}; without it only the subscriptions the caller can see are listed`,
  roleDefinitions: READER,
  roleAssignments: READER,
  roleEligibilityScheduleInstances: READER,
  roleAssignmentScheduleInstances: READER,
  userAssignedIdentities: `${READER} (Microsoft.ManagedIdentity/userAssignedIdentities/read)`,
  managedIdentityFederatedCredentials: `${READER} (Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read)`,
  rootScope: 'a role at the root scope "/": User Access Administrator through a Global Administrator\'s elevated access (or Reader assigned at "/")',
};

export interface AzureContext {
  session: ArmSession;
  /** Entra tenant id: also the id of the tenant root management group. */
  tenant: string;
  /** An Entra object id: only its assignments (`assignedTo()`: direct and through groups). */
  subject?: string;
  /**
   * A per-subject collection's identities (ARM ids) whose federated credentials are
   * read again — a plan's (verify): only theirs, never the rest of the tenant's.
   */
  credentialsOf?: readonly string[];
}

/** `/subscriptions/{id}` from a descendant or subscription line. */
export function subscriptionScope(id: string): string {
  return `/subscriptions/${id}`;
}

/** `/providers/Microsoft.Management/managementGroups/{name}`. */
export function managementGroupScope(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`;
}
