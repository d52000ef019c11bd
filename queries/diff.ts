/**
 * What changed between two snapshots' findings: new, resolved, persisting, and changed status (a
 * window, unverified or dormant finding that became live is a regression). A finding that
 * disappeared because the data that decides it went from complete to partial or missing — or
 * whose source was not collected at all — is "coverage lost", never "resolved".
 */
import type { Store } from '../src/store/Store.js';
import { SnapshotDb } from '../src/store/SnapshotDb.js';
import { readStoredFindings } from '../src/store/storedFindings.js';
import type { Finding, FindingsDoc } from './residual.js';

export interface CoverageLoss {
  sourceKey: string;
  /** Datasets complete before and partial or missing after (`*` when the whole source is gone). */
  datasets: string[];
  /** Rules uncovered after that were covered before. */
  rules: string[];
  /** Findings that disappeared under the lost coverage. */
  findings: Finding[];
}

export interface DiffResult {
  from: string | null;
  to: string;
  new: Finding[];
  resolved: Finding[];
  persisting: Finding[];
  changed: { before: Finding; after: Finding; regression: boolean }[];
  coverageLost: CoverageLoss[];
}

/** The source key of each subject of a document, by `source:id` (built once per document). */
const subjectSources = new WeakMap<FindingsDoc, Map<string, string>>();
function sourceKeyOf(doc: FindingsDoc, f: Finding): string | undefined {
  let m = subjectSources.get(doc);
  if (!m) subjectSources.set(doc, (m = new Map(doc.subjects.map((s) => [`${s.source}:${s.id}`, s.sourceKey]))));
  return m.get(`${f.subject.source}:${f.subject.id}`);
}

/** The coverage `after` lost over `before`, per source key of `before` (findings not filled in yet). */
function coverageLosses(before: FindingsDoc | null, after: FindingsDoc): Map<string, CoverageLoss> {
  const losses = new Map<string, CoverageLoss>();
  for (const [sk, cov] of Object.entries(before?.coverage ?? {})) {
    const now = after.coverage[sk];
    if (!now) {
      losses.set(sk, { sourceKey: sk, datasets: ['*'], rules: [...new Set([...cov.uncoveredRules, ...allRulesOf(before!, sk)])], findings: [] });
      continue;
    }
    const datasets = cov.complete.filter((d) => !now.complete.includes(d));
    const rules = now.uncoveredRules.filter((r) => !cov.uncoveredRules.includes(r));
    if (datasets.length || rules.length) losses.set(sk, { sourceKey: sk, datasets, rules, findings: [] });
  }
  return losses;
}

/** A finding of `before` that is not in the later document: coverage lost (into its loss) or resolved. */
function classifyGone(before: FindingsDoc | null, f: Finding, losses: Map<string, CoverageLoss>, out: DiffResult): void {
  const sk = before ? sourceKeyOf(before, f) : undefined;
  const loss = sk ? losses.get(sk) : undefined;
  if (loss && (loss.datasets.includes('*') || loss.rules.includes(f.rule))) loss.findings.push(f);
  else out.resolved.push(f);
}

export function diffDocs(before: FindingsDoc | null, after: FindingsDoc): DiffResult {
  const prev = new Map((before?.findings ?? []).map((f) => [f.id, f]));
  const next = new Map(after.findings.map((f) => [f.id, f]));
  const out: DiffResult = { from: before?.snapshot ?? null, to: after.snapshot ?? '', new: [], resolved: [], persisting: [], changed: [], coverageLost: [] };
  // Coverage lost, per source of the earlier snapshot.
  const losses = coverageLosses(before, after);
  for (const [id, f] of next) {
    const p = prev.get(id);
    if (!p) out.new.push(f);
    else if (p.status !== f.status) out.changed.push({ before: p, after: f, regression: f.status === 'live' && p.status !== 'live' });
    else out.persisting.push(f);
  }
  for (const [id, f] of prev) if (!next.has(id)) classifyGone(before, f, losses, out);
  out.coverageLost = [...losses.values()];
  return out;
}

/**
 * diffDocs when `after` is a delta on `before` and what the delta changed is known (`touched`: the
 * findings it wrote, in `after`'s order; `gone`: the ids of `before`'s findings not in `after`, in
 * `before`'s order): only those are compared. Every other finding of `after` is `before`'s own, so
 * it persists; `persisting` lists only the touched ones that persist (the caller knows the rest).
 */
export function diffChange(before: FindingsDoc, beforeById: ReadonlyMap<string, Finding>, after: FindingsDoc, touched: readonly Finding[], gone: readonly string[]): DiffResult {
  const out: DiffResult = { from: before.snapshot ?? null, to: after.snapshot ?? '', new: [], resolved: [], persisting: [], changed: [], coverageLost: [] };
  const losses = coverageLosses(before, after);
  for (const f of touched) {
    const p = beforeById.get(f.id);
    if (!p) out.new.push(f);
    else if (p.status !== f.status) out.changed.push({ before: p, after: f, regression: f.status === 'live' && p.status !== 'live' });
    else out.persisting.push(f);
  }
  for (const id of gone) {
    const f = beforeById.get(id);
    if (f) classifyGone(before, f, losses, out);
  }
  out.coverageLost = [...losses.values()];
  return out;
}

/** Every rule id that produced a finding for a source in a document (for a source that vanished). */
function allRulesOf(doc: FindingsDoc, sourceKey: string): string[] {
  return [...new Set(doc.findings.filter((f) => sourceKeyOf(doc, f) === sourceKey).map((f) => f.rule))];
}

function readDoc(store: Store, id: string): FindingsDoc {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    return readStoredFindings(db);
  } finally {
    db.close();
  }
}

/** Diff two snapshots of the store (default: the previous and the latest). */
export function diffSnapshots(store: Store, fromId?: string, toId?: string): DiffResult {
  const ids = store.ids();
  const to = store.resolve(toId);
  let from: string | undefined;
  if (fromId) from = store.resolve(fromId);
  else {
    const i = ids.indexOf(to);
    from = i > 0 ? ids[i - 1] : undefined;
  }
  const after = readDoc(store, to);
  // A snapshot against itself is the empty diff: everything persists, nothing is new or resolved.
  if (from === to) return diffDocs(after, after);
  return diffDocs(from ? readDoc(store, from) : null, after);
}
