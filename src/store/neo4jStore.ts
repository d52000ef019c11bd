/**
 * Snapshots in Neo4j: the store object every command and the API hold. It lists, resolves and
 * opens snapshots, and delegates the push (neo4jPush.ts), removal and pruning (neo4jPrune.ts);
 * records are serialised by neo4jRecords.ts. Scoping: every node and relationship carries its
 * snapshot id, so several snapshots coexist in one database and a query only ever sees its own.
 * A load writes under a `:RevenantSnapshot {status: 'loading'}` that no reader resolves and is
 * marked `complete` only when everything is in; one that was killed is removed by the next
 * `prune`, once its heartbeat is old. Ephemeral snapshots (`residual --collection` on Neo4j)
 * never become the latest and are removed after the query.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { ERR, StoreError } from '../model/errors.js';
import type { Finding, FindingsDoc } from '../../queries/residual.js';
import type { SourceInfo } from './GraphReader.js';
import type { SnapshotDb } from './SnapshotDb.js';
import { asNeo4jConnectionError } from './neo4jDriver.js';
import { Neo4jSnapshot, type Neo4jSnapshotMeta, plain, readRows } from './neo4jGraph.js';
import { removeSnapshot, snapshotsToPrune } from './neo4jPrune.js';
import type { PushOptions } from './neo4jPush.js';
import type { DeltaApplied } from './neo4jDelta.js';
import { type Neo4jSnapshotInfo, type Neo4jSnapshotRow, SNAPSHOT_LIST_FIELDS, snapshotRowOf } from './neo4jRecords.js';
import { Neo4jLabel, STORE_NAME, ensureNeo4jSchema } from './neo4jSchema.js';
import { snapshotStamp } from './snapshotId.js';

export type { PushOptions, PushProgress } from './neo4jPush.js';
export type { Neo4jSnapshotInfo, Neo4jSnapshotStatus } from './neo4jRecords.js';

const S = Neo4jLabel.snapshot;
/** What opening a snapshot reads of its record. */
const SNAPSHOT_META = '.id, .sources, .collectedAt, .fileNames, .files, .scope, .movedTo';

export class Neo4jStore {
  constructor(
    readonly driver: Driver,
    /** For messages (credentials are never part of it). */
    readonly uri: string,
    readonly database?: string,
    /**
     * The store's name: several stores (each with its snapshots and its own latest) can share one
     * database. `default` unless REVENANT_NEO4J_STORE names another (see neo4jTarget.ts).
     */
    readonly name: string = STORE_NAME,
  ) {}

  /**
   * One query in a managed transaction (the driver retries transient failures); rows as plain
   * objects. For this store's own modules. Reads go to any member as read transactions (`routing:
   * READ`: a cluster's secondaries); writes, and the reads that decide which snapshot is the
   * latest (`leader`), go to the leader. Every query shares the driver's bookmark manager, so a
   * read waits until the member it lands on has applied what this process wrote or saw — reading
   * the latest pointer on the leader makes every later read see that snapshot complete.
   */
  async q(query: string, params: Record<string, unknown> = {}, write = false, leader = write): Promise<Record<string, unknown>[]> {
    try {
      const { records } = await this.driver.executeQuery(query, params, { database: this.database, routing: leader ? neo4j.routing.WRITE : neo4j.routing.READ });
      return records.map((r) => plain(r.toObject()) as Record<string, unknown>);
    } catch (e) {
      throw asNeo4jConnectionError(this.uri, e);
    }
  }

  /** One read query, on the leader when `leader` (readRows: one round trip, in the same bookmark chain as q). */
  read(query: string, params: Record<string, unknown> = {}, leader = false): Promise<Record<string, unknown>[]> {
    return readRows(this.driver, this, query, params, leader);
  }

