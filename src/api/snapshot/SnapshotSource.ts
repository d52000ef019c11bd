/**
 * Where the API's snapshots come from: the embedded store (a folder of SQLite files, watched for
 * new ones) or Neo4j (polled for a new latest snapshot). Either way a snapshot brings its stored
 * analysis (the `residual --all` document written at load time), finding history across
 * snapshots, diffs, and a query engine for the routes that walk the graph.
 */
import { existsSync } from 'node:fs';
import neo4j, { type Driver } from 'neo4j-driver';
import { type DiffResult, diffDocs, diffSnapshots } from '../../../queries/diff.js';
import type { Finding, FindingsDoc } from '../../../queries/residual.js';
import { runResidual } from '../../../queries/residual.js';
import { ERR, StoreError } from '../../model/errors.js';
import { CompactGraph } from '../../store/CompactGraph.js';
import { findingHistory, type Seen } from '../../store/history.js';
import type { Neo4jStore } from '../../store/neo4jStore.js';
import { Neo4jLabel } from '../../store/neo4jSchema.js';
import { SnapshotDb } from '../../store/SnapshotDb.js';
import type { Store } from '../../store/Store.js';
import { type DocChange, hasStoredFindings, patchDocChange, readStoredFindings } from '../../store/storedFindings.js';
import { EmbeddedEngine, Neo4jEngine, type QueryEngine } from '../../../queries/QueryEngine.js';

/** A delta snapshot's document laid over its base's, and what it changed. */
export interface DocOn {
  doc: FindingsDoc;
  change: DocChange;
}

export type History = Map<string, { firstSeen: Seen; lastSeen: Seen }>;

export interface SnapshotSummary {
  id: string;
  createdAt: string;
  collectedAt: string;
  nodes?: number;
  edges?: number;
  bytes?: number;
  sources: { source: string; tenant: string; collectedAt: string }[];
  /** Set when the snapshot cannot be read (a corrupt file): it is listed, never served. */
  error?: string;
}

export interface SourceLog {
  warn(obj: object, msg: string): void;
}

