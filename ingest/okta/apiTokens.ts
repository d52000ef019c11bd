/** Okta `apiTokens` (active tokens): (owner)-[:HAS_API_TOKEN]->(OktaApiToken). `expiresAt` moves forward with every use. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { OktaApiTokenProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';
import { userRef } from './common.js';

export function transformApiTokens(raw: Raw, emit: Emit): void {
  const id = str(raw, 'id') ?? '';
  const props: OktaApiTokenProps = {
    name: str(raw, 'name') ?? id,
    userId: str(raw, 'userId') ?? '',
    expiresAt: str(raw, 'expiresAt'),
    created: str(raw, 'created'),
  };
  emit.edge(EdgeKind.HAS_API_TOKEN, userRef(emit, props.userId), emit.node(NodeKind.OktaApiToken, IdSpace.oktaApiToken, id, props));
}
