/**
 * `verify`: reads the subject's accounts again from the live tenants (each source's per-subject
 * collection), folds them into the latest snapshot's source folders, loads the result as a new
 * snapshot (so history, diff and evidence see it), and analyses the subject on it. A source paired
 * with an account's (Azure with its Entra tenant) is read again for that account too; a plan's
 * steps in a source none of the accounts is in (a GitHub account's workload credential in Azure)
 * have only the objects they act on read again; a source with no per-subject read (GitHub) is
 * not read again, and its findings remain (`notRead`). The findings
 * before (the plan's, or the previous snapshot's) are compared with the findings now: gone,
 * remaining — with why (excluded by a guard rail, manual, accepted, failed or skipped when
 * applied, not applied yet, or done yet still shown by the tenant) — and new. Whether the
 * subject and its person are closed is the catalogue's rule (no finding of any status and every
 * dataset complete), applied by the engine; nothing here decides closure on its own.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mergeSubjectCollection } from '../../ingest/collection/mergeSubjectCollection.js';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { type Finding, type FindingsDoc, type PersonReport, type SubjectReport, resolveAll, runResidual } from '../../queries/residual.js';
import { pairedSourceKey } from '../analysis/coverage.js';
import { InputError } from '../model/errors.js';
import { LazyGraph } from '../store/LazyGraph.js';
import { SnapshotDb } from '../store/SnapshotDb.js';
import type { Store } from '../store/Store.js';
import { type JournalRecord, stepStates } from './Journal.js';
import type { Plan } from './Plan.js';
import type { StepRef } from '../model/remediation.js';
import { remediationSource } from './remediationSources.js';

export const VERIFICATION_FORMAT = 'revenant-verification/1';

export interface VerifiedFinding {
  id: string;
  rule: string;
  subject: Finding['subject'];
  via: Finding['via'];
  before: { status: string; severity: string } | null;
  after: { status: string; severity: string } | null;
  outcome: 'gone' | 'remains' | 'new';
  why: string;
}

export interface Verification {
  format: typeof VERIFICATION_FORMAT;
  subject: string;
  plan: string | null;
  verifiedAt: string;
  before: { snapshot: string | null; at: string; observedAt: string };
  after: { snapshot: string; at: string; observedAt: string };
  refreshed: { source: string; sourceKey: string; accounts: string[]; collectedAt: string; degraded: string[] }[];
  /** Sources not read again (no per-subject read: GitHub): their findings stay as the snapshot has them, never gone. */
  notRead: { source: string; sourceKey: string; why: string }[];
  findings: VerifiedFinding[];
  subjects: SubjectReport[];
  persons: PersonReport[];
  /** Every departed account of the subject is closed (the catalogue's rule). */
  closed: boolean;
  summary: { gone: number; remains: number; new: number };
}

export interface VerifyOptions {
  store: Store;
  subject: string;
  /** Connection settings per source (the same as apply's). */
  connections: Record<string, unknown>;
  /** The plan to compare against (and whose journal explains what remains). */
  plan?: Plan | null;
  journal?: readonly JournalRecord[];
  /** Analysis time (default: the new snapshot's collection time). */
  at?: number;
  /** Where the refreshed source folders are kept (they back the new snapshot). */
  workDir: string;
  signal?: AbortSignal;
  now?: () => Date;
}

/** Why a finding of the plan is still there, from the plan and its journal. */
function whyRemains(f: Finding, plan: Plan | null | undefined, journal: readonly JournalRecord[]): string {
  if (!plan) return 'no plan was applied';
  const action = plan.actions.find((a) => a.findings.includes(f.id));
  if (!action) return 'not in the plan (it appeared after the plan was made)';
  if (action.state !== 'planned') return `${action.state}: ${action.reason ?? ''}`.trim();
  const { actions, steps } = stepStates(journal);
  const last = actions.get(action.id);
  if (!last && !action.steps.some((_, i) => steps.has(`${action.id}#${i}`))) return 'planned, not applied yet (revenant remediate SUBJECT --apply)';
  if (last?.type === 'skip') return `${last.outcome} when applied: ${last.reason}`;
  if (last?.type === 'result' && last.outcome === 'failed') return `failed when applied: ${last.reason ?? `HTTP ${last.status}`}`;
  const open = action.steps.some((_, i) => steps.get(`${action.id}#${i}`)?.state !== 'done');
  if (open) return 'applied only in part (an interrupted run): revenant remediate SUBJECT --apply --resume';
  return 'the action was done, yet the tenant still shows the access: check for replication delay and verify again, or look at it by hand';
}

