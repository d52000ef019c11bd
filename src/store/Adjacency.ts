/**
 * The compact adjacency of a snapshot: for each direction, a CSR index sorted by (node, kind) —
 * an offsets array and one fixed-size record per edge end `[other node, kind, file, line, edge
 * id]` — so "edges of kind K out of node N" is a binary search in N's contiguous slice. Stored in
 * fixed-size chunks: a one-subject query reads only the chunks its nodes need; a tenant-wide
 * sweep reads them all in one go. (Measured here: a graphology multigraph of a whole 50k-user
 * tenant costs ~25 µs and ~1 KB per edge to build; this costs a few bytes per edge end.)
 */

/** A growable Int32Array. */
export class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1 << 16) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Ints per edge end: other node, kind, file, line, edge id. */
export const REC = 5;
export const R_OTHER = 0;
export const R_KIND = 1;
export const R_FILE = 2;
export const R_LINE = 3;
export const R_EID = 4;

/** Ints per stored chunk. */
export const CHUNK_INTS = 8192;

export type Dir = 'out' | 'in';
export const PARTS = ['outOff', 'outRec', 'inOff', 'inRec'] as const;
export type Part = (typeof PARTS)[number];

/** Random access to the four stored arrays (whole in memory, or read chunk by chunk). */
export interface AdjacencyView {
  /** Number of edges. */
  edgeCount: number;
  /** Highest node number + 1. */
  nodeCount: number;
  get(part: Part, i: number): number;
}

export interface AdjacencyArrays extends AdjacencyView {
  outOff: Int32Array;
  outRec: Int32Array;
  inOff: Int32Array;
  inRec: Int32Array;
}

export function arraysView(a: Omit<AdjacencyArrays, 'get'>): AdjacencyArrays {
  const parts = { outOff: a.outOff, outRec: a.outRec, inOff: a.inOff, inRec: a.inRec };
  return { ...a, get: (p, i) => parts[p][i] };
}

/** One direction's CSR: edge ends sorted by (node, kind), via a counting sort by kind then a stable one by node. */
function csr(
  node: Int32Array,
  other: Int32Array,
  kind: Int32Array,
  file: Int32Array,
  line: Int32Array,
  nodeCount: number,
  kindCount: number,
): { off: Int32Array; rec: Int32Array } {
  const E = node.length;
  const kcount = new Int32Array(kindCount + 1);
  for (let e = 0; e < E; e++) kcount[kind[e] + 1]++;
  for (let k = 0; k < kindCount; k++) kcount[k + 1] += kcount[k];
  const byKind = new Int32Array(E);
  for (let e = 0; e < E; e++) byKind[kcount[kind[e]]++] = e;
  const off = new Int32Array(nodeCount + 1);
  for (let e = 0; e < E; e++) off[node[e] + 1]++;
  for (let n = 0; n < nodeCount; n++) off[n + 1] += off[n];
  const cursor = off.slice();
  const rec = new Int32Array(E * REC);
  for (let i = 0; i < E; i++) {
    const e = byKind[i];
    const p = cursor[node[e]]++ * REC;
    rec[p + R_OTHER] = other[e];
    rec[p + R_KIND] = kind[e];
    rec[p + R_FILE] = file[e];
    rec[p + R_LINE] = line[e];
    rec[p + R_EID] = e;
  }
  return { off, rec };
}

export function buildAdjacency(
  e: { src: Int32Array; dst: Int32Array; kind: Int32Array; file: Int32Array; line: Int32Array },
  nodeCount: number,
  kindCount: number,
): AdjacencyArrays {
  const out = csr(e.src, e.dst, e.kind, e.file, e.line, nodeCount, kindCount);
  const inn = csr(e.dst, e.src, e.kind, e.file, e.line, nodeCount, kindCount);
  return arraysView({ edgeCount: e.src.length, nodeCount, outOff: out.off, outRec: out.rec, inOff: inn.off, inRec: inn.rec });
}

/** Positions [lo, hi) of node's edge ends of `kind` in direction `dir`. */
export function sliceOf(a: AdjacencyView, node: number, kind: number, dir: Dir): [number, number] {
  const offPart: Part = dir === 'out' ? 'outOff' : 'inOff';
  const recPart: Part = dir === 'out' ? 'outRec' : 'inRec';
  if (node < 0 || node >= a.nodeCount) return [0, 0];
  const start = a.get(offPart, node);
  const end = a.get(offPart, node + 1);
  const kindAt = (pos: number) => a.get(recPart, pos * REC + R_KIND);
  let l = start;
  let h = end;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (kindAt(m) < kind) l = m + 1;
    else h = m;
  }
  const lo = l;
  h = end;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (kindAt(m) <= kind) l = m + 1;
    else h = m;
  }
  return [lo, l];
}

/** Split an array into the stored chunks. */
export function* chunksOf(a: Int32Array): Generator<[number, Buffer]> {
  for (let c = 0, i = 0; i < a.length || c === 0; c++, i += CHUNK_INTS) {
    const part = a.subarray(i, Math.min(a.length, i + CHUNK_INTS));
    yield [c, Buffer.from(part.buffer, part.byteOffset, part.byteLength)];
    if (i + CHUNK_INTS >= a.length) break;
  }
}

export function fromBuffer(b: Buffer): Int32Array {
  const out = new Int32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
