/** Entra `groups`: one EntraGroup node per line. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { EntraGroupProps } from '../../src/model/types.js';
import { type Raw, bool, str } from '../collection/fields.js';
import { idOf } from './directoryObjects.js';

export function transformGroups(raw: Raw, emit: Emit): void {
  const props: EntraGroupProps = {
    name: str(raw, 'displayName') ?? idOf(raw),
    isAssignableToRole: bool(raw, 'isAssignableToRole') === true,
    securityEnabled: bool(raw, 'securityEnabled'),
  };
  emit.node(NodeKind.EntraGroup, IdSpace.entraObject, idOf(raw), props);
}
