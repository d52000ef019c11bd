/**
 * The per-leaver view: departed accounts grouped by the person they belong to (correlation),
 * each with its system, termination time (HR roster, else the Entra leave date), departure time
 * and where it came from, time to disable measured against the SLA, residual findings by
 * status (accepted ones apart), and whether it is closed and why. Pure: reads the stored
 * findings document only.
 */
import type { Finding, FindingsDoc, SubjectReport } from '../../queries/residual.js';
import { formatDuration } from './duration.js';

export interface FindingCounts {
  live: number;
  window: number;
  unverified: number;
  dormant: number;
  /** Findings of this account accepted at the analysis time (not in the status counts). */
  accepted: number;
}

export type DisableState = 'disabled' | 'not-disabled' | 'unknown';

export interface TimeToDisable {
  state: DisableState;
  /** Termination to disable (disabled), or termination to the analysis time (not disabled yet). */
  ms: number | null;
  withinSla: boolean | null;
  /** One line for people: `3 d 4 h (over the 24 h SLA)`. */
  text: string;
}

export interface AccountRow {
  source: string;
  sourceKey: string;
  tenant: string;
  id: string;
  name: string;
  departed: boolean;
  departedBecause: string[];
  disabled: boolean;
  terminatedAt: string | null;
  terminatedFrom: 'HR roster' | 'employeeLeaveDateTime' | null;
  departedAt: string | null;
  departedAtFrom: string | null;
  timeToDisable: TimeToDisable;
  findings: FindingCounts;
  closed: boolean | null;
  closure: string;
  /** Departed within the report period. */
  inPeriod: boolean;
}

