/**
 * A delta snapshot applied to Neo4j in place, in one transaction: when its base snapshot is in
 * Neo4j, complete and still owns its graph, only what the delta changed is written — nodes
 * removed, replaced and added, relationships removed and added (by edge id, `seq`), the new
 * snapshot's findings and record — and the base's graph becomes the new snapshot's (its
 * `scope`). The base stays listed with its stored findings (history, diffs) but is `movedTo` the
 * new one: opening it for graph queries is refused (its graph is the new snapshot's now). The
 * transaction commits or leaves everything as it was. Anything else (no base there, a node whose
 * kind changed) returns null and the caller pushes the snapshot whole (neo4jPush.ts).
 */
import { parseNodeKey } from '../model/ids.js';
import type { NodeKind } from '../model/schema.js';
import { REC, R_EID, R_FILE, R_KIND, R_LINE, R_OTHER } from './Adjacency.js';
import { edgeKindAt } from './kindCodes.js';
import { type Neo4jPushTarget, findingRows, findingStatement } from './neo4jPush.js';
import { snapshotFileRows, snapshotRecord } from './neo4jRecords.js';
import { sweepFacts } from './neo4jSweepFacts.js';
import { Neo4jLabel, STORE_NAME, nodeLabel, nodeProperties, relProperties, relType } from './neo4jSchema.js';
import type { SnapshotDb } from './SnapshotDb.js';
import { nodeNames } from './SnapshotWriter.js';
import { hasStoredFindings, readStoredFindings } from './storedFindings.js';

const N = Neo4jLabel.node;
const S = Neo4jLabel.snapshot;

/** What an in-place delta wrote. */
export interface DeltaApplied {
  base: string;
  nodesWritten: number;
  nodesRemoved: number;
  edgesAdded: number;
  edgesRemoved: number;
}

interface Statement {
  query: string;
  params: Record<string, unknown>;
}

/**
 * Apply the delta snapshot `sdb` (id `id`) in place on its base's graph, or return null when it
 * cannot be (the caller then pushes it whole).
 */