export interface SnapshotSource {
  readonly kind: 'embedded' | 'neo4j';
  /** A folder to watch for new snapshot files (embedded only). */
  readonly watchDir: string | null;
  /** Snapshot ids, oldest first. */
  ids(): Promise<string[]>;
  latestId(): Promise<string | undefined>;
  /** `id` exact or a unique prefix; the latest when omitted. */
  resolve(id?: string): Promise<string>;
  list(): Promise<SnapshotSummary[]>;
  info(id: string): Promise<SnapshotSummary>;
  readDoc(id: string, log?: SourceLog): Promise<FindingsDoc>;
  /**
   * The document of `id` from the document of `baseId` when `id` is a delta snapshot on it (only
   * the delta's change is read), with that change (what the view and the change feed patch);
   * null when it is not (read it with `readDoc`). `baseEngine`: the base's engine, open (its
   * snapshot files are read through it instead of being opened again).
   */
  readDocOn?(id: string, baseId: string, base: FindingsDoc, baseEngine?: QueryEngine): Promise<DocOn | null>;
  /** When each finding was first and last seen, over every snapshot. */
  history(): Promise<History>;
  diff(fromId?: string, toId?: string): Promise<DiffResult>;
  open(id: string): Promise<QueryEngine>;
  /** After the embedded store got a new snapshot `id` (an event-driven refresh): make it this source's latest too. */
  publish(store: Store, id: string): Promise<void>;
  /** Remove snapshots (of event-driven refreshes) from the embedded store and from this source. */
  forget(store: Store, ids: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Let the event loop serve requests between the steps of a long read. */
export const breathe = () => new Promise<void>((r) => setImmediate(r));

/**
 * The stored findings document of a snapshot file (storedFindings.ts's tables), read in slices
 * so that requests keep being served while a large snapshot is read; a snapshot written by an
 * older revenant (no stored analysis) is analysed now.
 */
async function readDocSliced(db: SnapshotDb, id: string, log?: SourceLog): Promise<FindingsDoc> {
  if (!hasStoredFindings(db.db)) {
    log?.warn({ snapshot: id }, 'snapshot has no stored analysis; analysing it now (load the collection again to store it)');
    return runResidual(new CompactGraph(db, id), { all: true });
  }
  const row = db.db.prepare("SELECT value FROM analysis WHERE key = 'doc'").get() as { value: string } | undefined;
  if (!row || db.isDelta) return readStoredFindings(db);
  const rest = JSON.parse(row.value) as Omit<FindingsDoc, 'findings'>;
  const findings: FindingsDoc['findings'] = [];
  let n = 0;
  for (const r of db.db.prepare('SELECT doc FROM findings ORDER BY ord').iterate() as Iterable<{ doc: string }>) {
    findings.push(JSON.parse(r.doc) as Finding);
    if (++n % 2000 === 0) await breathe();
  }
  return { ...rest, findings };
}

/** `readDocOn` from an embedded store's files: null unless `id` is there as a delta on `baseId`. */
function readDocOnStore(store: Store, id: string, baseId: string, base: FindingsDoc, baseEngine?: QueryEngine): DocOn | null {
  if (!existsSync(store.pathOf(id)) || store.baseOf(id) !== baseId) return null;
  // The base's files are open already in the engine serving it: the delta is opened on them (not on its chain again).
  const parent = baseEngine instanceof EmbeddedEngine && baseEngine.db.id === baseId ? baseEngine.db : undefined;
  const db = new SnapshotDb(store.pathOf(id), parent ? { base: parent } : {});
  try {
    return patchDocChange(base, db);
  } finally {
    db.close();
  }
}

export class EmbeddedSource implements SnapshotSource {
  readonly kind = 'embedded' as const;
  readonly watchDir: string;

  constructor(readonly store: Store) {
    this.watchDir = store.snapshotsDir;
  }

  async ids(): Promise<string[]> {
    return this.store.ids();
  }

  async latestId(): Promise<string | undefined> {
    return this.store.latestId();
  }

  async resolve(id?: string): Promise<string> {
    return this.store.resolve(id);
  }

  /** Every snapshot; one whose file cannot be read is listed with `error` instead of failing the list. */
  async list(): Promise<SnapshotSummary[]> {
    const out: SnapshotSummary[] = [];
    for (const id of this.store.ids()) {
      try {
        const { path: _path, ...info } = this.store.info(id);
        out.push(info);
      } catch {
        // Pruned meanwhile: not listed; there but unreadable: listed as such.
        if (existsSync(this.store.pathOf(id))) out.push({ id, createdAt: '', collectedAt: '', sources: [], error: 'unreadable' });
      }
    }
    return out;
  }

  async info(id: string): Promise<SnapshotSummary> {
    return this.store.info(id);
  }

  async readDoc(id: string, log?: SourceLog): Promise<FindingsDoc> {
    const db = new SnapshotDb(this.store.pathOf(id));
    try {
      return await readDocSliced(db, id, log);
    } finally {
      db.close();
    }
  }

  async readDocOn(id: string, baseId: string, base: FindingsDoc, baseEngine?: QueryEngine): Promise<DocOn | null> {
    return readDocOnStore(this.store, id, baseId, base, baseEngine);
  }

  async history(): Promise<History> {
    return findingHistory(this.store);
  }

  async diff(fromId?: string, toId?: string): Promise<DiffResult> {
    return diffSnapshots(this.store, fromId, toId);
  }

  async open(id: string): Promise<QueryEngine> {
    return new EmbeddedEngine(new SnapshotDb(this.store.pathOf(id)), id);
  }

  async publish(): Promise<void> {
    // The embedded store is the source: nothing to do.
  }

  async forget(store: Store, ids: string[]): Promise<void> {
    store.remove(ids);
  }

  async close(): Promise<void> {}
}

export class Neo4jSource implements SnapshotSource {
  readonly kind = 'neo4j' as const;
  readonly watchDir = null;
  /** The embedded store the refreshes of this server write their delta snapshots to (set by `publish`). */
  private local: Store | undefined;

  constructor(
    readonly neo: Neo4jStore,
    private readonly driver: Driver,
    opts: { local?: Store } = {},
  ) {
    this.local = opts.local;
  }

  async ids(): Promise<string[]> {
    return (await this.neo.list()).map((s) => s.id);
  }

  async latestId(): Promise<string | undefined> {
    return this.neo.latestId();
  }

  async resolve(id?: string): Promise<string> {
    return this.neo.resolve(id);
  }

  async list(): Promise<SnapshotSummary[]> {
    return (await this.neo.list()).map((s) => ({ id: s.id, createdAt: s.createdAt, collectedAt: s.collectedAt, nodes: s.nodes, edges: s.edges, sources: s.sources }));
  }

  async info(id: string): Promise<SnapshotSummary> {
    const s = (await this.list()).find((x) => x.id === id);
    if (!s) throw new StoreError(`no snapshot ${id} in Neo4j at ${this.neo.uri}`, ERR.SNAPSHOT_NOT_FOUND);
    return s;
  }

  async readDoc(id: string): Promise<FindingsDoc> {
    return this.neo.storedFindings(id);
  }

  /**
   * A delta a refresh of this server wrote to its embedded store and pushed here: its document is
   * the delta's change laid over the base's (the same findings as it has in Neo4j, which were
   * pushed from that file), without reading every finding back from Neo4j.
   */
  async readDocOn(id: string, baseId: string, base: FindingsDoc): Promise<DocOn | null> {
    return this.local ? readDocOnStore(this.local, id, baseId, base) : null;
  }

  async history(): Promise<History> {
    const list = await this.neo.list();
    const at = new Map(list.map((s) => [s.id, s.collectedAt]));
    const { records } = await this.driver.executeQuery(
      `MATCH (f:${Neo4jLabel.finding}) WHERE f.snapshot IN $ids AND f.id IS NOT NULL RETURN f.snapshot AS s, f.id AS id ORDER BY s`,
      { ids: list.map((s) => s.id) },
      { database: this.neo.database, routing: neo4j.routing.READ },
    );
    const out: History = new Map();
    for (const r of records) {
      const seen: Seen = { snapshot: String(r.get('s')), at: at.get(String(r.get('s'))) ?? '' };
      const id = String(r.get('id'));
      const h = out.get(id);
      if (h) h.lastSeen = seen;
      else out.set(id, { firstSeen: seen, lastSeen: seen });
    }
    return out;
  }

  async diff(fromId?: string, toId?: string): Promise<DiffResult> {
    const ids = await this.ids();
    const to = await this.resolve(toId);
    let from: string | undefined;
    if (fromId) from = await this.resolve(fromId);
    else {
      const i = ids.indexOf(to);
      from = i > 0 ? ids[i - 1] : undefined;
    }
    const after = await this.readDoc(to);
    if (from === to) return diffDocs(after, after);
    return diffDocs(from ? await this.readDoc(from) : null, after);
  }

  async open(id: string): Promise<QueryEngine> {
    return new Neo4jEngine(await this.neo.open(id));
  }

  /** Push the embedded snapshot `id` into Neo4j (as `load --neo4j` does); it becomes the latest there. */
  async publish(store: Store, id: string): Promise<void> {
    this.local = store;
    const sdb = new SnapshotDb(store.pathOf(id));
    try {
      await this.neo.push(sdb, id);
    } finally {
      sdb.close();
    }
  }

  async forget(store: Store, ids: string[]): Promise<void> {
    const inNeo4j = new Set(await this.ids());
    for (const id of ids) if (inNeo4j.has(id)) await this.neo.remove(id);
    store.remove(ids);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