export interface LeaverRow {
  /** Person id (correlation), or `source:id` for an account no person links. */
  person: string;
  name: string;
  accounts: AccountRow[];
  closed: boolean;
  why: string;
  inPeriod: boolean;
  /** Open (not accepted) findings over every account of the person. */
  open: number;
  worstSeverity: string | null;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Termination time of an account from `departedBecause` (`hr:terminated 2026-09-01`, `employeeLeaveDateTime=…`). */
export function terminationOf(s: SubjectReport): { at: string | null; from: AccountRow['terminatedFrom'] } {
  for (const b of s.departedBecause) {
    const m = /^hr:terminated(?:\s+(\S+))?$/.exec(b);
    if (m && m[1] && DATE_ONLY.test(m[1])) return { at: `${m[1]}T00:00:00.000Z`, from: 'HR roster' };
  }
  for (const b of s.departedBecause) {
    const m = /^employeeLeaveDateTime=(.+)$/.exec(b);
    if (m) {
      const t = Date.parse(DATE_ONLY.test(m[1]) ? `${m[1]}T00:00:00Z` : m[1]);
      if (!Number.isNaN(t)) return { at: new Date(t).toISOString(), from: 'employeeLeaveDateTime' };
    }
  }
  return { at: null, from: null };
}

/** Departure times that are not a disable of the account (they only restate the termination). */
const NOT_A_DISABLE = new Set(['HR terminationDate', 'employeeLeaveDateTime', 'what-if (at)']);

export function timeToDisable(s: SubjectReport, terminatedAt: string | null, at: number, slaMs: number, slaText = formatDuration(slaMs)): TimeToDisable {
  const sla = slaText;
  if (terminatedAt === null) {
    return { state: s.disabled ? 'disabled' : 'not-disabled', ms: null, withinSla: null, text: 'no termination time to measure from' };
  }
  const t = Date.parse(terminatedAt);
  if (!s.disabled) {
    const ms = Math.max(0, at - t);
    return { state: 'not-disabled', ms, withinSla: ms <= slaMs, text: `not disabled ${formatDuration(ms)} after termination${ms > slaMs ? ` (over the ${sla} SLA)` : ''}` };
  }
  if (s.departedAt === null || (s.departedAtFrom !== null && NOT_A_DISABLE.has(s.departedAtFrom))) {
    return { state: 'unknown', ms: null, withinSla: null, text: 'disabled, but when is unknown' };
  }
  const d = Date.parse(s.departedAt);
  const ms = Math.max(0, d - t);
  if (d < t) return { state: 'disabled', ms: 0, withinSla: true, text: 'disabled before termination' };
  return { state: 'disabled', ms, withinSla: ms <= slaMs, text: `${formatDuration(ms)}${ms > slaMs ? ` (over the ${sla} SLA)` : ''}` };
}

const SEV_ORDER = ['critical', 'high', 'medium', 'low'];

export function buildLeavers(
  doc: FindingsDoc,
  opts: { at: number; slaMs: number; slaText?: string; periodFrom: number | null; accepted: (f: Finding) => boolean },
): LeaverRow[] {
  const counts = new Map<string, FindingCounts>();
  const worst = new Map<string, string>();
  for (const f of doc.findings) {
    const k = `${f.subject.source}:${f.subject.id}`;
    const c = counts.get(k) ?? counts.set(k, { live: 0, window: 0, unverified: 0, dormant: 0, accepted: 0 }).get(k)!;
    if (opts.accepted(f)) c.accepted++;
    else {
      c[f.status]++;
      const w = worst.get(k);
      if (!w || SEV_ORDER.indexOf(f.severity) < SEV_ORDER.indexOf(w)) worst.set(k, f.severity);
    }
  }
  const tenantOf = (sk: string) => doc.coverage[sk]?.tenant ?? sk.slice(sk.indexOf(':') + 1);
  const personOf = new Map(doc.persons.map((p) => [p.id, p]));
  const groups = new Map<string, SubjectReport[]>();
  for (const s of doc.subjects) {
    if (!s.departed) continue;
    const key = s.person ?? `${s.source}:${s.id}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(s);
  }

  const rows: LeaverRow[] = [];
  for (const [key, subs] of groups) {
    const accounts: AccountRow[] = subs.map((s) => {
      const term = terminationOf(s);
      const departedAtMs = s.departedAt ? Date.parse(s.departedAt) : null;
      const inPeriod = opts.periodFrom === null || (departedAtMs !== null && departedAtMs > opts.periodFrom && departedAtMs <= opts.at);
      return {
        source: s.source,
        sourceKey: s.sourceKey,
        tenant: tenantOf(s.sourceKey),
        id: s.id,
        name: s.name,
        departed: true,
        departedBecause: s.departedBecause,
        disabled: s.disabled,
        terminatedAt: term.at,
        terminatedFrom: term.from,
        departedAt: s.departedAt,
        departedAtFrom: s.departedAtFrom,
        timeToDisable: timeToDisable(s, term.at, opts.at, opts.slaMs, opts.slaText),
        findings: counts.get(`${s.source}:${s.id}`) ?? { live: 0, window: 0, unverified: 0, dormant: 0, accepted: 0 },
        closed: s.closed,
        closure: s.closure,
        inPeriod,
      };
    });
    // The person's other accounts that are not departed (they are what person.other-account-active reports).
    const p = personOf.get(key);
    if (p) {
      for (const a of p.accounts) {
        if (a.departed || accounts.some((x) => x.source === a.source && x.id === a.id)) continue;
        accounts.push({
          source: a.source,
          sourceKey: '',
          tenant: '',
          id: a.id,
          name: a.name,
          departed: false,
          departedBecause: [],
          disabled: false,
          terminatedAt: null,
          terminatedFrom: null,
          departedAt: null,
          departedAtFrom: null,
          timeToDisable: { state: 'not-disabled', ms: null, withinSla: null, text: 'not departed in its own source' },
          findings: { live: 0, window: 0, unverified: 0, dormant: 0, accepted: 0 },
          closed: null,
          closure: 'active account of the same person',
          inPeriod: false,
        });
      }
    }
    accounts.sort((a, b) => Number(b.departed) - Number(a.departed) || a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
    const departed = accounts.filter((a) => a.departed);
    const closed = p ? p.closed : departed.every((a) => a.closed === true);
    const open = departed.reduce((n, a) => n + a.findings.live + a.findings.window + a.findings.unverified + a.findings.dormant, 0);
    const accepted = departed.reduce((n, a) => n + a.findings.accepted, 0);
    const notClosed = departed.filter((a) => a.closed !== true);
    let why: string;
    if (closed) why = 'closed: no finding on any departed account, and every dataset the rules need is complete';
    else if (notClosed.length) why = notClosed.map((a) => `${a.source} ${a.name}: ${a.closure}`).join('; ');
    else why = 'another account of this person is still active (cross-source finding)';
    if (accepted) why += `; ${accepted} accepted finding${accepted === 1 ? '' : 's'} still present`;
    const worstSev = departed.map((a) => worst.get(`${a.source}:${a.id}`)).filter((x): x is string => !!x).sort((x, y) => SEV_ORDER.indexOf(x) - SEV_ORDER.indexOf(y))[0] ?? null;
    rows.push({
      person: key,
      name: p?.name ?? departed[0]?.name ?? key,
      accounts,
      closed,
      why,
      inPeriod: departed.some((a) => a.inPeriod),
      open,
      worstSeverity: worstSev,
    });
  }
  // Worst first: not closed, by worst severity and open findings; then closed; then by name.
  rows.sort(
    (a, b) =>
      Number(a.closed) - Number(b.closed) ||
      (a.worstSeverity === null ? 9 : SEV_ORDER.indexOf(a.worstSeverity)) - (b.worstSeverity === null ? 9 : SEV_ORDER.indexOf(b.worstSeverity)) ||
      b.open - a.open ||
      a.name.localeCompare(b.name) ||
      a.person.localeCompare(b.person),
  );
  return rows;
}
