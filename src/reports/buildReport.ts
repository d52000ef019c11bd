/**
 * The report model (`revenant-report/1`, written as report.json and rendered as HTML and CSV):
 * built from the gathered inputs only — the reported snapshot's stored findings, the baseline's,
 * the history, the trend counts and the acceptances — so the same store gives the same report.
 * Sections: summary strip, changes since the baseline (with coverage lost kept apart from
 * resolved), per-leaver rows, live tier-0 paths, ownerless machine identities, remediations
 * grouped by action, accepted findings apart, coverage and limitations, and the method appendix.
 */
import { diffDocs, type DiffResult } from '../../queries/diff.js';
import { RULES } from '../../queries/residual-access/index.js';
import type { Finding } from '../../queries/residual.js';
import type { SourceCoverage } from '../analysis/coverage.js';
import { type Acceptance, acceptanceAt, currentAcceptances } from './acceptances.js';
import { groupRemediations, type RemediationGroup } from './actions.js';
import { formatDuration } from './duration.js';
import { buildLeavers, type LeaverRow } from './leavers.js';
import type { ReportInputs, Seen, SnapshotMeta, TrendPoint } from './reportInputs.js';
import { TOOL_VERSION } from './toolVersion.js';
import { nhiOwnerless } from '../../queries/residual-access/nhi.ownerless.js';

export const REPORT_FORMAT = 'revenant-report/1';

export type Change = 'new' | 'persisting' | 'changed' | 'regressed';

export interface ReportFinding extends Finding {
  change: Change;
  previousStatus: string | null;
  firstSeen: Seen | null;
  acceptance: (Pick<Acceptance, 'reason' | 'until' | 'by' | 'recordedAt'> & { state: 'accepted' | 'expired' }) | null;
}

export interface Summary {
  leavers: number;
  departedAccounts: number;
  leaversInPeriod: number;
  accountsInPeriod: number;
  closedInPeriod: number;
  /** Percentage of the period's leavers that are closed (null with no leaver in the period). */
  closedInPeriodPct: number | null;
  open: { total: number; live: number; window: number; unverified: number; dormant: number };
  openBySeverity: Record<string, number>;
  liveNow: number;
  liveTier0Now: number;
  accepted: number;
  acceptanceExpired: number;
  new: number;
  resolved: number;
  persisting: number;
  changedStatus: number;
  regressed: number;
  coverageLost: { sources: number; datasets: number; rules: number; findings: number };
  timeToDisable: { measured: number; withinSla: number; overSla: number; notDisabled: number; unmeasured: number };
}

export interface CoverageRow extends SourceCoverage {
  sourceKey: string;
}

export interface OwnerlessRow {
  via: Finding['via'];
  owners: { source: string; id: string; name: string }[];
  severity: string;
  accepted: boolean;
  findingIds: string[];
}

export interface TtdBucket {
  bucket: string;
  order: number;
  sla: 'within SLA' | 'over SLA';
  count: number;
}

export interface ReportDoc {
  format: typeof REPORT_FORMAT;
  at: string;
  snapshot: string;
  baseline: { snapshot: string | null; at: string | null; why: string };
  period: { from: string | null; to: string };
  sla: { text: string; ms: number };
  summary: Summary;
  changes: {
    new: string[];
    persisting: string[];
    changed: { id: string; before: string; after: string; regression: boolean }[];
    resolved: Finding[];
    coverageLost: DiffResult['coverageLost'];
  };
  leavers: LeaverRow[];
  /** Every finding of the reported snapshot, accepted ones included (see `acceptance`). */
  findings: ReportFinding[];
  tier0Live: string[];
  ownerless: OwnerlessRow[];
  remediations: RemediationGroup[];
  coverage: CoverageRow[];
  limitations: string[];
  trend: TrendPoint[];
  timeToDisable: TtdBucket[];
  method: {
    tool: { name: 'revenant'; version: string };
    node: string;
    generatedAt: string;
    snapshot: SnapshotMeta;
    baseline: SnapshotMeta | null;
    snapshotsInStore: number;
    rules: { id: string; title: string; source: string; appliesTo: string; statuses: readonly string[]; needs: Record<string, readonly string[]>; via: string }[];
    acceptancesFile: string;
  };
}

export interface BuildOptions {
  slaMs: number;
  slaText: string;
  /** Wall-clock time the report is generated (metadata only; never used for analysis). */
  now?: Date;
}

