/**
 * The embedded engine's graph for tenant-wide sweeps (`residual --all`, the analysis stored at
 * load): node properties (parsed on first use) and the compact adjacency arrays behind the same
 * GraphReader interface the rules use. It reads either a snapshot file (`fromSnapshotDb`) or the
 * writer's memory right after a load (no re-read). One-subject queries and paths use LazyGraph
 * (graphology, filled on demand) instead; both answer from the same snapshot.
 */
import { parseNodeKey } from '../model/ids.js';
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { EdgeProps, GraphEdge, GraphNode, NodeProps, Prov } from '../model/types.js';
import { type AdjacencyArrays, type AdjacencyView, REC, R_EID, R_FILE, R_KIND, R_LINE, R_OTHER, sliceOf } from './Adjacency.js';
import type { GraphReader, InputFile, SourceInfo } from './GraphReader.js';
import { SnapshotDb } from './SnapshotDb.js';

/**
 * How many units to analyse (or persons to probe) make reading the whole view in compact form
 * cost less than reading each one's neighbourhood through LazyGraph, for a view of `nodes` nodes.
 * Building the compact form is O(view): about 9 µs a node (50k people, 0.3 M nodes: 2.8 s; 250k,
 * 1.5 M nodes: about 13 s), against about 1-2 ms more per unit read lazily. A fixed count made a
 * 250k delta of 2,555 units and 3,608 probes build it: 15.6 s of select CPU, where reading lazily
 * took 2.5 s select + 5.3 s analysis. At least 2,000 (the count that served 50k).
 */
export function compactAt(nodes: number): number {
  return Math.max(2000, Math.round(nodes / 150));
}

/** What a CompactGraph reads: node tables by number, the adjacency, and edge properties. */
export interface CompactSource {
  sources: readonly SourceInfo[];
  collectedAt: string;
  snapshotId: string | null;
  /** Highest node number + 1. */
  nodeCount: number;
  key(nid: number): string | undefined;
  kind(nid: number): NodeKind;
  props(nid: number): NodeProps;
  prov(nid: number): Prov | undefined;
  nidOf(key: string): number | undefined;
  nidsOfKind(kind: NodeKind): readonly number[];
  adjacency: AdjacencyView;
  /** Adjacency index of an edge kind (-1 when the snapshot has none). */
  edgeIndex(kind: EdgeKind): number;
  edgeProps(eid: number, kind: EdgeKind): EdgeProps | undefined;
  fileName(idx: number): string | undefined;
  lookup(name: string): string[];
  files(): InputFile[];
}

export class CompactGraph implements GraphReader {
  readonly sources: readonly SourceInfo[];
  readonly collectedAt: string;
  readonly snapshotId: string | null;
  /** Nodes parsed so far, by node number (a sweep reads about half of a snapshot's nodes, most of them many times). */
  private readonly nodes: (GraphNode | undefined)[];
  /** The adjacency's arrays when it is whole in memory (read directly), else null (read through `get`). */
  private readonly arrays: AdjacencyArrays | null;

  private readonly src: CompactSource;
  /**
   * Node numbers of the keys asked for so far, over the writer's memory (its `nidOf` parses the
   * key; a sweep asks for the same keys many times); null over a file (dbSource keeps a map).
   */
  private readonly nids: Map<string, number | undefined> | null;

  /** Over a snapshot file (`new CompactGraph(db, id)`), or over any CompactSource (the writer's memory). */
  constructor(source: CompactSource | SnapshotDb, snapshotId: string | null = null) {
    const src = source instanceof SnapshotDb ? dbSource(source, snapshotId) : source;
    this.nids = source instanceof SnapshotDb ? null : new Map();
    this.src = src;
    this.sources = src.sources;
    this.collectedAt = src.collectedAt;
    this.snapshotId = src.snapshotId;
    this.nodes = new Array<GraphNode | undefined>(src.nodeCount);
    const a = src.adjacency as Partial<AdjacencyArrays>;
    this.arrays = a.outOff instanceof Int32Array && a.outRec instanceof Int32Array && a.inOff instanceof Int32Array && a.inRec instanceof Int32Array ? (a as AdjacencyArrays) : null;
  }

  private at(nid: number): GraphNode | undefined {
    let n = this.nodes[nid];
    if (n) return n;
    const key = this.src.key(nid);
    if (key === undefined) return undefined;
    const { sourceKey, id } = parseNodeKey(key);
    n = { key, kind: this.src.kind(nid), id, sourceKey, props: this.src.props(nid), prov: this.src.prov(nid) };
    this.nodes[nid] = n;
    return n;
  }

  /** The node number of a key (undefined: no such node). */
  nidOf(key: string): number | undefined {
    const nids = this.nids;
    if (!nids) return this.src.nidOf(key);
    const hit = nids.get(key);
    if (hit !== undefined || nids.has(key)) return hit;
    const nid = this.src.nidOf(key);
    nids.set(key, nid);
    return nid;
  }

  node(key: string): GraphNode | undefined {
    const nid = this.nidOf(key);
    return nid === undefined ? undefined : this.at(nid);
  }

