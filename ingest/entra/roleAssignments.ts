/**
 * Entra `roleAssignments` (active): (principal)-[:HAS_ROLE]->(assignment)-[:OF_ROLE]->(role definition).
 * A definition not listed in roleDefinitions becomes a stub whose template id is its id (built-in
 * roles have id == templateId).
 */
import type { Emit, NodeRef } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraRoleAssignmentProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';
import { idOf } from './directoryObjects.js';

export function assignmentProps(raw: Raw): EntraRoleAssignmentProps {
  return {
    name: `role ${idOf(raw, 'roleDefinitionId')} at ${str(raw, 'directoryScopeId') ?? '/'}`,
    principalId: idOf(raw, 'principalId'),
    roleDefinitionId: idOf(raw, 'roleDefinitionId'),
    directoryScopeId: str(raw, 'directoryScopeId'),
  };
}

export function linkRoleHolder(emit: Emit, holder: EdgeKind, props: EntraRoleAssignmentProps, node: NodeRef): void {
  emit.edge(holder, emit.ref(NodeKind.EntraDirectoryObject, IdSpace.entraObject, props.principalId), node);
  emit.edge(EdgeKind.OF_ROLE, node, emit.ref(NodeKind.EntraRoleDefinition, IdSpace.roleDefinition, props.roleDefinitionId));
}

export function transformRoleAssignments(raw: Raw, emit: Emit): void {
  const props = assignmentProps(raw);
  linkRoleHolder(emit, EdgeKind.HAS_ROLE, props, emit.node(NodeKind.EntraRoleAssignment, IdSpace.roleAssignment, idOf(raw), props));
}
