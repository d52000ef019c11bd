/**
 * `load` as every caller needs it (CLI, HTTP API refresh, reports, demo): write the collections
 * as a new snapshot and, before it becomes visible, analyse it — residual access of every
 * departed subject at the collection time — and store the findings in it. The snapshot only
 * appears (atomic rename) once both are done.
 */
import Database from 'better-sqlite3';
import { CompactGraph } from '../src/store/CompactGraph.js';
import { SnapshotDb } from '../src/store/SnapshotDb.js';
import type { Store } from '../src/store/Store.js';
import { writeStoredFindings } from '../src/store/storedFindings.js';
import type { LoadProgress, LoadSummary } from '../src/store/writeSnapshot.js';
import type { SnapshotWriter } from '../src/store/SnapshotWriter.js';
import { runResidual } from './residual.js';

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
function analyseSnapshotFile(path: string, id: string, writer: SnapshotWriter, summary: LoadSummary): { findings: number; departed: number } {
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
  return { findings: doc.findings.length, departed: doc.subjects.filter((s) => s.departed).length };
}

export async function loadSnapshot(store: Store, dirs: string[], onProgress?: (p: LoadProgress) => void): Promise<LoadResult> {
  let stats = { findings: 0, departed: 0 };
  const { id, summary } = await store.load(dirs, onProgress, (path, snapId, writer, sum) => {
    stats = analyseSnapshotFile(path, snapId, writer, sum);
  });
  return { id, summary, ...stats };
}