const BUCKETS: { label: string; max: number }[] = [
  { label: '≤ 1 h', max: 3_600_000 },
  { label: '1–4 h', max: 4 * 3_600_000 },
  { label: '4–24 h', max: 24 * 3_600_000 },
  { label: '1–3 d', max: 3 * 86_400_000 },
  { label: '3–7 d', max: 7 * 86_400_000 },
  { label: '7–30 d', max: 30 * 86_400_000 },
  { label: '> 30 d', max: Infinity },
];
const NOT_DISABLED_BUCKET = 'not disabled';
/** Every time-to-disable bucket label, in axis order. */
export const TTD_LABELS: readonly string[] = [...BUCKETS.map((b) => b.label), NOT_DISABLED_BUCKET];

export function buildReport(inputs: ReportInputs, opts: BuildOptions): ReportDoc {
  const doc = inputs.doc;
  const at = Date.parse(doc.at);
  const acc = currentAcceptances(inputs.acceptances);
  const diff = diffDocs(inputs.baseline.doc, doc);
  const changedById = new Map(diff.changed.map((c) => [c.after.id, c]));
  const newIds = new Set(diff.new.map((f) => f.id));

  const findings: ReportFinding[] = doc.findings.map((f) => {
    const c = changedById.get(f.id);
    const a = acceptanceAt(acc, f.id, at);
    return {
      ...f,
      change: newIds.has(f.id) ? 'new' : c ? (c.regression ? 'regressed' : 'changed') : 'persisting',
      previousStatus: c ? c.before.status : newIds.has(f.id) ? null : f.status,
      firstSeen: inputs.history.get(f.id)?.firstSeen ?? null,
      acceptance: a ? { state: a.state, reason: a.acceptance.reason, until: a.acceptance.until, by: a.acceptance.by, recordedAt: a.acceptance.recordedAt } : null,
    };
  });
  const isAccepted = (f: { id: string }) => acceptanceAt(acc, f.id, at)?.state === 'accepted';
  const open = findings.filter((f) => f.acceptance?.state !== 'accepted');

  const periodFrom = inputs.periodFrom ? Date.parse(inputs.periodFrom) : null;
  const leavers = buildLeavers(doc, { at, slaMs: opts.slaMs, slaText: opts.slaText, periodFrom, accepted: isAccepted });
  const inPeriod = leavers.filter((l) => l.inPeriod);
  const departedAccounts = leavers.flatMap((l) => l.accounts.filter((a) => a.departed));

  // Time to disable, per departed account.
  const ttd = new Map<string, TtdBucket>();
  const ttdSummary = { measured: 0, withinSla: 0, overSla: 0, notDisabled: 0, unmeasured: 0 };
  for (const a of departedAccounts) {
    const t = a.timeToDisable;
    if (t.ms === null) {
      ttdSummary.unmeasured++;
      continue;
    }
    ttdSummary.measured++;
    if (t.withinSla) ttdSummary.withinSla++;
    else ttdSummary.overSla++;
    let label: string;
    let order: number;
    if (t.state === 'not-disabled') {
      ttdSummary.notDisabled++;
      label = NOT_DISABLED_BUCKET;
      order = BUCKETS.length;
    } else {
      order = BUCKETS.findIndex((b) => t.ms! <= b.max);
      label = BUCKETS[order].label;
    }
    const sla = t.withinSla ? 'within SLA' : 'over SLA';
    const k = `${label}\u0000${sla}`;
    const b = ttd.get(k) ?? ttd.set(k, { bucket: label, order, sla, count: 0 }).get(k)!;
    b.count++;
  }

  const bySev: Record<string, number> = {};
  const byStatus = { live: 0, window: 0, unverified: 0, dormant: 0 };
  for (const f of open) {
    byStatus[f.status]++;
    bySev[f.severity] = (bySev[f.severity] ?? 0) + 1;
  }
  const tier0Live = open.filter((f) => f.status === 'live' && f.reaches.tier0);

  // Ownerless machine identities, one row per identity.
  const ownerless = new Map<string, OwnerlessRow>();
  for (const f of findings) {
    if (f.rule !== nhiOwnerless.id) continue;
    const k = `${f.via.source}:${f.via.kind}:${f.via.id}`;
    const row = ownerless.get(k) ?? ownerless.set(k, { via: f.via, owners: [], severity: f.severity, accepted: true, findingIds: [] }).get(k)!;
    row.owners.push(f.subject);
    row.findingIds.push(f.id);
    if (!isAccepted(f)) row.accepted = false;
    if (['critical', 'high', 'medium', 'low'].indexOf(f.severity) < ['critical', 'high', 'medium', 'low'].indexOf(row.severity)) row.severity = f.severity;
  }

  const coverage: CoverageRow[] = Object.entries(doc.coverage).map(([sourceKey, c]) => ({ sourceKey, ...c }));
  const lostFindings = diff.coverageLost.reduce((n, c) => n + c.findings.length, 0);

  const summary: Summary = {
    leavers: leavers.length,
    departedAccounts: departedAccounts.length,
    leaversInPeriod: inPeriod.length,
    accountsInPeriod: inPeriod.reduce((n, l) => n + l.accounts.filter((a) => a.departed && a.inPeriod).length, 0),
    closedInPeriod: inPeriod.filter((l) => l.closed).length,
    closedInPeriodPct: inPeriod.length ? Math.round((1000 * inPeriod.filter((l) => l.closed).length) / inPeriod.length) / 10 : null,
    open: { total: open.length, ...byStatus },
    openBySeverity: bySev,
    liveNow: byStatus.live,
    liveTier0Now: tier0Live.length,
    accepted: findings.length - open.length,
    acceptanceExpired: findings.filter((f) => f.acceptance?.state === 'expired').length,
    new: diff.new.length,
    resolved: diff.resolved.length,
    persisting: diff.persisting.length,
    changedStatus: diff.changed.length,
    regressed: diff.changed.filter((c) => c.regression).length,
    coverageLost: {
      sources: diff.coverageLost.length,
      datasets: diff.coverageLost.reduce((n, c) => n + c.datasets.length, 0),
      rules: diff.coverageLost.reduce((n, c) => n + c.rules.length, 0),
      findings: lostFindings,
    },
    timeToDisable: ttdSummary,
  };

  const limitations: string[] = [];
  for (const c of coverage) {
    const incomplete = [...c.partial.map((d) => `${d} partial`), ...c.missing.map((d) => `${d} missing`)];
    if (incomplete.length) {
      limitations.push(
        `${c.sourceKey}: ${incomplete.join(', ')}; ${c.uncoveredRules.length ? `uncovered rules: ${c.uncoveredRules.join(', ')} — no account of this source is reported closed` : 'no rule depends on these datasets'}.`,
      );
    }
  }
  limitations.push(
    `Findings are computed at each snapshot's collection time (${doc.at} for this one); changes made in a tenant after that are not seen until the next collection.`,
    'Disable times come from the Entra "Disable account" audit events, deletedDateTime and Okta statusChanged; audit logs reach back only as far as the tenant retains them (7 or 30 days in Entra, up to 90 days in Okta).',
    'Time to disable is measured only where a termination time is known (HR roster terminationDate, else the Entra employeeLeaveDateTime) and the disable time is known.',
    'Accounts belong to one person only through exact employee id or mail matches (no fuzzy matching): an unlinked account of a leaver is not reported by the cross-source rules.',
    `Accepted findings are shown apart and do not count as open, live or for --fail-on while their acceptance holds at the analysis time; they still keep their leaver from being closed.`,
  );

  return {
    format: REPORT_FORMAT,
    at: doc.at,
    snapshot: inputs.current.id,
    baseline: { snapshot: inputs.baseline.meta?.id ?? null, at: inputs.baseline.meta?.at ?? null, why: inputs.baseline.why },
    period: { from: inputs.periodFrom, to: doc.at },
    sla: { text: opts.slaText || formatDuration(opts.slaMs), ms: opts.slaMs },
    summary,
    changes: {
      new: diff.new.map((f) => f.id),
      persisting: diff.persisting.map((f) => f.id),
      changed: diff.changed.map((c) => ({ id: c.after.id, before: c.before.status, after: c.after.status, regression: c.regression })),
      resolved: diff.resolved,
      coverageLost: diff.coverageLost,
    },
    leavers,
    findings,
    tier0Live: tier0Live.map((f) => f.id),
    ownerless: [...ownerless.values()].sort((a, b) => Number(a.accepted) - Number(b.accepted) || a.via.name.localeCompare(b.via.name)),
    remediations: groupRemediations(open),
    coverage,
    limitations,
    trend: inputs.trend,
    timeToDisable: [...ttd.values()].sort((a, b) => a.order - b.order || a.sla.localeCompare(b.sla)),
    method: {
      tool: { name: 'revenant', version: TOOL_VERSION },
      node: process.version,
      generatedAt: (opts.now ?? new Date()).toISOString(),
      snapshot: inputs.current,
      baseline: inputs.baseline.meta,
      snapshotsInStore: inputs.allSnapshots.length,
      rules: RULES.map((r) => ({ id: r.id, title: r.title, source: r.source, appliesTo: r.appliesTo, statuses: r.statuses, needs: r.needs, via: r.viaDoc })),
      acceptancesFile: 'acceptances.json in the store folder',
    },
  };
}
