/**
 * Read access to one snapshot file (or an in-memory snapshot): nodes by key or number (indexed
 * SQL), the edges of one kind out of or into a node (the compact adjacency, read from its blobs
 * on first use), every edge in turn (for exporters), nodes of a kind, name lookup, sources, files.
 */
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { parseNodeKey } from '../model/ids.js';
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { EdgeProps, GraphEdge, GraphNode, NodeProps } from '../model/types.js';
import type { InputFile, SourceInfo } from './GraphReader.js';
import { type AdjacencyArrays, type AdjacencyView, CHUNK_INTS, type Dir, PARTS, type Part, REC, R_EID, R_FILE, R_KIND, R_LINE, R_OTHER, arraysView, fromBuffer, sliceOf } from './Adjacency.js';
import { EDGE_CODE_BASE, SNAPSHOT_SCHEMA_VERSION } from './snapshotSchema.js';
import { existsSync } from 'node:fs';
import { ERR, StoreError } from '../model/errors.js';
import { DELTA_KIND } from './delta/deltaSchema.js';
import { Overlay } from './delta/Overlay.js';
import { SOURCES } from '../../ingest/sources.js';

export interface NodeRow {
  nid: number;
  key: string;
  kind: number;
  props: string;
  file: number | null;
  line: number | null;
}

/** One edge as stored: node numbers, kind, properties and provenance. */
export interface EdgeRow {
  eid: number;
  src: number;
  kind: EdgeKind;
  dst: number;
  props: EdgeProps | undefined;
  file: string | undefined;
  line: number | undefined;
}

/** Edge kinds whose edges carry properties (the rest never do). */
const KINDS_WITH_PROPS: ReadonlySet<string> = new Set(['APP_USER', 'SAME_PERSON']);
const hasProps = (kind: string): boolean => KINDS_WITH_PROPS.has(kind) || SOURCES.edgeKindHasProps(kind);

/** Open a snapshot file read-only; a missing file (never written, or pruned) is SNAPSHOT_NOT_FOUND. */
function openSnapshotFile(path: string): Database.Database {
  if (!existsSync(path)) throw new StoreError(`no snapshot file ${path} (pruned, or never written)`, ERR.SNAPSHOT_NOT_FOUND);
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    if (!existsSync(path)) throw new StoreError(`no snapshot file ${path} (pruned, or never written)`, ERR.SNAPSHOT_NOT_FOUND);
    throw new StoreError(`snapshot file ${path} cannot be opened (${(e as Error).message})`, ERR.SNAPSHOT_UNREADABLE);
  }
}

/** One row of a snapshot's `sources` table. */
export interface SourceRow {
  source: string;
  tenant: string;
  source_key: string;
  folder: string;
  path: string;
  collected_at: string;
  manifest: string;
}

export class SnapshotDb {
  readonly db: Database.Database;
  private readonly kindName = new Map<number, string>();
  private readonly kindCode = new Map<string, number>();
  private readonly fileName = new Map<number, string>();
  readonly meta: Map<string, string>;
  private readonly sNodeByKey: Database.Statement;
  private readonly sNodeByNid: Database.Statement;
  private readonly sEdgeProps: Database.Statement;
  private view: AdjacencyView | undefined;
  /** One stored chunk of an adjacency part (set with `view`). */
  private chunk: ((part: Part, c: number) => Int32Array) | undefined;
  private full: AdjacencyArrays | undefined;
  private readonly sKind: Database.Statement;
  private readonly sName: Database.Statement;

  /** Set when this file is a delta snapshot: its rows over its base's. */
  readonly overlay: Overlay | undefined;
  private readonly ownsParent: boolean;

