/**
 * The warm-up of a snapshot for the refreshes on it: when the server starts serving a snapshot,
 * what the first refresh would read cold from its files on the event loop — the record indexes of
 * every file of its chain (one synchronous SQLite blob read and parse per file: seconds at 250,000
 * people, the group-members index alone ≈ 390 MB) and the stored analysis units — is read on a
 * worker thread (warmWorker.ts) and put in the process cache (src/store/fileCache.ts) that
 * RecordChain and readUnits read. The values are exactly what those would read themselves (same
 * file, same cache key), so a refresh is correct with or without them; the event worker waits for
 * a warm-up of the snapshot it loads on rather than read the same files a second time.
 * It reads no more than the cache keeps: no value larger than a cache entry may be, and no more in
 * all than the cache's budget (a million people's record indexes are several GB: reading them all
 * only to drop most cost the served requests' latency and GBs of memory).
 * Without the compiled worker beside this module (tests run the TypeScript; REVENANT_WARM_WORKER
 * names another, or `0` none) nothing is warmed.
 */
import { MAX_BYTES, MAX_ENTRY_BYTES, publishedPathKey } from '../../store/fileCache.js';
import { RecordFile } from '../../store/records/RecordIndex.js';
import { primeRecordFile } from '../../store/records/RecordChain.js';
import type { Store } from '../../store/Store.js';
import { type StoredUnit, primeUnits } from '../../store/storedFindings.js';
import { startWorker, workerScriptUrl } from '../../store/workerThreads.js';
import type { WarmJob, WarmMessage } from './warmMessages.js';

export const warmWorkerUrl = (): URL | undefined => workerScriptUrl('REVENANT_WARM_WORKER', './warmWorker.js', import.meta.url);

/** What a warm-up put in the cache. */
export interface Warmed {
  files: number;
  recordFiles: number;
  units: number;
  bytes: number;
  ms: number;
}

/** The files (publishedPathKey) a warm-up of this process read: not read again for the next snapshot on the same base. */
const warmedFiles = new Set<string>();

/** The chain of snapshot `id` (it, then its bases), as paths, without the files warmed before. */
function chainPaths(store: Store, id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let s: string | undefined = id; s && !seen.has(s); s = store.baseOf(s)) {
    seen.add(s);
    const path = store.pathOf(s);
    const key = publishedPathKey(path);
    if (key !== null && !warmedFiles.has(key)) out.push(path);
  }
  return out;
}

/**
 * Read snapshot `id`'s record indexes and units into the process cache on a worker thread.
 * Resolves when it is done (null: no worker script); rejects when the worker fails. Terminated
 * when `signal` aborts (resolves then, with what was put in the cache so far). `limits`: the
 * cache's (tests pass smaller ones).
 */
export function warmSnapshot(
  store: Store,
  id: string,
  signal?: AbortSignal,
  url: URL | undefined = warmWorkerUrl(),
  limits: { budget: number; maxEntry: number } = { budget: MAX_BYTES, maxEntry: MAX_ENTRY_BYTES },
): Promise<Warmed | null> {
  if (!url || signal?.aborted) return Promise.resolve(null);
  const started = performance.now();
  const job: WarmJob = { paths: chainPaths(store, id), ...limits };
  if (job.paths.length === 0) return Promise.resolve({ files: 0, recordFiles: 0, units: 0, bytes: 0, ms: 0 });
  const out: Warmed = { files: job.paths.length, recordFiles: 0, units: 0, bytes: 0, ms: 0 };
  return new Promise<Warmed | null>((resolve, reject) => {
    const worker = startWorker(url, { workerData: job });
    worker.unref();
    const stop = () => void worker.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    let failure: Error | undefined;
    worker.on('message', (m: WarmMessage) => {
      if (m.kind === 'records') {
        const rf = RecordFile.fromArrays(m.records);
        primeRecordFile(m.fileKey, rf);
        warmedFiles.add(m.fileKey);
        out.recordFiles++;
        out.bytes += rf.bytes;
      } else {
        primeUnits(m.fileKey, new Map<string, StoredUnit>(m.units.map((u) => [u.key, u])));
        warmedFiles.add(m.fileKey);
        out.units += m.units.length;
      }
    });
    worker.on('error', (e: Error) => {
      failure = e;
    });
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', stop);
      out.ms = Math.round(performance.now() - started);
      if (failure) reject(new Error(`the warm-up worker failed: ${failure.message}`));
      else if (code !== 0 && !signal?.aborted) reject(new Error(`the warm-up worker exited (code ${code})`));
      else resolve(out);
    });
  });
}
