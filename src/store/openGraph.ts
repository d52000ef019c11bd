/**
 * Opens the graph an analysis command runs on: the latest (or a named) snapshot of the embedded
 * store, or collections loaded straight into an in-memory snapshot with `--collection` (nothing
 * is written to the store). Returns a GraphReader and a close function (openGraph), or the
 * snapshot database itself (openSnapshotDb, for a query engine).
 */
import Database from 'better-sqlite3';
import { CompactGraph } from './CompactGraph.js';
import type { GraphReader } from './GraphReader.js';
import { LazyGraph } from './LazyGraph.js';
import { SnapshotDb } from './SnapshotDb.js';
import { Store } from './Store.js';
import type { LoadProgress } from './writeSnapshot.js';

export interface OpenGraphOptions {
  /** A tenant-wide sweep (every subject): read the whole snapshot compactly instead of on demand. */
  sweep?: boolean;
  collections?: string[];
  snapshot?: string;
  store?: string;
  onProgress?: (p: LoadProgress) => void;
}

export interface OpenedGraph {
  graph: GraphReader;
  close: () => void;
}

/** Load collections into an in-memory snapshot. */
export async function loadInMemory(dirs: string[], onProgress?: (p: LoadProgress) => void): Promise<SnapshotDb> {
  // The write path loads only when collections are read (`--collection`): a stored snapshot never needs it.
  const [{ SnapshotWriter }, { writeSnapshot }] = await Promise.all([import('./SnapshotWriter.js'), import('./writeSnapshot.js')]);
  const writer = new SnapshotWriter(':memory:');
  try {
    const summary = await writeSnapshot(dirs, writer, onProgress);
    const db: Database.Database = writer.finish(
      { id: '', createdAt: new Date().toISOString(), collectedAt: summary.collectedAt, collections: JSON.stringify(summary.collections) },
      true,
    );
    return new SnapshotDb(db);
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** The snapshot database a command reads: collections loaded in memory (id null), or the named or latest snapshot of the store. */
export async function openSnapshotDb(opts: Omit<OpenGraphOptions, 'sweep'>): Promise<{ db: SnapshotDb; id: string | null }> {
  if (opts.collections && opts.collections.length > 0) return { db: await loadInMemory(opts.collections, opts.onProgress), id: null };
  const store = new Store(opts.store);
  const id = store.resolve(opts.snapshot);
  return { db: new SnapshotDb(store.pathOf(id)), id };
}

export async function openGraph(opts: OpenGraphOptions): Promise<OpenedGraph> {
  const { db, id } = await openSnapshotDb(opts);
  return { graph: opts.sweep ? new CompactGraph(db, id) : new LazyGraph(db, id), close: () => db.close() };
}
