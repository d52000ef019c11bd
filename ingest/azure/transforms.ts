/**
 * The Azure transforms in load order (sources-azure.md): the scope hierarchy (management groups
 * and the subscriptions under them, then the subscriptions list with their state), role
 * definitions, active role assignments and PIM eligibility instances (each to its role
 * definition), user-assigned managed identities and their federated credentials (which sign in
 * as the identity). Scopes are keyed by their ARM id lower-cased (ARM ids are case-insensitive);
 * assignments, eligibilities and credentials keep their ARM id as listed (the id a finding names,
 * and the one a DELETE takes). Which Entra principal holds an assignment is joined after loading
 * (derive.ts): `principalId` is an Entra object id of the paired tenant.
 * PIM role assignment schedule instances are loaded as when an active assignment ends; derive.ts
 * joins each to its assignment (by `originRoleAssignmentId`, else by name at its scope).
 */
import { AzureEdge, AzureKind, AzureSpace, type AzureManagedIdentityProps, type AzureRoleAssignmentInstanceProps, type AzureRoleAssignmentProps, type AzureRoleDefinitionProps, type AzureRoleEligibilityProps, type AzureScopeProps } from '../../src/model/azureSchema.js';
import { coversRoleAssignmentWrite, roleGuid } from './tiers.js';
import type { Emit, Transform } from '../../src/model/Emit.js';
import { IdSpace, canonicalId } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { FederatedCredentialProps } from '../../src/model/types.js';
import { type Raw, arr, obj, path, str, strs } from '../collection/fields.js';
import type { AzureDataset } from './AzureContext.js';

/** The tenant of an azure source key (`azure:<tenant>`). */
const tenantOf = (emit: Emit): string => emit.sourceKey.slice(emit.sourceKey.indexOf(':') + 1);

/** A scope's key id: its ARM id, lower-cased, without a trailing slash. */
export const scopeId = (armId: string): string => armId.trim().replace(/\/+$/, '').toLowerCase();

/** `/subscriptions/{id}` or `/providers/Microsoft.Management/managementGroups/{name}` as a scope node. */
function scopeNode(emit: Emit, armId: string, name: string, state: string | null): ReturnType<Emit['node']> {
  const isSub = /^\/subscriptions\/[^/]+$/i.test(armId.trim());
  const mgName = /\/managementGroups\/([^/]+)$/i.exec(armId.trim())?.[1] ?? '';
  const props: AzureScopeProps = { name, armId, state, root: !isSub && mgName.toLowerCase() === tenantOf(emit).toLowerCase() };
  return emit.node(isSub ? AzureKind.AzureSubscription : AzureKind.AzureManagementGroup, AzureSpace.scope, scopeId(armId), props);
}

const scopeRef = (emit: Emit, armId: string) =>
  emit.ref(/^\/subscriptions\/[^/]+$/i.test(armId.trim()) ? AzureKind.AzureSubscription : AzureKind.AzureManagementGroup, AzureSpace.scope, scopeId(armId));

function assignmentProps(raw: Raw): AzureRoleAssignmentProps {
  const p = obj(raw, 'properties');
  const id = str(raw, 'id') ?? '';
  return {
    name: str(raw, 'name') ?? id,
    roleDefinitionId: roleGuid(str(p, 'roleDefinitionId') ?? ''),
    principalId: canonicalId(str(p, 'principalId') ?? ''),
    principalType: str(p, 'principalType'),
    scope: str(p, 'scope') ?? scopeOfId(id),
    condition: str(p, 'condition'),
  };
}

/** The scope an ARM id sits at: what precedes its `/providers/Microsoft.Authorization/…` segment (`/` at the root). */
export function scopeOfId(id: string): string {
  const i = id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/');
  return i <= 0 ? '/' : id.slice(0, i);
}

const roleRef = (emit: Emit, guid: string) => emit.ref(AzureKind.AzureRoleDefinition, AzureSpace.roleDefinition, guid);

