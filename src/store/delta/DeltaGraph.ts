/**
 * The graph a delta is being applied to: the base snapshot (read through SnapshotDb, a delta
 * chain or a full file) with the changes made so far held in memory — node rows set or removed,
 * and whole edge-end lists of the nodes whose edges changed (the compact adjacency's records:
 * other node, kind, file, line, edge id). New nodes and edges continue the base's numbering.
 * Everything the delta writer, the incremental derivations and the person correlation read and
 * change goes through here; `changedNodes()` says which nodes a reader of the new snapshot would
 * see differently (their row, or any of their edges).
 */
import type Database from 'better-sqlite3';
import { parseNodeKey } from '../../model/ids.js';
import type { EdgeKind, NodeKind } from '../../model/schema.js';
import { edgeKindAt, edgeKindIndex, nodeKindCode } from '../kindCodes.js';
import { REC, R_EID, R_FILE, R_KIND, R_LINE, R_OTHER } from '../Adjacency.js';
import type { SnapshotDb } from '../SnapshotDb.js';
import { nodeNames } from '../SnapshotWriter.js';
import { edgeDep, nodeDep } from './deps.js';

export interface Row {
  key: string;
  kind: NodeKind;
  props: Record<string, unknown>;
  /** Provenance (-1: none, a stub or a derived node). */
  file: number;
  line: number;
}

const OUT = 0;
const IN = 1;

export class DeltaGraph {
  /** Changed node rows (null: the node no longer exists). */
  readonly rows = new Map<number, Row | null>();
  /** Changed edge-end lists: [out, in], each REC ints per edge end. */
  readonly adj = new Map<number, [number[] | undefined, number[] | undefined]>();
  /** Properties of the new edges (JSON). */
  readonly edgeProps = new Map<number, string>();
  /** Nodes created by this delta (key → nid). */
  private readonly created = new Map<string, number>();
  private readonly baseRows = new Map<number, Row | undefined>();
  /** The base's edge-end lists read so far (out, in). */
  private readonly baseKinds = new Map<NodeKind, { nid: number; key: string; props: Record<string, unknown> }[]>();
  private readonly baseAdj: [Map<number, Int32Array>, Map<number, Int32Array>] = [new Map<number, Int32Array>(), new Map<number, Int32Array>()];
  nextNid: number;
  nextEid: number;
  edgesAdded = 0;
  edgesRemoved = 0;
  private names: Map<string, Set<number>> | undefined;
  /** The base's node numbers by key, read so far (undefined: not in the base). */
  private readonly baseNids = new Map<string, number | undefined>();
  private nidByKey: Database.Statement | undefined;
  /** The base's node kinds by number, read so far (`baseKind`). */
  private readonly baseKinds1 = new Map<number, NodeKind | undefined>();
  private kindByNid: Database.Statement | undefined;

  constructor(readonly base: SnapshotDb) {
    this.nextNid = base.nidBound();
    this.nextEid = Number(base.meta.get('eidNext') ?? base.meta.get('edges') ?? 0);
  }

  /** An edge kind's index (kindCodes.ts: the schema's and the registered sources' kinds). */
  static edgeIndex(kind: EdgeKind): number {
    return edgeKindIndex(kind);
  }

  static edgeKind(index: number): EdgeKind {
    return edgeKindAt(index);
  }

  /** The base's row of a node (parsed once). */
  baseRow(nid: number): Row | undefined {
    if (this.baseRows.has(nid)) return this.baseRows.get(nid);
    const r = nid < this.base.nidBound() ? this.base.nodeRowByNid(nid) : undefined;
    const row = r
      ? { key: r.key, kind: this.base.kindOf(r.kind) as NodeKind, props: JSON.parse(r.props) as Record<string, unknown>, file: r.file ?? -1, line: r.line ?? -1 }
      : undefined;
    this.baseRows.set(nid, row);
    return row;
  }

  /** The current row of a node (undefined: no such node). */
  row(nid: number): Row | undefined {
    const r = this.rows.get(nid);
    if (r !== undefined) return r ?? undefined;
    return this.baseRow(nid);
  }

  nidOf(key: string): number | undefined {
    const c = this.created.get(key);
    if (c !== undefined) return c;
    // The base's numbers, read once per key (a group's key comes once per member line changed).
    if (this.baseNids.has(key)) return this.baseNids.get(key);
    let n: number | undefined;
    if (this.base.isDelta) n = this.base.nodeRow(key)?.nid;
    else n = (this.nidByKey ??= this.base.db.prepare('SELECT nid FROM nodes WHERE key = ?').pluck()).get(key) as number | undefined;
    this.baseNids.set(key, n);
    return n;
  }

  /** The node number of a key, numbering it if it is new. */
  ensureNid(key: string): number {
    let n = this.nidOf(key);
    if (n === undefined) {
      n = this.nextNid++;
      this.created.set(key, n);
    }
    return n;
  }

