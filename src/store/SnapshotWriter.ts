/**
 * Writes one snapshot file: the graph facts that transforms emit (through the `Emit` interface),
 * with provenance, node numbering, stubs for objects referenced but never listed, the name index
 * and the source and file tables. Everything happens in one transaction on a file nobody else
 * reads; `finish()` commits, builds the indexes and closes it, and only then may the caller
 * rename it into place — so a crash or kill never leaves a half-written snapshot visible.
 */
import Database from 'better-sqlite3';
import type { Emit } from '../model/Emit.js';
import { type IdSpace, nodeKey, parseNodeKey } from '../model/ids.js';
import { EDGE_KINDS, type EdgeKind, NODE_KINDS, NodeKind } from '../model/schema.js';
import type { BaseProps, EdgeProps } from '../model/types.js';
import { KNOWN_ROLE_NAMES } from '../analysis/tiers.js';
import { CREATE_INDEXES, CREATE_TABLES, EDGE_CODE_BASE, SNAPSHOT_SCHEMA_VERSION } from './snapshotSchema.js';

const NODE_CODE = new Map<string, number>(NODE_KINDS.map((k, i) => [k, i + 1]));
const EDGE_CODE = new Map<string, number>(EDGE_KINDS.map((k, i) => [k, EDGE_CODE_BASE + i]));

export function nodeKindCode(kind: NodeKind): number {
  return NODE_CODE.get(kind)!;
}
export function edgeKindCode(kind: EdgeKind): number {
  return EDGE_CODE.get(kind)!;
}

/** Extra lower-cased names a node can be found by, beyond its id and display name. */
function extraNames(kind: NodeKind, p: Record<string, unknown>): unknown[] {
  switch (kind) {
    case NodeKind.EntraUser:
      return [p.upn, p.mail, p.employeeId];
    case NodeKind.OktaUser:
      return [p.login, p.email, p.employeeNumber];
    case NodeKind.HrPerson:
      return [p.employeeId, p.email];
    case NodeKind.EntraApplication:
    case NodeKind.EntraServicePrincipal:
      return [p.appId];
    case NodeKind.EntraRoleDefinition:
      return [p.templateId];
    case NodeKind.OktaApp:
      return [p.label];
    default:
      return [];
  }
}

const GENERIC_KINDS = new Set<NodeKind>([NodeKind.EntraDirectoryObject]);