export async function verifySubject(o: VerifyOptions): Promise<{ verification: Verification; snapshot: string }> {
  const now = o.now ?? (() => new Date());
  const signal = o.signal ?? new AbortController().signal;
  const latest = o.store.resolve();
  const db = new SnapshotDb(o.store.pathOf(latest));
  let beforeDoc: FindingsDoc | null = null;
  let sources: ReturnType<SnapshotDb['sources']>;
  // `paired`: not an account of that source, but an account of the source it is paired with (read again for it).
  const targets: { source: string; sourceKey: string; id: string; paired?: boolean }[] = [];
  try {
    sources = db.sources();
    const g = new LazyGraph(db, latest);
    const keys = resolveAll(g, [o.subject], 'subject');
    for (const k of keys) {
      const n = g.node(k)!;
      targets.push({ source: n.sourceKey.split(':')[0], sourceKey: n.sourceKey, id: n.id });
    }
    for (const a of o.plan?.accounts ?? []) {
      if (!targets.some((t) => t.sourceKey === a.sourceKey && t.id.toLowerCase() === a.id.toLowerCase())) targets.push({ source: a.source, sourceKey: a.sourceKey, id: a.id });
    }
    // A source paired with an account's (the Azure folder of an Entra tenant) holds findings about
    // that account too: read it again for the account, or its findings could never read as gone.
    for (const t of [...targets]) {
      for (const p of sources.filter((x) => pairedSourceKey(x) === t.sourceKey)) {
        if (!targets.some((x) => x.sourceKey === p.sourceKey && x.id.toLowerCase() === t.id.toLowerCase())) targets.push({ source: p.source, sourceKey: p.sourceKey, id: t.id, paired: true });
      }
    }
    if (!o.plan) beforeDoc = runResidual(g, { subjects: [o.subject], at: o.at });
  } finally {
    db.close();
  }

  // Read every account again, source by source; each source folder is rebuilt once. A source with
  // no per-subject read (GitHub) is not read again: its findings remain as the snapshot has them.
  const notRead: Verification['notRead'] = [];
  const skip = (source: string, sourceKey: string, why: string) => {
    if (!notRead.some((n) => n.sourceKey === sourceKey)) notRead.push({ source, sourceKey, why });
  };
  const bySource = new Map<string, typeof targets>();
  for (const t of targets) {
    if (!remediationSource(t.source)) skip(t.source, t.sourceKey, `${t.source} has no per-subject read: its findings cannot read as gone`);
    else (bySource.get(t.sourceKey) ?? bySource.set(t.sourceKey, []).get(t.sourceKey)!).push(t);
  }
  // A plan's steps in a source none of the accounts is in (a GitHub account's workload credential,
  // held by an Azure managed identity): only the objects they act on are read again.
  const objects = new Map<string, { source: string; steps: StepRef[] }>();
  for (const a of o.plan?.actions ?? []) {
    for (const s of a.steps) {
      if (bySource.has(s.sourceKey) || notRead.some((n) => n.sourceKey === s.sourceKey)) continue;
      const src = sources.find((x) => x.sourceKey === s.sourceKey);
      if (!src) continue;
      if (!remediationSource(src.source)?.collectObjects) skip(src.source, s.sourceKey, `${src.source} cannot read again only the objects a plan acts on: its findings cannot read as gone`);
      else (objects.get(s.sourceKey) ?? objects.set(s.sourceKey, { source: src.source, steps: [] }).get(s.sourceKey)!).steps.push(s);
    }
  }
  const missing = [...new Set([...[...bySource.values()].flat().map((t) => t.source), ...[...objects.values()].map((x) => x.source)])].filter((s) => !o.connections[s] || !remediationSource(s));
  if (missing.length) {
    throw new InputError(`verify: cannot read ${missing.join(' and ')} again: no connection settings for it (see \`revenant verify --help\`); a finding not read again cannot be verified`);
  }
  mkdirSync(o.workDir, { recursive: true });
  const refreshed: Verification['refreshed'] = [];
  const folders = new Map<string, string>();
  for (const [sourceKey, accounts] of bySource) {
    const src = sources.find((s) => s.sourceKey === sourceKey);
    if (!src) throw new InputError(`verify: the latest snapshot has no source ${sourceKey} to refresh`);
    const rem = remediationSource(src.source)!;
    let base = src.folder;
    const covered = new Set<string>();
    const entry = { source: src.source, sourceKey, accounts: [] as string[], collectedAt: '', degraded: [] as string[] };
    for (const [i, acc] of accounts.entries()) {
      if (covered.has(acc.id.toLowerCase())) continue;
      const tmp = mkdtempSync(join(o.workDir, 'subject-'));
      try {
        const also = i === 0 ? (o.plan?.actions ?? []).flatMap((a) => a.steps.filter((s) => s.sourceKey === sourceKey)) : [];
        const got = await rem.collectSubject(o.connections[src.source], acc.id, tmp, signal, also);
        for (const a of got.accounts) covered.add(a.toLowerCase());
        const out = join(o.workDir, `${src.source}-${folders.size}-${i}`);
        const merged = await mergeSubjectCollection(base, got.dir, out);
        base = merged.dir;
        entry.accounts.push(...merged.accounts);
        entry.degraded.push(...merged.degraded);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    folders.set(sourceKey, base);
    refreshed.push(entry);
  }
  for (const [sourceKey, { source, steps }] of objects) {
    const src = sources.find((s) => s.sourceKey === sourceKey)!;
    const tmp = mkdtempSync(join(o.workDir, 'objects-'));
    try {
      const got = await remediationSource(source)!.collectObjects!(o.connections[source], tmp, signal, steps);
      const merged = await mergeSubjectCollection(src.folder, got.dir, join(o.workDir, `${source}-${folders.size}-objects`));
      folders.set(sourceKey, merged.dir);
      refreshed.push({ source, sourceKey, accounts: [], collectedAt: '', degraded: merged.degraded });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const dirs = sources.map((s) => folders.get(s.sourceKey) ?? s.folder);
  const loaded = await loadSnapshot(o.store, dirs);

  const ndb = new SnapshotDb(o.store.pathOf(loaded.id));
  let afterDoc: FindingsDoc;
  try {
    for (const s of ndb.sources()) {
      const r = refreshed.find((x) => x.sourceKey === s.sourceKey);
      if (r) r.collectedAt = s.collectedAt;
    }
    const g = new LazyGraph(ndb, loaded.id);
    const names = [o.subject, ...targets.filter((t) => !t.paired).map((t) => `${t.source}:${t.id}`)];
    afterDoc = runResidual(g, { subjects: names, at: o.at });
  } finally {
    ndb.close();
  }

  const beforeFindings = o.plan ? o.plan.findings : (beforeDoc?.findings ?? []);
  const afterById = new Map(afterDoc.findings.map((f) => [f.id, f]));
  const beforeIds = new Set(beforeFindings.map((f) => f.id));
  const journal = o.journal ?? [];
  const findings: VerifiedFinding[] = [];
  for (const f of beforeFindings) {
    const now2 = afterById.get(f.id);
    findings.push({
      id: f.id,
      rule: f.rule,
      subject: f.subject,
      via: f.via,
      before: { status: f.status, severity: f.severity },
      after: now2 ? { status: now2.status, severity: now2.severity } : null,
      outcome: now2 ? 'remains' : 'gone',
      why: now2 ? whyRemains(f, o.plan, journal) : 'not found in the live tenant any more',
    });
  }
  for (const f of afterDoc.findings) {
    if (beforeIds.has(f.id)) continue;
    findings.push({ id: f.id, rule: f.rule, subject: f.subject, via: f.via, before: null, after: { status: f.status, severity: f.severity }, outcome: 'new', why: 'appeared since the plan was made' });
  }
  const departed = afterDoc.subjects.filter((s) => s.departed);
  const observed = refreshed.map((r) => r.collectedAt).filter(Boolean).sort();
  const verification: Verification = {
    format: VERIFICATION_FORMAT,
    subject: o.subject,
    plan: o.plan?.id ?? null,
    verifiedAt: now().toISOString(),
    before: o.plan
      ? { snapshot: o.plan.snapshot.id, at: o.plan.at, observedAt: o.plan.snapshot.collectedAt }
      : { snapshot: latest, at: beforeDoc!.at, observedAt: beforeDoc!.at },
    after: { snapshot: loaded.id, at: afterDoc.at, observedAt: observed[observed.length - 1] ?? afterDoc.at },
    refreshed,
    notRead,
    findings,
    subjects: afterDoc.subjects,
    persons: afterDoc.persons,
    closed: departed.length > 0 && departed.every((s) => s.closed === true),
    summary: {
      gone: findings.filter((f) => f.outcome === 'gone').length,
      remains: findings.filter((f) => f.outcome === 'remains').length,
      new: findings.filter((f) => f.outcome === 'new').length,
    },
  };
  return { verification, snapshot: loaded.id };
}
