/**
 * One snapshot in Neo4j, as the Neo4j engine's queries see it: the driver and database, the
 * snapshot id every query is scoped to (`$snapshot`), the snapshot's sources with their
 * completeness ledgers, its file table (provenance), and `rows()` — run one parameterized Cypher
 * query and get plain rows back (Neo4j integers as numbers). Graph nodes and relationships come
 * back as the maps the `NODE()` and `REL()` projections in queries/cypher/fragments.ts build, and
 * `node()` / `edge()` turn them into the same GraphNode / GraphEdge objects the embedded engine
 * uses, provenance included.
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { parseNodeKey } from '../model/ids.js';
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { EdgeProps, GraphEdge, GraphNode, NodeProps, Prov } from '../model/types.js';
import type { InputFile, SourceInfo } from './GraphReader.js';
import { asNeo4jConnectionError, retryTimeFor, withRetries } from './neo4jDriver.js';

/**
 * One read query as an auto-commit query: RUN and PULL sent together, one round trip (a read
 * transaction, as `executeQuery` runs, takes a second for its COMMIT, and a one-subject query runs
 * several in sequence). On the leader when `leader`; in executeQuery's bookmark chain, so a read
 * after a load sees that load; retried as a whole on a transient error for as long as the driver
 * retries transactions on `target.uri`. Its rows as plain values.
 */
export async function readRows(
  driver: Driver,
  target: { readonly uri: string; readonly database?: string },
  query: string,
  params: Record<string, unknown>,
  leader = false,
): Promise<Record<string, unknown>[]> {
  try {
    return await withRetries(async () => {
      const session = driver.session({ database: target.database, defaultAccessMode: leader ? neo4j.session.WRITE : neo4j.session.READ, bookmarkManager: driver.executeQueryBookmarkManager });
      try {
        const { records } = await session.run(query, params);
        return records.map((r) => plain(r.toObject()) as Record<string, unknown>);
      } finally {
        await session.close();
      }
    }, retryTimeFor(target.uri));
  } catch (e) {
    throw asNeo4jConnectionError(target.uri, e);
  }
}

/** A node as `NODE(n)` projects it. */
export interface NodeMap {
  key: string;
  kind: string;
  props: string;
  file?: number | null;
  line?: number | null;
}

/** A relationship as `REL(r)` projects it. */
export interface RelMap {
  kind: string;
  from: string;
  to: string;
  props?: string | null;
  file?: number | null;
  line?: number | null;
  seq: number;
}

export type Row = Record<string, unknown>;

/** Neo4j values as plain JavaScript: integers become numbers (snapshot values are far below 2^53). */
export function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (neo4j.isInt(v)) return (v as { toNumber(): number }).toNumber();
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = plain(x);
    return out;
  }
  return v;
}

export interface Neo4jSnapshotMeta {
  /** The snapshot's id in Neo4j (every query's `$snapshot`). */
  scope: string;
  /** What documents report as the snapshot id (null for an ephemeral `--collection` snapshot). */
  snapshotId: string | null;
  sources: SourceInfo[];
  collectedAt: string;
  /** File index → file name (provenance). */
  fileNames: Record<string, string>;
  files: InputFile[];
}

export class Neo4jSnapshot {
  readonly scope: string;
  readonly snapshotId: string | null;
  readonly sources: readonly SourceInfo[];
  readonly collectedAt: string;
  private readonly fileNames: Map<number, string>;
  private readonly inputFiles: InputFile[];
  private readonly nodes = new Map<string, GraphNode>();
  /** Queries run and their total time (for --verbose and benchmarks). */
  readonly stats = { queries: 0, ms: 0 };

  constructor(
    readonly driver: Driver,
    readonly uri: string,
    meta: Neo4jSnapshotMeta,
    readonly database?: string,
  ) {
    this.scope = meta.scope;
    this.snapshotId = meta.snapshotId;
    this.sources = meta.sources;
    this.collectedAt = meta.collectedAt;
    this.fileNames = new Map(Object.entries(meta.fileNames).map(([k, v]) => [Number(k), v]));
    this.inputFiles = meta.files;
  }

