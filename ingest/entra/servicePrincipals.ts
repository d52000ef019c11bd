/**
 * Entra `servicePrincipals`: EntraServicePrincipal nodes with the app roles they expose as a
 * resource (to name application permissions) and their own secrets and certificates.
 */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { EntraSpProps } from '../../src/model/types.js';
import { type Raw, arr, bool, str } from '../collection/fields.js';
import { emitInlineCredentials, idOf } from './directoryObjects.js';

export function transformServicePrincipals(raw: Raw, emit: Emit): void {
  const props: EntraSpProps = {
    name: str(raw, 'displayName') ?? idOf(raw),
    appId: idOf(raw, 'appId') || null,
    servicePrincipalType: str(raw, 'servicePrincipalType'),
    accountEnabled: bool(raw, 'accountEnabled'),
    appRoles: arr(raw, 'appRoles').map((r) => ({ id: idOf(r), value: str(r, 'value'), displayName: str(r, 'displayName') })),
  };
  const sp = emit.node(NodeKind.EntraServicePrincipal, IdSpace.entraObject, idOf(raw), props);
  emitInlineCredentials(raw, sp, 'servicePrincipal', emit);
}
