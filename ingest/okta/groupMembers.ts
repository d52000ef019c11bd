/** Okta `groupMembers`: `{groupId, user}` → (user)-[:MEMBER_OF]->(group). */
import type { Emit } from '../../src/model/Emit.js';
import { EdgeKind } from '../../src/model/schema.js';
import { type Raw, obj, str } from '../collection/fields.js';
import { groupRef, userRef } from './common.js';

export function transformGroupMembers(raw: Raw, emit: Emit): void {
  emit.edge(EdgeKind.MEMBER_OF, userRef(emit, str(obj(raw, 'user'), 'id') ?? ''), groupRef(emit, str(raw, 'groupId') ?? ''));
}
