/**
 * Writes one snapshot file: the graph facts that transforms emit (through the `Emit` interface),
 * with provenance, node numbering, stubs for objects referenced but never listed, the compact
 * adjacency (see Adjacency.ts), the name index and the source and file tables. Node rows, names
 * and edge properties go to SQLite as they come (held in memory they would cost gigabytes at a
 * million users); edges accumulate in typed arrays and are written as blobs at the end. It
 * all happens in one transaction on a file nobody else reads; `finish()` commits, indexes and
 * closes it, and only then may the caller rename it into place — so a crash or kill never
 * leaves a half-written snapshot visible.
 */
import Database from 'better-sqlite3';
import type { Emit, NodeRef } from '../model/Emit.js';
import { nodeKey, parseNodeKey } from '../model/ids.js';
import { type EdgeKind, NodeKind } from '../model/schema.js';
import type { BaseProps, EdgeProps, NodeProps } from '../model/types.js';
import type { CompactSource } from './CompactGraph.js';
import type { SourceInfo } from './GraphReader.js';
import { type AdjacencyArrays, IntList, PARTS, buildAdjacency, chunksOf } from './Adjacency.js';
import { IdIndex } from './IdIndex.js';
import { SOURCES } from '../../ingest/sources.js';
import { CREATE_INDEXES, CREATE_TABLES, EDGE_CODE_BASE, SNAPSHOT_SCHEMA_VERSION } from './snapshotSchema.js';
import { edgeIndexes, nodeCodes, nodeKindCode } from './kindCodes.js';
import { ensurePrivateFile } from './privateFile.js';
import { CREATE_RECORD_TABLES, RecordFileBuilder, writeRecordFile } from './records/RecordIndex.js';
import { RecordIndexThread, type RecordLines, localRecordLines, recordWorkerUrl } from './records/RecordIndexThread.js';
import { phaseTimer } from './phaseTimer.js';

/** Node kind codes and edge kind indexes (kindCodes.ts: the schema's, then the registered sources'; the same maps, kept in sync). */
const NODE_CODE = nodeCodes();
const EDGE_INDEX = edgeIndexes();

function syncContributedKinds(): void {
  nodeCodes();
  edgeIndexes();
}

export { nodeKindCode };

/**
 * The kinds a user can name (principals, resources, credentials, roles) and the fields, besides
 * the id and display name, they can be looked up by, as each source registers them (the derived
 * Person is named by id and name only). Assignments, grants and log events are reached through
 * these, never named, and stay out of the index.
 */
function nameFields(kind: string): readonly string[] | undefined {
  return kind === NodeKind.Person ? [] : SOURCES.nameFields(kind);
}

/** Whether a stub of `prev` becomes `kind` when referenced again: a generic reference kind (a source's `genericKinds`) gives way to a specific one. */
export function upgradesStub(prev: NodeKind, kind: NodeKind): boolean {
  return SOURCES.isGenericKind(prev) && !SOURCES.isGenericKind(kind);
}

/** The names a node is found by (lower-cased): its id, display name and its kind's name fields; a stub only by id. */
export function nodeNames(kind: NodeKind, id: string, props: Record<string, unknown>, stub: boolean): string[] {
  const fields = nameFields(kind);
  if (!fields) return [];
  const lid = id.toLowerCase();
  if (stub) return [lid];
  const out = [lid];
  const add = (v: unknown) => {
    if (typeof v !== 'string') return;
    const t = v.trim().toLowerCase();
    if (t && t !== lid) out.push(t);
  };
  add(props.name);
  for (const f of fields) add(props[f]);
  return out;
}

/** The properties of a stub: its name, and what its source adds (SourceDefinition.stubProps: an Entra role definition is named after its well-known template). */
export function stubProps(kind: NodeKind, id: string, name: string | undefined): Record<string, unknown> {
  return Object.assign({ name: name ?? id, stub: true }, SOURCES.stubPropsOf(kind, id));
}

export class SnapshotWriter {
  private readonly db: Database.Database;
  /** Node numbers by source key, id space and id: nested maps avoid building key strings per lookup. */
  private readonly numbers = new Map<string, Map<string, IdIndex>>();
  private readonly keys: string[] = [''];
  private readonly ids: string[] = [''];
  /** Node properties and provenance by number, kept for derivations and the analysis at load. */
  private readonly props: (BaseProps | undefined)[] = [undefined];
  private readonly provFile: number[] = [-1];
  private readonly provLine: number[] = [-1];
  private readonly fileNames: string[] = [];
  private adj: AdjacencyArrays | undefined;
  private readonly kinds: number[] = [0];
  private defined = new Uint8Array(1 << 16);
  private readonly stubs = new Map<number, { kind: NodeKind; name?: string }>();
  private file = -1;
  private line = -1;
  private readonly insNode: Database.Statement;
  private readonly e = { src: new IntList(1 << 18), dst: new IntList(1 << 18), kind: new IntList(1 << 18), file: new IntList(1 << 18), line: new IntList(1 << 18) };
  private readonly insEdgeProps: Database.Statement;
  private readonly insName: Database.Statement;
  private readonly recordFiles: RecordFileBuilder[] = [];
  nodes = 0;

