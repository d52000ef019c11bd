/**
 * The warm-up's worker thread (started by warmUp.ts): reads what every refresh on a snapshot reads
 * first from its files — the record indexes of each file of its chain, and the analysis units of
 * the full snapshot at its bottom — and hands them to the server's thread (arrays transferred, not
 * copied), one snapshot file at a time, with the process cache key of that file.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { SnapshotDb } from '../../store/SnapshotDb.js';
import { publishedFileKey } from '../../store/fileCache.js';
import { RecordFile } from '../../store/records/RecordIndex.js';
import { hasTable, readFullUnits } from '../../store/storedFindings.js';
import type { WarmJob, WarmMessage } from './warmMessages.js';

const port = parentPort;
if (!port) throw new Error('warmWorker: not started as a worker thread');

const job = workerData as WarmJob;
for (const path of job.paths) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const fileKey = publishedFileKey(db);
    if (fileKey === null) continue;
    if (hasTable(db, 'record_files')) {
      for (const { file } of db.prepare('SELECT file FROM record_files ORDER BY file').all() as { file: number }[]) {
        const rf = RecordFile.read(db, file);
        if (!rf) continue;
        const a = rf.arrays;
        const m: WarmMessage = { kind: 'records', fileKey, records: a };
        port.postMessage(m, [a.rows, a.byKey, a.byOwner, a.byParent, a.touched].map((x) => x.buffer as ArrayBuffer));
      }
    }
    const base = db.prepare("SELECT value FROM meta WHERE key = 'base'").get();
    if (!base && hasTable(db, 'units')) {
      const sdb = new SnapshotDb(db);
      const units = [...readFullUnits(sdb).values()];
      const m: WarmMessage = { kind: 'units', fileKey, units };
      port.postMessage(
        m,
        units.map((u) => u.deps.buffer as ArrayBuffer),
      );
    }
  } finally {
    db.close();
  }
}
