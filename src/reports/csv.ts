/**
 * The CSV files, each defined once. Their columns are a contract (docs/reports.md documents each
 * one): new columns are only ever appended, never renamed, removed or reordered. Each file is
 * produced in pieces (`…Chunks`) and streamed.
 * - findings.csv: one row per finding of the reported snapshot, accepted ones included. The same
 *   column table serves `revenant residual --format csv`, which has no baseline, history or
 *   acceptances and so writes it without the report-only columns (`change` … `accepted_reason`).
 * - leavers.csv: one row per account of a leaver (departed accounts, and the person's other
 *   accounts that are still active).
 */
import type { Finding } from '../../queries/residual.js';
import { csvChunks, mapRows } from '../output/csvChunks.js';
import type { ReportDoc, ReportFinding } from './buildReport.js';
import { hours } from './duration.js';

/** `true`/`false`, or empty when unknown. */
const b = (v: boolean | null | undefined): string => (v === null || v === undefined ? '' : v ? 'true' : 'false');

interface Column<F> {
  name: string;
  value(f: F): string;
}

/** Columns every findings CSV has, before the report-only ones. */
const LEADING: Column<Finding>[] = [
  { name: 'id', value: (f) => f.id },
  { name: 'rule', value: (f) => f.rule },
  { name: 'status', value: (f) => f.status },
  { name: 'severity', value: (f) => f.severity },
  { name: 'subject_source', value: (f) => f.subject.source },
  { name: 'subject_id', value: (f) => f.subject.id },
  { name: 'subject_name', value: (f) => f.subject.name },
  { name: 'via_kind', value: (f) => f.via.kind },
  { name: 'via_id', value: (f) => f.via.id },
  { name: 'via_name', value: (f) => f.via.name },
  { name: 'valid_until', value: (f) => f.validUntil ?? '' },
  { name: 'tier0', value: (f) => b(f.reaches.tier0) },
  { name: 'privileges', value: (f) => f.reaches.privileges.join('; ') },
];

/** The report's history and acceptance columns (findings.csv only). */
const REPORT_ONLY: Column<ReportFinding>[] = [
  { name: 'change', value: (f) => f.change },
  { name: 'previous_status', value: (f) => f.previousStatus ?? '' },
  { name: 'first_seen_at', value: (f) => f.firstSeen?.at ?? '' },
  { name: 'first_seen_snapshot', value: (f) => f.firstSeen?.snapshot ?? '' },
  { name: 'accepted', value: (f) => (f.acceptance ? b(f.acceptance.state === 'accepted') : 'false') },
  { name: 'accepted_until', value: (f) => f.acceptance?.until ?? '' },
  { name: 'accepted_by', value: (f) => f.acceptance?.by ?? '' },
  { name: 'accepted_reason', value: (f) => f.acceptance?.reason ?? '' },
];

/** Columns every findings CSV ends with. */
const TRAILING: Column<Finding>[] = [
  { name: 'evidence', value: (f) => f.evidence.join('; ') },
  { name: 'remediation', value: (f) => f.remediation.join(' | ') },
];

const REPORT_COLUMNS: Column<ReportFinding>[] = [...LEADING, ...REPORT_ONLY, ...TRAILING];
const RESIDUAL_COLUMNS: Column<Finding>[] = [...LEADING, ...TRAILING];

/** The columns of the report's findings.csv. */
export const FINDINGS_CSV_COLUMNS: readonly string[] = REPORT_COLUMNS.map((c) => c.name);

function findingRows<F>(columns: Column<F>[], findings: readonly F[]): Iterable<string> {
  return csvChunks(
    columns.map((c) => c.name),
    mapRows(findings, (f) => columns.map((c) => c.value(f))),
  );
}

/** findings.csv in pieces (streamed to the file). */
export function findingsCsvChunks(r: ReportDoc): Iterable<string> {
  return findingRows(REPORT_COLUMNS, r.findings);
}

export function findingsCsv(r: ReportDoc): string {
  return [...findingsCsvChunks(r)].join('');
}

/** `revenant residual --format csv` in pieces: the findings columns without the report-only ones. */
export function residualCsvChunks(findings: readonly Finding[]): Iterable<string> {
  return findingRows(RESIDUAL_COLUMNS, findings);
}

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
