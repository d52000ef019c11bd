/** Okta `refreshTokens`: (user)-[:HAS_REFRESH_TOKEN]->(OktaRefreshToken)-[:FOR_CLIENT]->(app). */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { OktaRefreshTokenProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';
import { appRef, userRef } from './common.js';

export function transformRefreshTokens(raw: Raw, emit: Emit): void {
  const id = str(raw, 'id') ?? '';
  const props: OktaRefreshTokenProps = {
    name: id,
    userId: str(raw, 'userId'),
    clientId: str(raw, 'clientId'),
    status: str(raw, 'status'),
    expiresAt: str(raw, 'expiresAt'),
    created: str(raw, 'created'),
  };
  const t = emit.node(NodeKind.OktaRefreshToken, IdSpace.oktaRefreshToken, id, props);
  if (props.userId) emit.edge(EdgeKind.HAS_REFRESH_TOKEN, userRef(emit, props.userId), t);
  if (props.clientId) emit.edge(EdgeKind.FOR_CLIENT, t, appRef(emit, props.clientId));
}
