/**
 * Reading a delta snapshot: its own rows over its base's (which may be a delta too, down to a
 * full snapshot). A node row here replaces the base's, a `node_gone` row hides it, an `adj_rows`
 * row replaces the node's edge ends in one direction; everything else is the base's. SnapshotDb
 * delegates to this when the file it opens is a delta, so every reader (one-subject queries,
 * sweeps, exports, the Neo4j push) sees exactly the graph a full snapshot of the same data holds.
 */
import type Database from 'better-sqlite3';
import { type AdjacencyArrays, REC, R_KIND, arraysView, fromBuffer } from '../Adjacency.js';
import type { NodeRow, SnapshotDb } from '../SnapshotDb.js';
import { IN, OUT } from './deltaSchema.js';

export class Overlay {
  private readonly s: Record<string, Database.Statement>;
  private overridden: Set<number> | undefined;
  /** Keys of this level's node rows and tombstones, and the nids with an adjacency row here (built on first use). */
  private keys: Set<string> | undefined;
  private adjNids: Set<number> | undefined;
  private merged: AdjacencyArrays | undefined;

  constructor(
    readonly top: Database.Database,
    readonly parent: SnapshotDb,
  ) {
    const p = (sql: string) => top.prepare(sql);
    this.s = {
      nodeByKey: p('SELECT nid, key, kind, props, file, line FROM nodes WHERE key = ?'),
      nodeByNid: p('SELECT nid, key, kind, props, file, line FROM nodes WHERE nid = ?'),
      goneByKey: p('SELECT nid FROM node_gone WHERE key = ?'),
      goneByNid: p('SELECT nid FROM node_gone WHERE nid = ?'),
      adj: p('SELECT data FROM adj_rows WHERE nid = ? AND dir = ?'),
      edgeProps: p('SELECT props FROM edge_props WHERE eid = ?'),
      names: p('SELECT DISTINCT n.key FROM names m JOIN nodes n ON n.nid = m.nid WHERE m.name = ?'),
      kind: p('SELECT nid, key, kind, props, file, line FROM nodes WHERE kind = ?'),
      all: p('SELECT nid, key, kind, props, file, line FROM nodes'),
      nids: p('SELECT nid FROM nodes UNION SELECT nid FROM node_gone'),
      keys: p('SELECT key FROM nodes UNION SELECT key FROM node_gone'),
      adjNids: p('SELECT DISTINCT nid FROM adj_rows'),
      adjAll: p('SELECT nid, dir, data FROM adj_rows'),
    };
  }

  /** Forget what was derived from the rows (after the rows changed: a delta being written). */
  invalidate(): void {
    this.overridden = undefined;
    this.keys = undefined;
    this.adjNids = undefined;
    this.merged = undefined;
  }

  /** Node numbers this level decides (a row or a tombstone here). */
  private decided(): Set<number> {
    if (!this.overridden) this.overridden = new Set((this.s.nids.all() as { nid: number }[]).map((r) => r.nid));
    return this.overridden;
  }

  /**
   * Keys this level decides. A lookup this level does not decide goes to the parent without a query
   * here: on a chain of refresh deltas (a few rows each, dozens deep) a miss cost 2–3 queries per level.
   */
  private decidedKeys(): Set<string> {
    if (!this.keys) this.keys = new Set((this.s.keys.all() as { key: string }[]).map((r) => r.key));
    return this.keys;
  }

  private adjDecided(): Set<number> {
    if (!this.adjNids) this.adjNids = new Set((this.s.adjNids.all() as { nid: number }[]).map((r) => r.nid));
    return this.adjNids;
  }

  nodeRow(key: string): NodeRow | undefined {
    if (!this.decidedKeys().has(key)) return this.parent.nodeRow(key);
    const r = this.s.nodeByKey.get(key) as NodeRow | undefined;
    if (r) return r;
    if (this.s.goneByKey.get(key)) return undefined;
    return this.parent.nodeRow(key);
  }

  nodeRowByNid(nid: number): NodeRow | undefined {
    if (!this.decided().has(nid)) return this.parent.nodeRowByNid(nid);
    const r = this.s.nodeByNid.get(nid) as NodeRow | undefined;
    if (r) return r;
    if (this.s.goneByNid.get(nid)) return undefined;
    return this.parent.nodeRowByNid(nid);
  }