  setRow(nid: number, row: Row): void {
    this.rows.set(nid, row);
    this.names = undefined;
  }

  /** The node no longer exists: its row goes, and every edge it still has, on both ends. */
  remove(nid: number): void {
    for (const dir of [OUT, IN] as const) {
      const list = this.adjList(nid, dir);
      for (let p = 0; p < list.length; p += REC) {
        const other = list[p + R_OTHER];
        const eid = list[p + R_EID];
        if (other !== nid) this.dropEid(other, dir === OUT ? IN : OUT, eid);
        if (dir === OUT || other !== nid) this.edgesRemoved++;
      }
      this.setAdj(nid, dir, []);
    }
    this.rows.set(nid, null);
    this.names = undefined;
  }

  /** The edge ends of a node in one direction (a copy the caller may not change). */
  adjList(nid: number, dir: 0 | 1): ArrayLike<number> {
    const a = this.adj.get(nid)?.[dir];
    if (a) return a;
    return this.baseList(nid, dir);
  }

  /** The base's edge ends of a node in one direction (read once). */
  private baseList(nid: number, dir: 0 | 1): Int32Array {
    if (nid >= this.base.nidBound()) return new Int32Array(0);
    const cache = this.baseAdj[dir];
    let list = cache.get(nid);
    if (!list) cache.set(nid, (list = this.base.adjRow(nid, dir === OUT ? 'out' : 'in')));
    return list;
  }

  private setAdj(nid: number, dir: 0 | 1, list: number[]): void {
    const e = this.adj.get(nid) ?? this.adj.set(nid, [undefined, undefined]).get(nid)!;
    e[dir] = list;
  }

  private mutable(nid: number, dir: 0 | 1): number[] {
    const e = this.adj.get(nid);
    if (e?.[dir]) return e[dir];
    const list = Array.from(this.adjList(nid, dir));
    this.setAdj(nid, dir, list);
    return list;
  }

  private dropEid(nid: number, dir: 0 | 1, eid: number): void {
    const list = this.adjList(nid, dir);
    for (let p = 0; p < list.length; p += REC) {
      if (list[p + R_EID] === eid) {
        const m = this.mutable(nid, dir);
        m.splice(p, REC);
        return;
      }
    }
  }

  addEdge(kind: EdgeKind, src: number, dst: number, file: number, line: number, props?: string): number {
    const eid = this.nextEid++;
    const k = edgeKindIndex(kind);
    this.mutable(src, OUT).push(dst, k, file, line, eid);
    this.mutable(dst, IN).push(src, k, file, line, eid);
    if (props) this.edgeProps.set(eid, props);
    this.edgesAdded++;
    return eid;
  }

  /** Remove the edges at `nid` (in direction `dir`) that `pred` picks, on both ends. */
  removeEdges(nid: number, dir: 0 | 1, pred: (kind: number, other: number, file: number, line: number, eid: number) => boolean): number {
    const list = this.adjList(nid, dir);
    const drop: number[] = [];
    for (let p = 0; p < list.length; p += REC) {
      if (pred(list[p + R_KIND], list[p + R_OTHER], list[p + R_FILE], list[p + R_LINE], list[p + R_EID])) drop.push(p);
    }
    if (!drop.length) return 0;
    const m = this.mutable(nid, dir);
    for (let i = drop.length - 1; i >= 0; i--) {
      const p = drop[i];
      const other = m[p + R_OTHER];
      const eid = m[p + R_EID];
      m.splice(p, REC);
      if (other !== nid) this.dropEid(other, dir === OUT ? IN : OUT, eid);
      else this.dropEid(nid, dir === OUT ? IN : OUT, eid);
      this.edgesRemoved++;
    }
    return drop.length;
  }

  /**
   * Remove at once the edges read from given lines at given nodes, on both ends: `lines` maps a
   * node to the lines (`lineKey`) whose edge ends at it go. One pass over each list involved,
   * whatever the number of lines — line by line, a large group's member list would be scanned
   * (and spliced) once per membership line removed. Lists keep their order; a list nothing is
   * removed from is left as it is.
   */
  removeLineEdges(lines: ReadonlyMap<number, ReadonlySet<number>>): void {
    const drops = new Map<number, [Set<number> | undefined, Set<number> | undefined]>();
    const mark = (nid: number, dir: 0 | 1, eid: number) => {
      const e = drops.get(nid) ?? drops.set(nid, [undefined, undefined]).get(nid)!;
      (e[dir] ??= new Set()).add(eid);
    };
    const gone = new Set<number>();
    for (const [nid, set] of lines) {
      for (const dir of [OUT, IN] as const) {
        const list = this.adjList(nid, dir);
        for (let p = 0; p < list.length; p += REC) {
          if (!set.has(lineKey(list[p + R_FILE], list[p + R_LINE]))) continue;
          const eid = list[p + R_EID];
          mark(nid, dir, eid);
          mark(list[p + R_OTHER], dir === OUT ? IN : OUT, eid);
          gone.add(eid);
        }
      }
    }
    for (const [nid, ends] of drops) {
      for (const dir of [OUT, IN] as const) {
        const eids = ends[dir];
        if (!eids) continue;
        const list = this.adjList(nid, dir);
        const kept: number[] = [];
        for (let p = 0; p < list.length; p += REC) if (!eids.has(list[p + R_EID])) for (let j = 0; j < REC; j++) kept.push(list[p + j]);
        if (kept.length !== list.length) this.setAdj(nid, dir, kept);
      }
    }
    this.edgesRemoved += gone.size;
  }

