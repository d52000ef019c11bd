/** Entra `groupMembers`: `{groupId, member}` → (member)-[:MEMBER_OF]->(group). Direct members only. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { type Raw, obj } from '../collection/fields.js';
import { idOf, kindOfDirectoryObject } from './directoryObjects.js';

export function transformGroupMembers(raw: Raw, emit: Emit): void {
  const member = obj(raw, 'member');
  const group = emit.ref(NodeKind.EntraGroup, IdSpace.entraObject, idOf(raw, 'groupId'));
  const m = emit.ref(kindOfDirectoryObject(member), IdSpace.entraObject, idOf(member));
  emit.edge(EdgeKind.MEMBER_OF, m, group);
}
