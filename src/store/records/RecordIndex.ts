/**
 * The record index of a snapshot: for every collection line loaded (a "record"), its identity
 * (a 64-bit hash of its key, see ingest/collection/records.ts), a 64-bit hash of its text, the
 * hashes of its owner and parent, its line, and the nodes its transform touched (defined, or
 * referenced with which kind). A delta load uses it to find the facts a replaced or removed line
 * produced — the edges carry the line as provenance, on the nodes it touched — and which lines an
 * owner or a parent holds, without reading the base collection again.
 *
 * Stored per input file as one blob of fixed-size rows plus three permutations (by key, owner and
 * parent) for binary search, and one blob of touched nodes; an array longer than `recordBlobMax()`
 * bytes (a 1M-user tenant's group memberships: 26M rows, 1.15 GB) is stored in parts instead, in
 * `record_file_parts`, since SQLite refuses a value over 1e9 bytes. Each array is stored column by
 * column, lines and offsets and permutations as differences, deflated (zlib, level 1) when that is
 * shorter — about half: the owner and parent hashes repeat, lines and offsets climb by one, the
 * permutations by owner and parent are near the identity — else as its raw bytes; a stored value
 * exactly as long as the raw array is raw (a deflated one is stored only when shorter), so a store
 * written before the encoding reads unchanged. Hashes are cyrb53-style 2×32-bit string hashes:
 * deterministic, fast, 64 bits (no cryptographic claim).
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { IntList, fromBuffer } from '../Adjacency.js';
import type { RecordSpec } from '../../../ingest/collection/records.js';

/** Ints per record row. */
export const R = 11;
export const K1 = 0;
export const K2 = 1;
export const C1 = 2;
export const C2 = 3;
export const O1 = 4;
export const O2 = 5;
export const P1 = 6;
export const P2 = 7;
export const LINE = 8;
export const TOFF = 9;
export const TLEN = 10;

/** A touched node's mode: defined by the record, or referenced with the kind code `mode - 1`. */
export const DEFINED = 0;

/** Two independent 32-bit hashes of a string (cyrb53's mixing, both halves kept). Never [0, 0]. */
export function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  if (h1 === 0 && h2 === 0) h1 = 1;
  return [h1 | 0, h2 | 0];
}

/**
 * A line's content hash from its text alone, when the text says it is the hash of the text
 * (undefined: the object may carry annotations, contentHash needs the parsed value). A key
 * starting with `@odata.` is in the text as such or through a `\u` escape: without either, no key
 * needs looking at (most lines; walking every key of every line cost more).
 */
export function textContentHash(text: string): [number, number] | undefined {
  return !text.includes('@odata.') && !text.includes('\\u') ? hash64(text) : undefined;
}

/**
 * The content hash of a collection line: of its text, or — when the object carries top-level
 * OData annotations (`@odata.context` of a single-object read, `@odata.type` of a read through a
 * typed relationship such as `memberOf/microsoft.graph.group`) — of the object without them, so
 * that the same object read by a list, a delta round or a per-subject read hashes the same (the
 * annotations describe the response, not the object). Nested annotations (a member's type) count.
 */
export function contentHash(text: string, value: Record<string, unknown>): [number, number] {
  const plain = textContentHash(text);
  if (plain) return plain;
  let stripped: Record<string, unknown> | undefined;
  for (const k in value) {
    if (!k.startsWith('@odata.')) continue;
    stripped ??= { ...value };
    delete stripped[k];
  }
  return hash64(stripped ? JSON.stringify(stripped) : text);
}

/** The hash pair of an optional value ([0, 0] for none). */
export function hashOpt(s: string | null | undefined): [number, number] {
  return s ? hash64(s) : [0, 0];
}

