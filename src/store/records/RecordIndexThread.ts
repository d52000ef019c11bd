/**
 * The record index of a full load, built beside the main thread: the main thread takes from each
 * parsed line what needs the object (its key, owner and parent, the nodes its transform touched)
 * and sends it with the line's text, a batch at a time, to a worker thread
 * (recordIndexWorker.ts), which hashes the texts and sorts each file's rows; the finished arrays
 * come back transferred and are written by the caller. The rows are exactly those a
 * RecordFileBuilder fed by `recordOf` would write (test/store/recordIndexThread.test.ts).
 * Without the compiled worker next to this module (tests run the TypeScript) or with
 * REVENANT_RECORD_WORKER=0, the load builds the index on its own thread (`localRecordLines`).
 * A worker that fails fails the load, naming the worker.
 */
import type { Worker } from 'node:worker_threads';
import type { ValidLine } from '../../../ingest/collection/openCollection.js';
import type { RecordSpec } from '../../../ingest/collection/records.js';
import { IntList } from '../Adjacency.js';
import { type EncodedRecordFile, type RecordFileBuilder, recordOf } from './RecordIndex.js';
import type { ToMain, ToWorker } from './recordIndexMessages.js';
import { startWorker, workerScriptUrl } from '../workerThreads.js';

/** The lines of one input file, on their way to its record index. */
export interface RecordLines {
  add(spec: RecordSpec, line: ValidLine, touched: readonly number[]): void;
  /** After a batch of lines: a promise to await before reading on while the worker is behind. */
  batchEnd(): Promise<void> | undefined;
  /** The file is loaded: write its index (on the worker: sort it, and write it once it is back). */
  end(): void;
}

/** Lines indexed on the calling thread, into a RecordFileBuilder; `write` writes it at the end. */
export function localRecordLines(builder: RecordFileBuilder, write: (b: RecordFileBuilder) => void): RecordLines {
  return {
    add: (spec, { value, text, line }, touched) => builder.add(recordOf(spec, value, text, line, touched)),
    batchEnd: () => undefined,
    end: () => write(builder),
  };
}

/**
 * The worker script: REVENANT_RECORD_WORKER names another (a path; tests) or, as `0`, none; else
 * the compiled recordIndexWorker.js beside this module.
 */
export const recordWorkerUrl = (): URL | undefined => workerScriptUrl('REVENANT_RECORD_WORKER', './recordIndexWorker.js', import.meta.url);

/** A batch's byte buffer to begin with (a batch is one read of ~1 MiB; a longer line grows it). */
const BATCH_BYTES = (1 << 20) + (1 << 16);

/** Batches sent but not yet hashed before the main thread waits (each is ~1 MiB of text). */
const MAX_INFLIGHT = 8;

export class RecordIndexThread {
  private readonly worker: Worker;
  private failure: Error | undefined;
  private closed = false;
  private inflight = 0;
  /** Files ended but whose arrays have not come back, in order. */
  private readonly pending: { file: number; sourceKey: string; dataset: string }[] = [];
  private wakers: (() => boolean)[] = [];

  constructor(
    url: URL,
    /** Called with each file's finished arrays, in the order the files ended. */
    private readonly onFile: (r: EncodedRecordFile) => void,
  ) {
    this.worker = startWorker(url);
    this.worker.unref();
    this.worker.on('message', (m: ToMain) => this.receive(m));
    this.worker.on('error', (e: Error) => this.fail(e.message));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(`it exited (code ${code})`);
    });
  }

  /** Collect the lines of one input file; `end` sends it for sorting. */
  lines(file: number, sourceKey: string, dataset: string): RecordLines {
    let meta = new IntList(1 << 14);
    let bytes = Buffer.allocUnsafeSlow(BATCH_BYTES);
    let used = 0;
    let keys: string[] = [];
    let lines = 0;
    const send = (): void => {
      this.check();
      if (lines === 0) return;
      const m: ToWorker = { t: 'batch', meta: meta.data.slice(0, meta.length), lines, bytes: bytes.subarray(0, used), keys: keys.join('') };
      // Transferred: the batch's buffers are the worker's from here on.
      this.post(m, [m.meta.buffer as ArrayBuffer, bytes.buffer]);
      this.inflight++;
      meta.length = 0;
      bytes = Buffer.allocUnsafeSlow(BATCH_BYTES);
      used = 0;
      keys = [];
      lines = 0;
    };
    return {
      add: (spec, { line, value, bytes: b }, touched) => {
        const k = spec.key(value);
        const o = spec.owner?.(value);
        const p = spec.parent?.(value);
        // META_INTS (recordIndexMessages.ts) ints, then the touched ones; the strings present, in order.
        meta.push(line);
        meta.push(b.length);
        meta.push(k ? k.length : -1);
        meta.push(o ? o.length : -1);
        meta.push(p ? p.length : -1);
        meta.push(touched.length);
        for (const t of touched) meta.push(t);
        if (used + b.length > bytes.length) {
          const grown = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, used + b.length));
          bytes.copy(grown, 0, 0, used);
          bytes = grown;
        }
        bytes.set(b, used);
        used += b.length;
        if (k) keys.push(k);
        if (o) keys.push(o);
        if (p) keys.push(p);
        lines++;
      },
      batchEnd: () => {
        send();
        return this.inflight > MAX_INFLIGHT ? this.until(() => this.inflight <= MAX_INFLIGHT) : undefined;
      },
      end: () => {
        send();
        this.post({ t: 'end', file });
        this.pending.push({ file, sourceKey, dataset });
        meta = new IntList(1);
      },
    };
  }

  /** Resolves once every ended file has been handed to `onFile`; rejects if the worker failed. */
  settle(): Promise<void> {
    return this.until(() => this.pending.length === 0 && this.inflight === 0);
  }

  /** Stop the worker (after `settle`, or to abandon the load). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.worker.terminate();
  }

  private post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    // Referenced while anything is outstanding, so that awaiting it keeps the process alive.
    this.worker.ref();
    this.worker.postMessage(m, transfer);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the record index worker was already stopped');
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((res, rej) => {
      const test = (): boolean => {
        if (this.failure) rej(this.failure);
        else if (done()) res();
        else return false;
        return true;
      };
      if (!test()) this.wakers.push(test);
    });
  }

  private wake(): void {
    if (this.inflight === 0 && this.pending.length === 0) this.worker.unref();
    this.wakers = this.wakers.filter((w) => !w());
  }

  private receive(m: ToMain): void {
    if (this.failure) return;
    if (m.t === 'ack') {
      this.inflight--;
    } else {
      const f = this.pending.shift();
      if (!f || f.file !== m.file) {
        this.fail(`it returned file ${m.file}, expected ${f?.file ?? 'none'}`);
        return;
      }
      try {
        this.onFile({ ...f, n: m.n, cols: m.cols });
      } catch (e) {
        this.fail(`writing its result: ${(e as Error).message}`);
        return;
      }
    }
    this.wake();
  }

  private fail(why: string): void {
    if (this.failure) return;
    this.failure = new Error(`the record index worker failed: ${why}`);
    this.worker.unref();
    for (const w of this.wakers) w();
    this.wakers = [];
  }
}
