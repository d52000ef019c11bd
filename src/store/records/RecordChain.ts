/**
 * The record index of a snapshot as one: a delta snapshot's own records (the lines it loaded)
 * over its base's, a key removed by a level hidden below it. Finds the current record of a key,
 * the current records of an owner or a parent, and every current key of a dataset.
 */
import type Database from 'better-sqlite3';
import type { SnapshotDb } from '../SnapshotDb.js';
import { cached, prime, publishedFileKey } from '../fileCache.js';
import { HashPairMap, type RecordRef, RecordFile, hkey, hkeyPair, readGone } from './RecordIndex.js';

interface Level {
  db: Database.Database;
  /** Record file indexes by `sourceKey\0dataset`. */
  fileIds: Map<string, number[]>;
  /** Record files read so far (blobs are read on first use). */
  loaded: Map<string, RecordFile[]>;
  gone: Map<string, Set<string>>;
  files(k: string): RecordFile[];
}

/** What a chain read of its levels' record files (REVENANT_TIMING: a delta's `read and compare` reports it). */
export interface RecordReads {
  files: number;
  rows: number;
  /** CPU microseconds (user + system) spent reading and decoding them. */
  cpuMicros: number;
}

export class RecordChain {
  private readonly levels: Level[] = [];
  /** The record files this chain read from SQLite (not those found in the process cache). */
  readonly reads: RecordReads = { files: 0, rows: 0, cpuMicros: 0 };

  constructor(sdb: SnapshotDb) {
    for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) this.levels.push(levelOf(s.db, this.reads));
  }

  private static k(sourceKey: string, dataset: string): string {
    return `${sourceKey}\u0000${dataset}`;
  }

  /** Whether any level indexed this dataset (a snapshot written before record indexes has none). */
  has(sourceKey: string, dataset: string): boolean {
    return this.levels.some((l) => l.fileIds.has(RecordChain.k(sourceKey, dataset)) || l.gone.has(RecordChain.k(sourceKey, dataset)));
  }

  /** The current record of a key (undefined: none, or removed). */
  find(sourceKey: string, dataset: string, key: [number, number]): RecordRef | undefined {
    const k = RecordChain.k(sourceKey, dataset);
    const hk = hkey(key);
    for (const l of this.levels) {
      for (const f of l.files(k)) {
        const rows = f.byKeyHash(key);
        if (rows.length) return f.ref(rows[rows.length - 1]);
      }
      if (l.gone.get(k)?.has(hk)) return undefined;
    }
    return undefined;
  }

  /**
   * Current records whose owner (or parent) hashes to `h`: a level's record of the owner counts
   * unless a level above loaded or removed its key (looked up by key there — never by listing the
   * levels' keys, which for a full base is every line of the dataset).
   */
  byOwner(sourceKey: string, dataset: string, h: [number, number], what: 'owner' | 'parent' = 'owner'): RecordRef[] {
    const k = RecordChain.k(sourceKey, dataset);
    const out: RecordRef[] = [];
    const seen = new Set<string>();
    this.levels.forEach((l, i) => {
      for (const f of l.files(k)) {
        for (const row of what === 'owner' ? f.byOwnerHash(h) : f.byParentHash(h)) {
          const r = f.ref(row);
          const rk = hkey(r.key);
          if (seen.has(rk)) continue;
          seen.add(rk);
          if (!this.decidedAbove(k, r.key, rk, i)) out.push(r);
        }
      }
    });
    return out;
  }

  /** Whether a level above level `i` loaded or removed the key. */
  private decidedAbove(k: string, key: [number, number], hk: string, i: number): boolean {
    for (let j = 0; j < i; j++) {
      const l = this.levels[j];
      if (l.gone.get(k)?.has(hk)) return true;
      for (const f of l.files(k)) if (f.byKeyHash(key).length) return true;
    }
    return false;
  }

  /** Every current record of a dataset (a key yielded once, from the highest level that has it; none removed above). */
  *all(sourceKey: string, dataset: string): Generator<RecordRef> {
    const k = RecordChain.k(sourceKey, dataset);
    // By hash pair: a string per line cost a diff of HR in full (every day) a few µs a line.
    const decided = new HashPairMap<true>();
    for (const l of this.levels) {
      for (const f of l.files(k)) {
        for (const { row, key } of f.keys()) {
          if (decided.has(key)) continue;
          decided.set(key, true);
          yield f.ref(row);
        }
      }
      for (const g of l.gone.get(k) ?? []) decided.set(hkeyPair(g), true);
    }
  }
}

const recordFileCacheKey = (fileKey: string, file: number) => `${fileKey}\u0000records\u0000${file}`;

/** Put a record file read elsewhere (a warm-up's worker thread) in the process cache RecordChain reads (`fileKey`: publishedFileKey of its snapshot file). */
export function primeRecordFile(fileKey: string, rf: RecordFile): void {
  prime(recordFileCacheKey(fileKey, rf.file), rf, rf.bytes);
}

function levelOf(db: Database.Database, reads: RecordReads): Level {
  const fileIds = new Map<string, number[]>();
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_files'").get();
  if (has) {
    for (const r of db.prepare('SELECT file, source_key, dataset FROM record_files ORDER BY file').all() as { file: number; source_key: string; dataset: string }[]) {
      const k = `${r.source_key}\u0000${r.dataset}`;
      (fileIds.get(k) ?? fileIds.set(k, []).get(k)!).push(r.file);
    }
  }
  const loaded = new Map<string, RecordFile[]>();
  // A published file's record files are parsed once per process (each refresh reads its base's).
  const fileKey = publishedFileKey(db);
  const read = (f: number) =>
    cached(fileKey === null ? null : recordFileCacheKey(fileKey, f), () => {
      const cpu = process.cpuUsage();
      const rf = RecordFile.read(db, f)!;
      const used = process.cpuUsage(cpu);
      reads.files++;
      reads.rows += rf.n;
      reads.cpuMicros += used.user + used.system;
      return { value: rf, bytes: rf.bytes };
    });
  return {
    db,
    fileIds,
    loaded,
    gone: readGone(db),
    files(k: string): RecordFile[] {
      let fs = loaded.get(k);
      if (!fs) loaded.set(k, (fs = (fileIds.get(k) ?? []).map(read)));
      return fs;
    },
  };
}
