/** Entra `users`: one EntraUser node per line. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { Raw } from '../collection/fields.js';
import { idOf, userProps } from './directoryObjects.js';

export function transformUsers(raw: Raw, emit: Emit): void {
  emit.node(NodeKind.EntraUser, IdSpace.entraObject, idOf(raw), userProps(raw, false));
}
