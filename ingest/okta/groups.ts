/** Okta `groups`: one OktaGroup node per line (`type`: OKTA_GROUP, APP_GROUP or BUILT_IN). */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { OktaGroupProps } from '../../src/model/types.js';
import { type Raw, obj, str } from '../collection/fields.js';

export function transformGroups(raw: Raw, emit: Emit): void {
  const id = str(raw, 'id') ?? '';
  const props: OktaGroupProps = { name: str(obj(raw, 'profile'), 'name') ?? id, type: str(raw, 'type') };
  emit.node(NodeKind.OktaGroup, IdSpace.oktaGroup, id, props);
}
