/** Entra `federatedIdentityCredentials`: `{applicationId, credential}` → (application)-[:HAS_CREDENTIAL]->(FederatedIdentityCredential). */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { FederatedCredentialProps } from '../../src/model/types.js';
import { type Raw, obj, str, strs } from '../collection/fields.js';
import { idOf } from './directoryObjects.js';

export function transformFederatedIdentityCredentials(raw: Raw, emit: Emit): void {
  const c = obj(raw, 'credential');
  const props: FederatedCredentialProps = {
    name: str(c, 'name') ?? idOf(c),
    issuer: str(c, 'issuer'),
    subject: str(c, 'subject'),
    audiences: strs(c, 'audiences'),
  };
  const app = emit.ref(NodeKind.EntraApplication, IdSpace.entraObject, idOf(raw, 'applicationId'));
  emit.edge(EdgeKind.HAS_CREDENTIAL, app, emit.node(NodeKind.FederatedIdentityCredential, IdSpace.credential, idOf(c), props));
}
