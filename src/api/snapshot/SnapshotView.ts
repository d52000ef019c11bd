/**
 * One snapshot as the API serves it: immutable once built. It holds the snapshot's stored
 * findings document, indexes for the routes (findings by subject, in cursor order, by id), what
 * each finding did since the previous snapshot of the store (Create / Update; and what was
 * resolved), when each finding was first and last seen, and the open snapshot database for the
 * queries that walk the graph. A request takes a reference for its whole life (`acquire` /
 * `release`), so it never sees two snapshots, and a retired view closes its database only when
 * the last request that holds it is done.
 */
import type { Finding, FindingsDoc, SubjectReport } from '../../../queries/residual.js';
import { runResidual } from '../../../queries/residual.js';
import { diffDocs } from '../../../queries/diff.js';
import { CompactGraph } from '../../store/CompactGraph.js';
import { LazyGraph } from '../../store/LazyGraph.js';
import { SnapshotDb } from '../../store/SnapshotDb.js';
import type { SnapshotInfo, Store } from '../../store/Store.js';
import { findingHistory, type Seen } from '../../store/history.js';
import { hasStoredFindings, readStoredFindings } from '../../store/storedFindings.js';
import { type SortKey, compareKeys } from '../cursor.js';
import { DbReader } from './DbReader.js';
import type { Activity } from '../ocsf/ocsf.js';

export type History = Map<string, { firstSeen: Seen; lastSeen: Seen }>;

export interface OrderedFinding {
  key: SortKey;
  finding: Finding;
  firstSeen: Seen;
}

export interface ViewLog {
  warn(obj: object, msg: string): void;
}

export const subjectKey = (source: string, id: string) => `${source}\u0000${id}`;

export class SnapshotView {
  readonly id: string;
  readonly info: SnapshotInfo;
  readonly doc: FindingsDoc;
  /** Analysis time of the snapshot, ms. */
  readonly time: number;
  /** The snapshot before this one in the store (what Create / Update / Close are relative to). */
  readonly previous: string | null;
  readonly activity: ReadonlyMap<string, Activity>;
  readonly previousStatus: ReadonlyMap<string, string>;
  readonly resolved: readonly Finding[];
  readonly history: History;
  readonly ordered: readonly OrderedFinding[];
  readonly byId: ReadonlyMap<string, Finding>;
  readonly bySubject: ReadonlyMap<string, Finding[]>;
  readonly subjects: ReadonlyMap<string, SubjectReport>;
  readonly counts: ReadonlyMap<string, number>;
  readonly db: SnapshotDb;
  /** Cache-free reader for small lookups, shared by every request on this snapshot. */
  readonly reader: DbReader;
  readonly loadedAt = Date.now();
  private refs = 0;
  private retired = false;

  constructor(p: ViewParts) {
    this.id = p.info.id;
    this.info = p.info;
    this.doc = p.doc;
    this.db = p.db;
    this.reader = new DbReader(p.db, this.id);
    this.time = Date.parse(p.doc.at);
    this.previous = p.previous;
    this.activity = p.activity;
    this.previousStatus = p.previousStatus;
    this.resolved = p.resolved;
    this.history = p.history;
    this.ordered = p.ordered;
    this.byId = p.byId;
    this.bySubject = p.bySubject;
    this.counts = p.counts;
    this.subjects = new Map(p.doc.subjects.map((s) => [subjectKey(s.source, s.id), s]));
  }

  /** Index of the first finding strictly after `key` in cursor order. */
  indexAfter(key: SortKey): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.ordered[mid].key, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A graph reader for one request (its cache lives and dies with the request). */
  graph(): LazyGraph {
    return new LazyGraph(this.db, this.id);
  }

  acquire(): this {
    this.refs++;
    return this;
  }

  release(): void {
    this.refs--;
    if (this.refs <= 0 && this.retired) this.db.close();
  }

  /** No new request gets this view; its database closes when the last one holding it is done. */
  retire(): void {
    this.retired = true;
    if (this.refs <= 0) this.db.close();
  }

  get inUse(): number {
    return this.refs;
  }
}

/** Let the event loop serve requests between the steps of a long build. */
const breathe = () => new Promise<void>((r) => setImmediate(r));

/**
 * The stored findings document of a snapshot (storedFindings.ts's tables), read in slices so
 * that requests keep being served while a large snapshot is read; a snapshot written by an older
 * revenant (no stored analysis) is analysed now.
 */