const transforms: Record<AzureDataset, Transform> = {
  managementGroups(raw, emit) {
    const id = str(raw, 'id') ?? '';
    const type = (str(raw, 'type') ?? '').toLowerCase();
    const p = obj(raw, 'properties');
    const isSub = type.endsWith('/subscriptions');
    // A descendant subscription's id is under its parent group; the subscription's own scope is `/subscriptions/{name}`.
    const armId = isSub ? `/subscriptions/${str(raw, 'name') ?? id.split('/').pop()}` : id;
    const node = scopeNode(emit, armId, str(p, 'displayName') ?? str(raw, 'name') ?? armId, null);
    const parent = str(path(p, 'parent'), 'id') ?? str(path(p, 'details', 'parent'), 'id');
    if (parent) emit.edge(AzureEdge.CHILD_OF, node, scopeRef(emit, parent));
  },
  subscriptions(raw, emit) {
    const sid = str(raw, 'subscriptionId') ?? '';
    scopeNode(emit, `/subscriptions/${sid}`, str(raw, 'displayName') ?? sid, str(raw, 'state'));
  },
  roleDefinitions(raw, emit) {
    const p = obj(raw, 'properties');
    const guid = roleGuid(str(raw, 'name') ?? str(raw, 'id') ?? '');
    const permissions = arr(p, 'permissions').map((x) => ({ actions: strs(x, 'actions'), notActions: strs(x, 'notActions') }));
    const props: AzureRoleDefinitionProps = { name: str(p, 'roleName') ?? guid, roleType: str(p, 'type'), assigning: coversRoleAssignmentWrite(permissions) };
    emit.node(AzureKind.AzureRoleDefinition, AzureSpace.roleDefinition, guid, props);
  },
  roleAssignments(raw, emit) {
    const props = assignmentProps(raw);
    emit.edge(AzureEdge.OF_AZURE_ROLE, emit.node(AzureKind.AzureRoleAssignment, AzureSpace.roleAssignment, str(raw, 'id') ?? '', props), roleRef(emit, props.roleDefinitionId));
  },
  roleEligibilityScheduleInstances(raw, emit) {
    const p = obj(raw, 'properties');
    const props: AzureRoleEligibilityProps = { ...assignmentProps(raw), endDateTime: str(p, 'endDateTime'), memberType: str(p, 'memberType') };
    emit.edge(AzureEdge.OF_AZURE_ROLE, emit.node(AzureKind.AzureRoleEligibility, AzureSpace.roleEligibility, str(raw, 'id') ?? '', props), roleRef(emit, props.roleDefinitionId));
  },
  roleAssignmentScheduleInstances(raw, emit) {
    const p = obj(raw, 'properties');
    const id = str(raw, 'id') ?? '';
    const props: AzureRoleAssignmentInstanceProps = {
      name: str(raw, 'name') ?? id,
      originRoleAssignmentId: str(p, 'originRoleAssignmentId'),
      scope: str(p, 'scope') ?? scopeOfId(id),
      assignmentType: str(p, 'assignmentType'),
      endDateTime: str(p, 'endDateTime'),
      linkedRoleEligibilityScheduleInstanceId: str(p, 'linkedRoleEligibilityScheduleInstanceId'),
    };
    emit.node(AzureKind.AzureRoleAssignmentInstance, AzureSpace.assignmentInstance, id, props);
  },
  userAssignedIdentities(raw, emit) {
    const p = obj(raw, 'properties');
    const id = str(raw, 'id') ?? '';
    const principalId = str(p, 'principalId');
    const props: AzureManagedIdentityProps = { name: str(raw, 'name') ?? id, principalId: principalId ? canonicalId(principalId) : null, clientId: str(p, 'clientId') };
    emit.node(AzureKind.AzureManagedIdentity, AzureSpace.identity, scopeId(id), props);
  },
  managedIdentityFederatedCredentials(raw, emit) {
    const id = str(raw, 'id') ?? '';
    const p = obj(raw, 'properties');
    const props: FederatedCredentialProps = { name: str(raw, 'name') ?? id, issuer: str(p, 'issuer'), subject: str(p, 'subject'), audiences: strs(p, 'audiences') };
    const cred = emit.node(NodeKind.FederatedIdentityCredential, IdSpace.credential, id, props);
    const i = id.toLowerCase().lastIndexOf('/federatedidentitycredentials/');
    if (i <= 0) return;
    const identity = emit.ref(AzureKind.AzureManagedIdentity, AzureSpace.identity, scopeId(id.slice(0, i)));
    emit.edge(EdgeKind.HAS_CREDENTIAL, identity, cred);
    // A managed identity's federated credential signs in as the identity (sources-azure.md [A12]).
    emit.edge(EdgeKind.AUTHENTICATES_AS, cred, identity);
  },
};

export const AZURE_TRANSFORMS: readonly (readonly [string, Transform])[] = Object.entries(transforms);
