/** Okta `appGroups`: `{appId, appGroup}` → (group)-[:ASSIGNED_TO]->(app). */
import type { Emit } from '../../src/model/Emit.js';
import { EdgeKind } from '../../src/model/schema.js';
import { type Raw, obj, str } from '../collection/fields.js';
import { appRef, groupRef } from './common.js';

export function transformAppGroups(raw: Raw, emit: Emit): void {
  emit.edge(EdgeKind.ASSIGNED_TO, groupRef(emit, str(obj(raw, 'appGroup'), 'id') ?? ''), appRef(emit, str(raw, 'appId') ?? ''));
}