  /** Every edge end of a node in one direction: REC ints each, sorted by kind then edge id. */
  adjRow(nid: number, dir: 'out' | 'in'): Int32Array {
    // Neither an adjacency row nor a tombstone here (tombstones are among the decided nids).
    if (!this.adjDecided().has(nid) && !this.decided().has(nid)) return this.parent.adjRow(nid, dir);
    const r = this.s.adj.get(nid, dir === 'out' ? OUT : IN) as { data: Buffer } | undefined;
    if (r) return fromBuffer(r.data);
    if (this.s.goneByNid.get(nid)) return new Int32Array(0);
    return this.parent.adjRow(nid, dir);
  }

  /** The edge ends of one kind (adjacency index `k`). */
  endsOf(nid: number, k: number, dir: 'out' | 'in'): Int32Array {
    const row = this.adjRow(nid, dir);
    let lo = 0;
    while (lo * REC < row.length && row[lo * REC + R_KIND] < k) lo++;
    let hi = lo;
    while (hi * REC < row.length && row[hi * REC + R_KIND] === k) hi++;
    return row.subarray(lo * REC, hi * REC);
  }

  edgeProps(eid: number): string | undefined {
    const r = this.s.edgeProps.get(eid) as { props: string } | undefined;
    return r ? r.props : this.parent.edgePropsText(eid);
  }

  lookup(name: string): string[] {
    const mine = (this.s.names.all(name) as { key: string }[]).map((r) => r.key);
    const below = this.parent.lookup(name).filter((k) => !this.s.nodeByKey.get(k) && !this.s.goneByKey.get(k));
    return [...new Set([...mine, ...below])];
  }

  *rowsOfKind(code: number): Generator<NodeRow> {
    yield* this.s.kind.iterate(code) as Iterable<NodeRow>;
    const decided = this.decided();
    for (const r of this.parent.rowsOfKind(code)) if (!decided.has(r.nid)) yield r;
  }

  *allRows(): Generator<NodeRow> {
    yield* this.s.all.iterate() as Iterable<NodeRow>;
    const decided = this.decided();
    for (const r of this.parent.allNodeRows()) if (!decided.has(r.nid)) yield r;
  }

  /**
   * The whole adjacency in memory (tenant-wide sweeps, exports): the base's arrays with this
   * level's rows in place, rebuilt as one CSR. Costs one pass over the edges.
   */
  adjacency(nodeCount: number): AdjacencyArrays {
    if (this.merged) return this.merged;
    const base = this.parent.adjacency();
    const rows = new Map<number, [Int32Array | undefined, Int32Array | undefined]>();
    for (const r of this.s.adjAll.iterate() as Iterable<{ nid: number; dir: number; data: Buffer }>) {
      const e = rows.get(r.nid) ?? rows.set(r.nid, [undefined, undefined]).get(r.nid)!;
      e[r.dir] = fromBuffer(r.data);
    }
    for (const r of this.s.nids.all() as { nid: number }[]) {
      if (!rows.has(r.nid) && this.s.goneByNid.get(r.nid)) rows.set(r.nid, [new Int32Array(0), new Int32Array(0)]);
    }
    const build = (baseOff: Int32Array, baseRec: Int32Array, d: 0 | 1) => {
      const baseCount = baseOff.length - 1;
      const off = new Int32Array(nodeCount + 1);
      for (let n = 0; n < nodeCount; n++) {
        const o = rows.get(n)?.[d];
        off[n + 1] = off[n] + (o ? o.length / REC : n < baseCount ? baseOff[n + 1] - baseOff[n] : 0);
      }
      const rec = new Int32Array(off[nodeCount] * REC);
      // Copy runs of untouched nodes in one go; the rows of this level in between.
      const touched = [...rows.keys()].filter((n) => rows.get(n)![d]).sort((a, b) => a - b);
      let n = 0;
      for (const t of [...touched, nodeCount]) {
        const end = Math.min(t, baseCount);
        if (end > n) rec.set(baseRec.subarray(baseOff[n] * REC, baseOff[end] * REC), off[n] * REC);
        if (t < nodeCount) rec.set(rows.get(t)![d]!, off[t] * REC);
        n = t + 1;
      }
      return { off, rec };
    };
    const out = build(base.outOff, base.outRec, 0);
    const inn = build(base.inOff, base.inRec, 1);
    this.merged = arraysView({ nodeCount, edgeCount: out.rec.length / REC, outOff: out.off, outRec: out.rec, inOff: inn.off, inRec: inn.rec });
    return this.merged;
  }
}
