/**
 * `load` as every caller needs it (CLI, HTTP API refresh, reports, demo): write the collections
 * as a new snapshot and, before it becomes visible, analyse it — residual access of every
 * departed subject at the collection time — and store the findings in it. The snapshot only
 * appears (atomic rename) once both are done. Then its changes are appended to the store's change
 * feed (a failure there is a warning: the snapshot is in place, and the server appends what the
 * feed lacks when it swaps the snapshot in).
 */
import Database from 'better-sqlite3';
import { CompactGraph } from '../src/store/CompactGraph.js';
import { SnapshotDb } from '../src/store/SnapshotDb.js';
import type { Store } from '../src/store/Store.js';
import { writeStoredFindings } from '../src/store/storedFindings.js';
import type { LoadProgress, LoadSummary } from '../src/store/writeSnapshot.js';
import type { SnapshotWriter } from '../src/store/SnapshotWriter.js';
import { type FindingsDoc, runResidual } from './residual.js';

export interface LoadResult {
  id: string;
  summary: LoadSummary;
  findings: number;
  departed: number;
}

/**
 * Analyse a finished (not yet published) snapshot and store its findings in its file. The
 * analysis runs on the writer's memory (no re-read of the nodes and edges); the sources' ledgers
 * and the edge properties are read back from the file, as stored.
 */
export function analyseSnapshotFile(path: string, id: string, writer: SnapshotWriter, summary: LoadSummary): { findings: number; departed: number; doc: FindingsDoc } {
  const sdb = new SnapshotDb(path);
  let doc;
  try {
    const sources = sdb.sources();
    doc = runResidual(new CompactGraph(writer.compactSource({ sources, collectedAt: summary.collectedAt, snapshotId: id }, { edgeProps: (eid, kind) => sdb.edgePropsOf(eid, kind), lookup: (name) => sdb.lookup(name) })), { all: true });
  } finally {
    sdb.close();
  }
  const db = new Database(path);
  try {
    db.pragma('journal_mode = DELETE');
    writeStoredFindings(db, doc);
  } finally {
    db.close();
  }
  return { findings: doc.findings.length, departed: doc.subjects.filter((s) => s.departed).length, doc };
}

export async function loadSnapshot(store: Store, dirs: string[], onProgress?: (p: LoadProgress) => void): Promise<LoadResult> {
  let doc: FindingsDoc | undefined;
  let stats = { findings: 0, departed: 0 };
  const { id, summary } = await store.load(dirs, onProgress, (path, snapId, writer, sum) => {
    const r = analyseSnapshotFile(path, snapId, writer, sum);
    doc = r.doc;
    stats = { findings: r.findings, departed: r.departed };
  });
  try {
    await store.syncFeed({ id, doc: doc!, at: summary.collectedAt });
  } catch (e) {
    summary.warnings.push(`the change feed was not updated (${(e as Error).message}); the server appends the snapshot's changes when it swaps it in`);
  }
  return { id, summary, ...stats };
}