export class SnapshotWriter {
  private readonly db: Database.Database;
  private readonly nid = new Map<string, number>();
  private defined = new Uint8Array(1 << 16);
  private readonly stubs = new Map<number, { kind: NodeKind; name?: string }>();
  private nextNid = 1;
  private file: number | null = null;
  private line: number | null = null;
  private sourceKey = '';
  private readonly insNode: Database.Statement;
  private readonly insEdge: Database.Statement;
  private readonly insName: Database.Statement;
  nodes = 0;
  edges = 0;

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('cache_size = -262144');
    this.db.exec(CREATE_TABLES);
    const kinds = this.db.prepare('INSERT INTO kinds(code, name) VALUES (?, ?)');
    for (const [k, c] of NODE_CODE) kinds.run(c, k);
    for (const [k, c] of EDGE_CODE) kinds.run(c, k);
    this.db.exec('BEGIN');
    this.insNode = this.db.prepare(
      `INSERT INTO nodes(nid, key, kind, props, file, line) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(nid) DO UPDATE SET kind = excluded.kind, props = excluded.props, file = excluded.file, line = excluded.line`,
    );
    this.insEdge = this.db.prepare('INSERT INTO edges(src, kind, dst, props, file, line) VALUES (?, ?, ?, ?, ?, ?)');
    this.insName = this.db.prepare('INSERT INTO names(name, nid) VALUES (?, ?)');
  }

  /** The database being written (derivations query it inside the same transaction). */
  get database(): Database.Database {
    return this.db;
  }

  addSource(s: { source: string; tenant: string; sourceKey: string; folder: string; path: string; collectedAt: string; manifest: string }): number {
    const r = this.db
      .prepare('INSERT INTO sources(source, tenant, source_key, folder, path, collected_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.source, s.tenant, s.sourceKey, s.folder, s.path, s.collectedAt, s.manifest);
    return Number(r.lastInsertRowid);
  }

  addFile(sourceIdx: number | null, name: string): number {
    const r = this.db.prepare("INSERT INTO files(source_idx, name, objects, bytes, sha256) VALUES (?, ?, 0, 0, '')").run(sourceIdx, name);
    return Number(r.lastInsertRowid);
  }

  fileStats(idx: number, objects: number, bytes: number, sha256: string): void {
    this.db.prepare('UPDATE files SET objects = ?, bytes = ?, sha256 = ? WHERE idx = ?').run(objects, bytes, sha256, idx);
  }

  /** Provenance of what is emitted next; null for derived facts. */
  at(file: number | null, line: number | null): void {
    this.file = file;
    this.line = line;
  }

  numberOf(key: string): number {
    let n = this.nid.get(key);
    if (n === undefined) {
      n = this.nextNid++;
      this.nid.set(key, n);
      if (n >= this.defined.length) {
        const grown = new Uint8Array(this.defined.length * 2);
        grown.set(this.defined);
        this.defined = grown;
      }
    }
    return n;
  }

  has(key: string): boolean {
    const n = this.nid.get(key);
    return n !== undefined && this.defined[n] === 1;
  }

  /** Define or complete a node by key (last definition wins; a stub never overrides). */
  putNode(key: string, kind: NodeKind, props: BaseProps): string {
    const n = this.numberOf(key);
    if (!this.defined[n]) this.nodes++;
    this.defined[n] = 1;
    this.stubs.delete(n);
    this.insNode.run(n, key, NODE_CODE.get(kind)!, JSON.stringify(props), this.file, this.line);
    const { id } = parseNodeKey(key);
    const names = new Set<string>([id.toLowerCase(), String(props.name ?? '').toLowerCase()]);
    for (const v of extraNames(kind, props as unknown as Record<string, unknown>)) {
      if (typeof v === 'string' && v.trim()) names.add(v.trim().toLowerCase());
    }
    for (const nm of names) if (nm) this.insName.run(nm, n);
    return key;
  }

  refNode(key: string, kind: NodeKind, name?: string): string {
    const n = this.numberOf(key);
    if (this.defined[n]) return key;
    const prev = this.stubs.get(n);
    if (!prev || (GENERIC_KINDS.has(prev.kind) && !GENERIC_KINDS.has(kind))) this.stubs.set(n, { kind, name: name ?? prev?.name });
    return key;
  }

  putEdge(kind: EdgeKind, from: string, to: string, props?: EdgeProps): void {
    this.insEdge.run(this.numberOf(from), EDGE_CODE.get(kind)!, this.numberOf(to), props ? JSON.stringify(props) : null, this.file, this.line);
    this.edges++;
  }

  /** An edge between node numbers (derivations). */
  putEdgeNids(kind: EdgeKind, from: number, to: number, props?: EdgeProps): void {
    this.insEdge.run(from, EDGE_CODE.get(kind)!, to, props ? JSON.stringify(props) : null, this.file, this.line);
    this.edges++;
  }

  /** An `Emit` bound to one source. */
  emitter(sourceKey: string): Emit {
    this.sourceKey = sourceKey;
    return {
      sourceKey,
      key: (space: IdSpace, id: string) => nodeKey(sourceKey, space, id),
      node: (kind, space, id, props) => this.putNode(nodeKey(sourceKey, space, id), kind, props),
      ref: (kind, space, id, name) => this.refNode(nodeKey(sourceKey, space, id), kind, name),
      edge: (kind, from, to, props) => this.putEdge(kind, from, to, props),
    };
  }

  /** Create the stubs of every node that was referenced but never listed. */
  private writeStubs(): void {
    const keyOf = new Map<number, string>();
    for (const [k, n] of this.nid) if (this.stubs.has(n)) keyOf.set(n, k);
    this.at(null, null);
    for (const [n, s] of this.stubs) {
      const key = keyOf.get(n)!;
      const { id } = parseNodeKey(key);
      const props: Record<string, unknown> = { name: s.name ?? id, stub: true };
      if (s.kind === NodeKind.EntraRoleDefinition) {
        props.templateId = id;
        props.name = KNOWN_ROLE_NAMES[id] ?? id;
      }
      this.insNode.run(n, key, NODE_CODE.get(s.kind)!, JSON.stringify(props), null, null);
      this.insName.run(id.toLowerCase(), n);
      this.nodes++;
    }
    this.stubs.clear();
  }

  /** Write stubs and metadata, commit, index; close unless `keepOpen` (in-memory snapshots). */
  finish(meta: Record<string, string>, keepOpen = false): Database.Database {
    this.writeStubs();
    const m = this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)');
    for (const [k, v] of Object.entries({ ...meta, schemaVersion: String(SNAPSHOT_SCHEMA_VERSION), nodes: String(this.nodes), edges: String(this.edges) })) {
      m.run(k, v);
    }
    this.db.exec('COMMIT');
    this.db.exec(CREATE_INDEXES);
    this.db.exec('ANALYZE');
    if (!keepOpen) this.db.close();
    return this.db;
  }

  /** Abandon the file (the caller deletes it). */
  abort(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      // already broken; the file is deleted anyway
    }
    if (this.db.open) this.db.close();
  }
}
