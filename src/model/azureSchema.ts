/**
 * The Azure resource plane's vocabulary in the graph, contributed to the schema by the azure
 * source (ingest/azure/source.ts lists these in `nodeKinds`/`edgeKinds`): node kinds, edge kinds,
 * id spaces and each kind's properties, with `azureProps` to read them typed, and the role
 * classification of sources-azure.md ("Reach, tier 0 and severity"): which role definitions are
 * privileged or assigning, which scopes are the root, and the privilege an assignment confers.
 * It lives in src/model, not in ingest/azure, because the `azure.*` rules and the reach of other
 * rules (queries/, both engines) read these kinds, and queries/ never imports a source folder.
 */
import { sourceEdgeKind, sourceNodeKind } from './schema.js';
import { kindPropsReaders } from './props.js';
import type { BaseProps, Iso } from './types.js';

export const AzureKind = {
  /** A management group (its id: the ARM id, e.g. `/providers/Microsoft.Management/managementGroups/corp`). */
  AzureManagementGroup: sourceNodeKind('AzureManagementGroup'),
  /** A subscription (id: `/subscriptions/{guid}`). */
  AzureSubscription: sourceNodeKind('AzureSubscription'),
  /** A role definition, one per role (id: the GUID, lower-cased: the last segment of any of its ids). */
  AzureRoleDefinition: sourceNodeKind('AzureRoleDefinition'),
  /** An active role assignment (id: its ARM id, which carries its scope). */
  AzureRoleAssignment: sourceNodeKind('AzureRoleAssignment'),
  /** A PIM eligibility schedule instance (id: its ARM id). */
  AzureRoleEligibility: sourceNodeKind('AzureRoleEligibility'),
  /** A user-assigned managed identity (id: its ARM id); its federated credentials are FederatedIdentityCredential nodes. */
  AzureManagedIdentity: sourceNodeKind('AzureManagedIdentity'),
} as const;

export const AzureEdge = {
  /** (principal)-[:AZURE_ROLE]->(:AzureRoleAssignment)   derived: an Entra user, group or service principal, or a managed identity, by `principalId` */
  AZURE_ROLE: sourceEdgeKind('AZURE_ROLE'),
  /** (principal)-[:AZURE_ELIGIBLE]->(:AzureRoleEligibility)   derived, as AZURE_ROLE */
  AZURE_ELIGIBLE: sourceEdgeKind('AZURE_ELIGIBLE'),
  /** (:AzureRoleAssignment|AzureRoleEligibility)-[:OF_AZURE_ROLE]->(:AzureRoleDefinition) */
  OF_AZURE_ROLE: sourceEdgeKind('OF_AZURE_ROLE'),
  /** (:AzureManagementGroup|AzureSubscription)-[:CHILD_OF]->(:AzureManagementGroup)   managementGroups (`parent.id`) */
  CHILD_OF: sourceEdgeKind('CHILD_OF'),
} as const;

/** Id spaces inside an azure source. */
export const AzureSpace = {
  scope: 'scope',
  roleDefinition: 'azroledef',
  roleAssignment: 'azra',
  roleEligibility: 'azre',
  identity: 'mi',
} as const;

export interface AzureScopeProps extends BaseProps {
  name: string;
  /** The ARM id as listed. */
  armId: string;
  /** Subscriptions: `Enabled`, `Disabled`, `Warned` …; management groups: null. */
  state: string | null;
  /** The tenant root group (whose name is the tenant id). */
  root: boolean;
}

export interface AzureRoleDefinitionProps extends BaseProps {
  name: string;
  /** `BuiltInRole` or `CustomRole`. */
  roleType: string | null;
  /** `actions` minus `notActions` cover `Microsoft.Authorization/roleAssignments/write` (proposal, sources-azure.md). */
  assigning: boolean;
}

export interface AzureRoleAssignmentProps extends BaseProps {
  name: string;
  /** The last segment of `roleDefinitionId`, lower-cased. */
  roleDefinitionId: string;
  principalId: string;
  principalType: string | null;
  scope: string;
  condition: string | null;
}

