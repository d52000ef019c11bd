/** Okta `userGrants`: a user's consents → (user)-[:CONSENTED]->(OktaScopeGrant)-[:FOR_CLIENT]->(app). */
import type { Emit } from '../../src/model/Emit.js';
import { EdgeKind } from '../../src/model/schema.js';
import type { Raw } from '../collection/fields.js';
import { appRef, scopeGrantNode, userRef } from './common.js';

export function transformUserGrants(raw: Raw, emit: Emit): void {
  const { key, props } = scopeGrantNode(raw, emit);
  if (props.userId) emit.edge(EdgeKind.CONSENTED, userRef(emit, props.userId), key);
  if (props.clientId) emit.edge(EdgeKind.FOR_CLIENT, key, appRef(emit, props.clientId));
}