  /** Other ends of the edges of one kind at a node. */
  others(nid: number, kind: EdgeKind, dir: 'out' | 'in'): number[] {
    const k = edgeKindIndex(kind);
    const list = this.adjList(nid, dir === 'out' ? OUT : IN);
    const out: number[] = [];
    for (let p = 0; p < list.length; p += REC) if (list[p + R_KIND] === k) out.push(list[p + R_OTHER]);
    return out;
  }

  /** Whether a node has an edge read from a collection line (not a derived one). */
  hasPrimaryEdge(nid: number): boolean {
    for (const dir of [OUT, IN] as const) {
      const list = this.adjList(nid, dir);
      for (let p = 0; p < list.length; p += REC) if (list[p + R_FILE] >= 0) return true;
    }
    return false;
  }

  /** Node keys whose names (id, display name, mail, login, employee id …) include `name`, in the new graph. */
  lookup(name: string): string[] {
    const want = name.trim().toLowerCase();
    if (!this.names) {
      this.names = new Map();
      for (const [nid, r] of this.rows) {
        if (!r) continue;
        for (const n of nodeNames(r.kind, parseNodeKey(r.key).id, r.props, r.props.stub === true)) {
          (this.names.get(n) ?? this.names.set(n, new Set()).get(n)!).add(nid);
        }
      }
    }
    const out = new Set<string>();
    for (const k of this.base.lookup(want)) {
      const n = this.nidOf(k);
      if (n !== undefined && !this.rows.has(n)) out.add(k);
    }
    for (const n of this.names.get(want) ?? []) out.add(this.rows.get(n)!.key);
    return [...out];
  }

  /** Nodes a reader of the new snapshot sees differently: their row, or any of their edges. */
  changedNodes(): Set<number> {
    return new Set([...this.rows.keys(), ...this.adj.keys()]);
  }

  /**
   * What changed, as dependency codes (deps.ts): the rows of the nodes whose row changed, and for
   * the nodes whose edges changed, each (direction, kind) whose edges differ from the base's.
   */
  changedDeps(): Set<number> {
    const out = new Set<number>();
    for (const n of this.rows.keys()) out.add(nodeDep(n));
    for (const [n, lists] of this.adj) {
      for (const dir of [OUT, IN] as const) {
        const now = lists[dir];
        if (!now) continue;
        const before = this.baseList(n, dir);
        for (const k of changedKinds(before, now)) out.add(edgeDep(n, dir, k));
      }
    }
    return out;
  }

  /** Kinds of the changed nodes, before and after (for readers that scan a kind). */
  changedKinds(): Set<NodeKind> {
    const out = new Set<NodeKind>();
    for (const n of this.changedNodes()) {
      // The kind alone (a base row's properties are not parsed for it).
      const b = this.baseKind(n);
      if (b !== undefined) out.add(b);
      // A changed row's kind (a node only whose edges changed has the base's).
      const r = this.rows.get(n);
      if (r) out.add(r.kind);
    }
    return out;
  }

  /**
   * The kind of a node in the base (undefined: not in the base), read once (asked per changed
   * node by `changedKinds` and again by the writer's `inBase`); on a full base the kind alone is
   * read, not the row.
   */
  private baseKind(nid: number): NodeKind | undefined {
    if (this.baseRows.has(nid)) return this.baseRows.get(nid)?.kind;
    if (this.baseKinds1.has(nid)) return this.baseKinds1.get(nid);
    let code: number | undefined;
    if (nid < this.base.nidBound()) {
      if (this.base.isDelta) code = this.base.nodeRowByNid(nid)?.kind;
      else code = (this.kindByNid ??= this.base.db.prepare('SELECT kind FROM nodes WHERE nid = ?').pluck()).get(nid) as number | undefined;
    }
    const kind = code === undefined ? undefined : (this.base.kindOf(code) as NodeKind);
    this.baseKinds1.set(nid, kind);
    return kind;
  }

