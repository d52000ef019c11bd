/** The messages between the server's thread and the warm-up's worker thread (warmUp.ts, warmWorker.ts). */
import type { RecordFileTransfer } from '../../store/records/RecordIndex.js';
import type { StoredUnit } from '../../store/storedFindings.js';

/** What the worker reads: snapshot files, by path (store.pathOf: the paths refreshes open them by). */
export interface WarmJob {
  paths: string[];
  /** Bytes the worker may read in all (the cache's budget: more would only evict what it read). */
  budget: number;
  /** The largest value worth reading (the cache keeps none larger). */
  maxEntry: number;
}

export type WarmMessage = { kind: 'records'; fileKey: string; records: RecordFileTransfer } | { kind: 'units'; fileKey: string; units: StoredUnit[] };
