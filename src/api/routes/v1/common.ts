/** Helpers the /v1 routes share: OCSF conversion of a view's findings, the snapshot header, the SLA parameter. */
import type { FastifyReply } from 'fastify';
import { parseDuration } from '../../../reports/duration.js';
import { HttpError } from '../../httpError.js';
import type { Finding } from '../../../../queries/residual.js';
import { type Activity, findingToOcsf, type OcsfClassUid, type OcsfEvent } from '../../ocsf/ocsf.js';
import type { SnapshotView } from '../../snapshot/SnapshotView.js';
import { API_ERR } from '../../errorCatalogue.js';

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

/** The `sla` query parameter in ms; a bad duration is a 400 naming it. */
export function slaMsOf(text: string): number {
  try {
    return parseDuration(text, 'sla');
  } catch (e) {
    throw new HttpError(API_ERR.VALIDATION, (e as Error).message);
  }
}
