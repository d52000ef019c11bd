/**
 * Snapshots in Neo4j and the `--neo4j` commands, against the real test Neo4j (never skipped):
 * several snapshots coexist and each query sees only its own; the latest pointer moves only when
 * a load completes, so a load that fails half-way leaves the previous snapshot intact and the
 * latest; prune keeps the newest N and removes abandoned loads; `load --neo4j` then
 * `residual|blast-radius|paths --neo4j` print the same JSON as the embedded engine, and so does
 * `residual --collection` with NEO4J_URI set; an unreachable server fails in seconds, clearly.
 * Everything here lives in a store of its own (REVENANT_NEO4J_STORE), so suites running at the
 * same time against the same server (the HTTP API's, on the default store) never see its latest.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResidual } from '../../queries/residual.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import type { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { cli } from '../support/cli.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';
import { SCENARIOS, expectedOf } from '../support/scenarios.js';

const OWNED = join(SCENARIOS, 'entra-owned-apps');
const OKTA = join(SCENARIOS, 'okta-lifecycle');

const STORE = `test-${randomUUID()}`;
let driver: Driver;
let store: Neo4jStore;
const tmp: string[] = [];
const mine: string[] = [];

async function count(id: string): Promise<number> {
  const { records } = await driver.executeQuery('MATCH (n:RevenantNode {snapshot: $id}) RETURN count(n) AS n', { id });
  return Number(records[0].get('n'));
}

beforeAll(() => {
  driver = openTestDriver();
  store = new Neo4jStore(driver, neo4jUri(), undefined, STORE);
});
afterAll(async () => {
  for (const id of mine) await store.remove(id).catch(() => undefined);
  await driver?.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: STORE });
  await driver?.close();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('snapshots in Neo4j', () => {
  let first: SnapshotDb;
  let second: SnapshotDb;
  const ids = [`t-${Date.now()}-a`, `t-${Date.now()}-b`];

  beforeAll(async () => {
    first = await loadInMemory([OWNED]);
    second = await loadInMemory([OKTA]);
  });
  afterAll(() => {
    first?.close();
    second?.close();
  });

  it('coexist, each query scoped to its own, and the latest moves when a load completes', async () => {
    mine.push(...ids);
    await store.push(first, ids[0]);
    expect(await store.latestId()).toBe(ids[0]);
    await store.push(second, ids[1]);
    expect(await store.latestId()).toBe(ids[1]);
    const listed = (await store.list()).map((s) => s.id);
    expect(listed).toEqual(expect.arrayContaining(ids));
    expect(await count(ids[0])).toBe((first.db.prepare('SELECT count(*) AS n FROM nodes').get() as { n: number }).n);

    const at = Date.parse(expectedOf('entra-owned-apps').at);
    const a = await runResidualNeo4j(await store.open(ids[0]), { all: true, at });
    expect(a.snapshot).toBe(ids[0]);
    expect(a.findings.every((f) => f.subject.source === 'entra')).toBe(true);
    const e = runResidual(new LazyGraph(first, ids[0]), { all: true, at });
    expect(a).toEqual(e);
    const b = await runResidualNeo4j(await store.open(), { all: true });
    expect(b.snapshot).toBe(ids[1]);
    expect(b.findings.every((f) => f.subject.source === 'okta')).toBe(true);
  });

  it('a load that fails half-way leaves the previous snapshot intact and the latest', async () => {
    const failing = `t-${Date.now()}-fail`;
    const broken = Object.create(second) as SnapshotDb;
    broken.edges = function* () {
      let i = 0;
      for (const e of second.edges()) {
        if (++i > 10) throw new Error('disk on fire');
        yield e;
      }
    };
    await expect(store.push(broken, failing)).rejects.toThrow(/disk on fire/);
    expect(await store.latestId()).toBe(ids[1]);
    expect((await store.list()).map((s) => s.id)).not.toContain(failing);
    expect(await count(failing)).toBe(0);
    expect(await count(ids[1])).toBeGreaterThan(0);
    const b = await runResidualNeo4j(await store.open(), { all: true });
    expect(b.snapshot).toBe(ids[1]);
    // The same id cannot be pushed twice.
    await expect(store.push(second, ids[1])).rejects.toThrow(/already in Neo4j/);
  });

  it('prune keeps the newest N, never the latest, and removes loads abandoned long ago', async () => {
    const stale = `t-${Date.now()}-stale`;
    mine.push(stale);
    await driver.executeQuery(
      `CREATE (:RevenantSnapshot {id: $id, store: $store, status: 'loading', heartbeat: 0, sources: '[]'})
       CREATE (:RevenantNode {snapshot: $id, key: 'x', kind: 'EntraUser'})`,
      { id: stale, store: STORE },
    );
    const removed = await store.prune(1);
    expect(removed).toContain(stale);
    expect(removed).toContain(ids[0]);
    expect(removed).not.toContain(ids[1]);
    expect(await count(stale)).toBe(0);
    expect(await count(ids[0])).toBe(0);
    expect(await store.latestId()).toBe(ids[1]);
  });
});

describe('the --neo4j commands', () => {
  const uri = neo4jUri();
  const env = { NEO4J_URI: '', REVENANT_NEO4J_STORE: STORE };

  it('load --neo4j, then residual, blast-radius and paths print what the embedded engine prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-neo4j-cli-'));
    tmp.push(dir);
    const load = cli(['load', OWNED, '--store', dir, '--neo4j', uri], env);
    expect(load.status, load.stderr).toBe(0);
    const id = load.stdout.trim();
    mine.push(id);
    expect(load.stderr).toContain(`pushed snapshot ${id} into Neo4j`);
    // The first query after the load finds its plans ready (queries/warmPlans.ts).
    expect(load.stderr).toMatch(/revenant: Neo4j query plans warm in [\d.]+ s \(\d+ queries\)/);
    const at = expectedOf('entra-owned-apps').at;
    const same = (args: string[]) => {
      const e = cli([...args, '--store', dir, '--format', 'json'], env);
      const n = cli([...args, '--neo4j', uri, '--format', 'json'], env);
      expect(e.status, e.stderr).toBe(0);
      expect(n.status, n.stderr).toBe(0);
      expect(n.stdout).toBe(e.stdout);
    };
    same(['residual', '--all', '--at', at]);
    same(['residual', '--all', '--at', at, '--snapshot', id]);
    const subjects = (JSON.parse(cli(['residual', '--all', '--store', dir, '--format', 'json', '--at', at], env).stdout) as { subjects: { id: string }[] }).subjects;
    for (const s of subjects) {
      same(['residual', s.id, '--at', at]);
      same(['blast-radius', s.id]);
      same(['paths', s.id, 'tier0']);
    }
    const list = JSON.parse(cli(['snapshots', '--neo4j', uri, '--format', 'json'], env).stdout) as { snapshots: { id: string; latest: boolean }[] };
    expect(list.snapshots.find((s) => s.id === id)?.latest).toBe(true);
  });

  it('residual --collection with NEO4J_URI set loads first and answers like the embedded engine', () => {
    const exp = expectedOf('okta-lifecycle');
    const args = ['residual', '--all', '--collection', OKTA, '--at', exp.at, '--format', 'json'];
    const e = cli(args, { NEO4J_URI: '' });
    const n = cli(args, { NEO4J_URI: uri, REVENANT_NEO4J_STORE: STORE });
    expect(e.status, e.stderr).toBe(0);
    expect(n.status, n.stderr).toBe(0);
    expect(n.stdout).toBe(e.stdout);
  });

  it('an unreachable server fails in seconds with one clear line', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const t0 = Date.now();
    const r = cli(['residual', '--all', '--neo4j', `bolt://127.0.0.1:${port}`], env);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot reach Neo4j at bolt://127.0.0.1:${port}`);
    const bad = cli(['snapshots', '--neo4j', 'http://127.0.0.1:7474'], env);
    expect(bad.status).toBe(2);
  });
});