export const CREATE_RECORD_TABLES = `
CREATE TABLE IF NOT EXISTS record_files (file INTEGER PRIMARY KEY, source_key TEXT NOT NULL, dataset TEXT NOT NULL, n INTEGER NOT NULL, rows BLOB NOT NULL, by_key BLOB NOT NULL, by_owner BLOB NOT NULL, by_parent BLOB NOT NULL, touched BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS record_file_parts (file INTEGER NOT NULL, col TEXT NOT NULL, part INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (file, col, part));
CREATE TABLE IF NOT EXISTS record_gone (source_key TEXT NOT NULL, dataset TEXT NOT NULL, keys BLOB NOT NULL, PRIMARY KEY (source_key, dataset));
`;

export interface RecordInput {
  key: [number, number];
  content: [number, number];
  owner: [number, number];
  parent: [number, number];
  line: number;
  /** Touched nodes: pairs (nid, mode). */
  touched: readonly number[];
}

/** Collects the records of one file while it is loaded. */
export class RecordFileBuilder {
  private readonly rows = new IntList(1 << 12);
  private readonly touched = new IntList(1 << 12);
  n = 0;

  constructor(
    readonly file: number,
    readonly sourceKey: string,
    readonly dataset: string,
  ) {}

  add(r: RecordInput): void {
    const off = this.touched.length;
    for (const t of r.touched) this.touched.push(t);
    const w = this.rows;
    w.push(r.key[0]);
    w.push(r.key[1]);
    w.push(r.content[0]);
    w.push(r.content[1]);
    w.push(r.owner[0]);
    w.push(r.owner[1]);
    w.push(r.parent[0]);
    w.push(r.parent[1]);
    w.push(r.line);
    w.push(off);
    w.push(r.touched.length);
    this.n++;
  }

  /** Write this file's index (rows, the three sorted permutations, touched nodes). */
  write(db: Database.Database): void {
    // Views of the growable lists, not copies: SQLite copies the bytes into the file.
    const rows = this.rows.data.subarray(0, this.rows.length);
    writeRecordFile(db, {
      file: this.file,
      sourceKey: this.sourceKey,
      dataset: this.dataset,
      n: this.n,
      rows,
      byKey: sortedRows(rows, this.n, K1, K2),
      byOwner: sortedRows(rows, this.n, O1, O2),
      byParent: sortedRows(rows, this.n, P1, P2),
      touched: this.touched.data.subarray(0, this.touched.length),
    });
  }
}

/** One input file's record index, sorted: what `record_files` stores. */
export interface RecordFileArrays {
  file: number;
  sourceKey: string;
  dataset: string;
  n: number;
  rows: Int32Array;
  byKey: Int32Array;
  byOwner: Int32Array;
  byParent: Int32Array;
  touched: Int32Array;
}

/**
 * The largest array stored as one value: 256 MiB; a longer one goes to `record_file_parts` in
 * pieces of at most this many bytes (SQLite's default limit on a value is 1e9 bytes). Tests lower
 * it with `REVENANT_RECORD_BLOB_MAX` to take the parted path on small files.
 */
export const recordBlobMax = (): number => Number(process.env.REVENANT_RECORD_BLOB_MAX) || 256 * 1024 * 1024;

/** The stored array columns of a record file, in table order. */
const ARRAY_COLUMNS = ['rows', 'by_key', 'by_owner', 'by_parent', 'touched'] as const;
type ArrayColumn = (typeof ARRAY_COLUMNS)[number];
const EMPTY = Buffer.alloc(0);

/** One input file's record index as stored: each array column encoded (`encodeArray`). */
export interface EncodedRecordFile {
  file: number;
  sourceKey: string;
  dataset: string;
  n: number;
  cols: Record<ArrayColumn, Uint8Array>;
}

/**
 * How an array is laid out before deflating: rows of `width` ints turned column by column (a
 * column of like values deflates far better than interleaved ones), and the columns in `deltas`
 * stored as differences from the previous row (lines and touched offsets climb by small steps; a
 * permutation by owner or parent is near the identity).
 */
export interface ArrayShape {
  width: number;
  deltas: readonly number[];
}

export const ROWS_SHAPE: ArrayShape = { width: R, deltas: [LINE, TOFF] };
export const PERM_SHAPE: ArrayShape = { width: 1, deltas: [0] };
export const TOUCHED_SHAPE: ArrayShape = { width: 2, deltas: [] };