  /**
   * Listed (not stub) nodes of a kind in node order, in the new graph, or in the base with
   * `base`: what a source's load-time derivation reads (its DeriveWriter's `nodesOf`).
   */
  *nodesOf(kind: NodeKind, base = false): Generator<{ nid: number; key: string; props: Record<string, unknown> }> {
    const changed = base ? [] : [...this.rows].filter(([, r]) => r && r.kind === kind && r.props.stub !== true).map(([nid, r]) => ({ nid, key: r!.key, props: r!.props })).sort((a, b) => a.nid - b.nid);
    let c = 0;
    for (const r of this.baseNodesOf(kind)) {
      if (!base && this.rows.has(r.nid)) continue;
      while (c < changed.length && changed[c].nid < r.nid) yield changed[c++];
      yield r;
    }
    while (c < changed.length) yield changed[c++];
  }

  /**
   * The base's listed (not stub) nodes of a kind in node order, read and parsed once: the sources'
   * derivations and asserted links read the same kinds over the base and the new graph, several
   * times each. The rows are shared: readers must not change them.
   */
  private baseNodesOf(kind: NodeKind): readonly { nid: number; key: string; props: Record<string, unknown> }[] {
    let list = this.baseKinds.get(kind);
    if (!list) {
      list = [];
      for (const r of this.base.nodeRowsOfKind(kind)) {
        const props = JSON.parse(r.props) as Record<string, unknown>;
        if (props.stub !== true) list.push({ nid: r.nid, key: r.key, props });
      }
      this.baseKinds.set(kind, list);
    }
    return list;
  }

  /** The JSON text of an edge's properties (a new edge's or the base's), if it has any. */
  edgePropsText(eid: number): string | undefined {
    return this.edgeProps.get(eid) ?? this.base.edgePropsText(eid);
  }

  /** Whether the node existed in the base. */
  inBase(nid: number): boolean {
    return this.baseKind(nid) !== undefined;
  }
}

/** A line (file index, line number) as one number: what `removeLineEdges` takes. */
export const lineKey = (file: number, line: number): number => file * 0x100000000 + line;

/** A node kind's code (kindCodes.ts). */
export const kindCode = (kind: string): number => nodeKindCode(kind);

/**
 * The edge kinds whose edge ends differ between two lists of one node and direction. An edge's
 * id names one edge end in a list, and its other end, kind, file and line never change (a
 * changed fact is a new edge): the ends of a kind are the same exactly when their edge ids are.
 * Ascending kinds. O(list) with one set, where sorting both lists cost O(n log n) per large group.
 */
export function changedKinds(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return changedKindsInOrder(a, b) ?? changedKindsBySet(a, b);
}

/**
 * `changedKinds` in one walk, without sets, when `b` is what the delta makes of a base list: the
 * ends of `a` it keeps, in `a`'s order, then ends that `a` does not have (new edges, appended).
 * Undefined when `b` is not of that form (an end of `a` found out of order, or again).
 */
function changedKindsInOrder(a: ArrayLike<number>, b: ArrayLike<number>): number[] | undefined {
  let maxA = -Infinity;
  for (let p = 0; p < a.length; p += REC) if (a[p + R_EID] > maxA) maxA = a[p + R_EID];
  const out = new Set<number>();
  let i = 0;
  for (let p = 0; p < b.length; p += REC) {
    const eid = b[p + R_EID];
    if (eid > maxA) {
      // Not an end of `a` (its ids are all at most maxA).
      out.add(b[p + R_KIND]);
      continue;
    }
    // An end of `a`, or not: skip `a`'s ends up to it (each one `b` lacks, if `b` keeps `a`'s order).
    while (i < a.length && a[i + R_EID] !== eid) {
      out.add(a[i + R_KIND]);
      i += REC;
    }
    if (i >= a.length) return undefined;
    i += REC;
  }
  for (; i < a.length; i += REC) out.add(a[i + R_KIND]);
  return [...out].sort((x, y) => x - y);
}

export function changedKindsBySet(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const inA = new Set<number>();
  for (let p = 0; p < a.length; p += REC) inA.add(a[p + R_EID]);
  const out = new Set<number>();
  let shared = 0;
  for (let p = 0; p < b.length; p += REC) {
    if (inA.has(b[p + R_EID])) shared++;
    else out.add(b[p + R_KIND]);
  }
  // Ends of `a` that `b` lacks: only when not every end of `a` is shared.
  if (shared < a.length / REC) {
    const inB = new Set<number>();
    for (let p = 0; p < b.length; p += REC) inB.add(b[p + R_EID]);
    for (let p = 0; p < a.length; p += REC) if (!inB.has(a[p + R_EID])) out.add(a[p + R_KIND]);
  }
  return [...out].sort((x, y) => x - y);
}