  /**
   * Open a snapshot file (or database). A delta snapshot opens its base too: by default the file
   * named by `meta.base` beside it; `opts.base` gives it instead (a delta being written).
   */
  constructor(pathOrDb: string | Database.Database, opts: { base?: SnapshotDb } = {}) {
    this.db = typeof pathOrDb === 'string' ? openSnapshotFile(pathOrDb) : pathOrDb;
    try {
      this.meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    } catch (e) {
      if (typeof pathOrDb === 'string') this.db.close();
      throw new StoreError(`snapshot file ${typeof pathOrDb === 'string' ? pathOrDb : ''} cannot be read (${(e as Error).message})`, ERR.SNAPSHOT_UNREADABLE);
    }
    const v = Number(this.meta.get('schemaVersion'));
    if (v !== SNAPSHOT_SCHEMA_VERSION) {
      if (typeof pathOrDb === 'string') this.db.close();
      throw new StoreError(
        `snapshot ${this.meta.get('id') ?? ''} has schema version ${v}; this revenant reads version ${SNAPSHOT_SCHEMA_VERSION} (reload the collection)`,
        ERR.SNAPSHOT_UNREADABLE,
      );
    }
    for (const r of this.db.prepare('SELECT code, name FROM kinds').all() as { code: number; name: string }[]) {
      this.kindName.set(r.code, r.name);
      this.kindCode.set(r.name, r.code);
    }
    this.ownsParent = false;
    if (this.meta.get('kind') === DELTA_KIND) {
      let parent = opts.base;
      if (!parent) {
        const base = this.meta.get('base');
        if (!base || typeof pathOrDb !== 'string') throw new StoreError(`snapshot ${this.meta.get('id') ?? ''} is a delta without a base to read it on`, ERR.SNAPSHOT_UNREADABLE);
        const basePath = join(dirname(pathOrDb), `${base}.sqlite`);
        try {
          parent = new SnapshotDb(basePath);
        } catch (e) {
          throw new StoreError(`snapshot ${this.meta.get('id') ?? ''} is a delta on ${base}, which cannot be read (${(e as Error).message}); was it deleted by hand?`, ERR.SNAPSHOT_UNREADABLE);
        }
        this.ownsParent = true;
      }
      this.overlay = new Overlay(this.db, parent);
      for (const [idx, name] of parent.fileNames()) this.fileName.set(idx, name);
    }
    for (const r of this.db.prepare('SELECT idx, name FROM files').all() as { idx: number; name: string }[]) this.fileName.set(r.idx, r.name);
    this.sNodeByKey = this.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes WHERE key = ?');
    this.sNodeByNid = this.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes WHERE nid = ?');
    this.sEdgeProps = this.db.prepare('SELECT props FROM edge_props WHERE eid = ?');
    this.sKind = this.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes WHERE kind = ?');
    this.sName = this.db.prepare('SELECT DISTINCT n.key FROM names m JOIN nodes n ON n.nid = m.nid WHERE m.name = ?');
  }

  get id(): string {
    return this.meta.get('id') ?? '';
  }

  kindOf(code: number): string {
    return this.kindName.get(code)!;
  }

  codeOf(kind: string): number {
    return this.kindCode.get(kind)!;
  }

  fileOf(idx: number | null): string | undefined {
    return idx === null ? undefined : this.fileName.get(idx);
  }

  toNode(r: NodeRow): GraphNode {
    const { sourceKey, id } = parseNodeKey(r.key);
    const file = this.fileOf(r.file);
    return {
      key: r.key,
      kind: this.kindName.get(r.kind) as NodeKind,
      id,
      sourceKey,
      props: JSON.parse(r.props) as NodeProps,
      prov: file && r.line !== null ? { file, line: r.line } : undefined,
    };
  }

  node(key: string): GraphNode | undefined {
    const r = this.nodeRow(key);
    return r ? this.toNode(r) : undefined;
  }

  nodeRow(key: string): NodeRow | undefined {
    if (this.overlay) return this.overlay.nodeRow(key);
    return this.sNodeByKey.get(key) as NodeRow | undefined;
  }

  nodeRowByNid(nid: number): NodeRow | undefined {
    if (this.overlay) return this.overlay.nodeRowByNid(nid);
    return this.sNodeByNid.get(nid) as NodeRow | undefined;
  }

  nodeByNid(nid: number): GraphNode | undefined {
    const r = this.nodeRowByNid(nid);
    return r ? this.toNode(r) : undefined;
  }

  /** Whether this is a delta snapshot (read over its base). */
  get isDelta(): boolean {
    return !!this.overlay;
  }

  /** Highest node number + 1 (node numbers of a delta continue its base's). */
  nidBound(): number {
    return Number(this.meta.get('adjacencyNodes') ?? 0);
  }

