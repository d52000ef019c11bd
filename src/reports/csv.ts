/**
 * The report's CSV files. Their columns are a contract (docs/reports.md documents each one): new
 * columns are only ever appended, never renamed, removed or reordered.
 * - findings.csv: one row per finding of the reported snapshot, accepted ones included.
 * - leavers.csv: one row per account of a leaver (departed accounts, and the person's other
 *   accounts that are still active).
 */
import { csvChunks, mapRows } from '../output/csvChunks.js';
import type { ReportDoc } from './buildReport.js';
import { hours } from './duration.js';

export const FINDINGS_CSV_COLUMNS = [
  'id',
  'rule',
  'status',
  'severity',
  'subject_source',
  'subject_id',
  'subject_name',
  'via_kind',
  'via_id',
  'via_name',
  'valid_until',
  'tier0',
  'privileges',
  'change',
  'previous_status',
  'first_seen_at',
  'first_seen_snapshot',
  'accepted',
  'accepted_until',
  'accepted_by',
  'accepted_reason',
  'evidence',
  'remediation',
] as const;

export const LEAVERS_CSV_COLUMNS = [
  'person_id',
  'person_name',
  'person_closed',
  'source',
  'tenant',
  'account_id',
  'account_name',
  'departed',
  'departed_because',
  'disabled',
  'terminated_at',
  'terminated_from',
  'departed_at',
  'departed_at_from',
  'time_to_disable_hours',
  'disable_state',
  'sla_hours',
  'within_sla',
  'findings_live',
  'findings_window',
  'findings_unverified',
  'findings_dormant',
  'findings_accepted',
  'closed',
  'closure',
  'in_period',
] as const;

const b = (v: boolean | null | undefined): string => (v === null || v === undefined ? '' : v ? 'true' : 'false');

/** findings.csv in pieces (streamed to the file). */
export function findingsCsvChunks(r: ReportDoc): Iterable<string> {
  const rows = mapRows(r.findings, (f) => [
    f.id,
    f.rule,
    f.status,
    f.severity,
    f.subject.source,
    f.subject.id,
    f.subject.name,
    f.via.kind,
    f.via.id,
    f.via.name,
    f.validUntil ?? '',
    b(f.reaches.tier0),
    f.reaches.privileges.join('; '),
    f.change,
    f.previousStatus ?? '',
    f.firstSeen?.at ?? '',
    f.firstSeen?.snapshot ?? '',
    f.acceptance ? b(f.acceptance.state === 'accepted') : 'false',
    f.acceptance?.until ?? '',
    f.acceptance?.by ?? '',
    f.acceptance?.reason ?? '',
    f.evidence.join('; '),
    f.remediation.join(' | '),
  ]);
  return csvChunks(FINDINGS_CSV_COLUMNS, rows);
}

export function findingsCsv(r: ReportDoc): string {
  return [...findingsCsvChunks(r)].join('');
}

/** leavers.csv in pieces (streamed to the file). */
export function leaversCsvChunks(r: ReportDoc): Iterable<string> {
  const slaH = hours(r.sla.ms);
  function* rows(): Generator<readonly unknown[]> {
    for (const l of r.leavers) for (const a of l.accounts) yield [
      l.person,
      l.name,
      b(l.closed),
      a.source,
      a.tenant,
      a.id,
      a.name,
      b(a.departed),
      a.departedBecause.join('; '),
      b(a.disabled),
      a.terminatedAt ?? '',
      a.terminatedFrom ?? '',
      a.departedAt ?? '',
      a.departedAtFrom ?? '',
      a.timeToDisable.ms === null ? '' : hours(a.timeToDisable.ms),
      a.departed ? a.timeToDisable.state : '',
      slaH,
      b(a.timeToDisable.withinSla),
      String(a.findings.live),
      String(a.findings.window),
      String(a.findings.unverified),
      String(a.findings.dormant),
      String(a.findings.accepted),
      b(a.closed),
      a.closure,
      b(a.inPeriod),
    ];
  }
  return csvChunks(LEAVERS_CSV_COLUMNS, rows());
}

export function leaversCsv(r: ReportDoc): string {
  return [...leaversCsvChunks(r)].join('');
}