/** Rows to columns, with the delta columns as differences (wrapping 32-bit arithmetic: exact both ways). */
function toColumns(a: Int32Array, { width, deltas }: ArrayShape): Int32Array {
  const n = a.length / width;
  const out = new Int32Array(a.length);
  for (let k = 0; k < width; k++) {
    const base = k * n;
    if (deltas.includes(k)) {
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const v = a[i * width + k];
        out[base + i] = (v - prev) | 0;
        prev = v;
      }
    } else {
      for (let i = 0; i < n; i++) out[base + i] = a[i * width + k];
    }
  }
  return out;
}

function fromColumns(c: Int32Array, { width, deltas }: ArrayShape): Int32Array {
  const n = c.length / width;
  const out = new Int32Array(c.length);
  for (let k = 0; k < width; k++) {
    const base = k * n;
    if (deltas.includes(k)) {
      let prev = 0;
      for (let i = 0; i < n; i++) out[i * width + k] = prev = (prev + c[base + i]) | 0;
    } else {
      for (let i = 0; i < n; i++) out[i * width + k] = c[base + i];
    }
  }
  return out;
}

/**
 * The stored bytes of an array: laid out by its shape and deflated (zlib, level 1: a fifth of the
 * time of the default level for 1% more bytes) when that is shorter than the raw bytes, else the
 * raw bytes (a view).
 */
export function encodeArray(a: Int32Array, shape: ArrayShape): Uint8Array {
  const raw = buf(a);
  if (raw.byteLength === 0) return raw;
  const z = deflateSync(buf(toColumns(a, shape)), { level: 1 });
  return z.byteLength < raw.byteLength ? z : raw;
}

/**
 * A deflated array's ints (`rawBytes` of them once inflated). Inflated into one buffer of that
 * size (zlib's default 16 KiB output chunks were joined by a copy), which the ints view without
 * copying it again when it is the output's own (at least half a Buffer pool: never a pool slice).
 */
function inflateInts(b: Uint8Array, rawBytes: number): Int32Array {
  // Room past the end: an output filled exactly has zlib allocate another chunk before it stops.
  const out = inflateSync(b, { chunkSize: Math.max(64, rawBytes + 64) });
  if (out.byteLength !== rawBytes) throw new Error(`record index: a stored array of ${b.byteLength} bytes decodes to ${out.byteLength}, expected ${rawBytes}`);
  return out.byteLength >= Buffer.poolSize >>> 1 && out.byteOffset % 4 === 0 ? new Int32Array(out.buffer, out.byteOffset, out.byteLength / 4) : fromBuffer(out);
}

