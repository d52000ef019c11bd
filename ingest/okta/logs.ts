/**
 * Okta `logs` (System Log): only the events the rules read become OktaLogEvent nodes — client
 * credential creation and activation, and reading a client secret. (actor)-[:INITIATED]->(event)
 * -[:TARGETS]->(app or user).
 */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { OktaLogEventProps } from '../../src/model/types.js';
import { type Raw, arr, obj, str } from '../collection/fields.js';
import { appRef, userRef } from './common.js';
import { OKTA_CREDENTIAL_EVENTS } from '../../src/model/auditVocabulary.js';


export function transformLogs(raw: Raw, emit: Emit): void {
  const eventType = str(raw, 'eventType') ?? '';
  if (!OKTA_CREDENTIAL_EVENTS.has(eventType)) return;
  const actor = obj(raw, 'actor');
  const targets = arr(raw, 'target');
  const props: OktaLogEventProps = {
    name: `${eventType} @ ${str(raw, 'published')}`,
    eventType,
    published: str(raw, 'published'),
    actorId: str(actor, 'id'),
    targetIds: targets.map((t) => str(t, 'id')).filter((x): x is string => !!x),
    outcome: str(obj(raw, 'outcome'), 'result'),
  };
  const ev = emit.node(NodeKind.OktaLogEvent, IdSpace.oktaLog, str(raw, 'uuid') ?? '', props);
  if (props.actorId && (str(actor, 'type') ?? 'User') === 'User') emit.edge(EdgeKind.INITIATED, userRef(emit, props.actorId), ev);
  for (const t of targets) {
    const id = str(t, 'id');
    if (!id) continue;
    const type = str(t, 'type');
    if (type === 'AppInstance') emit.edge(EdgeKind.TARGETS, ev, appRef(emit, id));
    else if (type === 'User') emit.edge(EdgeKind.TARGETS, ev, userRef(emit, id));
  }
}
