/**
 * Cluster and Aura readiness, against the single real Neo4j the tests start (never skipped):
 * the routing scheme `neo4j://` works end to end (a single server with routing answers its own
 * routing table), `--neo4j-database` / NEO4J_DATABASE pick the database (an unknown one fails
 * clearly), queries are sent as reads (read sessions: a cluster routes them to secondaries) while
 * the latest pointer is read on the leader, every query shares the driver's bookmarks (so a read
 * after a load sees it), and work the driver does not retry itself is retried on transient
 * errors only.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { type Driver, Neo4jError } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { CLUSTER_RETRY_MS, FAIL_FAST_CONFIG, retryTimeFor, withRetries } from '../../src/store/neo4jDriver.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { neo4jTarget } from '../../src/store/neo4jTarget.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import { cli } from '../support/cli.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';
import { SCENARIOS, expectedOf } from '../support/scenarios.js';

const OWNED = join(SCENARIOS, 'entra-owned-apps');
const STORE = `test-cluster-${randomUUID()}`;
const routingUri = () => neo4jUri().replace(/^bolt(\+s|\+ssc)?:\/\//, 'neo4j$1://');

let driver: Driver;
const tmp: string[] = [];
const mine: string[] = [];

beforeAll(() => {
  driver = openTestDriver();
});
afterAll(async () => {
  const store = new Neo4jStore(driver, neo4jUri(), undefined, STORE);
  for (const id of mine) await store.remove(id).catch(() => undefined);
  await driver?.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: STORE });
  await driver?.close();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('choosing the database', () => {
  it('--neo4j-database wins over NEO4J_DATABASE; a bad name is refused', () => {
    expect(neo4jTarget({ neo4j: 'neo4j+s://x.databases.neo4j.io' }, { NEO4J_DATABASE: 'revenant' })?.database).toBe('revenant');
    expect(neo4jTarget({ neo4j: 'neo4j://a', neo4jDatabase: 'graph-2' }, { NEO4J_DATABASE: 'revenant' })?.database).toBe('graph-2');
    expect(neo4jTarget({ neo4j: 'bolt://a' }, {})?.database).toBeUndefined();
    expect(() => neo4jTarget({ neo4j: 'bolt://a', neo4jDatabase: 'no spaces' }, {})).toThrow(/--neo4j-database: "no spaces" is not a Neo4j database name/);
    expect(() => neo4jTarget({ neo4j: 'bolt://a' }, { NEO4J_DATABASE: '1x' })).toThrow(/NEO4J_DATABASE/);
  });
});

describe('a routing URI against the test server', () => {
  const env = { NEO4J_URI: '', REVENANT_NEO4J_STORE: STORE };

  it('load, snapshots and residual over neo4j:// with --neo4j-database answer like the embedded engine', () => {
    const uri = routingUri();
    expect(uri).toMatch(/^neo4j:\/\//);
    const dir = mkdtempSync(join(tmpdir(), 'revenant-cluster-'));
    tmp.push(dir);
    const load = cli(['load', OWNED, '--store', dir, '--neo4j', uri, '--neo4j-database', 'neo4j'], env);
    expect(load.status, load.stderr).toBe(0);
    const id = load.stdout.trim();
    mine.push(id);
    const at = expectedOf('entra-owned-apps').at;
    const embedded = cli(['residual', '--all', '--at', at, '--store', dir, '--format', 'json'], env);
    // Right after the load, in another process, through the routing driver: the new snapshot is the latest.
    const viaEnv = cli(['residual', '--all', '--at', at, '--format', 'json'], { ...env, NEO4J_URI: uri, NEO4J_DATABASE: 'neo4j' });
    expect(viaEnv.status, viaEnv.stderr).toBe(0);
    expect(viaEnv.stdout).toBe(embedded.stdout);
    expect(JSON.parse(viaEnv.stdout).snapshot).toBe(id);
    const list = JSON.parse(cli(['snapshots', '--neo4j', uri, '--neo4j-database', 'neo4j', '--format', 'json'], env).stdout) as { snapshots: { id: string; latest: boolean }[] };
    expect(list.snapshots.find((s) => s.id === id)?.latest).toBe(true);
  });

  it('an unknown database fails with a clear message, not a stack trace', () => {
    const r = cli(['residual', '--all', '--neo4j', routingUri(), '--neo4j-database', 'no-such-db', '--format', 'json'], { NEO4J_URI: '', REVENANT_NEO4J_STORE: STORE });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no-such-db/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('transactions, routing and bookmarks', () => {
  it('queries are reads; the latest pointer is read on the leader; bookmarks follow the load', async () => {
    const store = new Neo4jStore(driver, neo4jUri(), 'neo4j', STORE);
    const db = await loadInMemory([OWNED]);
    const id = `cluster-${Date.now()}`;
    const before = [...(await driver.executeQueryBookmarkManager.getBookmarks())];
    await store.push(db, id);
    db.close();
    mine.push(id);
    const after = [...(await driver.executeQueryBookmarkManager.getBookmarks())];
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toEqual(before);

    const calls: { query: string; routing: unknown; database: unknown }[] = [];
    const original = driver.executeQuery.bind(driver);
    driver.executeQuery = ((query: string, params?: Record<string, unknown>, config?: { routing?: unknown; database?: unknown }) => {
      calls.push({ query, routing: config?.routing, database: config?.database });
      return original(query, params, config as never);
    }) as typeof driver.executeQuery;
    // The engine's reads are auto-commit queries of a session each (Neo4jSnapshot.rows, the store's
    // read), named subjects' rules one read transaction of their own session (rowsOfAll).
    const sessions: { mode: unknown; database: unknown; queries: string[] }[] = [];
    const originalSession = driver.session.bind(driver);
    driver.session = ((config?: { defaultAccessMode?: unknown; database?: string }) => {
      const session = originalSession(config as never);
      const seen = { mode: config?.defaultAccessMode, database: config?.database, queries: [] as string[] };
      sessions.push(seen);
      const run = session.run.bind(session);
      session.run = ((query: string, params?: Record<string, unknown>, cfg?: unknown) => {
        seen.queries.push(query);
        return run(query, params, cfg as never);
      }) as typeof session.run;
      return session;
    }) as typeof driver.session;
    try {
      const snap = await store.open();
      expect(snap.snapshotId).toBe(id);
      const all = await runResidualNeo4j(snap, { all: true });
      const named = all.findings[0].subject;
      const one = await runResidualNeo4j(snap, { subjects: [`${named.source}:${named.id}`] });
      expect(one.findings.length).toBeGreaterThan(0);
      expect(one.findings).toEqual(all.findings.filter((f) => f.subject.id === named.id && f.subject.source === named.source));
    } finally {
      driver.executeQuery = original;
      driver.session = originalSession;
    }
    for (const s of sessions) expect(s.database).toBe('neo4j');
    for (const c of calls) expect(c.database).toBe('neo4j');
    // The latest pointer on the leader, every other query a read (a cluster routes it to a secondary).
    const latest = sessions.filter((s) => s.queries.some((q) => /st\.latest/.test(q)));
    expect(latest.length).toBeGreaterThan(0);
    for (const s of latest) expect(s.mode).toBe(neo4j.session.WRITE);
    const reads = sessions.filter((s) => !s.queries.some((q) => /st\.latest/.test(q)));
    expect(reads.length).toBeGreaterThan(5);
    for (const s of reads) expect(s.mode, s.queries[0]).toBe(neo4j.session.READ);
    for (const c of calls) expect(c.routing, c.query).toBe(/st\.latest/.test(c.query) ? neo4j.routing.WRITE : neo4j.routing.READ);

    // The deletes run as auto-commit queries in the same bookmark chain.
    const beforeRemove = await driver.executeQueryBookmarkManager.getBookmarks();
    await store.remove(id);
    mine.pop();
    expect(await driver.executeQueryBookmarkManager.getBookmarks()).not.toEqual(beforeRemove);
  });

  it('retries for 30 s over a routing URI (leader switches), briefly over bolt:// (a lone server that is down)', () => {
    expect(retryTimeFor('neo4j+s://x.databases.neo4j.io')).toBe(CLUSTER_RETRY_MS);
    expect(retryTimeFor('neo4j://core1:7687')).toBe(CLUSTER_RETRY_MS);
    expect(retryTimeFor('bolt://127.0.0.1:7687')).toBe(FAIL_FAST_CONFIG.maxTransactionRetryTime);
    expect(CLUSTER_RETRY_MS).toBeGreaterThanOrEqual(30_000);
  });

  it('retries transient errors with back-off, never other errors, and gives up in time', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    let n = 0;
    const flaky = async () => {
      if (++n < 3) throw new Neo4jError('leader switched', 'Neo.TransientError.General.DatabaseUnavailable', '', '');
      return 'done';
    };
    expect(await withRetries(flaky, 30_000, sleep)).toBe('done');
    expect(n).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0]);

    let m = 0;
    const wrong = async () => {
      m++;
      throw new Neo4jError('syntax', 'Neo.ClientError.Statement.SyntaxError', '', '');
    };
    await expect(withRetries(wrong, 30_000, sleep)).rejects.toThrow('syntax');
    expect(m).toBe(1);

    let k = 0;
    const down = async () => {
      k++;
      throw new Neo4jError('unavailable', neo4j.error.SERVICE_UNAVAILABLE, '', '');
    };
    await expect(withRetries(down, 1_000, sleep)).rejects.toThrow('unavailable');
    expect(k).toBeGreaterThan(1);
    expect(k).toBeLessThan(10);
  });
});
