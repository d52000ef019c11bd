/**
 * Findings as OCSF 1.8 events: IAM Analysis Finding (class_uid 2008, the default) or Detection
 * Finding (2004). `finding_info.uid` is Revenant's stable finding id, so a SIEM correlates every
 * event about one finding; the activity says what happened to it between two snapshots: Create
 * (it appeared), Update (it persists, possibly with another status), Close (it was resolved).
 * `metadata.uid` is the event's own id, stable for (snapshot, finding, activity): a receiver
 * de-duplicates redeliveries on it. Revenant's own fields (status, validUntil, path, evidence)
 * travel in `unmapped.revenant`, which every OCSF consumer keeps.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../../../queries/residual.js';
import { RULES } from '../../../queries/residual-access/index.js';
import { API_VERSION } from '../version.js';
import { ACTIVITY, ACTIVITY_NAME, FINDINGS_CATEGORY_UID, OCSF_CLASSES, OCSF_VERSION, SEVERITY_ID, SEVERITY_NAME, STATUS_ID } from './requirements.js';

export type Activity = keyof typeof ACTIVITY;
export type OcsfClassUid = 2008 | 2004;
export type OcsfEvent = Record<string, unknown>;

export interface OcsfContext {
  activity: Activity;
  classUid: OcsfClassUid;
  /** The snapshot whose analysis produced the event. */
  snapshot: string;
  /** The analysis time of that snapshot (ms since the epoch). */
  time: number;
  firstSeen?: { snapshot: string; at: string };
  lastSeen?: { snapshot: string; at: string };
  /** The status the finding had before (Update with a status change). */
  previousStatus?: string;
  /** Why the event was sent, when it is not a plain snapshot-to-snapshot change. */
  reason?: string;
}

const TITLES = new Map(RULES.map((r) => [r.id, r.title]));

const ms = (iso: string | undefined | null): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

/** The event id: stable for (snapshot, finding, activity). */
function ocsfEventUid(snapshot: string, findingId: string, activity: Activity): string {
  return createHash('sha256').update(`${snapshot}\u0000${findingId}\u0000${activity}`).digest('hex').slice(0, 32);
}

export function findingToOcsf(f: Finding, ctx: OcsfContext): OcsfEvent {
  const cls = OCSF_CLASSES[ctx.classUid];
  const activityId = ACTIVITY[ctx.activity];
  const severityId = SEVERITY_ID[f.severity] ?? 0;
  const title = TITLES.get(f.rule) ?? f.rule;
  const closed = ctx.activity === 'close';
  const via = { uid: f.via.id, name: f.via.name, type: f.via.kind };
  const resources = [via];
  const remediation = f.remediation.length ? { desc: f.remediation.join('\n') } : undefined;
  const firstSeen = ms(ctx.firstSeen?.at);
  const lastSeen = ms(ctx.lastSeen?.at);
  const ev: OcsfEvent = {
    activity_id: activityId,
    activity_name: ACTIVITY_NAME[activityId],
    category_uid: FINDINGS_CATEGORY_UID,
    category_name: 'Findings',
    class_uid: cls.uid,
    class_name: cls.name,
    type_uid: cls.uid * 100 + activityId,
    type_name: `${cls.name}: ${ACTIVITY_NAME[activityId]}`,
    severity_id: severityId,
    severity: SEVERITY_NAME[severityId],
    time: ctx.time,
    status_id: closed ? STATUS_ID.resolved : STATUS_ID.new,
    status: closed ? 'Resolved' : 'New',
    message: `${closed ? 'Resolved: ' : ''}${f.subject.name} (${f.subject.source}) keeps ${f.status} access via ${f.via.kind} ${f.via.name}: ${title}`,
    metadata: {
      version: OCSF_VERSION,
      uid: ocsfEventUid(ctx.snapshot, f.id, ctx.activity),
      correlation_uid: f.id,
      log_name: 'residual-access',
      log_provider: 'revenant',
      product: { name: 'Revenant', uid: 'revenant', vendor_name: 'Revenant project', version: API_VERSION },
    },
    finding_info: {
      uid: f.id,
      title: `${title}: ${f.subject.name}`,
      desc: `${title}. Status ${f.status}${f.validUntil ? ` until ${f.validUntil}` : ''}; via ${f.via.kind} ${f.via.name} (${f.via.id}).`,
      analytic: { uid: f.rule, name: title, type_id: 1, type: 'Rule' },
      types: ['Residual Access', f.rule],
      data_sources: [f.subject.source],
      ...(firstSeen !== undefined ? { first_seen_time: firstSeen } : {}),
      ...(lastSeen !== undefined ? { last_seen_time: lastSeen } : {}),
    },
    ...(remediation ? { remediation } : {}),
    unmapped: {
      revenant: {
        snapshot: ctx.snapshot,
        rule: f.rule,
        status: f.status,
        severity: f.severity,
        ...(ctx.previousStatus ? { previousStatus: ctx.previousStatus } : {}),
        ...(ctx.reason ? { reason: ctx.reason } : {}),
        validUntil: f.validUntil,
        subject: f.subject,
        via: f.via,
        reaches: f.reaches,
        path: f.path,
        evidence: f.evidence,
        remediation: f.remediation,
      },
    },
  };
  if (ctx.classUid === 2008) {
    ev.user = { uid: f.subject.id, name: f.subject.name, type_id: 1, type: 'User', ...(f.subject.name.includes('@') ? { email_addr: f.subject.name } : {}) };
    ev.permission_analysis_results = [
      {
        granted_privileges: f.reaches.privileges.length ? f.reaches.privileges : [`${f.via.kind}: ${f.via.name}`],
        policy: { uid: via.uid, name: via.name, type: via.type, desc: title },
      },
    ];
    ev.resources = resources;
  } else {
    ev.resources = [...resources, { uid: f.subject.id, name: f.subject.name, type: `${f.subject.source} account` }];
    ev.is_alert = !closed && f.status !== 'dormant';
  }
  return ev;
}
