/**
 * The push: writes a finished SQLite snapshot (nodes, edges, the stored analysis) into Neo4j as
 * one snapshot, with batched `UNWIND … CREATE`. Everything is written under a
 * `:RevenantSnapshot {status: 'loading'}` that no reader resolves; only when every node, edge and
 * finding is in does one transaction mark it `complete` and flip `(:RevenantStore).latest` to it.
 * A push that fails removes what it wrote and rethrows: the previous snapshot stays the latest,
 * intact. Ephemeral snapshots (`residual --collection` on Neo4j) never become the latest.
 */
import { StoreError } from '../model/errors.js';
import { nodeKey, parseNodeKey } from '../model/ids.js';
import { NODE_KINDS, type NodeKind } from '../model/schema.js';
import { SOURCES } from '../../ingest/sources.js';
import type { FindingsDoc } from '../../queries/residual.js';
import type { SourceInfo } from './GraphReader.js';
import { Inflight } from './Inflight.js';
import { asNeo4jConnectionError } from './neo4jDriver.js';
import { findingRecord, snapshotFileRows, snapshotRecord } from './neo4jRecords.js';
import { sweepFacts } from './neo4jSweepFacts.js';
import { NodeColumns } from './neo4jNodeColumns.js';
import { Neo4jLabel, Neo4jRel, nodeLabel, nodeProperties, type PropValue, relProperties, relType } from './neo4jSchema.js';
import type { SnapshotDb } from './SnapshotDb.js';
import { nodeNames } from './SnapshotWriter.js';
import { hasStoredFindings, readStoredFindings } from './storedFindings.js';

const N = Neo4jLabel.node;
const S = Neo4jLabel.snapshot;
const NODE_BATCH = 2_500;
const EDGE_BATCH = 20_000;

export interface PushProgress {
  phase: 'nodes' | 'edges' | 'findings';
  done: number;
  total: number;
}

export interface PushOptions {
  /** Never becomes the latest; for one query (`residual --collection` on Neo4j). */
  ephemeral?: boolean;
  /** Push a delta snapshot whole, as its own graph, even where it could be applied in place. */
  whole?: boolean;
  onProgress?: (p: PushProgress) => void;
}

/** What the push needs of the store it writes into (Neo4jStore). */
export interface Neo4jPushTarget {
  readonly uri: string;
  readonly name: string;
  ensureSchema(): Promise<void>;
  q(query: string, params?: Record<string, unknown>, write?: boolean, leader?: boolean): Promise<Record<string, unknown>[]>;
  /** Several write statements in one transaction (retried as a whole on transient failures). */
  writeAll(statements: { query: string; params: Record<string, unknown> }[]): Promise<void>;
  touch(id: string): Promise<void>;
  remove(id: string): Promise<void>;
}

/**
 * Push `sdb` into `store` as snapshot `id`. On any failure what was written is removed and the
 * error rethrown; the latest pointer only moves once everything is in.
 */
export async function pushSnapshot(store: Neo4jPushTarget, sdb: SnapshotDb, id: string, opts: PushOptions = {}): Promise<{ nodes: number; edges: number; findings: number }> {
  await store.ensureSchema();
  const existing = await store.q(`MATCH (s:${S} {id: $id}) RETURN s.status AS status`, { id });
  if (existing.length) throw new StoreError(`snapshot ${id} is already in Neo4j at ${store.uri} (status ${String(existing[0].status)})`);
  const now = Date.now();
  const fileRows = snapshotFileRows(sdb);
  const sources = sdb.sources();
  const stored = hasStoredFindings(sdb.db) ? readStoredFindings(sdb) : null;
  const { findings: storedList, ...analysis } = stored ?? { findings: [] as FindingsDoc['findings'] };
  const record = snapshotRecord(sdb, { id, store: store.name, ephemeral: !!opts.ephemeral, fileRows, findings: storedList.length, now, sweep: sweepFacts(sdb) });
  await store.q(`CREATE (s:${S}) SET s = $record`, { record }, true);
  try {
    const elementOf = await pushNodes(store, sdb, id, opts);
    const fileIdx = new Map(fileRows.map((f) => [f.name, f.idx]));
    const edges = await pushEdges(store, sdb, id, elementOf, fileIdx, opts);
    if (stored) await pushFindings(store, sdb, id, stored, sources, elementOf, opts);
    await completeSnapshot(store, id, stored ? JSON.stringify(analysis) : null, !!opts.ephemeral);
    return { nodes: elementOf.size, edges, findings: storedList.length };
  } catch (e) {
    await store.remove(id).catch(() => undefined);
    throw asNeo4jConnectionError(store.uri, e);
  }
}

/**
 * The last write of a load (the push's, and the offline import's, neo4jImport.ts): the stored
 * analysis, then — unless ephemeral — the snapshot marked complete and the store's latest moved to it.
 */
