/**
 * The warm-up's worker thread (started by warmUp.ts): reads what every refresh on a snapshot reads
 * first from its files — the record indexes of each file of its chain, and the analysis units of
 * the full snapshot at its bottom — and hands them to the server's thread (arrays transferred, not
 * copied), one snapshot file at a time, with the process cache key of that file; within the job's
 * budget and largest entry (the cache's), sized before reading.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { SnapshotDb } from '../../store/SnapshotDb.js';
import { publishedFileKey } from '../../store/fileCache.js';
import { R, RecordFile } from '../../store/records/RecordIndex.js';
import { hasTable, readFullUnits, storedUnitsBytes } from '../../store/storedFindings.js';
import type { WarmJob, WarmMessage } from './warmMessages.js';

const port = parentPort;
if (!port) throw new Error('warmWorker: not started as a worker thread');

const job = workerData as WarmJob;
/** Bytes the cache may still take (job.budget); a value larger than job.maxEntry or than what is left is not read. */
let left = job.budget;
const fits = (bytes: number) => bytes <= job.maxEntry && bytes <= left;
for (const path of job.paths) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const fileKey = publishedFileKey(db);
    if (fileKey === null) continue;
    // The units first: every refresh reads them; a record index only its own source's refreshes.
    const base = db.prepare("SELECT value FROM meta WHERE key = 'base'").get();
    if (!base && hasTable(db, 'units')) {
      // Their size as the cache counts it, before reading them.
      const size = storedUnitsBytes(db);
      if (fits(size)) {
        const units = [...readFullUnits(new SnapshotDb(db)).values()];
        left -= size;
        const m: WarmMessage = { kind: 'units', fileKey, units };
        port.postMessage(
          m,
          units.map((u) => u.deps.buffer as ArrayBuffer),
        );
      }
    }
    if (hasTable(db, 'record_files')) {
      for (const { file, n } of db.prepare('SELECT file, n FROM record_files ORDER BY file').all() as { file: number; n: number }[]) {
        // Its rows and three permutations, the least it holds, before decoding it.
        if (!fits(n * (R + 3) * 4)) continue;
        const rf = RecordFile.read(db, file);
        if (!rf || !fits(rf.bytes)) continue;
        left -= rf.bytes;
        const a = rf.arrays;
        const m: WarmMessage = { kind: 'records', fileKey, records: a };
        port.postMessage(m, [a.rows, a.byKey, a.byOwner, a.byParent, a.touched].map((x) => x.buffer as ArrayBuffer));
      }
    }
  } finally {
    db.close();
  }
}
