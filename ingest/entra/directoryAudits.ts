/**
 * Entra `directoryAudits`: only the events the rules read become EntraAuditEvent nodes — `Disable
 * account` (the departure time) and credential additions (`Add service principal credentials`,
 * `Update application – Certificates and secrets management`). Activity names are compared after
 * trimming, with the en dash folded to an ASCII hyphen. (initiator)-[:INITIATED]->(event)
 * -[:TARGETS]->(target).
 */
import { EntraActivity } from '../../src/model/auditVocabulary.js';
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraAuditEventProps } from '../../src/model/types.js';
import { type Raw, arr, path, str } from '../collection/fields.js';
import { idOf, kindOfPrincipalType } from './directoryObjects.js';

/** The activities kept (declared in src/model, where the rules read them too). */
export const Activity = EntraActivity;

/** `Update application – Certificates and secrets management ` → `Update application - Certificates and secrets management`. */
export function normalizeActivity(name: string): string {
  return name.trim().replace(/[\u2013\u2014]/g, '-').replace(/\s+/g, ' ');
}

const KEPT = new Set<string>(Object.values(Activity));

export function transformDirectoryAudits(raw: Raw, emit: Emit): void {
  const activity = normalizeActivity(str(raw, 'activityDisplayName') ?? '');
  if (!KEPT.has(activity)) return;
  const initiator = str(path(raw, 'initiatedBy', 'user'), 'id');
  const targets = arr(raw, 'targetResources')
    .filter((t) => str(t, 'id'))
    .map((t) => ({
      id: idOf(t),
      type: str(t, 'type'),
      modifiedProperties: arr(t, 'modifiedProperties').map((m) => ({
        displayName: str(m, 'displayName'),
        oldValue: str(m, 'oldValue'),
        newValue: str(m, 'newValue'),
      })),
    }));
  const props: EntraAuditEventProps = {
    name: `${activity} @ ${str(raw, 'activityDateTime')}`,
    activity,
    activityDateTime: str(raw, 'activityDateTime'),
    initiatedByUserId: initiator ? idOf(path(raw, 'initiatedBy', 'user')) : null,
    result: str(raw, 'result'),
    targets,
  };
  const ev = emit.node(NodeKind.EntraAuditEvent, IdSpace.auditEvent, str(raw, 'id') ?? '', props);
  if (props.initiatedByUserId) emit.edge(EdgeKind.INITIATED, emit.ref(NodeKind.EntraUser, IdSpace.entraObject, props.initiatedByUserId), ev);
  for (const t of targets) emit.edge(EdgeKind.TARGETS, ev, emit.ref(kindOfPrincipalType(t.type), IdSpace.entraObject, t.id));
}