  /** Input file names by index, its base's included. */
  fileNames(): Map<number, string> {
    return this.fileName;
  }

  /** Every node row (a delta's merged with its base's). */
  *allNodeRows(): Generator<NodeRow> {
    if (this.overlay) yield* this.overlay.allRows();
    else yield* this.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes').iterate() as Iterable<NodeRow>;
  }

  /** Node rows of one kind code. */
  *rowsOfKind(code: number): Generator<NodeRow> {
    if (this.overlay) yield* this.overlay.rowsOfKind(code);
    else yield* this.sKind.iterate(code) as Iterable<NodeRow>;
  }

  /** Every edge end of a node in one direction (REC ints each, sorted by kind then edge id). */
  adjRow(nid: number, dir: Dir): Int32Array {
    if (this.overlay) return this.overlay.adjRow(nid, dir);
    const a = this.adjacencyView();
    if (nid < 0 || nid >= a.nodeCount) return new Int32Array(0);
    const offPart: Part = dir === 'out' ? 'outOff' : 'inOff';
    const recPart: Part = dir === 'out' ? 'outRec' : 'inRec';
    const lo = a.get(offPart, nid);
    const hi = a.get(offPart, nid + 1);
    const out = new Int32Array((hi - lo) * REC);
    // Chunk by chunk (a large group's member list spans many; element by element costs a lookup each).
    for (let i = 0; i < out.length; ) {
      const at = lo * REC + i;
      const c = this.chunk!(recPart, Math.floor(at / CHUNK_INTS));
      const from = at % CHUNK_INTS;
      const n = Math.min(out.length - i, c.length - from);
      if (n <= 0) break;
      out.set(c.subarray(from, from + n), i);
      i += n;
    }
    return out;
  }

  /** The JSON text of an edge's properties, if it has any. */
  edgePropsText(eid: number): string | undefined {
    if (this.overlay) return this.overlay.edgeProps(eid);
    const r = this.sEdgeProps.get(eid) as { props: string } | undefined;
    return r?.props;
  }

  /**
   * The compact adjacency for random access: chunks are read when first touched (a one-subject
   * query reads a handful), and cached.
   */
  adjacencyView(): AdjacencyView {
    if (this.overlay) return this.adjacency();
    if (this.view) return this.view;
    const stmt = this.db.prepare('SELECT data FROM adjacency WHERE name = ? AND chunk = ?');
    const cache = new Map<Part, Int32Array[]>(PARTS.map((p) => [p, []]));
    const chunk = (part: Part, c: number): Int32Array => {
      const chunks = cache.get(part)!;
      let data = chunks[c];
      if (!data) {
        const r = stmt.get(part, c) as { data: Buffer } | undefined;
        data = r ? fromBuffer(r.data) : new Int32Array(0);
        chunks[c] = data;
      }
      return data;
    };
    this.chunk = chunk;
    const nodeCount = Number(this.meta.get('adjacencyNodes') ?? 0);
    const edgeCount = Number(this.meta.get('edges') ?? 0);
    this.view = { nodeCount, edgeCount, get: (part, i) => chunk(part, Math.floor(i / CHUNK_INTS))[i % CHUNK_INTS] };
    return this.view;
  }

  /** The whole compact adjacency in memory (tenant-wide sweeps): every chunk read in order. */
  adjacency(): AdjacencyArrays {
    if (this.overlay) return this.overlay.adjacency(this.nidBound());
    if (this.full) return this.full;
    const parts: Record<string, Int32Array> = {};
    for (const part of PARTS) {
      const rows = this.db.prepare('SELECT data FROM adjacency WHERE name = ? ORDER BY chunk').all(part) as { data: Buffer }[];
      const total = rows.reduce((n, r) => n + r.data.byteLength / 4, 0);
      const arr = new Int32Array(total);
      let at = 0;
      for (const r of rows) {
        arr.set(fromBuffer(r.data), at);
        at += r.data.byteLength / 4;
      }
      parts[part] = arr;
    }
    this.full = arraysView({
      nodeCount: parts.outOff.length - 1,
      edgeCount: parts.outRec.length / REC,
      outOff: parts.outOff,
      outRec: parts.outRec,
      inOff: parts.inOff,
      inRec: parts.inRec,
    });
    return this.full;
  }