  /** The read transaction this view of the snapshot runs its queries in (inReadTransaction), if any. */
  private tx: ManagedTransaction | null = null;

  /**
   * Run `fn` on a view of this snapshot whose queries (rows, rowsOfAll) all run in one read
   * transaction of one READ session, in executeQuery's bookmark chain, retried as a whole on a
   * transient error (the driver's executeRead): every query on one connection, BEGIN sent with
   * the first, queries sent together (rowsOfAll) pipelined — a handful of round trips in
   * sequence for one subject instead of a connection per query in flight. The view shares this
   * snapshot's nodes and stats; the snapshot itself is untouched, so other callers (a server's
   * concurrent requests) keep their own sessions.
   */
  async inReadTransaction<T>(fn: (snap: Neo4jSnapshot) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ, bookmarkManager: this.driver.executeQueryBookmarkManager });
    try {
      return await session.executeRead((tx) => {
        const view = Object.create(this) as Neo4jSnapshot;
        view.tx = tx;
        return fn(view);
      });
    } catch (e) {
      throw asNeo4jConnectionError(this.uri, e);
    } finally {
      await session.close();
    }
  }

  /** Run one read query scoped to this snapshot (`$snapshot` is added): readRows, or in this view's transaction. */
  async rows(query: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    if (this.tx) return (await this.rowsOfAll([{ query, params }]))[0];
    const t0 = Date.now();
    try {
      return await readRows(this.driver, this, query, { ...params, snapshot: this.scope });
    } finally {
      this.stats.queries++;
      this.stats.ms += Date.now() - t0;
    }
  }

  /**
   * Several read queries scoped to this snapshot, sent together in one read transaction (the
   * driver pipelines them on one connection): in this view's transaction (inReadTransaction), else
   * in one of their own, retried as a whole. For a handful of small queries — one subject's rules
   * and persons — one round trip on one connection, instead of a new pooled connection (a Bolt
   * handshake each) per query in flight. Rows per query, in order.
   */
  async rowsOfAll(queries: { query: string; params?: Record<string, unknown> }[]): Promise<Row[][]> {
    if (queries.length === 0) return [];
    if (!this.tx) return this.inReadTransaction((view) => view.rowsOfAll(queries));
    const tx = this.tx;
    const t0 = Date.now();
    try {
      return await Promise.all(queries.map(async (q) => (await tx.run(q.query, { ...q.params, snapshot: this.scope })).records.map((r) => plain(r.toObject()) as Row)));
    } finally {
      this.stats.queries += queries.length;
      this.stats.ms += Date.now() - t0;
    }
  }

  files(): InputFile[] {
    return this.inputFiles;
  }

  private prov(file: unknown, line: unknown): Prov | undefined {
    const name = typeof file === 'number' ? this.fileNames.get(file) : undefined;
    return name && typeof line === 'number' ? { file: name, line } : undefined;
  }

  /** A `NODE()` map as a GraphNode (one object per key for the whole run). */
  node(v: unknown): GraphNode {
    const m = v as NodeMap;
    const hit = this.nodes.get(m.key);
    if (hit) return hit;
    const { sourceKey, id } = parseNodeKey(m.key);
    const n: GraphNode = { key: m.key, kind: m.kind as NodeKind, id, sourceKey, props: JSON.parse(m.props) as NodeProps, prov: this.prov(m.file, m.line) };
    this.nodes.set(m.key, n);
    return n;
  }

  /** A `NODE()` map or null. */
  maybeNode(v: unknown): GraphNode | null {
    return v === null || v === undefined ? null : this.node(v);
  }

  /** A node seen earlier in this run, by key. */
  known(key: string): GraphNode | undefined {
    return this.nodes.get(key);
  }

  /** A `REL()` map as a GraphEdge. */
  edge(v: unknown): GraphEdge {
    const m = v as RelMap;
    return {
      kind: m.kind as EdgeKind,
      from: m.from,
      to: m.to,
      props: m.props ? (JSON.parse(m.props) as EdgeProps) : undefined,
      prov: this.prov(m.file, m.line),
    };
  }
}
