/** Entra `applications`: EntraApplication nodes with their secrets and certificates. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { EntraAppProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';
import { emitInlineCredentials, idOf } from './directoryObjects.js';

export function transformApplications(raw: Raw, emit: Emit): void {
  const props: EntraAppProps = { name: str(raw, 'displayName') ?? idOf(raw), appId: idOf(raw, 'appId') || null };
  const app = emit.node(NodeKind.EntraApplication, IdSpace.entraObject, idOf(raw), props);
  emitInlineCredentials(raw, app, 'application', emit);
}