  private step(key: string, kind: EdgeKind, dir: 'out' | 'in'): GraphEdge[] {
    const nid = this.nidOf(key);
    const k = this.src.edgeIndex(kind);
    if (nid === undefined || k < 0) return [];
    const arrays = this.arrays;
    if (!arrays) return this.stepView(key, nid, kind, k, dir);
    if (nid < 0 || nid >= arrays.nodeCount) return [];
    // The slice of `kind` in the node's run of edge ends (sorted by kind): two binary searches.
    const off = dir === 'out' ? arrays.outOff : arrays.inOff;
    const rec = dir === 'out' ? arrays.outRec : arrays.inRec;
    let l = off[nid];
    let h = off[nid + 1];
    const end = h;
    while (l < h) {
      const m = (l + h) >>> 1;
      if (rec[m * REC + R_KIND] < k) l = m + 1;
      else h = m;
    }
    const lo = l;
    h = end;
    while (l < h) {
      const m = (l + h) >>> 1;
      if (rec[m * REC + R_KIND] <= k) l = m + 1;
      else h = m;
    }
    const out: GraphEdge[] = [];
    for (let pos = lo; pos < l; pos++) {
      const p = pos * REC;
      out.push(this.edgeOf(key, kind, dir, rec[p + R_OTHER], rec[p + R_FILE], rec[p + R_LINE], rec[p + R_EID]));
    }
    return out;
  }

  /** `step` over an adjacency read through its `get` (chunked). */
  private stepView(key: string, nid: number, kind: EdgeKind, k: number, dir: 'out' | 'in'): GraphEdge[] {
    const a = this.src.adjacency;
    const [lo, hi] = sliceOf(a, nid, k, dir);
    const rec = dir === 'out' ? 'outRec' : 'inRec';
    const out: GraphEdge[] = [];
    for (let pos = lo; pos < hi; pos++) {
      const p = pos * REC;
      out.push(this.edgeOf(key, kind, dir, a.get(rec, p + R_OTHER), a.get(rec, p + R_FILE), a.get(rec, p + R_LINE), a.get(rec, p + R_EID)));
    }
    return out;
  }

  private edgeOf(key: string, kind: EdgeKind, dir: 'out' | 'in', otherNid: number, f: number, line: number, eid: number): GraphEdge {
    const other = this.src.key(otherNid)!;
    const file = f >= 0 ? this.src.fileName(f) : undefined;
    return {
      kind,
      from: dir === 'out' ? key : other,
      to: dir === 'out' ? other : key,
      props: this.src.edgeProps(eid, kind),
      prov: file && line >= 0 ? { file, line } : undefined,
    };
  }

  out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.step(key, kind, 'out');
  }

  in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.step(key, kind, 'in');
  }

  *nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    for (const nid of this.src.nidsOfKind(kind)) {
      const n = this.at(nid);
      if (n) yield n;
    }
  }

  lookup(name: string): string[] {
    return this.src.lookup(name);
  }

  files(): InputFile[] {
    return this.src.files();
  }
}

/**
 * A CompactSource over a snapshot file: node rows read once (in one pass: reading a row's
 * properties by node number when first needed costs several times more, measured), properties
 * parsed on first use.
 */
function dbSource(db: SnapshotDb, snapshotId: string | null): CompactSource {
  const count = db.isDelta ? db.nidBound() : Number((db.db.prepare('SELECT max(nid) AS n FROM nodes').get() as { n: number | null }).n ?? 0) + 1;
  const keys = new Array<string | undefined>(count);
  const kinds = new Uint16Array(count);
  const propsText = new Array<string | undefined>(count);
  const file = new Int32Array(count).fill(-1);
  const line = new Int32Array(count).fill(-1);
  const nidOf = new Map<string, number>();
  const byKind = new Map<string, number[]>();
  const kindLists: (number[] | undefined)[] = [];
  const rows: Iterable<[number, string, number, string, number | null, number | null]> = db.isDelta
    ? (function* () {
        for (const r of db.allNodeRows()) yield [r.nid, r.key, r.kind, r.props, r.file, r.line] as [number, string, number, string, number | null, number | null];
      })()
    : (db.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes').raw().iterate() as Iterable<[number, string, number, string, number | null, number | null]>);
  for (const [nid, key, kind, props, f, l] of rows) {
    keys[nid] = key;
    kinds[nid] = kind;
    propsText[nid] = props;
    if (f !== null) file[nid] = f;
    if (l !== null) line[nid] = l;
    nidOf.set(key, nid);
    let list = kindLists[kind];
    if (!list) {
      const kname = db.kindOf(kind);
      list = byKind.get(kname) ?? byKind.set(kname, []).get(kname)!;
      kindLists[kind] = list;
    }
    list.push(nid);
  }
  if (db.isDelta) for (const list of byKind.values()) list.sort((a, b) => a - b);
  const sources = db.sources();
  return {
    sources,
    collectedAt: db.meta.get('collectedAt') ?? sources.map((s) => s.collectedAt).sort().at(-1) ?? new Date(0).toISOString(),
    snapshotId,
    nodeCount: count,
    key: (nid) => keys[nid],
    kind: (nid) => db.kindOf(kinds[nid]) as NodeKind,
    props: (nid) => JSON.parse(propsText[nid] ?? '{}') as NodeProps,
    prov: (nid) => {
      const f = file[nid] >= 0 ? db.fileOf(file[nid]) : undefined;
      return f && line[nid] >= 0 ? { file: f, line: line[nid] } : undefined;
    },
    nidOf: (key) => nidOf.get(key),
    nidsOfKind: (kind) => byKind.get(kind) ?? [],
    adjacency: db.adjacency(),
    edgeIndex: (kind) => db.edgeIndexOf(kind),
    edgeProps: (eid, kind) => db.edgePropsOf(eid, kind),
    fileName: (idx) => db.fileOf(idx),
    lookup: (name) => db.lookup(name),
    files: () => db.files(),
  };
}