/** An array from its stored bytes (`encodeArray`), given its shape and the raw array's length in bytes. */
export function decodeArray(b: Uint8Array, shape: ArrayShape, rawBytes: number): Int32Array {
  if (b.byteLength === rawBytes) return fromBuffer(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const c = inflateInts(b, rawBytes);
  if (shape.width > 1) return fromColumns(c, shape);
  // One column (a permutation): its differences summed in place.
  if (shape.deltas.length) for (let i = 0, prev = 0; i < c.length; i++) c[i] = prev = (prev + c[i]) | 0;
  return c;
}

/** Every array of a record file as stored, by column (`encodeArray`, each by its shape; on the record index worker for a full load). */
export function encodeColumns(r: Pick<RecordFileArrays, 'rows' | 'byKey' | 'byOwner' | 'byParent' | 'touched'>): EncodedRecordFile['cols'] {
  return {
    rows: encodeArray(r.rows, ROWS_SHAPE),
    by_key: encodeArray(r.byKey, PERM_SHAPE),
    by_owner: encodeArray(r.byOwner, PERM_SHAPE),
    by_parent: encodeArray(r.byParent, PERM_SHAPE),
    touched: encodeArray(r.touched, TOUCHED_SHAPE),
  };
}

/** Encode every array of a record file. */
export function encodeRecordFile(r: RecordFileArrays): EncodedRecordFile {
  return { file: r.file, sourceKey: r.sourceKey, dataset: r.dataset, n: r.n, cols: encodeColumns(r) };
}

export function writeRecordFile(db: Database.Database, r: RecordFileArrays | EncodedRecordFile, maxBlob = recordBlobMax()): void {
  const enc = 'cols' in r ? r : encodeRecordFile(r);
  db.prepare('DELETE FROM record_file_parts WHERE file = ?').run(enc.file);
  const part = db.prepare('INSERT INTO record_file_parts(file, col, part, bytes) VALUES (?, ?, ?, ?)');
  const inline = ARRAY_COLUMNS.map((col) => {
    const b = enc.cols[col];
    if (b.byteLength <= maxBlob) return b;
    for (let p = 0, at = 0; at < b.byteLength; p++, at += maxBlob) part.run(enc.file, col, p, b.subarray(at, Math.min(b.byteLength, at + maxBlob)));
    return EMPTY;
  });
  db.prepare('INSERT OR REPLACE INTO record_files(file, source_key, dataset, n, rows, by_key, by_owner, by_parent, touched) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    enc.file,
    enc.sourceKey,
    enc.dataset,
    enc.n,
    ...inline,
  );
}

/** Per database, the statement reading a file's parted arrays (none cached for a store from before parts). */
const partsStatements = new WeakMap<Database.Database, Database.Statement>();

/** The stored bytes of `file`'s columns stored in parts, joined, by column. */
function partedBytes(db: Database.Database, file: number): Map<string, Buffer> {
  let stmt = partsStatements.get(db);
  if (!stmt && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_file_parts'").get()) {
    stmt = db.prepare('SELECT col, bytes FROM record_file_parts WHERE file = ? ORDER BY col, part');
    partsStatements.set(db, stmt);
  }
  const out = new Map<string, Buffer>();
  if (!stmt) return out;
  const byCol = new Map<string, Buffer[]>();
  for (const p of stmt.all(file) as { col: string; bytes: Buffer }[]) (byCol.get(p.col) ?? byCol.set(p.col, []).get(p.col)!).push(p.bytes);
  for (const [col, parts] of byCol) out.set(col, Buffer.concat(parts));
  return out;
}

/** A line's record-index entry: hashes of its key, text, owner and parent, and the nodes it touched. */
export function recordOf(spec: RecordSpec, value: Record<string, unknown>, text: string, line: number, touched: readonly number[]): RecordInput {
  return {
    key: hashOpt(spec.key(value)),
    content: contentHash(text, value),
    owner: hashOpt(spec.owner?.(value)),
    parent: hashOpt(spec.parent?.(value)),
    line,
    touched,
  };
}

/**
 * Below this many rows `sortedRows` sorts by comparison: a radix pass clears and sums 65,536
 * buckets whatever the file's size (four passes: about 1 ms, paid per permutation of every small
 * file a delta or an event refresh writes).
 */
export const RADIX_MIN_ROWS = 4096;

/**
 * The rows `0..n-1` ordered by the signed pair (column `a`, column `b`), ties by row — the order
 * of a comparison sort on (a, b, row): that sort itself below `radixMin` rows, else a stable LSD
 * radix sort (`radixSortedRows`). Both give the same permutation (the order is total).
 */
export function sortedRows(rows: Int32Array, n: number, a: number, b: number, radixMin = RADIX_MIN_ROWS): Int32Array {
  return n < radixMin ? comparisonSortedRows(rows, n, a, b) : radixSortedRows(rows, n, a, b);
}

/** `sortedRows` by a comparison sort on (a, b, row). */
export function comparisonSortedRows(rows: Int32Array, n: number, a: number, b: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p.sort((x, y) => cmp(rows[x * R + a], rows[y * R + a]) || cmp(rows[x * R + b], rows[y * R + b]) || x - y);
}

/**
 * `sortedRows` as a stable LSD radix sort in four 16-bit passes (b's low and high halves, then
 * a's; a high half's sign bit flipped so signed order holds). A pass whose digit is the same on
 * every row (no owner, no parent: all zero) is skipped.
 */
export function radixSortedRows(rows: Int32Array, n: number, a: number, b: number): Int32Array {
  let p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let q = new Int32Array(n);
  const count = new Int32Array(65537);
  const passes: [number, number, number][] = [
    [b, 0, 0],
    [b, 16, 0x8000],
    [a, 0, 0],
    [a, 16, 0x8000],
  ];
  for (const [col, shift, flip] of passes) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(((rows[i * R + col] >>> shift) & 0xffff) ^ flip) + 1]++;
    let single = false;
    for (let d = 1; d <= 65536; d++) {
      if (count[d] === n) single = true;
      count[d] += count[d - 1];
    }
    if (single) continue;
    for (let j = 0; j < n; j++) {
      const r = p[j];
      q[count[((rows[r * R + col] >>> shift) & 0xffff) ^ flip]++] = r;
    }
    const t = p;
    p = q;
    q = t;
  }
  return p;
}

