/**
 * Shared pieces of the Entra transforms: the node kind of a directory object reference (from its
 * `@odata.type`, or from an assignment's `principalType`), the properties of a user (listed or
 * deleted), the owners transform shared by three datasets, and inline credentials.
 */
import type { Emit, NodeRef } from '../../src/model/Emit.js';
import { IdSpace, canonicalId } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraCredentialProps, EntraUserProps } from '../../src/model/types.js';
import { type Raw, arr, bool, obj, str } from '../collection/fields.js';

const BY_ODATA: Record<string, NodeKind> = {
  '#microsoft.graph.user': NodeKind.EntraUser,
  '#microsoft.graph.group': NodeKind.EntraGroup,
  '#microsoft.graph.servicePrincipal': NodeKind.EntraServicePrincipal,
  '#microsoft.graph.application': NodeKind.EntraApplication,
};

/** Kind of a directoryObject from its `@odata.type` (unknown types stay generic directory objects). */
export function kindOfDirectoryObject(o: Raw | null): NodeKind {
  const t = str(o, '@odata.type');
  return (t && BY_ODATA[t]) || NodeKind.EntraDirectoryObject;
}

/** Kind of a principal from `principalType` (`User`, `Group`, `ServicePrincipal`). */
export function kindOfPrincipalType(t: string | null): NodeKind {
  switch ((t ?? '').toLowerCase()) {
    case 'user':
      return NodeKind.EntraUser;
    case 'group':
      return NodeKind.EntraGroup;
    case 'serviceprincipal':
      return NodeKind.EntraServicePrincipal;
    case 'application':
      return NodeKind.EntraApplication;
    default:
      return NodeKind.EntraDirectoryObject;
  }
}

export function idOf(o: Raw | null, field = 'id'): string {
  return canonicalId(str(o, field) ?? '');
}

export function userProps(raw: Raw, deleted: boolean): EntraUserProps {
  const upn = str(raw, 'userPrincipalName');
  const mail = str(raw, 'mail');
  return {
    name: upn ?? mail ?? str(raw, 'displayName') ?? idOf(raw),
    upn,
    displayName: str(raw, 'displayName'),
    mail,
    accountEnabled: bool(raw, 'accountEnabled'),
    userType: str(raw, 'userType'),
    employeeId: str(raw, 'employeeId'),
    employeeLeaveDateTime: str(raw, 'employeeLeaveDateTime'),
    onPremisesSyncEnabled: bool(raw, 'onPremisesSyncEnabled'),
    signInSessionsValidFromDateTime: str(raw, 'signInSessionsValidFromDateTime'),
    deleted,
    deletedDateTime: deleted ? str(raw, 'deletedDateTime') : null,
  };
}

/** The transform of an owners dataset: `{<parentField>, owner}` → (owner)-[:OWNS]->(owned). */
export function ownersTransform(parentField: string, ownedKind: NodeKind) {
  return (raw: Raw, emit: Emit): void => {
    const owner = obj(raw, 'owner');
    const owned = emit.ref(ownedKind, IdSpace.entraObject, idOf(raw, parentField));
    emit.edge(EdgeKind.OWNS, emit.ref(kindOfDirectoryObject(owner), IdSpace.entraObject, idOf(owner)), owned);
  };
}

/**
 * The credentials an application or service principal carries inline (`passwordCredentials`,
 * `keyCredentials`) → PasswordCredential / KeyCredential nodes and HAS_CREDENTIAL edges.
 */
export function emitInlineCredentials(raw: Raw, holder: NodeRef, on: 'application' | 'servicePrincipal', emit: Emit): void {
  for (const [field, kind] of [
    ['passwordCredentials', NodeKind.PasswordCredential],
    ['keyCredentials', NodeKind.KeyCredential],
  ] as const) {
    for (const c of arr(raw, field)) {
      const keyId = idOf(c, 'keyId');
      const props: EntraCredentialProps = {
        name: str(c, 'displayName') ?? keyId,
        keyId,
        displayName: str(c, 'displayName'),
        startDateTime: str(c, 'startDateTime'),
        endDateTime: str(c, 'endDateTime'),
        on,
        type: str(c, 'type'),
      };
      emit.edge(EdgeKind.HAS_CREDENTIAL, holder, emit.node(kind, IdSpace.credential, keyId, props));
    }
  }
}