export async function readDoc(db: SnapshotDb, id: string, log?: ViewLog): Promise<FindingsDoc> {
  if (!hasStoredFindings(db.db)) {
    log?.warn({ snapshot: id }, 'snapshot has no stored analysis; analysing it now (load the collection again to store it)');
    return runResidual(new CompactGraph(db, id), { all: true });
  }
  const row = db.db.prepare("SELECT value FROM analysis WHERE key = 'doc'").get() as { value: string } | undefined;
  if (!row) return readStoredFindings(db);
  const rest = JSON.parse(row.value) as Omit<FindingsDoc, 'findings'>;
  const findings: Finding[] = [];
  let n = 0;
  for (const r of db.db.prepare('SELECT doc FROM findings ORDER BY ord').iterate() as Iterable<{ doc: string }>) {
    findings.push(JSON.parse(r.doc) as Finding);
    if (++n % 2000 === 0) await breathe();
  }
  return { ...rest, findings };
}

interface ViewParts {
  info: SnapshotInfo;
  doc: FindingsDoc;
  db: SnapshotDb;
  previous: string | null;
  activity: Map<string, Activity>;
  previousStatus: Map<string, string>;
  resolved: Finding[];
  history: History;
  ordered: OrderedFinding[];
  byId: Map<string, Finding>;
  bySubject: Map<string, Finding[]>;
  counts: Map<string, number>;
}

/**
 * Build the view of snapshot `id`, continuing the history of `prev` (the view it replaces) when
 * given. Runs in steps with pauses between them: a swap of a large snapshot never holds up the
 * requests being served from the current one for long.
 */
export async function buildView(store: Store, id: string, prev: SnapshotView | null, log?: ViewLog): Promise<SnapshotView> {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    const info = store.info(id);
    const doc = await readDoc(db, id, log);
    const ids = store.ids();
    const i = ids.indexOf(id);
    const prevId = i > 0 ? ids[i - 1] : null;
    let previous: FindingsDoc | null = null;
    if (prevId && prev && prev.id === prevId) previous = prev.doc;
    else if (prevId) {
      const pdb = new SnapshotDb(store.pathOf(prevId));
      try {
        previous = await readDoc(pdb, prevId, log);
      } finally {
        pdb.close();
      }
    }
    await breathe();
    let history: History;
    if (prev && prev.id < id) {
      history = new Map(prev.history);
      const seen: Seen = { snapshot: id, at: info.collectedAt || doc.at };
      for (const f of doc.findings) {
        const h = history.get(f.id);
        if (h) history.set(f.id, { firstSeen: h.firstSeen, lastSeen: seen });
        else history.set(f.id, { firstSeen: seen, lastSeen: seen });
      }
    } else {
      history = findingHistory(store);
    }
    await breathe();
    const diff = diffDocs(previous, doc);
    const activity = new Map<string, Activity>();
    const previousStatus = new Map<string, string>();
    for (const f of diff.new) activity.set(f.id, 'create');
    for (const f of diff.persisting) activity.set(f.id, 'update');
    for (const c of diff.changed) {
      activity.set(c.after.id, 'update');
      previousStatus.set(c.after.id, c.before.status);
    }
    await breathe();
    const byId = new Map<string, Finding>();
    const bySubject = new Map<string, Finding[]>();
    const counts = new Map<string, number>();
    const ordered: OrderedFinding[] = [];
    const fallback: Seen = { snapshot: id, at: doc.at };
    for (const f of doc.findings) {
      byId.set(f.id, f);
      const k = subjectKey(f.subject.source, f.subject.id);
      (bySubject.get(k) ?? bySubject.set(k, []).get(k)!).push(f);
      const c = `${f.status}\u0000${f.severity}`;
      counts.set(c, (counts.get(c) ?? 0) + 1);
      const firstSeen = history.get(f.id)?.firstSeen ?? fallback;
      ordered.push({ key: { s: firstSeen.snapshot, i: f.id }, finding: f, firstSeen });
    }
    await breathe();
    ordered.sort((a, b) => compareKeys(a.key, b.key));
    return new SnapshotView({
      info,
      doc,
      db,
      previous: previous?.snapshot ?? null,
      activity,
      previousStatus,
      resolved: diff.resolved,
      history,
      ordered,
      byId,
      bySubject,
      counts,
    });
  } catch (e) {
    db.close();
    throw e;
  }
}
