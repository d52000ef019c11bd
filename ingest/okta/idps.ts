/** Okta `idps`: identity providers with the provisioning actions that can bring a disabled user back. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { OktaIdpProps } from '../../src/model/types.js';
import { type Raw, path, str } from '../collection/fields.js';

export function transformIdps(raw: Raw, emit: Emit): void {
  const id = str(raw, 'id') ?? '';
  const cond = path(raw, 'policy', 'provisioning', 'conditions');
  const props: OktaIdpProps = {
    name: str(raw, 'name') ?? id,
    type: str(raw, 'type'),
    status: str(raw, 'status'),
    deprovisionedAction: str(path(cond, 'deprovisioned'), 'action'),
    suspendedAction: str(path(cond, 'suspended'), 'action'),
  };
  emit.node(NodeKind.OktaIdentityProvider, IdSpace.oktaIdp, id, props);
}