  constructor(readonly path: string) {
    ensurePrivateFile(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('cache_size = -262144');
    this.db.exec(CREATE_TABLES);
    const kinds = this.db.prepare('INSERT INTO kinds(code, name) VALUES (?, ?)');
    syncContributedKinds();
    for (const [k, c] of NODE_CODE) kinds.run(c, k);
    for (const [k, i] of EDGE_INDEX) kinds.run(EDGE_CODE_BASE + i, k);
    this.db.exec('BEGIN');
    // Edge properties go to the file as they come (at millions of edges, kept in memory they
    // cost gigabytes); the analysis at load reads them back from the finished file.
    this.insEdgeProps = this.db.prepare('INSERT INTO edge_props(eid, props) VALUES (?, ?)');
    this.insName = this.db.prepare('INSERT INTO names(name, nid) VALUES (?, ?)');
    this.insNode = this.db.prepare(
      `INSERT INTO nodes(nid, key, id, kind, props, file, line) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(nid) DO UPDATE SET kind = excluded.kind, props = excluded.props, file = excluded.file, line = excluded.line`,
    );
  }

  get edges(): number {
    return this.e.src.length;
  }


  addSource(s: { source: string; tenant: string; sourceKey: string; folder: string; path: string; collectedAt: string; manifest: string }): number {
    const r = this.db
      .prepare('INSERT INTO sources(source, tenant, source_key, folder, path, collected_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.source, s.tenant, s.sourceKey, s.folder, s.path, s.collectedAt, s.manifest);
    return Number(r.lastInsertRowid);
  }

  addFile(sourceIdx: number | null, name: string): number {
    const r = this.db.prepare("INSERT INTO files(source_idx, name, objects, bytes, sha256) VALUES (?, ?, 0, 0, '')").run(sourceIdx, name);
    const idx = Number(r.lastInsertRowid);
    this.fileNames[idx] = name;
    return idx;
  }

  fileStats(idx: number, objects: number, bytes: number, sha256: string): void {
    this.db.prepare('UPDATE files SET objects = ?, bytes = ?, sha256 = ? WHERE idx = ?').run(objects, bytes, sha256, idx);
  }

  /** Provenance of what is emitted next; null for derived facts. */
  at(file: number | null, line: number | null): void {
    this.file = file ?? -1;
    this.line = line ?? -1;
  }

  private number(sourceKey: string, space: string, id: string): number {
    let bySpace = this.numbers.get(sourceKey);
    if (!bySpace) this.numbers.set(sourceKey, (bySpace = new Map<string, IdIndex>()));
    let byId = bySpace.get(space);
    if (!byId) bySpace.set(space, (byId = new IdIndex(this.ids)));
    let n = byId.get(id);
    if (n < 0) {
      n = this.keys.length;
      this.keys.push(nodeKey(sourceKey, space, id));
      this.ids.push(id);
      byId.set(id, n);
      this.kinds.push(0);
      this.props.push(undefined);
      this.provFile.push(-1);
      this.provLine.push(-1);
      if (n >= this.defined.length) {
        const grown = new Uint8Array(this.defined.length * 2);
        grown.set(this.defined);
        this.defined = grown;
      }
    }
    return n;
  }

  /** Node number of a full key (derivations). */
  numberOfKey(key: string): number {
    const { sourceKey, space, id } = parseNodeKey(key);
    return this.number(sourceKey, space, id);
  }


  kindOf(n: number): number {
    return this.kinds[n];
  }


  /** Define or complete a node (last definition wins; a stub never overrides). */
  putNumbered(n: number, kind: NodeKind, props: BaseProps): NodeRef {
    if (!this.defined[n]) this.nodes++;
    this.defined[n] = 1;
    this.stubs.delete(n);
    const code = NODE_CODE.get(kind)!;
    this.kinds[n] = code;
    this.props[n] = props;
    this.provFile[n] = this.file;
    this.provLine[n] = this.line;
    this.insNode.run(n, this.keys[n], this.ids[n], code, JSON.stringify(props), this.file < 0 ? null : this.file, this.line < 0 ? null : this.line);
    this.addNames(n, kind, props as unknown as Record<string, unknown>);
    return n as NodeRef;
  }

  putNode(key: string, kind: NodeKind, props: BaseProps): NodeRef {
    return this.putNumbered(this.numberOfKey(key), kind, props);
  }

  private refNumbered(n: number, kind: NodeKind, name?: string): NodeRef {
    if (this.defined[n]) return n as NodeRef;
    const prev = this.stubs.get(n);
    if (!prev || upgradesStub(prev.kind, kind)) this.stubs.set(n, { kind, name: name ?? prev?.name });
    return n as NodeRef;
  }

  private addNames(n: number, kind: NodeKind, p: Record<string, unknown>): void {
    for (const name of nodeNames(kind, this.ids[n], p, false)) this.insName.run(name, n);
  }

  /** An edge between node numbers. */
  putEdge(kind: EdgeKind, from: number, to: number, props?: EdgeProps): void {
    const e = this.e;
    if (props) this.insEdgeProps.run(e.src.length, JSON.stringify(props));
    e.src.push(from);
    e.dst.push(to);
    e.kind.push(EDGE_INDEX.get(kind)!);
    e.file.push(this.file);
    e.line.push(this.line);
  }

  /** Nodes of a kind written so far, with their properties (derivations). */
  *nodesOf(kind: NodeKind): Generator<{ nid: number; key: string; props: Record<string, unknown> }> {
    const code = NODE_CODE.get(kind)!;
    for (let n = 1; n < this.keys.length; n++) {
      if (this.kinds[n] === code && this.props[n]) yield { nid: n, key: this.keys[n], props: this.props[n] as unknown as Record<string, unknown> };
    }
  }

  /** Change a node's display name (derivations name role assignments after their role). */
  rename(n: number, name: string): void {
    const p = this.props[n];
    if (!p) return;
    p.name = name;
    this.db.prepare("UPDATE nodes SET props = json_set(props, '$.name', ?) WHERE nid = ?").run(name, n);
  }

  /** Visit every edge of one kind written so far (derivations). */
  forEachEdge(kind: EdgeKind, fn: (src: number, dst: number) => void): void {
    const k = EDGE_INDEX.get(kind)!;
    const { src, dst, kind: kinds } = this.e;
    for (let i = 0; i < src.length; i++) if (kinds.data[i] === k) fn(src.data[i], dst.data[i]);
  }

  /**
   * An `Emit` bound to one source. With `touched`, every node the transform defines or references
   * is also appended to it as a pair (nid, mode): mode 0 for a definition, the kind code + 1 for a
   * reference (the record index keeps them, so a delta can find a line's facts again).
   */
  emitter(sourceKey: string, touched?: number[]): Emit {
    if (!touched) {
      return {
        sourceKey,
        node: (kind, space, id, props) => this.putNumbered(this.number(sourceKey, space, id), kind, props),
        ref: (kind, space, id, name) => this.refNumbered(this.number(sourceKey, space, id), kind, name),
        edge: (kind, from, to, props) => this.putEdge(kind, from, to, props),
      };
    }
    return {
      sourceKey,
      node: (kind, space, id, props) => {
        const n = this.putNumbered(this.number(sourceKey, space, id), kind, props);
        touched.push(n, 0);
        return n;
      },
      ref: (kind, space, id, name) => {
        const n = this.refNumbered(this.number(sourceKey, space, id), kind, name);
        touched.push(n, NODE_CODE.get(kind)! + 1);
        return n;
      },
      edge: (kind, from, to, props) => this.putEdge(kind, from, to, props),
    };
  }

  /**
   * Start the record index of an input file: built on a worker thread (RecordIndexThread.ts) when
   * the compiled worker is there, else here. `endRecordFile` ends it; `settleRecords` waits until
   * every ended file is written.
   */
  recordFile(file: number, sourceKey: string, dataset: string): RecordLines {
    if (this.thread === undefined) {
      const url = recordWorkerUrl();
      this.thread = url
        ? new RecordIndexThread(url, (r) => {
            this.createRecordTables();
            writeRecordFile(this.db, r);
          })
        : null;
    }
    if (this.thread) return this.thread.lines(file, sourceKey, dataset);
    const builder = new RecordFileBuilder(file, sourceKey, dataset);
    this.recordFiles.push(builder);
    return localRecordLines(builder, (b) => {
      const i = this.recordFiles.indexOf(b);
      if (i < 0) return;
      this.recordFiles.splice(i, 1);
      this.createRecordTables();
      b.write(this.db);
    });
  }

  /**
   * Write a file's record index now that the file is loaded (on the worker: once it comes back),
   * and let it go: held for every file until the load ended, the indexes of a 250k-people tenant
   * cost ~0.6 GB (bench/README.md).
   */
  endRecordFile(lines: RecordLines): void {
    lines.end();
  }

  /** Wait until the record index of every ended file is written (a worker's failure rejects). */
  async settleRecords(): Promise<void> {
    await this.thread?.settle();
  }

  /** The record index worker: undefined until the first file, null when indexing here. */
  private thread: RecordIndexThread | null | undefined;

  private recordTables = false;

  private createRecordTables(): void {
    if (this.recordTables) return;
    this.db.exec(CREATE_RECORD_TABLES);
    this.recordTables = true;
  }

  private writeRecords(): void {
    this.createRecordTables();
    for (const b of this.recordFiles) b.write(this.db);
    this.recordFiles.length = 0;
  }

  /** Create the stubs of every node that was referenced but never listed. */
  private writeStubs(): void {
    this.at(null, null);
    for (const [n, s] of this.stubs) {
      const id = this.ids[n];
      const props = stubProps(s.kind, id, s.name);
      this.kinds[n] = NODE_CODE.get(s.kind)!;
      this.props[n] = props as unknown as BaseProps;
      this.insNode.run(n, this.keys[n], id, this.kinds[n], JSON.stringify(props), null, null);
      if (nameFields(s.kind)) this.insName.run(id.toLowerCase(), n);
      this.nodes++;
    }
    this.stubs.clear();
  }

  private writeAdjacency(): AdjacencyArrays {
    const e = this.e;
    const adj = buildAdjacency(
      { src: e.src.toArray(), dst: e.dst.toArray(), kind: e.kind.toArray(), file: e.file.toArray(), line: e.line.toArray() },
      this.keys.length,
      EDGE_INDEX.size,
    );
    const ins = this.db.prepare('INSERT INTO adjacency(name, chunk, data) VALUES (?, ?, ?)');
    for (const part of PARTS) for (const [c, buf] of chunksOf(adj[part])) ins.run(part, c, buf);
    this.adj = adj;
    return adj;
  }

  /** Write stubs, adjacency and metadata, commit, index; close unless `keepOpen` (in-memory snapshots). */
  finish(meta: Record<string, string>, keepOpen = false): Database.Database {
    const t = phaseTimer();
    // Every record file is written by now (writeSnapshot awaited settleRecords).
    this.thread?.close();
    this.writeStubs();
    this.writeAdjacency();
    t('stubs+adjacency');
    this.writeRecords();
    t('records');
    const m = this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)');
    const all = { ...meta, schemaVersion: String(SNAPSHOT_SCHEMA_VERSION), nodes: String(this.nodes), edges: String(this.edges), adjacencyNodes: String(this.keys.length) };
    for (const [k, v] of Object.entries(all)) {
      m.run(k, v);
    }
    this.db.exec('COMMIT');
    t('commit');
    this.db.exec(CREATE_INDEXES);
    t('indexes');
    if (!keepOpen) this.db.close();
    return this.db;
  }

  /**
   * The snapshot just written, straight from the writer's memory, as a CompactSource: the analysis
   * at load reads it instead of re-reading and re-parsing the file. Valid after `finish()`.
   */
  compactSource(
    meta: { sources: SourceInfo[]; collectedAt: string; snapshotId: string | null },
    fromFile: Pick<CompactSource, 'edgeProps' | 'lookup'>,
  ): CompactSource {
    if (!this.adj) throw new Error('SnapshotWriter: compactSource() before finish()');
    const byKind = new Map<string, number[]>();
    const codeToKind = new Map([...NODE_CODE].map(([k, c]) => [c, k as NodeKind]));
    // Keys resolve through the writer's own id indexes (no second map of millions of keys).
    const nidOf = (key: string): number | undefined => {
      const { sourceKey, space, id } = parseNodeKey(key);
      const n = this.numbers.get(sourceKey)?.get(space)?.get(id) ?? -1;
      return n >= 0 ? n : undefined;
    };
    for (let n = 1; n < this.keys.length; n++) {
      const k = codeToKind.get(this.kinds[n]);
      if (k) (byKind.get(k) ?? byKind.set(k, []).get(k)!).push(n);
    }
    return {
      ...meta,
      nodeCount: this.keys.length,
      key: (n) => this.keys[n],
      kind: (n) => codeToKind.get(this.kinds[n])!,
      props: (n) => (this.props[n] ?? { name: this.ids[n] }) as NodeProps,
      prov: (n) => (this.provFile[n] >= 0 && this.provLine[n] >= 0 ? { file: this.fileNames[this.provFile[n]], line: this.provLine[n] } : undefined),
      nidOf,
      nidsOfKind: (kind) => byKind.get(kind) ?? [],
      adjacency: this.adj,
      edgeIndex: (kind) => EDGE_INDEX.get(kind) ?? -1,
      edgeProps: fromFile.edgeProps,
      fileName: (idx) => this.fileNames[idx],
      lookup: (name) => [...new Set(fromFile.lookup(name))],
      files: () => [],
    };
  }

  /** Abandon the file (the caller deletes it). */
  abort(): void {
    this.thread?.close();
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      // already broken; the file is deleted anyway
    }
    if (this.db.open) this.db.close();
  }
}
