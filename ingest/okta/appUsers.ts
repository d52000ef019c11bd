/**
 * Okta `appUsers`: `{appId, appUser}` → (user)-[:APP_USER {scope, externalId, status}]->(app).
 * `scope` is USER for a direct assignment and GROUP for one derived from a group.
 */
import type { Emit } from '../../src/model/Emit.js';
import { EdgeKind } from '../../src/model/schema.js';
import { type Raw, obj, str } from '../collection/fields.js';
import { appRef, userRef } from './common.js';

export function transformAppUsers(raw: Raw, emit: Emit): void {
  const au = obj(raw, 'appUser');
  emit.edge(EdgeKind.APP_USER, userRef(emit, str(au, 'id') ?? ''), appRef(emit, str(raw, 'appId') ?? ''), {
    scope: str(au, 'scope'),
    externalId: str(au, 'externalId'),
    status: str(au, 'status'),
  });
}
