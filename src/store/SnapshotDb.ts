/**
 * Read access to one snapshot file (or an in-memory snapshot): nodes by key or number (indexed
 * SQL), the edges of one kind out of or into a node (the compact adjacency, read from its blobs
 * on first use), every edge in turn (for exporters), nodes of a kind, name lookup, sources, files.
 */
import Database from 'better-sqlite3';
import { parseNodeKey } from '../model/ids.js';
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { EdgeProps, GraphEdge, GraphNode, NodeProps } from '../model/types.js';
import type { InputFile, SourceInfo } from './GraphReader.js';
import { ADJACENCY_PARTS, type AdjacencyArrays, fromBuffer, sliceOf } from './Adjacency.js';
import { EDGE_CODE_BASE, SNAPSHOT_SCHEMA_VERSION } from './snapshotSchema.js';
import { StoreError } from '../model/errors.js';
import type { SourceKind } from '../model/schema.js';

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
const KINDS_WITH_PROPS = new Set<string>(['APP_USER', 'SAME_PERSON']);

export class SnapshotDb {
  readonly db: Database.Database;
  private readonly kindName = new Map<number, string>();
  private readonly kindCode = new Map<string, number>();
  private readonly fileName = new Map<number, string>();
  readonly meta: Map<string, string>;
  private readonly sNodeByKey: Database.Statement;
  private readonly sNodeByNid: Database.Statement;
  private readonly sEdgeProps: Database.Statement;
  private adj: AdjacencyArrays | undefined;
  private readonly sKind: Database.Statement;
  private readonly sName: Database.Statement;

  constructor(pathOrDb: string | Database.Database) {
    this.db = typeof pathOrDb === 'string' ? new Database(pathOrDb, { readonly: true, fileMustExist: true }) : pathOrDb;
    this.meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    const v = Number(this.meta.get('schemaVersion'));
    if (v !== SNAPSHOT_SCHEMA_VERSION) {
      throw new StoreError(`snapshot ${this.meta.get('id') ?? ''} has schema version ${v}; this revenant reads version ${SNAPSHOT_SCHEMA_VERSION} (reload the collection)`);
    }
    for (const r of this.db.prepare('SELECT code, name FROM kinds').all() as { code: number; name: string }[]) {
      this.kindName.set(r.code, r.name);
      this.kindCode.set(r.name, r.code);
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
    const r = this.sNodeByKey.get(key) as NodeRow | undefined;
    return r ? this.toNode(r) : undefined;
  }

  nodeRow(key: string): NodeRow | undefined {
    return this.sNodeByKey.get(key) as NodeRow | undefined;
  }

  nodeByNid(nid: number): GraphNode | undefined {
    const r = this.sNodeByNid.get(nid) as NodeRow | undefined;
    return r ? this.toNode(r) : undefined;
  }

  /** The compact adjacency (read from the snapshot's blobs once). */
  adjacency(): AdjacencyArrays {
    if (this.adj) return this.adj;
    const parts = new Map((this.db.prepare('SELECT name, data FROM adjacency').all() as { name: string; data: Buffer }[]).map((r) => [r.name, fromBuffer(r.data)]));
    const get = (p: (typeof ADJACENCY_PARTS)[number]) => parts.get(p) ?? new Int32Array(p.endsWith('Off') ? 2 : 0);
    const outOff = get('outOff');
    this.adj = { nodeCount: outOff.length - 2, src: get('src'), dst: get('dst'), kind: get('kind'), file: get('file'), line: get('line'), outOff, outIdx: get('outIdx'), inOff: get('inOff'), inIdx: get('inIdx') };
    return this.adj;
  }

  /** Index of an edge kind in the adjacency arrays. */
  edgeIndexOf(kind: EdgeKind): number {
    const code = this.kindCode.get(kind);
    return code === undefined ? -1 : code - EDGE_CODE_BASE;
  }

  /** Edge ids of `kind` out of (or into) node number `nid`. */
  edgeIds(nid: number, kind: EdgeKind, dir: 'out' | 'in'): Int32Array {
    const a = this.adjacency();
    const k = this.edgeIndexOf(kind);
    if (k < 0) return new Int32Array(0);
    const [lo, hi] = sliceOf(a, nid, k, dir);
    return (dir === 'out' ? a.outIdx : a.inIdx).subarray(lo, hi);
  }

  /** One edge by id. */
  edgeRow(eid: number): EdgeRow {
    const a = this.adjacency();
    const kind = this.kindName.get(a.kind[eid] + EDGE_CODE_BASE) as EdgeKind;
    let props: EdgeProps | undefined;
    if (KINDS_WITH_PROPS.has(kind)) {
      const r = this.sEdgeProps.get(eid) as { props: string } | undefined;
      if (r) props = JSON.parse(r.props) as EdgeProps;
    }
    return { eid, src: a.src[eid], kind, dst: a.dst[eid], props, file: a.file[eid] >= 0 ? this.fileOf(a.file[eid]) : undefined, line: a.line[eid] >= 0 ? a.line[eid] : undefined };
  }

  /** Every edge, in id order (exporters). */
  *edges(): Generator<EdgeRow> {
    const n = this.adjacency().src.length;
    for (let eid = 0; eid < n; eid++) yield this.edgeRow(eid);
  }

  /** Edges of `kind` from (`dir` out) or to (`dir` in) `key`, with the node at the other end. */
  step(key: string, kind: EdgeKind, dir: 'out' | 'in'): { edge: GraphEdge; other: GraphNode }[] {
    const row = this.nodeRow(key);
    if (!row) return [];
    const out: { edge: GraphEdge; other: GraphNode }[] = [];
    for (const eid of this.edgeIds(row.nid, kind, dir)) {
      const e = this.edgeRow(eid);
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

  *nodesOfKind(kind: NodeKind): Generator<GraphNode> {
    const code = this.codeOf(kind);
    if (code === undefined) return;
    for (const r of this.sKind.all(code) as NodeRow[]) yield this.toNode(r);
  }

  lookup(name: string): string[] {
    return (this.sName.all(name.trim().toLowerCase()) as { key: string }[]).map((r) => r.key);
  }

  sources(): SourceInfo[] {
    const rows = this.db.prepare('SELECT source, tenant, source_key, folder, path, collected_at, manifest FROM sources ORDER BY idx').all() as {
      source: string;
      tenant: string;
      source_key: string;
      folder: string;
      path: string;
      collected_at: string;
      manifest: string;
    }[];
    return rows.map((r) => ({
      sourceKey: r.source_key,
      source: r.source as SourceKind,
      tenant: r.tenant,
      folder: r.path,
      collectedAt: r.collected_at,
      datasets: (JSON.parse(r.manifest) as { datasets: SourceInfo['datasets'] }).datasets ?? {},
    }));
  }

  files(): InputFile[] {
    return this.db.prepare('SELECT name, objects, bytes, sha256 FROM files ORDER BY idx').all() as InputFile[];
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
