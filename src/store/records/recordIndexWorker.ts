/**
 * The record index's worker thread (started by RecordIndexThread): for each input file of a full
 * load it receives the lines' bytes with what the main thread took from their parsed values
 * (line number, key, owner and parent, touched nodes), hashes them (contentHash of the text
 * readJsonl decodes, hashOpt: what a single-threaded load computes), collects the rows and, at the file's end, sorts the
 * three permutations, encodes every array as it is stored (deflated: encodeColumns) and hands them
 * back (transferred, not copied). Hashing, sorting and deflating would be ~20% of a 250k load's
 * CPU on the main thread; here they run beside its parsing and writing.
 */
import { parentPort } from 'node:worker_threads';
import { IntList } from '../Adjacency.js';
import { type EncodedRecordFile, K1, K2, O1, O2, P1, P2, contentHash, encodeColumns, hash64, sortedRows } from './RecordIndex.js';
import { META_INTS, type ToMain, type ToWorker } from './recordIndexMessages.js';
import { lineText } from '../../../ingest/collection/readJsonl.js';

const port = parentPort;
if (!port) throw new Error('recordIndexWorker: not started as a worker thread');

let rows = new IntList(1 << 12);
let touched = new IntList(1 << 12);
let n = 0;

/** The content hash of a line from its text alone: parsed only when contentHash needs the object (OData annotations, escapes). */
function contentOf(text: string): [number, number] {
  if (!text.includes('@odata.') && !text.includes('\\u')) return hash64(text);
  return contentHash(text, JSON.parse(text) as Record<string, unknown>);
}

/** hashOpt of the `len` characters of `s` at `at` (-1: none). */
function hashAt(s: string, at: number, len: number): [number, number] {
  return len > 0 ? hash64(s.slice(at, at + len)) : [0, 0];
}

function addBatch(meta: Int32Array, lines: number, bytes: Buffer, s: string): void {
  let p = 0;
  let at = 0;
  let b = 0;
  for (let l = 0; l < lines; l++) {
    const bl = meta[p + 1];
    const kl = meta[p + 2];
    const ol = meta[p + 3];
    const pl = meta[p + 4];
    const tlen = meta[p + 5];
    const c = contentOf(lineText(bytes.subarray(b, b + bl), meta[p]));
    b += bl;
    const k = hashAt(s, at, kl);
    at += Math.max(kl, 0);
    const o = hashAt(s, at, ol);
    at += Math.max(ol, 0);
    const q = hashAt(s, at, pl);
    at += Math.max(pl, 0);
    rows.push(k[0]);
    rows.push(k[1]);
    rows.push(c[0]);
    rows.push(c[1]);
    rows.push(o[0]);
    rows.push(o[1]);
    rows.push(q[0]);
    rows.push(q[1]);
    rows.push(meta[p]);
    rows.push(touched.length);
    rows.push(tlen);
    for (let i = 0; i < tlen; i++) touched.push(meta[p + META_INTS + i]);
    p += META_INTS + tlen;
    n++;
  }
  if (p !== meta.length || b !== bytes.length || at !== s.length) {
    throw new Error(`recordIndexWorker: a batch of ${lines} lines did not add up (${p}/${meta.length} ints, ${b}/${bytes.length} bytes, ${at}/${s.length} characters)`);
  }
}

/** A copy of an encoded array in a buffer of its own, to transfer (a deflated one may sit in a shared pool). */
function own(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.byteLength);
  out.set(b);
  return out;
}

function endFile(file: number): void {
  const r = rows.data.subarray(0, rows.length);
  const raw = { rows: r, byKey: sortedRows(r, n, K1, K2), byOwner: sortedRows(r, n, O1, O2), byParent: sortedRows(r, n, P1, P2), touched: touched.data.subarray(0, touched.length) };
  // An array stored raw is a view of its own buffer, transferred as it is.
  const rawBuffers = new Set<ArrayBufferLike>(Object.values(raw).map((a) => a.buffer));
  const cols = Object.fromEntries(Object.entries(encodeColumns(raw)).map(([c, b]) => [c, rawBuffers.has(b.buffer) ? b : own(b)])) as EncodedRecordFile['cols'];
  const msg: ToMain = { t: 'done', file, n, cols };
  port!.postMessage(msg, [...new Set(Object.values(cols).map((c) => c.buffer as ArrayBuffer))]);
  rows = new IntList(1 << 12);
  touched = new IntList(1 << 12);
  n = 0;
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'batch') {
    addBatch(m.meta, m.lines, Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), m.keys);
    port.postMessage({ t: 'ack' } satisfies ToMain);
  } else {
    endFile(m.file);
  }
});
