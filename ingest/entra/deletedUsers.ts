/** Entra `deletedUsers`: deleted users (soft-deleted, restorable for 30 days) as EntraUser nodes marked deleted. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { Raw } from '../collection/fields.js';
import { idOf, userProps } from './directoryObjects.js';

export function transformDeletedUsers(raw: Raw, emit: Emit): void {
  emit.node(NodeKind.EntraUser, IdSpace.entraObject, idOf(raw), userProps(raw, true));
}