export interface AzureRoleEligibilityProps extends AzureRoleAssignmentProps {
  endDateTime: Iso;
  memberType: string | null;
}

export interface AzureManagedIdentityProps extends BaseProps {
  name: string;
  principalId: string | null;
  clientId: string | null;
}

export interface AzurePropsByKind {
  AzureManagementGroup: AzureScopeProps;
  AzureSubscription: AzureScopeProps;
  AzureRoleDefinition: AzureRoleDefinitionProps;
  AzureRoleAssignment: AzureRoleAssignmentProps;
  AzureRoleEligibility: AzureRoleEligibilityProps;
  AzureManagedIdentity: AzureManagedIdentityProps;
}

const azureReaders = kindPropsReaders<AzurePropsByKind>('azureProps');
/** The properties of a Azure node, typed by its kind; throws when `n` is not of that kind (a programming error). */
export const azureProps = azureReaders.of;
/** The properties of `n` when it is of `kind`, else undefined (also for no node). */
export const azurePropsIf = azureReaders.when;

/** Privileged built-in roles (sources-azure.md [A2]) by definition GUID, with their names. */
export const AZURE_PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'a8889054-8d42-49c9-bc1c-52486c10e7cd': 'Reservations Administrator',
};

/** Built-in roles that control the plane when held at the root: Owner, User Access Administrator, RBAC Administrator. */
const TIER0_ROLES = new Set(['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168']);

/** The last segment of a role definition id, lower-cased (the prefix varies by scope [A1]). */
export function roleGuid(roleDefinitionId: string): string {
  const parts = roleDefinitionId.split('/').filter(Boolean);
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

/** The tenant root scope: `/`, or the tenant root management group (named after the tenant id). */
export function isRootScope(scope: string, tenant: string): boolean {
  const s = scope.trim().toLowerCase().replace(/\/+$/, '');
  return s === '' || s === `/providers/microsoft.management/managementgroups/${tenant.toLowerCase()}`;
}

/**
 * `actions` minus `notActions` cover `Microsoft.Authorization/roleAssignments/write` (wildcards
 * matched case-insensitively; a `notAction` that covers it removes it).
 */
export function coversRoleAssignmentWrite(permissions: readonly { actions?: readonly string[]; notActions?: readonly string[] }[]): boolean {
  const want = 'microsoft.authorization/roleassignments/write';
  const matches = (pattern: string) => new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(want);
  return permissions.some((p) => (p.actions ?? []).some(matches) && !(p.notActions ?? []).some(matches));
}

/** What an assignment's role is, from its definition GUID and the definition node (if listed). */
export interface AzureRoleGrade {
  name: string;
  /** A privileged built-in or an assigning role: an admin role (severity line 2). */
  privileged: boolean;
  /** Owner, User Access Administrator, RBAC Administrator or an assigning custom role at the root, with no condition. */
  tier0: boolean;
}

/** Grade an assignment or eligibility: its role's name, whether it is an admin role, whether it is Azure tier 0. */
export function gradeAzureRole(a: AzureRoleAssignmentProps, def: AzureRoleDefinitionProps | undefined, tenant: string): AzureRoleGrade {
  const guid = a.roleDefinitionId;
  const builtin = AZURE_PRIVILEGED_ROLES[guid];
  const name = def?.name ?? builtin ?? guid;
  const assigningCustom = (def?.roleType ?? '') !== 'BuiltInRole' && def?.assigning === true;
  const privileged = builtin !== undefined || def?.assigning === true;
  const tier0 = (TIER0_ROLES.has(guid) || assigningCustom) && isRootScope(a.scope, tenant) && !a.condition;
  return { name, privileged, tier0 };
}

/** A privilege's label: `Azure: Owner on /subscriptions/…` (`/` for the root scope as listed). */
export function azureRoleLabel(grade: AzureRoleGrade, scope: string): string {
  return `Azure: ${grade.name} on ${scope || '/'}`;
}
