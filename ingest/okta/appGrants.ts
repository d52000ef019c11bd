/** Okta `appGrants`: scopes granted to an app (its `clientId`) → (app)-[:HAS_GRANT]->(OktaScopeGrant). */
import type { Emit } from '../../src/model/Emit.js';
import { EdgeKind } from '../../src/model/schema.js';
import type { Raw } from '../collection/fields.js';
import { appRef, scopeGrantNode } from './common.js';

export function transformAppGrants(raw: Raw, emit: Emit): void {
  const { key, props } = scopeGrantNode(raw, emit);
  if (props.clientId) emit.edge(EdgeKind.HAS_GRANT, appRef(emit, props.clientId), key);
}
