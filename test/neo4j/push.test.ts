/**
 * The Neo4j push writes every relationship exactly (against the real test Neo4j): each edge of
 * the SQLite snapshot becomes one relationship of its kind between the right nodes, with its
 * `seq`, `file`, `line` and, for edges with properties, `props` and the flattened properties —
 * whether it went as a column list (no properties) or as a map, and whichever node-bucket batch
 * it fell in. Every node likewise has exactly its properties (nodeProperties), sent as columns;
 * and the columns carry what they cannot hold through the map of the rest (a value holding the
 * separator, a list, a type other than its column's, -0, a key that is not an identifier),
 * an empty string apart from a missing one, and a column first seen in a later batch. And a push with more batches in flight than the driver's pool has connections —
 * a pool of one, held by another transaction for longer than the connect timeout (the old 5 s
 * acquisition timeout failed a real `load --neo4j` that way) — waits for the connection and
 * completes, every node and relationship written. Lives in a store of its own
 * (REVENANT_NEO4J_STORE-style name) and removes itself.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAIL_FAST_CONFIG } from '../../src/store/neo4jDriver.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { edgeBuckets } from '../../src/store/neo4jPush.js';
import { snapshotFileRows } from '../../src/store/neo4jRecords.js';
import { NodeColumns, SEP, ABSENT } from '../../src/store/neo4jNodeColumns.js';
import { nodeProperties, type PropValue, relProperties } from '../../src/store/neo4jSchema.js';
import { parseNodeKey } from '../../src/model/ids.js';
import { plain } from '../../src/store/neo4jGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import type { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';
import { SCENARIOS } from '../support/scenarios.js';

const STORE = `test-push-${randomUUID()}`;
let driver: Driver;
let store: Neo4jStore;
let sdb: SnapshotDb;
const id = `t-${Date.now()}-push`;
/** A driver whose pool has one connection, and the push through it. */
let driver1: Driver;
let store1: Neo4jStore;
const id1 = `${id}-pool1`;
/** Longer than the driver's connect timeout, and than the acquisition timeout it used to have. */
const HOLD_MS = FAIL_FAST_CONFIG.connectionTimeout + 2_000;

beforeAll(async () => {
  driver = openTestDriver();
  store = new Neo4jStore(driver, neo4jUri(), undefined, STORE);
  driver1 = openTestDriver({ maxConnectionPoolSize: 1 });
  store1 = new Neo4jStore(driver1, neo4jUri(), undefined, STORE);
  sdb = await loadInMemory([join(SCENARIOS, 'entra-owned-apps'), join(SCENARIOS, 'okta-lifecycle')]);
});
afterAll(async () => {
  await store?.remove(id).catch(() => undefined);
  await store?.remove(id1).catch(() => undefined);
  await driver1?.close();
  await driver?.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: STORE });
  await driver?.close();
  sdb?.close();
});

