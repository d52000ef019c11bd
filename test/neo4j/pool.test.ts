/**
 * Connecting fails fast, waiting for a busy pool does not (issue 13; against the real test
 * Neo4j). A server that is down, or a port that never speaks Bolt, is still reported within
 * seconds with the product's driver settings; but a push with more batches in flight than the
 * driver's pool has connections — here a pool of one, held by another transaction for longer
 * than the connect timeout (the old 5 s acquisition timeout failed a real `load --neo4j` this
 * way) — waits for the connection and completes, every node and relationship written.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUT_MS, FAIL_FAST_CONFIG, Neo4jConnectionError, connectNeo4j } from '../../src/store/neo4jDriver.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import type { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';
import { SCENARIOS } from '../support/scenarios.js';

const STORE = `test-pool-${randomUUID()}`;
const id = `t-${Date.now()}-pool`;
/** Longer than the driver's connect timeout, and than the acquisition timeout it used to have. */
const HOLD_MS = FAIL_FAST_CONFIG.connectionTimeout + 2_000;
let driver: Driver;
let store: Neo4jStore;
let sdb: SnapshotDb;

beforeAll(async () => {
  // One connection: every batch of the push (two node batches, two relationship writers) queues for it.
  driver = openTestDriver({ maxConnectionPoolSize: 1 });
  store = new Neo4jStore(driver, neo4jUri(), undefined, STORE);
  sdb = await loadInMemory([join(SCENARIOS, 'entra-owned-apps'), join(SCENARIOS, 'okta-lifecycle')]);
});
afterAll(async () => {
  await store?.remove(id).catch(() => undefined);
  await driver?.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: STORE });
  await driver?.close();
  sdb?.close();
});

describe('a busy pool is waited for', () => {
  it('completes a push with more batches in flight than pool connections, the only one held meanwhile', { timeout: 120_000 }, async () => {
    const session = driver.session();
    const tx = await session.beginTransaction();
    let pushed: Awaited<ReturnType<Neo4jStore['push']>> | undefined;
    let failed: unknown;
    const push = store.push(sdb, id).then(
      (r) => (pushed = r),
      (e: unknown) => (failed = e),
    );
    try {
      await new Promise((r) => setTimeout(r, HOLD_MS));
      // The push is still waiting for the connection: nothing of it is written yet.
      const seen = await tx.run('MATCH (s:RevenantSnapshot {id: $id}) RETURN count(s) AS n', { id });
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
      { id },
    );
    expect(records.map((r) => ({ status: r.get('status') as string, nodes: Number(r.get('nodes')), rels: Number(r.get('rels')) }))).toEqual([
      { status: 'complete', nodes: Number(sdb.meta.get('nodes')), rels: edges },
    ]);
  });
});

describe('connecting still fails fast', () => {
  it('reports a server that is down within seconds, with the same settings', { timeout: 30_000 }, async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const t0 = Date.now();
    const error = await connectNeo4j({ uri: `bolt://127.0.0.1:${port}` }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Neo4jConnectionError);
    expect((error as Error).message).toMatch(/connection refused/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('reports a port that never speaks Bolt within the connect bound, not the pool wait', { timeout: 30_000 }, async () => {
    expect(FAIL_FAST_CONFIG.connectionAcquisitionTimeout).toBeGreaterThan(10 * CONNECT_TIMEOUT_MS);
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const uri = `bolt://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const t0 = Date.now();
    try {
      const error = await connectNeo4j({ uri }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Neo4jConnectionError);
      expect((error as Error).message).toMatch(new RegExp(`^cannot reach Neo4j at ${uri}: no answer within 7.5 s$`));
      expect(Date.now() - t0).toBeLessThan(CONNECT_TIMEOUT_MS + 2_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
