/**
 * Entra `oauth2PermissionGrants`: delegated consents. A `Principal` grant is one user's consent:
 * (user)-[:CONSENTED]->(grant); every grant points at its client and resource service principals.
 */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraOAuth2GrantProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';
import { idOf } from './directoryObjects.js';

export function transformOauth2PermissionGrants(raw: Raw, emit: Emit): void {
  const principalId = str(raw, 'principalId');
  const props: EntraOAuth2GrantProps = {
    name: `consent ${str(raw, 'scope') ?? ''}`.trim(),
    consentType: str(raw, 'consentType'),
    principalId: principalId ? idOf(raw, 'principalId') : null,
    clientId: idOf(raw, 'clientId'),
    resourceId: idOf(raw, 'resourceId'),
    scope: str(raw, 'scope'),
  };
  const g = emit.node(NodeKind.EntraOAuth2Grant, IdSpace.oauth2Grant, idOf(raw), props);
  if (props.consentType === 'Principal' && props.principalId) {
    emit.edge(EdgeKind.CONSENTED, emit.ref(NodeKind.EntraUser, IdSpace.entraObject, props.principalId), g);
  }
  emit.edge(EdgeKind.FOR_CLIENT, g, emit.ref(NodeKind.EntraServicePrincipal, IdSpace.entraObject, props.clientId));
  emit.edge(EdgeKind.ON_RESOURCE, g, emit.ref(NodeKind.EntraServicePrincipal, IdSpace.entraObject, props.resourceId));
}