export async function applyDelta(
  store: Neo4jPushTarget,
  sdb: SnapshotDb,
  id: string,
): Promise<{ nodes: number; edges: number; findings: number; delta: DeltaApplied } | null> {
  const baseDb = sdb.overlay?.parent;
  const baseId = sdb.meta.get('base');
  if (!baseDb || !baseId) return null;
  const rows = await store.q(`MATCH (b:${S} {id: $base}) RETURN b.status AS status, b.movedTo AS movedTo, coalesce(b.scope, b.id) AS scope, coalesce(b.store, $default) AS store`, { base: baseId, default: STORE_NAME }, false, true);
  const b = rows[0];
  if (!b || b.status !== 'complete' || b.movedTo || b.store !== store.name) return null;
  const scope = String(b.scope);

  // Nodes: the delta's own rows (replaced or new) and its removals.
  const own = sdb.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes ORDER BY nid').all() as { nid: number; key: string; kind: number; props: string; file: number | null; line: number | null }[];
  const replaced: Record<string, unknown>[] = [];
  const created = new Map<string, Record<string, unknown>[]>();
  for (const r of own) {
    const kind = sdb.kindOf(r.kind);
    const was = r.nid < baseDb.nidBound() ? baseDb.nodeRowByNid(r.nid) : undefined;
    // A node whose kind changed would change its labels: pushed whole instead.
    if (was && baseDb.kindOf(was.kind) !== kind) return null;
    const { sourceKey, id: nodeId } = parseNodeKey(r.key);
    const props = JSON.parse(r.props) as Record<string, unknown>;
    const row = nodeProperties({ nid: r.nid, key: r.key, id: nodeId, kind, sourceKey, props, propsJson: r.props, file: r.file, line: r.line, names: [...new Set(nodeNames(kind as NodeKind, nodeId, props, props.stub === true))].sort() });
    if (was) replaced.push(row);
    else (created.get(kind) ?? created.set(kind, []).get(kind)!).push(row);
  }
  const gone = (sdb.db.prepare('SELECT key FROM node_gone').all() as { key: string }[]).map((r) => r.key);
  const goneSet = new Set(gone);

  // Relationships: per node whose outgoing list changed, the edge ids that went and came.
  const fileIdx = new Map(snapshotFileRows(sdb).map((f) => [f.name, f.idx]));
  const removed: { k: string; seqs: number[] }[] = [];
  const added = new Map<string, { a: string; b: string; p: Record<string, unknown> }[]>();
  let edgesRemoved = 0;
  let edgesAdded = 0;
  const keyOf = (nid: number) => sdb.nodeRowByNid(nid)?.key;
  for (const r of sdb.db.prepare('SELECT nid, data FROM adj_rows WHERE dir = 0').iterate() as Iterable<{ nid: number; data: Buffer }>) {
    const now = new Int32Array(r.data.buffer, r.data.byteOffset, r.data.byteLength / 4);
    const before = r.nid < baseDb.nidBound() ? baseDb.adjRow(r.nid, 'out') : new Int32Array(0);
    const eids = (list: Int32Array) => new Set(Array.from({ length: list.length / REC }, (_, i) => list[i * REC + R_EID]));
    const had = eids(before);
    const has = eids(now);
    const wentAway = [...had].filter((e) => !has.has(e));
    const srcKey = keyOf(r.nid) ?? baseDb.nodeRowByNid(r.nid)?.key;
    if (wentAway.length && srcKey && !goneSet.has(srcKey)) {
      removed.push({ k: srcKey, seqs: wentAway });
      edgesRemoved += wentAway.length;
    }
    for (let p = 0; p < now.length; p += REC) {
      const eid = now[p + R_EID];
      if (had.has(eid)) continue;
      const kind = edgeKindAt(now[p + R_KIND]);
      const dst = keyOf(now[p + R_OTHER]);
      if (!srcKey || !dst) return null;
      const f = now[p + R_FILE];
      const file = f >= 0 ? (fileIdx.get(sdb.fileOf(f) ?? '') ?? null) : null;
      const line = now[p + R_LINE] >= 0 ? now[p + R_LINE] : null;
      const props = sdb.edgePropsOf(eid, kind);
      (added.get(kind) ?? added.set(kind, []).get(kind)!).push({ a: srcKey, b: dst, p: relProperties(eid, props ? JSON.stringify(props) : null, file, line) });
      edgesAdded++;
    }
  }

  // The new snapshot's record and findings.
  const sources = sdb.sources();
  const stored = hasStoredFindings(sdb.db) ? readStoredFindings(sdb) : null;
  const { findings: storedList, ...analysis } = stored ?? { findings: [] };
  const record = snapshotRecord(sdb, { id, store: store.name, ephemeral: false, fileRows: snapshotFileRows(sdb), findings: storedList.length, now: Date.now(), sweep: sweepFacts(sdb) });

  const statements: Statement[] = [];
  const chunks = <T>(list: T[], n = 10_000): T[][] => Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, (i + 1) * n));
  for (const c of chunks(removed)) statements.push({ query: `UNWIND $rows AS r MATCH (a:${N} {snapshot: $scope, key: r.k})-[e]->() WHERE e.seq IN r.seqs DELETE e`, params: { rows: c, scope } });
  for (const c of chunks(gone)) statements.push({ query: `UNWIND $keys AS k MATCH (n:${N} {snapshot: $scope, key: k}) DETACH DELETE n`, params: { keys: c, scope } });
  for (const c of chunks(replaced)) statements.push({ query: `UNWIND $rows AS r MATCH (n:${N} {snapshot: $scope, key: r.key}) SET n = r, n.snapshot = $scope`, params: { rows: c, scope } });
  for (const [kind, list] of created) {
    for (const c of chunks(list)) statements.push({ query: `UNWIND $rows AS r CREATE (n:${N}:${nodeLabel(kind)}) SET n = r, n.snapshot = $scope`, params: { rows: c, scope } });
  }
  for (const [kind, list] of added) {
    for (const c of chunks(list)) {
      statements.push({
        query: `UNWIND $rows AS r MATCH (a:${N} {snapshot: $scope, key: r.a}) MATCH (b:${N} {snapshot: $scope, key: r.b}) CREATE (a)-[e:${relType(kind)} {snapshot: $scope}]->(b) SET e += r.p`,
        params: { rows: c, scope },
      });
    }
  }
  const findingQuery = findingStatement(true);
  for (const c of chunks(stored ? findingRows(sdb, stored, sources) : [])) statements.push({ query: findingQuery, params: { rows: c, snapshot: id, scope } });
  statements.push({
    query:
      `CREATE (s:${S}) SET s = $record, s.scope = $scope, s.status = 'complete', s.analysis = $analysis, s.loadedAt = $loadedAt, s.heartbeat = $now ` +
      `WITH s MATCH (b:${S} {id: $base}) SET b.movedTo = $id ` +
      `MERGE (st:${Neo4jLabel.store} {name: $store}) SET st.latest = $id`,
    params: { record, scope, analysis: stored ? JSON.stringify(analysis) : null, loadedAt: new Date().toISOString(), now: Date.now(), base: baseId, id, store: store.name },
  });
  await store.writeAll(statements);
  return {
    nodes: Number(sdb.meta.get('nodes') ?? 0),
    edges: Number(sdb.meta.get('edges') ?? 0),
    findings: storedList.length,
    delta: { base: baseId, nodesWritten: own.length, nodesRemoved: gone.length, edgesAdded, edgesRemoved },
  };
}
