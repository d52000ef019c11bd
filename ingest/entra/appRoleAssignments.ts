/**
 * Entra `appRoleAssignments`: (principal)-[:HAS_APP_ROLE]->(assignment)-[:ON_RESOURCE]->(resource
 * service principal). For a service principal this is an application permission; for a user or
 * group it is app access.
 */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraAppRoleAssignmentProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';
import { idOf, kindOfPrincipalType } from './directoryObjects.js';

export function transformAppRoleAssignments(raw: Raw, emit: Emit): void {
  const props: EntraAppRoleAssignmentProps = {
    name: `${str(raw, 'principalDisplayName') ?? idOf(raw, 'principalId')} → ${str(raw, 'resourceDisplayName') ?? idOf(raw, 'resourceId')}`,
    appRoleId: idOf(raw, 'appRoleId'),
    principalId: idOf(raw, 'principalId'),
    principalType: str(raw, 'principalType'),
    resourceId: idOf(raw, 'resourceId'),
    resourceDisplayName: str(raw, 'resourceDisplayName'),
  };
  const a = emit.node(NodeKind.EntraAppRoleAssignment, IdSpace.appRoleAssignment, idOf(raw), props);
  const principal = emit.ref(kindOfPrincipalType(props.principalType), IdSpace.entraObject, props.principalId);
  emit.edge(EdgeKind.HAS_APP_ROLE, principal, a);
  emit.edge(EdgeKind.ON_RESOURCE, a, emit.ref(NodeKind.EntraServicePrincipal, IdSpace.entraObject, props.resourceId, props.resourceDisplayName ?? undefined));
}