describe('the Neo4j push', () => {
  it('writes each edge as one relationship with exactly its properties', async () => {
    const pushed = await store.push(sdb, id);
    const fileIdx = new Map(snapshotFileRows(sdb).map((f) => [f.name, f.idx]));
    const expected = [...sdb.edges()].map((e) => {
      const file = e.file === undefined ? null : (fileIdx.get(e.file) ?? null);
      return { src: e.src, kind: e.kind, dst: e.dst, props: { ...relProperties(e.eid, e.props ? JSON.stringify(e.props) : null, file, e.line ?? null), snapshot: id } };
    });
    expect(expected.some((e) => 'props' in e.props)).toBe(true);
    expect(expected.some((e) => !('props' in e.props))).toBe(true);
    const { records } = await driver.executeQuery(
      'MATCH (a:RevenantNode {snapshot: $id})-[e]->(b:RevenantNode) WHERE e.snapshot = $id RETURN a.nid AS src, type(e) AS kind, b.nid AS dst, properties(e) AS props',
      { id },
    );
    const actual = records.map((r) => plain(r.toObject()) as (typeof expected)[number]);
    const bySeq = (x: { props: Record<string, unknown> }, y: { props: Record<string, unknown> }) => Number(x.props.seq) - Number(y.props.seq);
    expect(pushed.edges).toBe(expected.length);
    expect(actual.sort(bySeq)).toEqual(expected.sort(bySeq));
  });

  it('writes each node with exactly its properties', async () => {
    // Pushed by the test above; a full snapshot's lookup names are its name index's.
    const names = new Map<number, string[]>();
    for (const r of sdb.db.prepare('SELECT nid, name FROM names').iterate() as Iterable<{ nid: number; name: string }>) {
      if (r.name) (names.get(r.nid) ?? names.set(r.nid, []).get(r.nid)!).push(r.name);
    }
    const expected = [...sdb.allNodeRows()].map((r) => {
      const { sourceKey, id: nodeId } = parseNodeKey(r.key);
      const lookup = [...new Set(names.get(r.nid) ?? [])].sort();
      const props = JSON.parse(r.props) as Record<string, unknown>;
      return { ...nodeProperties({ nid: r.nid, key: r.key, id: nodeId, kind: sdb.kindOf(r.kind), sourceKey, props, propsJson: r.props, file: r.file, line: r.line, names: lookup }), snapshot: id };
    });
    const { records } = await driver.executeQuery('MATCH (n:RevenantNode {snapshot: $id}) RETURN properties(n) AS p, [l IN labels(n) WHERE l <> "RevenantNode"] AS kind', { id });
    const actual = records.map((r) => {
      const p = plain(r.get('p')) as Record<string, unknown>;
      expect(r.get('kind')).toEqual([p.kind]);
      return p;
    });
    const byNid = (x: Record<string, unknown>, y: Record<string, unknown>) => Number(x.nid) - Number(y.nid);
    expect(expected.length).toBeGreaterThan(40);
    expect(actual.sort(byNid)).toEqual(expected.sort(byNid));
  });

  it('sends node values as columns, and what a column cannot hold through the map of the rest', async () => {
    const snap = `${id}-columns`;
    const columns = new NodeColumns('CREATE (n:RevenantNode:EntraUser)');
    const first: Record<string, PropValue>[] = [
      { nid: 1, key: 'k1', s: 'plain', e: '', n: 0.1, b: true, list: ['a', 'b'], 'odd-key': 'x', neg: -5 },
      { nid: 2, key: 'k2', s: `has${SEP}sep`, n: 1e21, b: false, big: 2 ** 53 + 2, neg: -0 },
      { nid: 3, key: 'k3', s: `has${ABSENT}absent`, e: 'x', n: 'a string' as unknown as number, b: 'true' as unknown as boolean, '1x': 1 },
      { nid: 4, key: 'k4', s: ABSENT, tiny: 5e-324 },
    ];
    const later: Record<string, PropValue>[] = [
      { nid: 5, key: 'k5', s: 'again', added: 'later', e: '' },
      { nid: 6, key: 'k6', n: 3, added: 7 as unknown as string },
    ];
    const a = columns.statement(first, snap);
    const b = columns.statement(later, snap);
    // The columns go as one string each; the rest only for the rows that have any.
    expect(Object.keys(a.params.rest as object).sort()).toEqual(['0', '1', '2', '3']);
    expect(Object.keys(b.params.rest as object)).toEqual(['1']);
    expect(b.query).toContain('n.`added`');
    try {
      for (const st of [a, b]) {
        const { records } = await driver.executeQuery(st.query, st.params);
        expect((records[0].get('nids') as number[]).length).toBe(st === a ? 4 : 2);
      }
      const { records } = await driver.executeQuery('MATCH (n:RevenantNode {snapshot: $snap}) RETURN properties(n) AS p ORDER BY n.nid', { snap });
      expect(records.map((r) => plain(r.get('p')))).toEqual([...first, ...later].map((r) => ({ ...r, snapshot: snap })));
    } finally {
      await driver.executeQuery('MATCH (n:RevenantNode {snapshot: $snap}) DELETE n', { snap });
    }
  });

  it('puts an edge batch on the buckets of both its ends, one bucket when they share it', () => {
    expect(edgeBuckets(5, 9)).toEqual([1]);
    expect(edgeBuckets(4, 7)).toEqual([0, 3]);
    expect(edgeBuckets(7, 4)).toEqual([3, 0]);
  });
});

describe('a busy pool is waited for', () => {
  it('completes a push with more batches in flight than pool connections, the only one held meanwhile', { timeout: 120_000 }, async () => {
    // Every batch of the push (two node batches, two relationship writers) queues for the one connection.
    const session = driver1.session();
    const tx = await session.beginTransaction();
    let pushed: Awaited<ReturnType<Neo4jStore['push']>> | undefined;
    let failed: unknown;
    const push = store1.push(sdb, id1).then(
      (r) => (pushed = r),
      (e: unknown) => (failed = e),
    );
    try {
      await new Promise((r) => setTimeout(r, HOLD_MS));
      // The push is still waiting for the connection: nothing of it is written yet.
      const seen = await tx.run('MATCH (s:RevenantSnapshot {id: $id}) RETURN count(s) AS n', { id: id1 });
      expect(Number(seen.records[0].get('n'))).toBe(0);
      expect(pushed).toBeUndefined();
      expect(failed).toBeUndefined();
    } finally {
      await tx.commit();
      await session.close();
    }
    await push;
    expect(failed).toBeUndefined();
    const edges = [...sdb.edges()].length;
    expect(pushed).toMatchObject({ nodes: Number(sdb.meta.get('nodes')), edges });
    const { records } = await driver.executeQuery(
      `MATCH (s:RevenantSnapshot {id: $id}) WITH s
       CALL { MATCH (n:RevenantNode {snapshot: $id}) RETURN count(n) AS nodes }
       CALL { MATCH (:RevenantNode {snapshot: $id})-[e]->() WHERE e.snapshot = $id RETURN count(e) AS rels }
       RETURN s.status AS status, nodes, rels`,
      { id: id1 },
    );
    expect(records.map((r) => ({ status: r.get('status') as string, nodes: Number(r.get('nodes')), rels: Number(r.get('rels')) }))).toEqual([
      { status: 'complete', nodes: Number(sdb.meta.get('nodes')), rels: edges },
    ]);
  });
});
