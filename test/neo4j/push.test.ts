/**
 * The Neo4j push writes every relationship exactly (against the real test Neo4j): each edge of
 * the SQLite snapshot becomes one relationship of its kind between the right nodes, with its
 * `seq`, `file`, `line` and, for edges with properties, `props` and the flattened properties —
 * whether it went as a column list (no properties) or as a map, and whichever node-bucket batch
 * it fell in. And a push with more batches in flight than the driver's pool has connections —
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
import { relProperties } from '../../src/store/neo4jSchema.js';
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
