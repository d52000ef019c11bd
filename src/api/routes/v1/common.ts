/** Helpers the /v1 routes share: OCSF conversion of a view's findings, and the snapshot header. */
import type { FastifyReply } from 'fastify';
import type { Finding } from '../../../../queries/residual.js';
import { type Activity, findingToOcsf, type OcsfClassUid, type OcsfEvent } from '../../ocsf/ocsf.js';
import type { SnapshotView } from '../../snapshot/SnapshotView.js';

export function ocsfOf(view: SnapshotView, f: Finding, classUid: OcsfClassUid, activity?: Activity, reason?: string): OcsfEvent {
  const h = view.history.get(f.id);
  return findingToOcsf(f, {
    activity: activity ?? view.activity.get(f.id) ?? 'update',
    classUid,
    snapshot: view.id,
    time: view.time,
    firstSeen: h?.firstSeen,
    lastSeen: h?.lastSeen,
    previousStatus: view.previousStatus.get(f.id),
    reason,
  });
}

export function withSeen(view: SnapshotView, f: Finding): Finding & { firstSeen?: { snapshot: string; at: string }; lastSeen?: { snapshot: string; at: string } } {
  const h = view.history.get(f.id);
  return h ? { ...f, firstSeen: h.firstSeen, lastSeen: h.lastSeen } : f;
}

/** Every /v1 response that reads a snapshot names it in a header too. */
export function snapshotHeader(reply: FastifyReply, view: SnapshotView): void {
  reply.header('x-revenant-snapshot', view.id);
}
