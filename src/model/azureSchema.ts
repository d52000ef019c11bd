/**
 * The Azure resource plane's vocabulary in the graph, contributed to the schema by the azure
 * source (ingest/azure/source.ts lists these in `nodeKinds`/`edgeKinds`): node kinds, edge kinds,
 * id spaces and each kind's properties, with `azureProps` to read them typed. Only names and
 * shapes: how a role is graded (privileged, tier 0) is the source's own, in ingest/azure/tiers.ts.
 * It lives in src/model, not in ingest/azure, because the `azure.*` rules (queries/, both
 * engines) name these kinds too, and queries/ never imports a source folder: the vocabulary both
 * sides share sits below both (docs/architecture.md, "A new source", step 3).
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
  /** A PIM role assignment schedule instance (roleAssignmentScheduleInstances; id: its ARM id): when an active assignment ends. */
  AzureRoleAssignmentInstance: sourceNodeKind('AzureRoleAssignmentInstance'),
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
  /**
   * (:AzureRoleAssignment)-[:SCHEDULED_BY]->(:AzureRoleAssignmentInstance)   derived: the instance's
   * `originRoleAssignmentId` (the assignment's ARM id; a bare GUID: its name at the instance's
   * scope), else the instance's own name at its scope (Microsoft's example gives both the same GUID).
   */
  SCHEDULED_BY: sourceEdgeKind('SCHEDULED_BY'),
} as const;

/** Id spaces inside an azure source. */
export const AzureSpace = {
  scope: 'scope',
  roleDefinition: 'azroledef',
  roleAssignment: 'azra',
  roleEligibility: 'azre',
  identity: 'mi',
  assignmentInstance: 'azrai',
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

export interface AzureRoleAssignmentInstanceProps extends BaseProps {
  name: string;
  /** The role assignment it schedules (ARM id, or a bare GUID), as listed; null when absent. */
  originRoleAssignmentId: string | null;
  /** Its scope (ARM id), as listed, else the scope its id carries. */
  scope: string;
  /** `Assigned` (time-bound or permanent active) or `Activated` (from an eligibility). */
  assignmentType: string | null;
  /** null: no end (permanent). */
  endDateTime: Iso;
  linkedRoleEligibilityScheduleInstanceId: string | null;
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
  AzureRoleAssignmentInstance: AzureRoleAssignmentInstanceProps;
}

const azureReaders = kindPropsReaders<AzurePropsByKind>('azureProps');
/** The properties of an Azure node, typed by its kind; throws when `n` is not of that kind (a programming error). */
export const azureProps = azureReaders.of;
/** The properties of `n` when it is of `kind`, else undefined (also for no node). */
export const azurePropsIf = azureReaders.when;
