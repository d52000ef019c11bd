/**
 * One snapshot as the API serves it: immutable once built. It holds the snapshot's stored
 * findings document, indexes for the routes (findings by subject, sorted by id, by id), its
 * position in the change feed (the end of its events: a listing of this snapshot continues with
 * the feed from there), what
 * each finding did since the previous snapshot of the store (Create / Update; and what was
 * resolved), when each finding was first and last seen, and the query engine for the routes that
 * walk the graph (the snapshot's SQLite file, or the snapshot in Neo4j). A request takes a
 * reference for its whole life (`acquire` / `release`), so it never sees two snapshots, and a
 * retired view closes its engine only when the last request that holds it is done.
 */
import type { Finding, FindingsDoc, SubjectReport } from '../../../queries/residual.js';
import { type DiffResult, diffChange, diffDocs } from '../../../queries/diff.js';
import type { ChangeFeed } from '../../store/ChangeFeed.js';
import { type DocChange, mergeSorted, primeDocOrder } from '../../store/storedFindings.js';
import type { Seen } from '../../store/history.js';
import type { Activity } from '../ocsf/ocsf.js';
import type { QueryEngine } from '../../../queries/QueryEngine.js';
import { type SnapshotSource, type SnapshotSummary, breathe } from './SnapshotSource.js';
import { LayeredMap, SeenHistory, type SeenSpan } from './LayeredMap.js';

/** When each finding of the store was first and last seen, up to a view's snapshot. */
export type History = ReadonlyMap<string, SeenSpan>;

export interface ViewLog {
  warn(obj: object, msg: string): void;
}

export const subjectKey = (source: string, id: string) => `${source}\u0000${id}`;

export class SnapshotView {
  readonly id: string;
  readonly info: SnapshotSummary;
  readonly doc: FindingsDoc;
  /** Analysis time of the snapshot, ms. */
  readonly time: number;
  /** The snapshot before this one in the store (what Create / Update / Close are relative to). */
  readonly previous: string | null;
  readonly activity: ReadonlyMap<string, Activity>;
  readonly previousStatus: ReadonlyMap<string, string>;
  readonly resolved: readonly Finding[];
  readonly history: History;
  /** The findings sorted by id (the order of a listing). */
  readonly sorted: readonly Finding[];
  /** The change-feed position after this snapshot's events. */
  readonly feedEnd: number;
  readonly byId: ReadonlyMap<string, Finding>;
  readonly bySubject: ReadonlyMap<string, readonly Finding[]>;
  readonly subjects: ReadonlyMap<string, SubjectReport>;
  readonly counts: ReadonlyMap<string, number>;
  /** The queries that walk this snapshot's graph (embedded or Neo4j). */
  readonly engine: QueryEngine;
  /**
   * When this view was patched from the previous snapshot's (a delta on it): the change over it
   * (diffChange: `persisting` lists only the findings the delta wrote again; every other finding
   * persists unchanged). Null when the view was built whole.
   */
  readonly diff: DiffResult | null;
  readonly loadedAt = Date.now();
  private refs = 0;
  private retired = false;

  constructor(p: ViewParts) {
    this.id = p.info.id;
    this.info = p.info;
    this.doc = p.doc;
    this.engine = p.engine;
    this.time = Date.parse(p.doc.at);
    this.previous = p.previous;
    this.activity = p.activity;
    this.previousStatus = p.previousStatus;
    this.resolved = p.resolved;
    this.history = p.history;
    this.sorted = p.sorted;
    this.feedEnd = p.feedEnd;
    this.byId = p.byId;
    this.bySubject = p.bySubject;
    this.counts = p.counts;
    this.subjects = p.subjects ?? new Map(p.doc.subjects.map((s) => [subjectKey(s.source, s.id), s]));
    this.diff = p.diff;
  }

  /** Index in `sorted` of the first finding whose id is after `id`. */
  indexAfter(id: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid].id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  acquire(): this {
    this.refs++;
    return this;
  }

  release(): void {
    this.refs--;
    if (this.refs <= 0 && this.retired) this.engine.close();
  }

  /** No new request gets this view; its database closes when the last one holding it is done. */
  retire(): void {
    this.retired = true;
    if (this.refs <= 0) this.engine.close();
  }

  get inUse(): number {
    return this.refs;
  }
}

/** A snapshot's document the caller has already; for a delta on the view it replaces, with what the delta changed. */
export interface Known {
  doc: FindingsDoc;
  change?: DocChange;
}