const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);
const buf = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** One record as read back: where it is and what it touched. */
export interface RecordRef {
  file: number;
  /** Row index within the file. */
  row: number;
  line: number;
  content: [number, number];
  owner: [number, number];
  parent: [number, number];
  key: [number, number];
  /** (nid, mode) pairs. */
  touched: Int32Array;
}

/** A RecordFile's contents, as sent between threads: the arrays it was written from. */
export type RecordFileTransfer = RecordFileArrays;

/**
 * A stored rows array as read: deflated ones as their columns (the difference columns summed in
 * place: no turning back into rows, which cost as much as the inflating for a large file), a raw
 * one as its rows.
 */
function decodeRows(b: Uint8Array, rawBytes: number): { rows: Int32Array; columnar: boolean } {
  if (b.byteLength === rawBytes) return { rows: fromBuffer(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), columnar: false };
  const c = inflateInts(b, rawBytes);
  const n = c.length / R;
  for (const k of ROWS_SHAPE.deltas) {
    let prev = 0;
    for (let i = k * n, end = i + n; i < end; i++) c[i] = prev = (prev + c[i]) | 0;
  }
  return { rows: c, columnar: true };
}

/** A permutation: decoded now, or on first use (`RecordFile.read`: a key lookup needs none by owner or parent). */
type Perm = Int32Array | (() => Int32Array);

/** The record index of one file, read back. */
export class RecordFile {
  /** Where row `i`'s column `c` is: `i * rowStride + c * colStride` (rows: R, 1; columns: 1, n). */
  private readonly rowStride: number;
  private readonly colStride: number;

  constructor(
    readonly file: number,
    readonly sourceKey: string,
    readonly dataset: string,
    readonly n: number,
    private readonly rows: Int32Array,
    private readonly byKey: Int32Array,
    private byOwnerP: Perm,
    private byParentP: Perm,
    private readonly touchedAll: Int32Array,
    /** `rows` holds columns (n ints each, in row order) rather than rows. */
    private readonly columnar = false,
  ) {
    this.rowStride = columnar ? 1 : R;
    this.colStride = columnar ? n : 1;
  }

  private get byOwner(): Int32Array {
    if (typeof this.byOwnerP === 'function') this.byOwnerP = this.byOwnerP();
    return this.byOwnerP;
  }

  private get byParent(): Int32Array {
    if (typeof this.byParentP === 'function') this.byParentP = this.byParentP();
    return this.byParentP;
  }

  /** Row `row`'s column `col`. */
  private v(row: number, col: number): number {
    return this.rows[row * this.rowStride + col * this.colStride];
  }

  /** Its arrays, to send to another thread (transferable: each has a buffer of its own) and build it again there with `fromArrays`. */
  get arrays(): RecordFileTransfer {
    let rows = this.rows;
    if (this.columnar) {
      rows = new Int32Array(this.n * R);
      for (let c = 0; c < R; c++) for (let i = 0; i < this.n; i++) rows[i * R + c] = this.rows[c * this.n + i];
    }
    return { file: this.file, sourceKey: this.sourceKey, dataset: this.dataset, n: this.n, rows, byKey: this.byKey, byOwner: this.byOwner, byParent: this.byParent, touched: this.touchedAll };
  }