  /** Index of an edge kind in the adjacency arrays. */
  edgeIndexOf(kind: EdgeKind): number {
    const code = this.kindCode.get(kind);
    return code === undefined ? -1 : code - EDGE_CODE_BASE;
  }

  /** The properties of an edge (only some kinds carry any). */
  edgePropsOf(eid: number, kind: EdgeKind): EdgeProps | undefined {
    if (!hasProps(kind)) return undefined;
    const t = this.edgePropsText(eid);
    return t ? (JSON.parse(t) as EdgeProps) : undefined;
  }

  /** The edge ends of `kind` at node `nid` in direction `dir`, from the given adjacency view. */
  ends(a: AdjacencyView, nid: number, kind: EdgeKind, dir: Dir): EdgeRow[] {
    const k = this.edgeIndexOf(kind);
    if (k < 0) return [];
    if (this.overlay) {
      const recs = this.overlay.endsOf(nid, k, dir);
      const out: EdgeRow[] = [];
      for (let p = 0; p < recs.length; p += REC) {
        const other = recs[p + R_OTHER];
        const file = recs[p + R_FILE];
        const line = recs[p + R_LINE];
        const eid = recs[p + R_EID];
        out.push({ eid, src: dir === 'out' ? nid : other, dst: dir === 'out' ? other : nid, kind, props: this.edgePropsOf(eid, kind), file: file >= 0 ? this.fileOf(file) : undefined, line: line >= 0 ? line : undefined });
      }
      return out;
    }
    const [lo, hi] = sliceOf(a, nid, k, dir);
    const recPart: Part = dir === 'out' ? 'outRec' : 'inRec';
    const out: EdgeRow[] = [];
    for (let pos = lo; pos < hi; pos++) {
      const p = pos * REC;
      const other = a.get(recPart, p + R_OTHER);
      const file = a.get(recPart, p + R_FILE);
      const line = a.get(recPart, p + R_LINE);
      const eid = a.get(recPart, p + R_EID);
      out.push({
        eid,
        src: dir === 'out' ? nid : other,
        dst: dir === 'out' ? other : nid,
        kind,
        props: this.edgePropsOf(eid, kind),
        file: file >= 0 ? this.fileOf(file) : undefined,
        line: line >= 0 ? line : undefined,
      });
    }
    return out;
  }

  /** Every edge, node by node (exporters). */
  *edges(): Generator<EdgeRow> {
    const a = this.adjacency();
    const kinds = [...this.kindName.entries()].filter(([c]) => c >= EDGE_CODE_BASE).sort((x, y) => x[0] - y[0]);
    const byIndex = new Map(kinds.map(([c, n]) => [c - EDGE_CODE_BASE, n as EdgeKind]));
    for (let nid = 0; nid < a.nodeCount; nid++) {
      for (let pos = a.outOff[nid]; pos < a.outOff[nid + 1]; pos++) {
        const p = pos * REC;
        const kind = byIndex.get(a.outRec[p + R_KIND])!;
        const eid = a.outRec[p + R_EID];
        const file = a.outRec[p + R_FILE];
        const line = a.outRec[p + R_LINE];
        yield { eid, src: nid, kind, dst: a.outRec[p + R_OTHER], props: this.edgePropsOf(eid, kind), file: file >= 0 ? this.fileOf(file) : undefined, line: line >= 0 ? line : undefined };
      }
    }
  }

  /** Edges of `kind` from (`dir` out) or to (`dir` in) `key`, with the node at the other end. */
  step(key: string, kind: EdgeKind, dir: Dir): { edge: GraphEdge; other: GraphNode }[] {
    const row = this.nodeRow(key);
    if (!row) return [];
    const out: { edge: GraphEdge; other: GraphNode }[] = [];
    for (const e of this.ends(this.overlay ? (undefined as unknown as AdjacencyView) : this.adjacencyView(), row.nid, kind, dir)) {
      const other = this.nodeByNid(dir === 'out' ? e.dst : e.src);
      if (!other) continue;
      out.push({
        edge: {
          kind,
          from: dir === 'out' ? key : other.key,
          to: dir === 'out' ? other.key : key,
          props: e.props,
          prov: e.file && e.line !== undefined ? { file: e.file, line: e.line } : undefined,
        },
        other,
      });
    }
    return out;
  }