interface ViewParts {
  info: SnapshotSummary;
  doc: FindingsDoc;
  engine: QueryEngine;
  previous: string | null;
  activity: Map<string, Activity>;
  previousStatus: Map<string, string>;
  resolved: Finding[];
  history: History;
  sorted: Finding[];
  feedEnd: number;
  byId: ReadonlyMap<string, Finding>;
  bySubject: ReadonlyMap<string, readonly Finding[]>;
  counts: Map<string, number>;
  subjects?: ReadonlyMap<string, SubjectReport>;
  diff: DiffResult | null;
}

/**
 * Build the view of snapshot `id`, continuing the history of `prev` (the view it replaces) when
 * given (`known`: its findings document, when the caller has it already). Runs in steps with
 * pauses between them: a swap of a large snapshot never holds up the requests being served from
 * the current one for long.
 */
export async function buildView(
  source: SnapshotSource,
  id: string,
  prev: SnapshotView | null,
  log?: ViewLog,
  feed?: ChangeFeed,
  known?: Known,
): Promise<SnapshotView> {
  const engine = await source.open(id);
  try {
    const info = await source.info(id);
    // A delta on the snapshot being served: its change laid over the document already in memory.
    const on = known ?? (prev && source.readDocOn ? await source.readDocOn(id, prev.id, prev.doc, prev.engine) : null);
    const doc = on?.doc ?? (await source.readDoc(id, log));
    const ids = await source.ids();
    const i = ids.indexOf(id);
    const prevId = i > 0 ? ids[i - 1] : null;
    let previous: FindingsDoc | null = null;
    if (prevId && prev && prev.id === prevId) previous = prev.doc;
    else if (prevId) {
      try {
        previous = await source.readDoc(prevId, log);
      } catch (e) {
        // An unreadable (or just pruned) previous snapshot must not stop this one from being served.
        log?.warn({ snapshot: id, previous: prevId, err: (e as Error).message }, 'cannot read the previous snapshot: activities are relative to none');
      }
    }
    await breathe();
    // The history continues the replaced view's: this snapshot's findings are seen again now (laid over it, not copied).
    const seen: Seen = { snapshot: id, at: info.collectedAt || doc.at };
    const continues = prev !== null && prev.id < id;
    // A delta on the view it replaces: patched from it (only what the delta changed is looked at).
    if (on?.change && prev && prev.id === prevId && on.change.base === prev.id && previous === prev.doc) {
      const parts = patchParts(prev, doc, on.change);
      const history = continues ? SeenHistory.after(prev.history, prev.byId, parts.byId, seen, [...on.change.findings.map((f) => f.id), ...on.change.gone]) : await source.history();
      return new SnapshotView({ info, doc, engine, previous: prev.id, history, feedEnd: feed ? feed.endOf(id) : 0, ...parts });
    }
    const diff = diffDocs(previous, doc);
    const { activity, previousStatus } = activitiesOf(diff);
    await breathe();
    const byId = new Map<string, Finding>();
    const bySubject = new Map<string, Finding[]>();
    const counts = new Map<string, number>();
    for (const f of doc.findings) {
      byId.set(f.id, f);
      const k = subjectKey(f.subject.source, f.subject.id);
      (bySubject.get(k) ?? bySubject.set(k, []).get(k)!).push(f);
      const c = `${f.status}\u0000${f.severity}`;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    await breathe();
    const history = continues ? SeenHistory.after(prev.history, prev.byId, byId, seen) : await source.history();
    await breathe();
    const sorted = [...doc.findings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // What the first refresh's swap would work out over this view (its document's subject and
    // person order, the history's halves): now, while the view is built, not on the event path.
    await breathe();
    primeDocOrder(doc);
    SeenHistory.prime(history);
    return new SnapshotView({
      info,
      doc,
      engine,
      previous: previous?.snapshot ?? null,
      activity,
      previousStatus,
      resolved: diff.resolved,
      history,
      sorted,
      feedEnd: feed ? feed.endOf(id) : 0,
      byId,
      bySubject,
      counts,
      diff: null,
    });
  } catch (e) {
    engine.close();
    throw e;
  }
}

/** What each finding did since the previous snapshot: `create` (absent: `update`), and the status before for a changed one. */
function activitiesOf(diff: DiffResult): { activity: Map<string, Activity>; previousStatus: Map<string, string>; resolved: Finding[] } {
  const activity = new Map<string, Activity>();
  const previousStatus = new Map<string, string>();
  for (const f of diff.new) activity.set(f.id, 'create');
  for (const c of diff.changed) previousStatus.set(c.after.id, c.before.status);
  return { activity, previousStatus, resolved: diff.resolved };
}

const countKey = (f: Finding) => `${f.status}\u0000${f.severity}`;
const byIdOrder = (a: Finding, b: Finding) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The indexes of a delta's view from the view of its base and the delta's change: the findings
 * the delta wrote replace their old versions, the ones it dropped go; everything else is shared
 * with the base's view (same finding objects). Equal to a whole build (test/api/viewPatch).
 */
function patchParts(prev: SnapshotView, doc: FindingsDoc, change: DocChange): Omit<ViewParts, 'info' | 'engine' | 'doc' | 'previous' | 'history' | 'feedEnd'> & { byId: ReadonlyMap<string, Finding> } {
  const diff = diffChange(prev.doc, prev.byId, doc, change.findings, change.gone);
  const { activity, previousStatus, resolved } = activitiesOf(diff);
  // The findings that leave (dropped, or replaced by the delta's version) and those that come in.
  const out = [...change.gone, ...change.findings.map((f) => f.id)].map((id) => prev.byId.get(id)).filter((f): f is Finding => f !== undefined);
  const outIds = new Set(out.map((f) => f.id));
  // By id: the base's map with the changes laid over it (not copied).
  const byId = LayeredMap.over<string, Finding>(prev.byId, [...change.gone.map((id) => [id, undefined] as const), ...change.findings.map((f) => [f.id, f] as const)]);
  const counts = new Map(prev.counts);
  for (const f of out) {
    const n = (counts.get(countKey(f)) ?? 0) - 1;
    if (n > 0) counts.set(countKey(f), n);
    else counts.delete(countKey(f));
  }
  for (const f of change.findings) counts.set(countKey(f), (counts.get(countKey(f)) ?? 0) + 1);
  // Subjects whose findings changed: their lists again, in document order (one pass, by object: the ones that left are not in it).
  const affected = new Set([...out, ...change.findings].map((f) => subjectKey(f.subject.source, f.subject.id)));
  const members = new Set<Finding>(change.findings);
  const lists = new Map<string, Finding[] | undefined>();
  for (const k of affected) {
    for (const f of prev.bySubject.get(k) ?? []) members.add(f);
    lists.set(k, undefined);
  }
  if (members.size) {
    for (const f of doc.findings) {
      if (!members.has(f)) continue;
      const k = subjectKey(f.subject.source, f.subject.id);
      (lists.get(k) ?? lists.set(k, []).get(k)!).push(f);
    }
  }
  const bySubject = LayeredMap.over<string, readonly Finding[]>(prev.bySubject, lists);
  // By id: the base's order without the ones that left, the delta's merged in.
  const incoming = [...change.findings].sort(byIdOrder);
  const sorted = patchSorted(prev.sorted, outIds, incoming);
  const subjects = LayeredMap.over<string, SubjectReport>(
    prev.subjects,
    change.subjects.map((x) => [subjectKey(x.source, x.id), x.report ?? undefined] as const),
  );
  return { activity, previousStatus, resolved, sorted, byId, bySubject, counts, subjects, diff };
}

/** The first index of `sorted` (by id) whose id is not below `id`. */
function lowerBound(sorted: readonly Finding[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `sorted` (by id) without the findings whose ids are in `out`, with `incoming` (by id) merged in
 * — on equal ids the kept one first, as mergeSorted does. A few changes are spliced into a copy
 * (a copy of the pointers, no comparison of the rest); many, merged in one pass.
 */
export function patchSorted(sorted: readonly Finding[], out: ReadonlySet<string>, incoming: readonly Finding[]): Finding[] {
  if ((out.size + incoming.length) * 64 > sorted.length) {
    const kept = out.size ? sorted.filter((f) => !out.has(f.id)) : [...sorted];
    return mergeSorted(kept, incoming, byIdOrder);
  }
  const next = sorted.slice();
  for (const id of out) {
    // Every finding with this id goes (ids are unique in a document; a repeat goes too, as the filter does).
    const i = lowerBound(next, id);
    let n = 0;
    while (i + n < next.length && next[i + n].id === id) n++;
    if (n) next.splice(i, n);
  }
  for (const f of incoming) {
    // After the kept findings with the same id (and the incoming ones before it).
    let i = lowerBound(next, f.id);
    while (i < next.length && next[i].id === f.id) i++;
    next.splice(i, 0, f);
  }
  return next;
}