export async function completeSnapshot(store: Pick<Neo4jPushTarget, 'q' | 'name'>, id: string, analysis: string | null, ephemeral: boolean): Promise<void> {
  await store.q(
    `MATCH (s:${S} {id: $id}) SET s.analysis = $analysis, s.loadedAt = $loadedAt, s.heartbeat = $now
     WITH s WHERE NOT $ephemeral
     SET s.status = 'complete'
     MERGE (st:${Neo4jLabel.store} {name: $store}) SET st.latest = $id`,
    { id, analysis, loadedAt: new Date().toISOString(), now: Date.now(), ephemeral, store: store.name },
    true,
  );
}

/** One graph node as Neo4j holds it: its kind and its properties (nodeProperties; without `snapshot`). */
export interface Neo4jNodeOut {
  kind: string;
  nid: number;
  props: Record<string, PropValue>;
}

/**
 * Every graph node of `sdb`, kind by kind, with the properties the push writes (also the offline
 * import's, neo4jImport.ts, so both write the same).
 */
export function* neo4jNodes(sdb: SnapshotDb): Generator<Neo4jNodeOut> {
  // A full snapshot's name index is read as stored; a delta's is each node's names (as its writer indexes them).
  const names = new Map<number, Set<string>>();
  if (!sdb.isDelta) {
    for (const r of sdb.db.prepare('SELECT nid, name FROM names').iterate() as Iterable<{ nid: number; name: string }>) {
      if (r.name) (names.get(r.nid) ?? names.set(r.nid, new Set()).get(r.nid)!).add(r.name);
    }
  }
  const namesOf = (nid: number, kind: string, nodeId: string, props: Record<string, unknown>): string[] =>
    sdb.isDelta ? [...new Set(nodeNames(kind as NodeKind, nodeId, props, props.stub === true))].sort() : [...(names.get(nid) ?? [])].sort();
  for (const kind of [...NODE_KINDS, ...SOURCES.contributedNodeKinds()]) {
    const code = sdb.codeOf(kind);
    if (code === undefined) continue;
    // A delta snapshot's rows are read through its overlay (its own over its base's).
    for (const r of sdb.rowsOfKind(code)) {
      const { sourceKey, id: nodeId } = parseNodeKey(r.key);
      const props = JSON.parse(r.props) as Record<string, unknown>;
      yield {
        kind,
        nid: r.nid,
        props: nodeProperties({ nid: r.nid, key: r.key, id: nodeId, kind, sourceKey, props, propsJson: r.props, file: r.file, line: r.line, names: namesOf(r.nid, kind, nodeId, props) }),
      };
    }
  }
}

/** One relationship as Neo4j holds it (see edgeStatements); `p` only for an edge with properties. */
export interface Neo4jEdgeOut extends Omit<EdgeRowOut, 'a' | 'b'> {
  src: number;
  dst: number;
}

/** Every edge of `sdb` with what the push writes of it (also the offline import's). */
export function* neo4jEdges(sdb: SnapshotDb, fileIdx: Map<string, number>): Generator<Neo4jEdgeOut> {
  for (const e of sdb.edges()) {
    const file = e.file === undefined ? null : (fileIdx.get(e.file) ?? null);
    const line = e.line ?? null;
    yield { kind: e.kind, src: e.src, dst: e.dst, seq: e.eid, file, line, ...(e.props ? { p: relProperties(e.eid, JSON.stringify(e.props), file, line) } : {}) };
  }
}

/** Nodes, kind by kind, two batches written at once; returns each node's element id by nid. */
async function pushNodes(store: Neo4jPushTarget, sdb: SnapshotDb, id: string, opts: PushOptions): Promise<Map<number, string>> {
  const total = Number(sdb.meta.get('nodes') ?? 0);
  const elementOf = new Map<number, string>();
  const inflight = new Inflight(2);
  let done = 0;
  let batches = 0;
  // Values go as columns (NodeColumns); one result row of two lists rather than a row per node: the driver decodes a record per row.
  let kind: string | undefined;
  let columns: NodeColumns | undefined;
  let rows: Record<string, PropValue>[] = [];
  const flush = async () => {
    if (!rows.length) return;
    const batch = rows;
    rows = [];
    const { query, params } = columns!.statement(batch, id);
    await inflight.slot();
    inflight.add(
      (async () => {
        const [{ nids, els }] = (await store.q(query, params, true)) as { nids: number[]; els: string[] }[];
        nids.forEach((nid, i) => elementOf.set(nid, els[i]));
        done += batch.length;
        opts.onProgress?.({ phase: 'nodes', done, total });
        if (++batches % 10 === 0) await store.touch(id);
      })(),
    );
  };
  for (const n of neo4jNodes(sdb)) {
    if (n.kind !== kind) {
      await flush();
      kind = n.kind;
      columns = new NodeColumns(`CREATE (n:${N}:${nodeLabel(kind)})`);
    }
    rows.push(n.props);
    if (rows.length >= NODE_BATCH) await flush();
  }
  await flush();
  await inflight.drain();
  return elementOf;
}