  /** Stored rows of a kind with their node numbers, in node order (a delta's load-time derivations read them). */
  nodeRowsOfKind(kind: string): NodeRow[] {
    const code = this.kindCode.get(kind);
    if (code === undefined) return [];
    if (this.overlay) return [...this.overlay.rowsOfKind(code)].sort((a, b) => a.nid - b.nid);
    return (this.sKind.all(code) as NodeRow[]).sort((a, b) => a.nid - b.nid);
  }

  *nodesOfKind(kind: NodeKind): Generator<GraphNode> {
    const code = this.codeOf(kind);
    if (code === undefined) return;
    if (this.overlay) {
      for (const r of [...this.overlay.rowsOfKind(code)].sort((a, b) => a.nid - b.nid)) yield this.toNode(r);
      return;
    }
    for (const r of this.sKind.all(code) as NodeRow[]) yield this.toNode(r);
  }

  /**
   * Name-index entries starting with `prefix` (lower-cased), in name order: an index range scan,
   * so a search box stays fast on any snapshot size. Returns the matched name and the node key.
   */
  searchNames(prefix: string, limit: number): { name: string; key: string }[] {
    const p = prefix.trim().toLowerCase();
    if (!p) return [];
    // (name, node) order, each pair once (a node may list one name under two fields): the order
    // the Neo4j engine reads its lookup slots in, so both engines see the same first rows.
    this.sPrefix ??= this.db.prepare('SELECT m.name AS name, m.nid AS nid, n.key AS key FROM names m JOIN nodes n ON n.nid = m.nid WHERE m.name >= ? AND m.name < ? ORDER BY m.name, m.nid');
    const out: { name: string; key: string }[] = [];
    let last: { name: string; nid: number } | undefined;
    for (const r of this.sPrefix.iterate(p, `${p}\uffff`) as Iterable<{ name: string; nid: number; key: string }>) {
      if (last && last.name === r.name && last.nid === r.nid) continue;
      last = r;
      out.push({ name: r.name, key: r.key });
      if (out.length >= limit) break;
    }
    return out;
  }

  private sPrefix: Database.Statement | undefined;

  lookup(name: string): string[] {
    if (this.overlay) return this.overlay.lookup(name.trim().toLowerCase());
    return (this.sName.all(name.trim().toLowerCase()) as { key: string }[]).map((r) => r.key);
  }

  sources(): SourceInfo[] {
    const rows = this.db.prepare('SELECT source, tenant, source_key, folder, path, collected_at, manifest FROM sources ORDER BY idx').all() as SourceRow[];
    return rows.map((r) => {
      const m = JSON.parse(r.manifest) as { datasets?: SourceInfo['datasets']; scope?: { kind?: string; accounts?: unknown } };
      const info: SourceInfo = { sourceKey: r.source_key, source: r.source, tenant: r.tenant, folder: r.path, collectedAt: r.collected_at, datasets: m.datasets ?? {} };
      if (m.scope?.kind === 'subject') {
        info.scope = { kind: 'subject', accounts: Array.isArray(m.scope.accounts) ? m.scope.accounts.map((a) => String(typeof a === 'object' && a ? (a as { id?: unknown }).id : a)) : [] };
      }
      return info;
    });
  }

  files(): InputFile[] {
    if (this.overlay) return this.fileRows().map(({ idx: _i, ...f }) => f);
    return this.db.prepare('SELECT name, objects, bytes, sha256 FROM files ORDER BY idx').all() as InputFile[];
  }

  /** Input files with their indexes, a delta's base's included (those the delta replaced too). */
  fileRows(): (InputFile & { idx: number })[] {
    const own = this.db.prepare('SELECT idx, name, objects, bytes, sha256 FROM files ORDER BY idx').all() as (InputFile & { idx: number })[];
    if (!this.overlay) return own;
    return [...this.overlay.parent.fileRows(), ...own].sort((a, b) => a.idx - b.idx);
  }

  close(): void {
    if (this.db.open) this.db.close();
    if (this.ownsParent) this.overlay?.parent.close();
  }
}