  static fromArrays(a: RecordFileTransfer): RecordFile {
    return new RecordFile(a.file, a.sourceKey, a.dataset, a.n, a.rows, a.byKey, a.byOwner, a.byParent, a.touched);
  }

  /** Bytes held (for caches; the permutations by owner and parent counted whether decoded yet or not). */
  get bytes(): number {
    return this.rows.byteLength + this.byKey.byteLength * 3 + this.touchedAll.byteLength;
  }

  static read(db: Database.Database, file: number): RecordFile | undefined {
    const r = db.prepare('SELECT file, source_key, dataset, n, rows, by_key, by_owner, by_parent, touched FROM record_files WHERE file = ?').get(file) as
      | { file: number; source_key: string; dataset: string; n: number; rows: Buffer; by_key: Buffer; by_owner: Buffer; by_parent: Buffer; touched: Buffer }
      | undefined;
    if (!r) return undefined;
    const parted = partedBytes(db, file);
    const stored = (c: ArrayColumn) => parted.get(c) ?? r[c];
    const { rows, columnar } = decodeRows(stored('rows'), r.n * R * 4);
    // The touched nodes end where the last row's do (rows are in order, their touched too).
    const last = (c: number) => rows[columnar ? c * r.n + r.n - 1 : (r.n - 1) * R + c];
    const touchedInts = r.n === 0 ? 0 : last(TOFF) + last(TLEN);
    const perm = (c: ArrayColumn) => decodeArray(stored(c), PERM_SHAPE, r.n * 4);
    const byOwner = stored('by_owner');
    const byParent = stored('by_parent');
    return new RecordFile(
      r.file,
      r.source_key,
      r.dataset,
      r.n,
      rows,
      perm('by_key'),
      () => decodeArray(byOwner, PERM_SHAPE, r.n * 4),
      () => decodeArray(byParent, PERM_SHAPE, r.n * 4),
      decodeArray(stored('touched'), TOUCHED_SHAPE, touchedInts * 4),
      columnar,
    );
  }

  ref(row: number): RecordRef {
    const v = (c: number) => this.v(row, c);
    const off = v(TOFF);
    return {
      file: this.file,
      row,
      line: v(LINE),
      key: [v(K1), v(K2)],
      content: [v(C1), v(C2)],
      owner: [v(O1), v(O2)],
      parent: [v(P1), v(P2)],
      touched: this.touchedAll.subarray(off, off + v(TLEN)),
    };
  }

  private range(perm: Int32Array, a: number, b: number, h: [number, number]): number[] {
    const at = (i: number) => cmp(this.v(perm[i], a), h[0]) || cmp(this.v(perm[i], b), h[1]);
    let lo = 0;
    let hi = perm.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (at(m) < 0) lo = m + 1;
      else hi = m;
    }
    const out: number[] = [];
    for (let i = lo; i < perm.length && at(i) === 0; i++) out.push(perm[i]);
    return out;
  }

  /** Rows whose key hashes to `h` (one, unless a dataset repeats a key). */
  byKeyHash(h: [number, number]): number[] {
    return this.range(this.byKey, K1, K2, h);
  }

  byOwnerHash(h: [number, number]): number[] {
    return h[0] === 0 && h[1] === 0 ? [] : this.range(this.byOwner, O1, O2, h);
  }

  byParentHash(h: [number, number]): number[] {
    return h[0] === 0 && h[1] === 0 ? [] : this.range(this.byParent, P1, P2, h);
  }

  /** Row index of a line (rows are in line order). */
  rowOfLine(line: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.v(m, LINE) < line) lo = m + 1;
      else hi = m;
    }
    return lo < this.n && this.v(lo, LINE) === line ? lo : -1;
  }

  /** Every row's key hash (for enumerating a dataset). */
  *keys(): Generator<{ row: number; key: [number, number] }> {
    for (let i = 0; i < this.n; i++) yield { row: i, key: [this.v(i, K1), this.v(i, K2)] };
  }
}

