/**
 * The development/CI Neo4j (npm run neo4j:start) answers Bolt, runs Cypher, round-trips
 * awkward parameter values verbatim; and the product's driver factory reports an unreachable
 * server within seconds as one clear line — although its pool waits long for a busy connection
 * (the first contact is bounded on its own; the busy pool is tested in push.test.ts), and its
 * sockets to the server have Nagle's algorithm off. Needs a running server: see
 * test/support/neo4j.ts.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Driver } from 'neo4j-driver';
import {
  asNeo4jConnectionError,
  CONNECT_TIMEOUT_MS,
  connectNeo4j,
  FAIL_FAST_CONFIG,
  Neo4jConnectionError,
  openNeo4jDriver,
  verifyNeo4jReachable,
} from '../../src/store/neo4jDriver.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';

const LABEL = 'RevenantLauncherTest';
const runId = randomUUID();

/** A Cypher number as a JS number: floats arrive as number, integers as neo4j Integer. */
function num(v: unknown): number {
  return typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
}

/** A port with nothing listening on it (bound, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the launched Neo4j', () => {
  let driver: Driver;

  beforeAll(async () => {
    driver = openTestDriver();
    await verifyNeo4jReachable(driver, neo4jUri());
  });

  afterAll(async () => {
    if (!driver) return;
    await driver.executeQuery(`MATCH (n:${LABEL} {runId: $runId}) DETACH DELETE n`, { runId });
    await driver.close();
  });

  it('answers RETURN 1', async () => {
    const { records } = await driver.executeQuery('RETURN 1 AS one');
    expect(records).toHaveLength(1);
    expect(num(records[0].get('one'))).toBe(1);
  });

  it('is Neo4j 5 and writable', async () => {
    const { records } = await driver.executeQuery(
      'CALL dbms.components() YIELD name, versions RETURN name, versions[0] AS version',
    );
    expect(records[0].get('name')).toBe('Neo4j Kernel');
    expect(records[0].get('version')).toMatch(/^5\./);
  });

  it('writes and reads back parameter values with quotes, backticks, braces and Cypher keywords verbatim', async () => {
    const awkward = [
      `it's a "quoted" value`,
      'back`tick` and ``double``',
      '{braces} ${template} {{mustache}} [brackets]',
      'MATCH (n) DETACH DELETE n',
      `'}) MATCH (m) DETACH DELETE m //`,
      '"); CREATE (:Injected) RETURN 1 //',
      'RETURN 1; DROP DATABASE neo4j',
      'back\\slash \\u0000 and \\n literally',
      'line one\nline two\ttabbed\r\n',
      'unicode: Ünïcødé — 名前 — 🙂',
      '',
      ' leading and trailing spaces ',
    ];
    const rows = awkward.map((value, i) => ({ key: `k${i}`, value, props: { 'we`ird key': value, 'sp ace': i } }));

    await driver.executeQuery(
      `UNWIND $rows AS row
       CREATE (n:${LABEL} {runId: $runId, key: row.key, value: row.value})
       SET n += row.props`,
      { rows, runId },
    );

    const { records } = await driver.executeQuery(
      `MATCH (n:${LABEL} {runId: $runId})
       RETURN n.key AS key, n.value AS value, n.\`we\`\`ird key\` AS weird, n.\`sp ace\` AS i`,
      { runId },
    );
    const got = records.map((r) => ({
      key: r.get('key') as string,
      value: r.get('value') as string,
      weird: r.get('weird') as string,
      i: num(r.get('i')), // a JS number parameter is stored as a float
    }));
    const want = awkward.map((value, i) => ({ key: `k${i}`, value, weird: value, i }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(got.sort(byKey)).toEqual(want.sort(byKey));

    // Lookup by an awkward value as a parameter finds exactly that node.
    for (const value of awkward) {
      const found = await driver.executeQuery(`MATCH (n:${LABEL} {runId: $runId, value: $value}) RETURN n.key AS key`, {
        runId,
        value,
      });
      expect(found.records.map((r) => r.get('key'))).toEqual([`k${awkward.indexOf(value)}`]);
    }

    // None of the values was executed as Cypher.
    const injected = await driver.executeQuery('MATCH (n:Injected) RETURN count(n) AS c');
    expect(num(injected.records[0].get('c'))).toBe(0);
  });
});

describe("the driver's sockets", () => {
  it('turn Nagle off (TCP_NODELAY) on every connection to the server', async () => {
    const noDelay = vi.spyOn(net.Socket.prototype, 'setNoDelay');
    const driver = openTestDriver();
    try {
      const session = driver.session();
      const other = driver.session();
      try {
        // Two sessions at once: two pooled connections, each a socket of its own.
        await Promise.all([session.run('RETURN 1'), other.run('RETURN 2')]);
      } finally {
        await session.close();
        await other.close();
      }
      // Each socket the driver opened (set before it connects) asked for no-delay, and nothing turned it back on.
      expect(new Set(noDelay.mock.contexts).size).toBeGreaterThanOrEqual(2);
      expect(noDelay.mock.calls.every((c) => c[0] === true)).toBe(true);
    } finally {
      noDelay.mockRestore();
      await driver.close();
    }
  });
});

describe('openNeo4jDriver against an unreachable server', () => {
  it('fails in under 10 s with one clear line when nothing listens on the port', async () => {
    const uri = `bolt://127.0.0.1:${await freePort()}`;
    const t0 = Date.now();
    const error = await connectNeo4j({ uri }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - t0;

    expect(error).toBeInstanceOf(Neo4jConnectionError);
    const message = (error as Error).message;
    expect(message.startsWith(`cannot reach Neo4j at ${uri}: `)).toBe(true);
    expect(message).toMatch(/connection refused/);
    expect(message).not.toMatch(/\n/);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('turns a failure of a later query into the same error', async () => {
    const uri = `bolt://127.0.0.1:${await freePort()}`;
    const driver = openNeo4jDriver({ uri });
    const t0 = Date.now();
    try {
      const error = await driver.executeQuery('RETURN 1').then(
        () => undefined,
        (e: unknown) => asNeo4jConnectionError(uri, e),
      );
      expect(error).toBeInstanceOf(Neo4jConnectionError);
      expect((error as Error).message).toMatch(new RegExp(`^cannot reach Neo4j at ${uri}: [^\\n]+$`));
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await driver.close();
    }
  });

  it('fails in under 10 s when the port accepts TCP but never speaks Bolt (the connect bound, not the long pool wait)', { timeout: 20_000 }, async () => {
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
      expect((error as Error).message).toBe(`cannot reach Neo4j at ${uri}: no answer within 7.5 s`);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('rejects a URI that is not Bolt before any I/O', () => {
    expect(() => openNeo4jDriver({ uri: 'http://127.0.0.1:7474' })).toThrow(/must start with one of bolt:\/\//);
    expect(() => openNeo4jDriver({ uri: '' })).toThrow(/non-empty/);
  });
});
