/**
 * Snapshots in Neo4j: push a finished SQLite snapshot (nodes, edges, the stored analysis) into
 * Neo4j with batched `UNWIND … CREATE`, list, resolve, open and prune them. Scoping: every node
 * and relationship carries its snapshot id, so several snapshots coexist in one database and a
 * query only ever sees its own. A load writes under a `:RevenantSnapshot {status: 'loading'}`
 * that no reader resolves; only when every node, edge and finding is in does one transaction mark
 * it `complete` and flip `(:RevenantStore).latest` to it. A load that fails removes what it wrote
 * (and one that was killed is removed by the next `prune`, once its heartbeat is old): the
 * previous snapshot stays the latest, intact. Ephemeral snapshots (`residual --collection` on
 * Neo4j) never become the latest and are removed after the query.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { ERR, StoreError } from '../model/errors.js';
import { IdSpace, nodeKey, parseNodeKey } from '../model/ids.js';
import { NODE_KINDS, NodeKind } from '../model/schema.js';
import type { FindingsDoc } from '../../queries/residual.js';
import type { SourceInfo } from './GraphReader.js';
import type { SnapshotDb } from './SnapshotDb.js';
import { hasStoredFindings, readStoredFindings } from './storedFindings.js';
import { asNeo4jConnectionError, retryTimeFor, withRetries } from './neo4jDriver.js';
import { Neo4jSnapshot, plain } from './neo4jGraph.js';
import { Neo4jLabel, Neo4jRel, STORE_NAME, ensureNeo4jSchema, nodeLabel, nodeProperties, relProperties, relType } from './neo4jSchema.js';

const N = Neo4jLabel.node;
const S = Neo4jLabel.snapshot;
const NODE_BATCH = 10_000;
const EDGE_BATCH = 25_000;
const DELETE_BATCH = 5_000;
/** A loading snapshot whose loader has not written for this long is considered dead. */
const STALE_MS = 10 * 60_000;

export type Neo4jSnapshotStatus = 'loading' | 'complete' | 'ephemeral' | 'deleting';

export interface Neo4jSnapshotInfo {
  id: string;
  status: Neo4jSnapshotStatus;
  createdAt: string;
  collectedAt: string;
  loadedAt: string | null;
  nodes: number;
  edges: number;
  findings: number;
  sources: { source: string; tenant: string; collectedAt: string }[];
  latest: boolean;
}

export interface PushProgress {
  phase: 'nodes' | 'edges' | 'findings';
  done: number;
  total: number;
}

export interface PushOptions {
  /** Never becomes the latest; for one query (`residual --collection` on Neo4j). */
  ephemeral?: boolean;
  onProgress?: (p: PushProgress) => void;
}

/** Okta and Entra id spaces of the node kinds a finding's `via` can name. */
const SPACE_OF_KIND: Partial<Record<string, IdSpace>> = {
  [NodeKind.EntraUser]: IdSpace.entraObject,
  [NodeKind.EntraGroup]: IdSpace.entraObject,
  [NodeKind.EntraApplication]: IdSpace.entraObject,
  [NodeKind.EntraServicePrincipal]: IdSpace.entraObject,
  [NodeKind.EntraDirectoryObject]: IdSpace.entraObject,
  [NodeKind.PasswordCredential]: IdSpace.credential,
  [NodeKind.KeyCredential]: IdSpace.credential,
  [NodeKind.FederatedIdentityCredential]: IdSpace.credential,
  [NodeKind.EntraRoleAssignment]: IdSpace.roleAssignment,
  [NodeKind.EntraRoleEligibility]: IdSpace.roleEligibility,
  [NodeKind.EntraAppRoleAssignment]: IdSpace.appRoleAssignment,
  [NodeKind.EntraOAuth2Grant]: IdSpace.oauth2Grant,
  [NodeKind.OktaUser]: IdSpace.oktaUser,
  [NodeKind.OktaGroup]: IdSpace.oktaGroup,
  [NodeKind.OktaApp]: IdSpace.oktaApp,
  [NodeKind.OktaApiToken]: IdSpace.oktaApiToken,
  [NodeKind.OktaRefreshToken]: IdSpace.oktaRefreshToken,
  [NodeKind.OktaClientSecret]: IdSpace.oktaSecret,
  [NodeKind.OktaJwk]: IdSpace.oktaJwk,
  [NodeKind.OktaRoleAssignment]: IdSpace.oktaRole,
  [NodeKind.OktaIdentityProvider]: IdSpace.oktaIdp,
};