/**
 * Relationship batches are written side by side without ever waiting on each other's locks:
 * creating a relationship locks both its end nodes, so each node falls in one of EDGE_BUCKETS
 * buckets (nid mod EDGE_BUCKETS), each edge in the cell (bucket of its source, bucket of its
 * target), and a cell's batch starts only when no running batch holds either bucket (Inflight's
 * `holds`). Hubs such as a tenant or Microsoft Graph are in one bucket, so their relationships
 * are still written one batch at a time, and no two transactions can deadlock.
 */
const EDGE_BUCKETS = 4;
const EDGE_WRITERS = 2;

/** The node buckets an edge's batch holds (see EDGE_BUCKETS). */
export function edgeBuckets(src: number, dst: number): number[] {
  const a = src % EDGE_BUCKETS;
  const b = dst % EDGE_BUCKETS;
  return a === b ? [a] : [a, b];
}

interface EdgeRowOut {
  kind: string;
  a: string;
  b: string;
  seq: number;
  file: number | null;
  line: number | null;
  /** The edge's properties (relProperties), only for an edge that has properties. */
  p?: Record<string, unknown>;
}

/**
 * The statements writing one batch: per kind, the edges without properties as columns, each column
 * one comma-joined string that the server splits (the driver checks every value it sends against
 * each of its structure types, which was half its CPU time for a push; a string is one value, and
 * element ids and numbers never hold a comma), and the edges with properties as maps. A null file
 * or line is an empty field, which sets no property, as in relProperties; numbers are stored as
 * floats, as the driver sends a JavaScript number.
 */
function edgeStatements(rows: EdgeRowOut[], snapshot: string): { query: string; params: Record<string, unknown> }[] {
  const out: { query: string; params: Record<string, unknown> }[] = [];
  const byKind = new Map<string, EdgeRowOut[]>();
  for (const r of rows) (byKind.get(r.kind) ?? byKind.set(r.kind, []).get(r.kind)!).push(r);
  for (const [kind, list] of byKind) {
    const plain = list.filter((r) => !r.p);
    if (plain.length) {
      const column = (f: (r: EdgeRowOut) => string | number | null): string => plain.map((r) => f(r) ?? '').join(',');
      out.push({
        query:
          `WITH split($a, ',') AS a, split($b, ',') AS b, split($seq, ',') AS seq, split($file, ',') AS file, split($line, ',') AS line ` +
          `UNWIND range(0, size(a) - 1) AS i MATCH (x) WHERE elementId(x) = a[i] MATCH (y) WHERE elementId(y) = b[i] ` +
          `CREATE (x)-[:${relType(kind)} {snapshot: $snapshot, seq: toFloat(seq[i]), file: toFloat(file[i]), line: toFloat(line[i])}]->(y)`,
        params: { snapshot, a: column((r) => r.a), b: column((r) => r.b), seq: column((r) => r.seq), file: column((r) => r.file), line: column((r) => r.line) },
      });
    }
    const withProps = list.filter((r) => r.p).map((r) => ({ a: r.a, b: r.b, p: r.p }));
    if (withProps.length) {
      out.push({
        query:
          `UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b ` +
          `CREATE (a)-[e:${relType(kind)} {snapshot: $snapshot}]->(b) SET e += r.p`,
        params: { rows: withProps, snapshot },
      });
    }
  }
  return out;
}

/** Edges, batched by cell (see EDGE_BUCKETS), each batch one transaction; returns how many were written. */
async function pushEdges(
  store: Neo4jPushTarget,
  sdb: SnapshotDb,
  id: string,
  elementOf: Map<number, string>,
  fileIdx: Map<string, number>,
  opts: PushOptions,
): Promise<number> {
  const total = Number(sdb.meta.get('edges') ?? 0);
  let done = 0;
  let batches = 0;
  const inflight = new Inflight(EDGE_WRITERS);
  const pending = new Map<number, EdgeRowOut[]>();
  const flush = async (cell: number) => {
    const rows = pending.get(cell);
    if (!rows?.length) return;
    pending.set(cell, []);
    const holds = edgeBuckets(Math.floor(cell / EDGE_BUCKETS), cell % EDGE_BUCKETS);
    const statements = edgeStatements(rows, id);
    await inflight.slot(holds);
    inflight.add(
      (async () => {
        await store.writeAll(statements);
        done += rows.length;
        opts.onProgress?.({ phase: 'edges', done, total });
        if (++batches % 10 === 0) await store.touch(id);
      })(),
      holds,
    );
  };
  for (const { src, dst, ...e } of neo4jEdges(sdb, fileIdx)) {
    const a = elementOf.get(src);
    const b = elementOf.get(dst);
    if (!a || !b) throw new StoreError(`neo4j load: edge ${e.kind} ${src} -> ${dst} names a node that was not written`);
    const cell = (src % EDGE_BUCKETS) * EDGE_BUCKETS + (dst % EDGE_BUCKETS);
    const rows = pending.get(cell) ?? pending.set(cell, []).get(cell)!;
    rows.push({ ...e, a, b });
    if (rows.length >= EDGE_BATCH) await flush(cell);
  }
  for (const cell of pending.keys()) await flush(cell);
  await inflight.drain();
  return done;
}