  /**
   * Several write statements in one managed transaction on the leader, sent together (the driver
   * pipelines them) and retried as a whole on transient failures; in the same bookmark chain as q.
   */
  async writeAll(statements: { query: string; params: Record<string, unknown> }[]): Promise<void> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE, bookmarkManager: this.driver.executeQueryBookmarkManager });
    try {
      await session.executeWrite((tx) => Promise.all(statements.map((s) => tx.run(s.query, s.params))));
    } catch (e) {
      throw asNeo4jConnectionError(this.uri, e);
    } finally {
      await session.close();
    }
  }

  async ensureSchema(): Promise<void> {
    try {
      await ensureNeo4jSchema(this.driver, this.database);
    } catch (e) {
      throw asNeo4jConnectionError(this.uri, e);
    }
  }

  /** Complete snapshots, oldest first (with the latest marked). */
  async list(): Promise<Neo4jSnapshotInfo[]> {
    return (await this.listAll()).filter((s) => s.status === 'complete').map(({ heartbeat: _, ...s }) => s);
  }

  /** Every snapshot record of this store, whatever its status, oldest first. */
  private async listAll(): Promise<Neo4jSnapshotRow[]> {
    const rows = await this.q(
      `MATCH (s:${S}) WHERE coalesce(s.store, $default) = $store OPTIONAL MATCH (st:${Neo4jLabel.store} {name: $store})
       RETURN s {${SNAPSHOT_LIST_FIELDS}} AS s, st.latest AS latest ORDER BY s.id`,
      { store: this.name, default: STORE_NAME },
      false,
      true, // on the leader, so a snapshot just loaded by another process resolves (see q)
    );
    return rows.map((r) => snapshotRowOf(r.s as Record<string, unknown>, r.latest));
  }

  /** The latest complete snapshot's id, if any. */
  async latestId(): Promise<string | undefined> {
    // On the leader: a secondary may not have applied the newest load yet (see q).
    const rows = await this.q(
      `OPTIONAL MATCH (st:${Neo4jLabel.store} {name: $store}) OPTIONAL MATCH (s:${S} {id: st.latest, status: 'complete'})
       RETURN s.id AS id`,
      { store: this.name },
      false,
      true,
    );
    const id = rows[0]?.id as string | null | undefined;
    if (id) return id;
    return (await this.list()).at(-1)?.id;
  }

  /** Resolve `id` (exact, or a unique prefix; `latest` or none for the latest). */
  async resolve(id?: string): Promise<string> {
    const ids = (await this.list()).map((s) => s.id);
    if (ids.length === 0) {
      throw new StoreError(
        `no snapshot in Neo4j at ${this.uri} yet: run \`revenant load <collection> --neo4j ${this.uri}\` first (or pass --collection DIR)`,
        ERR.NO_SNAPSHOT,
      );
    }
    if (!id || id === 'latest') return (await this.latestId())!;
    if (ids.includes(id)) return id;
    const m = ids.filter((x) => x.startsWith(id));
    if (m.length === 1) return m[0];
    throw m.length
      ? new StoreError(`snapshot id ${id} is ambiguous (${m.join(', ')})`, ERR.SNAPSHOT_AMBIGUOUS)
      : new StoreError(`no snapshot ${id} in Neo4j at ${this.uri} (run \`revenant snapshots --neo4j …\`)`, ERR.SNAPSHOT_NOT_FOUND);
  }

  /**
   * Open a snapshot for queries (the latest when `id` is omitted). The usual case — the latest
   * pointer, or an exact id, naming a complete snapshot of this store — takes one query (on the
   * leader, as `latestId`), not three: a one-subject query pays every round trip. Anything else (a
   * prefix, no latest pointer, a missing snapshot) goes through `resolve` and its messages.
   */
  async open(id?: string): Promise<Neo4jSnapshot> {
    const wanted = !id || id === 'latest' ? null : id;
    const rows = await this.read(
      `OPTIONAL MATCH (st:${Neo4jLabel.store} {name: $store})
       WITH coalesce($id, st.latest) AS sid WHERE sid IS NOT NULL
       MATCH (s:${S} {id: sid, status: 'complete'}) WHERE coalesce(s.store, $default) = $store
       RETURN s {${SNAPSHOT_META}} AS s`,
      { id: wanted, store: this.name, default: STORE_NAME },
      true,
    );
    const s = rows[0]?.s as Record<string, string> | undefined;
    if (s) return this.snapshotOf(s.id, s.id, s);
    const sid = await this.resolve(id);
    return this.openScope(sid, sid);
  }

  /** Open a snapshot by its exact id, whatever its status (ephemeral snapshots). */
  async openScope(scope: string, reportAs: string | null): Promise<Neo4jSnapshot> {
    const rows = await this.q(`MATCH (s:${S} {id: $id}) RETURN s {${SNAPSHOT_META}} AS s`, { id: scope });
    const s = rows[0]?.s as Record<string, string> | undefined;
    if (!s) throw new StoreError(`no snapshot ${scope} in Neo4j at ${this.uri}`, ERR.SNAPSHOT_NOT_FOUND);
    return this.snapshotOf(scope, reportAs, s);
  }

  private snapshotOf(id: string, reportAs: string | null, s: Record<string, string>): Neo4jSnapshot {
    // A snapshot a delta was applied on in place (neo4jDelta.ts) no longer has a graph of its own.
    if (s.movedTo) {
      throw new StoreError(
        `snapshot ${id}'s graph in Neo4j at ${this.uri} became snapshot ${s.movedTo}'s (a delta applied in place); its stored findings remain: query ${s.movedTo}, or ${id} in the embedded store`,
        ERR.SNAPSHOT_NOT_FOUND,
      );
    }
    const scope = s.scope ?? id;
    return new Neo4jSnapshot(
      this.driver,
      this.uri,
      {
        scope,
        snapshotId: reportAs,
        sources: JSON.parse(s.sources) as SourceInfo[],
        collectedAt: s.collectedAt,
        fileNames: JSON.parse(s.fileNames) as Record<string, string>,
        files: JSON.parse(s.files) as Neo4jSnapshotMeta['files'],
      },
      this.database,
    );
  }

  /** The stored `residual --all` document of a snapshot (as the embedded analysis wrote it at load time). */
  async storedFindings(id: string): Promise<FindingsDoc> {
    const rows = await this.q(`MATCH (s:${S} {id: $id}) RETURN s.analysis AS analysis`, { id });
    const analysis = rows[0]?.analysis as string | undefined;
    if (!analysis) throw new StoreError(`snapshot ${id} in Neo4j has no stored analysis`, ERR.SNAPSHOT_UNREADABLE);
    const findings = await this.q(`MATCH (f:${Neo4jLabel.finding} {snapshot: $id}) RETURN f.doc AS doc ORDER BY f.ord`, { id });
    return { ...(JSON.parse(analysis) as Omit<FindingsDoc, 'findings'>), findings: findings.map((r) => JSON.parse(String(r.doc)) as Finding) };
  }

  /** A fresh snapshot id (for ephemeral snapshots; loads reuse the embedded snapshot's id). */
  static newId(): string {
    return snapshotStamp(new Date());
  }

  /**
   * Push a finished snapshot (a SnapshotDb: the file the embedded store just wrote, or an
   * in-memory one) into Neo4j as snapshot `id` (see neo4jPush.ts).
   */
  async push(sdb: SnapshotDb, id: string, opts: PushOptions = {}): Promise<{ nodes: number; edges: number; findings: number; delta?: DeltaApplied }> {
    // Loaded when pushing only: a query command never needs the push (nor the SQLite writer it reads names with).
    const { pushSnapshot } = await import('./neo4jPush.js');
    // A delta snapshot on a base Neo4j holds is applied in place, in one transaction (neo4jDelta.ts).
    if (sdb.isDelta && !opts.ephemeral && !opts.whole) {
      await this.ensureSchema();
      const { applyDelta } = await import('./neo4jDelta.js');
      const applied = await applyDelta(this, sdb, id);
      if (applied) return applied;
    }
    return pushSnapshot(this, sdb, id, opts);
  }

  /** Mark a snapshot being written or used as alive (prune removes unfinished ones whose heartbeat is old). */
  async touch(id: string): Promise<void> {
    await this.q(`MATCH (s:${S} {id: $id}) SET s.heartbeat = $now`, { id, now: Date.now() }, true);
  }

  /** Remove one snapshot and everything it wrote. */
  remove(id: string): Promise<void> {
    return removeSnapshot(this, id);
  }

  /**
   * Keep the newest `keep` complete snapshots (never removing the latest); also remove loads and
   * ephemeral snapshots whose writer stopped more than ten minutes ago. Returns the ids removed.
   */
  async prune(keep: number): Promise<string[]> {
    const ids = snapshotsToPrune(await this.listAll(), await this.latestId(), keep);
    for (const id of ids) await this.remove(id);
    return ids;
  }
}
