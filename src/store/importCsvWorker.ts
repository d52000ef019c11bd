/**
 * The offline import's CSV worker thread (started by writeImportCsv.ts's writeImportCsvParallel):
 * opens the snapshot's file itself and writes the nodes part (nodes, snapshot record, findings)
 * while the main thread writes the relationships; posts the part's file options, counts and
 * fixups, or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ImportCsvJob, runImportCsvJob } from './writeImportCsv.js';

const port = parentPort;
if (!port) throw new Error('importCsvWorker: not started as a worker thread');
try {
  port.postMessage({ ok: runImportCsvJob(workerData as ImportCsvJob) });
} catch (e) {
  port.postMessage({ error: e instanceof Error ? e.message : String(e), name: e instanceof Error ? e.constructor.name : 'Error' });
}
