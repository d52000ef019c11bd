/**
 * Shared pieces of the Okta transforms: references to users, groups and apps by their
 * (case-sensitive) ids, and the role-assignment and scope-grant nodes that several datasets emit.
 */
import type { Emit, NodeRef } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { OktaClientCredentialProps, OktaRoleAssignmentProps, OktaScopeGrantProps } from '../../src/model/types.js';
import { type Raw, obj, str } from '../collection/fields.js';

export const userRef = (emit: Emit, id: string) => emit.ref(NodeKind.OktaUser, IdSpace.oktaUser, id);
export const groupRef = (emit: Emit, id: string) => emit.ref(NodeKind.OktaGroup, IdSpace.oktaGroup, id);
export const appRef = (emit: Emit, id: string) => emit.ref(NodeKind.OktaApp, IdSpace.oktaApp, id);

/** `{<holderField>, role}` → (holder)-[:HAS_ROLE]->(OktaRoleAssignment). */
export function roleTransform(holderField: string, holder: OktaRoleAssignmentProps['holder']) {
  return (raw: Raw, emit: Emit): void => {
    const role = obj(raw, 'role');
    const holderId = str(raw, holderField) ?? '';
    const props: OktaRoleAssignmentProps = {
      name: str(role, 'label') ?? str(role, 'type') ?? str(role, 'id') ?? '',
      type: str(role, 'type'),
      status: str(role, 'status'),
      assignmentType: str(role, 'assignmentType'),
      holder,
      holderId,
    };
    const r = emit.node(NodeKind.OktaRoleAssignment, IdSpace.oktaRole, str(role, 'id') ?? '', props);
    const h = holder === 'user' ? userRef(emit, holderId) : holder === 'group' ? groupRef(emit, holderId) : appRef(emit, holderId);
    emit.edge(EdgeKind.HAS_ROLE, h, r);
  };
}

export function scopeGrantNode(raw: Raw, emit: Emit): { key: NodeRef; props: OktaScopeGrantProps } {
  const props: OktaScopeGrantProps = {
    name: str(raw, 'scopeId') ?? '',
    scopeId: str(raw, 'scopeId') ?? '',
    status: str(raw, 'status'),
    clientId: str(raw, 'clientId'),
    userId: str(raw, 'userId'),
  };
  return { key: emit.node(NodeKind.OktaScopeGrant, IdSpace.oktaScopeGrant, str(raw, 'id') ?? '', props), props };
}

/** `{appId, <child>}` with an id → (app)-[:HAS_CREDENTIAL]->(secret or JWK). */
export function appCredentialTransform(child: 'secret' | 'jwk', kind: NodeKind, space: IdSpace) {
  return (raw: Raw, emit: Emit): void => {
    const c = obj(raw, child);
    const appId = str(raw, 'appId') ?? '';
    const props: OktaClientCredentialProps = {
      name: str(c, 'kid') ?? str(c, 'id') ?? '',
      appId,
      status: str(c, 'status'),
      created: str(c, 'created'),
      kid: str(c, 'kid'),
    };
    const key = emit.node(kind, space, str(c, 'id') ?? '', props);
    emit.edge(EdgeKind.HAS_CREDENTIAL, appRef(emit, appId), key);
  };
}