/** Keys removed from a dataset by a delta level, packed (h1, h2) pairs. */
export function writeGone(db: Database.Database, sourceKey: string, dataset: string, keys: readonly [number, number][]): void {
  const a = new Int32Array(keys.length * 2);
  keys.forEach((k, i) => {
    a[i * 2] = k[0];
    a[i * 2 + 1] = k[1];
  });
  db.prepare('INSERT OR REPLACE INTO record_gone(source_key, dataset, keys) VALUES (?, ?, ?)').run(sourceKey, dataset, buf(a));
}

export function readGone(db: Database.Database): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_gone'").get();
  if (!has) return out;
  for (const r of db.prepare('SELECT source_key, dataset, keys FROM record_gone').all() as { source_key: string; dataset: string; keys: Buffer }[]) {
    const a = fromBuffer(r.keys);
    const set = new Set<string>();
    for (let i = 0; i < a.length; i += 2) set.add(`${a[i]}:${a[i + 1]}`);
    out.set(`${r.source_key}\u0000${r.dataset}`, set);
  }
  return out;
}

export const hkey = (h: [number, number]) => `${h[0]}:${h[1]}`;
/** The hash pair an `hkey` string stands for. */
export const hkeyPair = (k: string): [number, number] => {
  const i = k.indexOf(':');
  return [Number(k.slice(0, i)), Number(k.slice(i + 1))];
};

/**
 * A map keyed by hash pairs (a record's key or content hash) that makes no string per key: a
 * delta's diff of a dataset re-read in full (HR, every day) keeps every current line by key and by
 * content, and `hkey`'s decimal strings cost about 8 µs a line in lookups, deletions and the
 * building of the two maps (at 250k, ~235k lines: ~2 s). Entries are found by the first hash (a
 * list where two pairs share it) and iterate in insertion order, as a Map's do.
 */
export class HashPairMap<V> {
  /** First hash -> slot, or slots when pairs share it. */
  private readonly slots = new Map<number, number | number[]>();
  private readonly second: number[] = [];
  private readonly values_: V[] = [];
  private readonly live: boolean[] = [];
  size = 0;

  private slot(h: readonly [number, number]): number {
    const s = this.slots.get(h[0]);
    if (s === undefined) return -1;
    if (typeof s === 'number') return this.second[s] === h[1] ? s : -1;
    for (const i of s) if (this.second[i] === h[1]) return i;
    return -1;
  }

  get(h: readonly [number, number]): V | undefined {
    const i = this.slot(h);
    return i < 0 ? undefined : this.values_[i];
  }

  has(h: readonly [number, number]): boolean {
    return this.slot(h) >= 0;
  }

  set(h: readonly [number, number], v: V): this {
    const at = this.slot(h);
    if (at >= 0) {
      this.values_[at] = v;
      return this;
    }
    const i = this.values_.length;
    this.second.push(h[1]);
    this.values_.push(v);
    this.live.push(true);
    const s = this.slots.get(h[0]);
    if (s === undefined) this.slots.set(h[0], i);
    else if (typeof s === 'number') this.slots.set(h[0], [s, i]);
    else s.push(i);
    this.size++;
    return this;
  }

  delete(h: readonly [number, number]): boolean {
    const i = this.slot(h);
    if (i < 0) return false;
    const s = this.slots.get(h[0])!;
    if (typeof s === 'number') this.slots.delete(h[0]);
    else {
      s.splice(s.indexOf(i), 1);
      if (s.length === 1) this.slots.set(h[0], s[0]);
    }
    this.live[i] = false;
    this.values_[i] = undefined as V;
    this.size--;
    return true;
  }

  *values(): Generator<V> {
    for (let i = 0; i < this.values_.length; i++) if (this.live[i]) yield this.values_[i];
  }
}