/** A stored finding's record with the node keys its subject and `via` resolve to in the snapshot (null: not a node of it). */
export interface FindingRow {
  subject: string | null;
  via: string | null;
  p: Record<string, unknown>;
}

/** The rows of the stored findings, each with its subject's and its `via`'s node key where they resolve. */
export function findingRows(sdb: SnapshotDb, doc: FindingsDoc, sources: SourceInfo[]): FindingRow[] {
  const has = (key: string): boolean => sdb.nodeRow(key) !== undefined;
  const sourceKeyOf = new Map(doc.subjects.map((s) => [`${s.source}:${s.id}`, s.sourceKey]));
  const keyOf = (source: string, kind: string, nodeId: string, preferred?: string): string | null => {
    const space = SOURCES.idSpace(kind);
    if (!space) return null;
    const candidates = [preferred, ...sources.filter((s) => s.source === source).map((s) => s.sourceKey)].filter((x): x is string => !!x);
    for (const sk of candidates) {
      const k = nodeKey(sk, space, nodeId);
      if (has(k)) return k;
    }
    return null;
  };
  return doc.findings.map((f, ord) => {
    const subjectSk = sourceKeyOf.get(`${f.subject.source}:${f.subject.id}`);
    // The subject is an account of its source: of whichever of the source's account kinds the snapshot holds.
    const subject = subjectSk ? (SOURCES.get(f.subject.source)?.accounts ?? []).reduce<string | null>((k, a) => k ?? keyOf(f.subject.source, a.kind, f.subject.id, subjectSk), null) : null;
    const via = keyOf(f.via.source, f.via.kind, f.via.id, f.via.source === f.subject.source ? subjectSk : undefined);
    return { subject, via, p: findingRecord(f, ord) };
  });
}

/**
 * The statement writing a batch of findings of snapshot `$snapshot`, each linked to its subject's
 * and its `via`'s node: by element id (`$rows[].subject`/`via`), or with `byKey`, by node key in
 * the graph scope `$scope`.
 */
export function findingStatement(byKey: boolean): string {
  const node = (v: string, field: string) => (byKey ? `MATCH (${v}:${N} {snapshot: $scope, key: r.${field}})` : `MATCH (${v}) WHERE elementId(${v}) = r.${field}`);
  return (
    `UNWIND $rows AS r CREATE (f:${Neo4jLabel.finding}) SET f = r.p, f.snapshot = $snapshot ` +
    `WITH f, r CALL (f, r) { ${node('s', 'subject')} CREATE (f)-[:${relType(Neo4jRel.findingSubject)} {snapshot: $snapshot}]->(s) } ` +
    `WITH f, r CALL (f, r) { ${node('v', 'via')} CREATE (f)-[:${relType(Neo4jRel.findingVia)} {snapshot: $snapshot}]->(v) }`
  );
}

/** The stored findings, each linked to its subject's and its `via`'s node where they resolve. */
async function pushFindings(
  store: Neo4jPushTarget,
  sdb: SnapshotDb,
  id: string,
  doc: FindingsDoc,
  sources: SourceInfo[],
  elementOf: Map<number, string>,
  opts: PushOptions,
): Promise<void> {
  const elementOfKey = (key: string | null): string | null => {
    const r = key ? sdb.nodeRow(key) : undefined;
    return r ? (elementOf.get(r.nid) ?? null) : null;
  };
  const query = findingStatement(false);
  let rows: Record<string, unknown>[] = [];
  let done = 0;
  const flush = async () => {
    if (!rows.length) return;
    await store.q(query, { rows, snapshot: id }, true);
    done += rows.length;
    rows = [];
    opts.onProgress?.({ phase: 'findings', done, total: doc.findings.length });
  };
  for (const r of findingRows(sdb, doc, sources)) {
    rows.push({ subject: elementOfKey(r.subject), via: elementOfKey(r.via), p: r.p });
    if (rows.length >= NODE_BATCH) await flush();
  }
  await flush();
}
