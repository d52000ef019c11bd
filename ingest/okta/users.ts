/** Okta `users` (including DEPROVISIONED ones): one OktaUser node per line. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { OktaUserProps } from '../../src/model/types.js';
import { type Raw, obj, path, str } from '../collection/fields.js';

export function transformUsers(raw: Raw, emit: Emit): void {
  const profile = obj(raw, 'profile');
  const id = str(raw, 'id') ?? '';
  const props: OktaUserProps = {
    name: str(profile, 'login') ?? str(profile, 'email') ?? id,
    login: str(profile, 'login'),
    email: str(profile, 'email'),
    employeeNumber: str(profile, 'employeeNumber'),
    status: str(raw, 'status') ?? '',
    statusChanged: str(raw, 'statusChanged'),
    providerType: str(path(raw, 'credentials', 'provider'), 'type'),
  };
  emit.node(NodeKind.OktaUser, IdSpace.oktaUser, id, props);
}