/**
 * Write batches in flight: `slot()` waits until fewer than `max` run, so the next batch is built
 * while the previous one is written (and, for nodes, two are written at once); the first failure
 * is rethrown by the next `slot()` or by `drain()`.
 */
class Inflight {
  private readonly running = new Set<Promise<void>>();
  private failure: unknown = undefined;
  constructor(private readonly max: number) {}

  add(p: Promise<void>): void {
    const tracked = p.then(
      () => {
        this.running.delete(tracked);
      },
      (e) => {
        this.running.delete(tracked);
        if (this.failure === undefined) this.failure = e;
      },
    );
    this.running.add(tracked);
  }

  async slot(): Promise<void> {
    while (this.running.size >= this.max) await Promise.race(this.running);
    if (this.failure !== undefined) throw this.failure;
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure !== undefined) throw this.failure;
  }
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}`;
}

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
   * One query in a managed transaction (the driver retries transient failures). Reads go to any
   * member as read transactions (`routing: READ`: a cluster's secondaries); writes, and the reads
   * that decide which snapshot is the latest (`leader`), go to the leader. Every query shares the
   * driver's bookmark manager, so a read waits until the member it lands on has applied what this
   * process wrote or saw — reading the latest pointer on the leader makes every later read see
   * that snapshot complete.
   */
  private async q(query: string, params: Record<string, unknown> = {}, write = false, leader = write): Promise<Record<string, unknown>[]> {
    try {
      const { records } = await this.driver.executeQuery(query, params, { database: this.database, routing: leader ? neo4j.routing.WRITE : neo4j.routing.READ });
      return records.map((r) => plain(r.toObject()) as Record<string, unknown>);
    } catch (e) {
      throw asNeo4jConnectionError(this.uri, e);
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

  private async listAll(): Promise<(Neo4jSnapshotInfo & { heartbeat: number })[]> {
    const rows = await this.q(
      `MATCH (s:${S}) WHERE coalesce(s.store, $default) = $store OPTIONAL MATCH (st:${Neo4jLabel.store} {name: $store})
       RETURN s {.id, .status, .createdAt, .collectedAt, .loadedAt, .nodes, .edges, .findings, .sources, .heartbeat} AS s, st.latest AS latest ORDER BY s.id`,
      { store: this.name, default: STORE_NAME },
      false,
      true, // on the leader, so a snapshot just loaded by another process resolves (see q)
    );
    return rows.map((r) => {
      const s = r.s as Record<string, unknown>;
      const sources = JSON.parse(String(s.sources ?? '[]')) as SourceInfo[];
      return {
        id: String(s.id),
        status: s.status as Neo4jSnapshotStatus,
        createdAt: String(s.createdAt ?? ''),
        collectedAt: String(s.collectedAt ?? ''),
        loadedAt: (s.loadedAt as string | null) ?? null,
        nodes: Number(s.nodes ?? 0),
        edges: Number(s.edges ?? 0),
        findings: Number(s.findings ?? 0),
        sources: sources.map((x) => ({ source: x.source, tenant: x.tenant, collectedAt: x.collectedAt })),
        latest: r.latest === s.id,
        heartbeat: Number(s.heartbeat ?? 0),
      };
    });
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
      throw new StoreError(`no snapshot in Neo4j at ${this.uri} yet: run \`revenant load <collection> --neo4j ${this.uri}\` first (or pass --collection DIR)`, ERR.NO_SNAPSHOT);
    }
    if (!id || id === 'latest') return (await this.latestId())!;
    if (ids.includes(id)) return id;
    const m = ids.filter((x) => x.startsWith(id));
    if (m.length === 1) return m[0];
    if (m.length) throw new StoreError(`snapshot id ${id} is ambiguous (${m.join(', ')})`, ERR.SNAPSHOT_AMBIGUOUS);
    throw new StoreError(`no snapshot ${id} in Neo4j at ${this.uri} (run \`revenant snapshots --neo4j …\`)`, ERR.SNAPSHOT_NOT_FOUND);
  }

  /** Open a snapshot for queries (the latest when `id` is omitted). */
  async open(id?: string): Promise<Neo4jSnapshot> {
    const sid = await this.resolve(id);
    return this.openScope(sid, sid);
  }

  /** Open a snapshot by its exact id, whatever its status (ephemeral snapshots). */
  async openScope(scope: string, reportAs: string | null): Promise<Neo4jSnapshot> {
    const rows = await this.q(`MATCH (s:${S} {id: $id}) RETURN s {.sources, .collectedAt, .fileNames, .files} AS s`, { id: scope });
    const s = rows[0]?.s as Record<string, string> | undefined;
    if (!s) throw new StoreError(`no snapshot ${scope} in Neo4j at ${this.uri}`, ERR.SNAPSHOT_NOT_FOUND);
    return new Neo4jSnapshot(
      this.driver,
      this.uri,
      {
        scope,
        snapshotId: reportAs,
        sources: JSON.parse(s.sources) as SourceInfo[],
        collectedAt: s.collectedAt,
        fileNames: JSON.parse(s.fileNames) as Record<string, string>,
        files: JSON.parse(s.files),
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
    return { ...(JSON.parse(analysis) as Omit<FindingsDoc, 'findings'>), findings: findings.map((r) => JSON.parse(String(r.doc))) };
  }

  /** A fresh snapshot id (for ephemeral snapshots; loads reuse the embedded snapshot's id). */
  static newId(): string {
    return stamp(new Date());
  }

  /**
   * Push a finished snapshot (a SnapshotDb: the file the embedded store just wrote, or an
   * in-memory one) into Neo4j as snapshot `id`. On any failure what was written is removed and
   * the error rethrown; the latest pointer only moves once everything is in.
   */
  async push(sdb: SnapshotDb, id: string, opts: PushOptions = {}): Promise<{ nodes: number; edges: number; findings: number }> {
    await this.ensureSchema();
    const existing = await this.q(`MATCH (s:${S} {id: $id}) RETURN s.status AS status`, { id });
    if (existing.length) throw new StoreError(`snapshot ${id} is already in Neo4j at ${this.uri} (status ${String(existing[0].status)})`);
    const now = Date.now();
    const fileRows = sdb.db.prepare('SELECT idx, name, objects, bytes, sha256 FROM files ORDER BY idx').all() as { idx: number; name: string; objects: number; bytes: number; sha256: string }[];
    const fileNames = Object.fromEntries(fileRows.map((f) => [String(f.idx), f.name]));
    const sources = sdb.sources();
    const stored = hasStoredFindings(sdb.db) ? readStoredFindings(sdb) : null;
    const { findings: storedList, ...analysis } = stored ?? { findings: [] as FindingsDoc['findings'] };
    await this.q(
      `CREATE (s:${S} {id: $id, store: $store, status: $status, createdAt: $createdAt, collectedAt: $collectedAt, sources: $sources, fileNames: $fileNames,
         files: $files, collections: $collections, nodes: $nodes, edges: $edges, findings: $findings, heartbeat: $now})`,
      {
        id,
        store: this.name,
        status: opts.ephemeral ? 'ephemeral' : 'loading',
        createdAt: sdb.meta.get('createdAt') ?? new Date(now).toISOString(),
        collectedAt: sdb.meta.get('collectedAt') ?? sources.map((x) => x.collectedAt).sort().at(-1) ?? '',
        sources: JSON.stringify(sources),
        fileNames: JSON.stringify(fileNames),
        files: JSON.stringify(fileRows.map(({ name, objects, bytes, sha256 }) => ({ name, objects, bytes, sha256 }))),
        collections: sdb.meta.get('collections') ?? '[]',
        nodes: Number(sdb.meta.get('nodes') ?? 0),
        edges: Number(sdb.meta.get('edges') ?? 0),
        findings: storedList.length,
        now,
      },
      true,
    );
    try {
      const elementOf = await this.pushNodes(sdb, id, opts);
      const fileIdx = new Map(fileRows.map((f) => [f.name, f.idx]));
      const edges = await this.pushEdges(sdb, id, elementOf, fileIdx, opts);
      if (stored) await this.pushFindings(sdb, id, stored, sources, elementOf, opts);
      await this.q(
        `MATCH (s:${S} {id: $id}) SET s.analysis = $analysis, s.loadedAt = $loadedAt, s.heartbeat = $now
         WITH s WHERE NOT $ephemeral
         SET s.status = 'complete'
         MERGE (st:${Neo4jLabel.store} {name: $store}) SET st.latest = $id`,
        { id, analysis: stored ? JSON.stringify(analysis) : null, loadedAt: new Date().toISOString(), now: Date.now(), ephemeral: !!opts.ephemeral, store: this.name },
        true,
      );
      return { nodes: elementOf.size, edges, findings: storedList.length };
    } catch (e) {
      await this.remove(id).catch(() => undefined);
      throw asNeo4jConnectionError(this.uri, e);
    }
  }

  /** Mark a snapshot being written or used as alive (prune removes unfinished ones whose heartbeat is old). */
  async touch(id: string): Promise<void> {
    await this.q(`MATCH (s:${S} {id: $id}) SET s.heartbeat = $now`, { id, now: Date.now() }, true);
  }

  private async pushNodes(sdb: SnapshotDb, id: string, opts: PushOptions): Promise<Map<number, string>> {
    const names = new Map<number, Set<string>>();
    for (const r of sdb.db.prepare('SELECT nid, name FROM names').iterate() as Iterable<{ nid: number; name: string }>) {
      if (r.name) (names.get(r.nid) ?? names.set(r.nid, new Set()).get(r.nid)!).add(r.name);
    }
    const total = Number(sdb.meta.get('nodes') ?? 0);
    const elementOf = new Map<number, string>();
    const inflight = new Inflight(2);
    let done = 0;
    let batches = 0;
    for (const kind of NODE_KINDS) {
      const code = sdb.codeOf(kind);
      if (code === undefined) continue;
      const query = `UNWIND $rows AS r CREATE (n:${N}:${nodeLabel(kind)}) SET n = r, n.snapshot = $snapshot RETURN n.nid AS nid, elementId(n) AS el`;
      let rows: Record<string, unknown>[] = [];
      const flush = async () => {
        if (!rows.length) return;
        const batch = rows;
        rows = [];
        await inflight.slot();
        inflight.add(
          (async () => {
            for (const r of await this.q(query, { rows: batch, snapshot: id }, true)) elementOf.set(Number(r.nid), String(r.el));
            done += batch.length;
            opts.onProgress?.({ phase: 'nodes', done, total });
            if (++batches % 10 === 0) await this.touch(id);
          })(),
        );
      };
      const it = sdb.db.prepare('SELECT nid, key, props, file, line FROM nodes WHERE kind = ? ORDER BY nid').iterate(code) as Iterable<{
        nid: number;
        key: string;
        props: string;
        file: number | null;
        line: number | null;
      }>;
      for (const r of it) {
        const { sourceKey, id: nodeId } = parseNodeKey(r.key);
        rows.push(
          nodeProperties({
            nid: r.nid,
            key: r.key,
            id: nodeId,
            kind,
            sourceKey,
            props: JSON.parse(r.props) as Record<string, unknown>,
            propsJson: r.props,
            file: r.file,
            line: r.line,
            names: [...(names.get(r.nid) ?? [])].sort(),
          }),
        );
        if (rows.length >= NODE_BATCH) await flush();
      }
      await flush();
    }
    await inflight.drain();
    return elementOf;
  }

  private async pushEdges(sdb: SnapshotDb, id: string, elementOf: Map<number, string>, fileIdx: Map<string, number>, opts: PushOptions): Promise<number> {
    const total = Number(sdb.meta.get('edges') ?? 0);
    let done = 0;
    let batches = 0;
    // One batch written at a time (relationships lock their end nodes; hubs such as a tenant or
    // Microsoft Graph would make parallel batches wait or deadlock), the next built meanwhile.
    const inflight = new Inflight(1);
    const pending = new Map<string, Record<string, unknown>[]>();
    const flush = async (kind: string) => {
      const rows = pending.get(kind);
      if (!rows?.length) return;
      pending.set(kind, []);
      await inflight.slot();
      inflight.add(
        (async () => {
          await this.q(
            `UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b ` +
              `CREATE (a)-[e:${relType(kind)} {snapshot: $snapshot}]->(b) SET e += r.p`,
            { rows, snapshot: id },
            true,
          );
          done += rows.length;
          opts.onProgress?.({ phase: 'edges', done, total });
          if (++batches % 10 === 0) await this.touch(id);
        })(),
      );
    };
    for (const e of sdb.edges()) {
      const a = elementOf.get(e.src);
      const b = elementOf.get(e.dst);
      if (!a || !b) throw new StoreError(`neo4j load: edge ${e.kind} ${e.src} -> ${e.dst} names a node that was not written`);
      const file = e.file === undefined ? null : (fileIdx.get(e.file) ?? null);
      const rows = pending.get(e.kind) ?? pending.set(e.kind, []).get(e.kind)!;
      rows.push({ a, b, p: relProperties(e.eid, e.props ? JSON.stringify(e.props) : null, file, e.line ?? null) });
      if (rows.length >= EDGE_BATCH) await flush(e.kind);
    }
    for (const kind of pending.keys()) await flush(kind);
    await inflight.drain();
    return done;
  }

  private async pushFindings(sdb: SnapshotDb, id: string, doc: FindingsDoc, sources: SourceInfo[], elementOf: Map<number, string>, opts: PushOptions): Promise<void> {
    const nidOf = sdb.db.prepare('SELECT nid FROM nodes WHERE key = ?');
    const elementOfKey = (key: string): string | undefined => {
      const r = nidOf.get(key) as { nid: number } | undefined;
      return r ? elementOf.get(r.nid) : undefined;
    };
    const sourceKeyOf = new Map(doc.subjects.map((s) => [`${s.source}:${s.id}`, s.sourceKey]));
    const keyOf = (source: string, kind: string, nodeId: string, preferred?: string): string | null => {
      const space = SPACE_OF_KIND[kind];
      if (!space) return null;
      const candidates = [preferred, ...sources.filter((s) => s.source === source).map((s) => s.sourceKey)].filter((x): x is string => !!x);
      for (const sk of candidates) {
        const k = nodeKey(sk, space, nodeId);
        if (elementOfKey(k)) return k;
      }
      return null;
    };
    const query =
      `UNWIND $rows AS r CREATE (f:${Neo4jLabel.finding}) SET f = r.p, f.snapshot = $snapshot ` +
      `WITH f, r CALL (f, r) { MATCH (s) WHERE elementId(s) = r.subject CREATE (f)-[:${relType(Neo4jRel.findingSubject)} {snapshot: $snapshot}]->(s) } ` +
      `WITH f, r CALL (f, r) { MATCH (v) WHERE elementId(v) = r.via CREATE (f)-[:${relType(Neo4jRel.findingVia)} {snapshot: $snapshot}]->(v) }`;
    let rows: Record<string, unknown>[] = [];
    let done = 0;
    const flush = async () => {
      if (!rows.length) return;
      await this.q(query, { rows, snapshot: id }, true);
      done += rows.length;
      rows = [];
      opts.onProgress?.({ phase: 'findings', done, total: doc.findings.length });
    };
    for (const [ord, f] of doc.findings.entries()) {
      const subjectSk = sourceKeyOf.get(`${f.subject.source}:${f.subject.id}`);
      const subjectKey = subjectSk ? keyOf(f.subject.source, f.subject.source === 'entra' ? NodeKind.EntraUser : NodeKind.OktaUser, f.subject.id, subjectSk) : null;
      const viaKey = keyOf(f.via.source, f.via.kind, f.via.id, f.via.source === f.subject.source ? subjectSk : undefined);
      rows.push({
        subject: subjectKey ? (elementOfKey(subjectKey) ?? null) : null,
        via: viaKey ? (elementOfKey(viaKey) ?? null) : null,
        p: {
          id: f.id,
          ord,
          rule: f.rule,
          status: f.status,
          severity: f.severity,
          subjectSource: f.subject.source,
          subjectId: f.subject.id,
          subjectName: f.subject.name,
          viaKind: f.via.kind,
          viaId: f.via.id,
          viaName: f.via.name,
          validUntil: f.validUntil,
          tier0: f.reaches.tier0,
          doc: JSON.stringify(f),
        },
      });
      if (rows.length >= NODE_BATCH) await flush();
    }
    await flush();
  }

  /**
   * Run one auto-commit query (`CALL … IN TRANSACTIONS` needs one) on the leader, in the driver's
   * bookmark chain, retried on transient failures (every such query here is an idempotent delete).
   */
  private async autoCommit(query: string, params: Record<string, unknown>): Promise<void> {
    try {
      await withRetries(async () => {
        const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE, bookmarkManager: this.driver.executeQueryBookmarkManager });
        try {
          await session.run(query, params);
        } finally {
          await session.close();
        }
      }, retryTimeFor(this.uri));
    } catch (e) {
      throw asNeo4jConnectionError(this.uri, e);
    }
  }

  /**
   * Remove one snapshot: its findings, its relationships (each node's outgoing ones, a few
   * hundred nodes per transaction, so that a hub with a hundred thousand incoming relationships
   * never lands in one transaction), its nodes, then its record.
   */
  async remove(id: string): Promise<void> {
    await this.q(`MATCH (s:${S} {id: $id}) SET s.status = 'deleting'`, { id }, true);
    // `key` / `id` IS NOT NULL lets the (snapshot, key) / (snapshot, id) uniqueness index find a snapshot's nodes.
    await this.autoCommit(
      `MATCH (f:${Neo4jLabel.finding}) WHERE f.snapshot = $id AND f.id IS NOT NULL CALL (f) { DETACH DELETE f } IN TRANSACTIONS OF ${DELETE_BATCH} ROWS`,
      { id },
    );
    await this.autoCommit(`MATCH (n:${N}) WHERE n.snapshot = $id AND n.key IS NOT NULL CALL (n) { MATCH (n)-[r]->() DELETE r } IN TRANSACTIONS OF 500 ROWS`, { id });
    await this.autoCommit(`MATCH (n:${N}) WHERE n.snapshot = $id AND n.key IS NOT NULL CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF ${DELETE_BATCH} ROWS`, { id });
    await this.q(`MATCH (s:${S} {id: $id}) DETACH DELETE s`, { id }, true);
  }

  /**
   * Keep the newest `keep` complete snapshots (never removing the latest); also remove loads and
   * ephemeral snapshots whose writer stopped more than ten minutes ago. Returns the ids removed.
   */
  async prune(keep: number): Promise<string[]> {
    const all = await this.listAll();
    const complete = all.filter((s) => s.status === 'complete');
    const latest = await this.latestId();
    const drop = complete.slice(0, Math.max(0, complete.length - keep)).filter((s) => s.id !== latest).map((s) => s.id);
    const stale = all.filter((s) => s.status !== 'complete' && Date.now() - s.heartbeat > STALE_MS).map((s) => s.id);
    for (const id of [...stale, ...drop]) await this.remove(id);
    return [...stale, ...drop];
  }
}
