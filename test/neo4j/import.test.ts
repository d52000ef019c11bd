/**
 * The offline first load, `revenant neo4j import`, against real Neo4j: a small synthetic tenant
 * (with GitHub and Azure) and one scenario, loaded into the embedded store as one snapshot, then
 * imported into a new database of a Neo4j of its own (neo4j-launcher/neo4j-admin, the launcher
 * started by --neo4j-start) and pushed online into the test Neo4j. Every node and relationship
 * has the same labels, type and properties in both; `residual --all`, one subject, `paths`,
 * `blast-radius` and the API answer byte for byte the same on both. A database that holds data is
 * refused (exit 2, before anything is written), and a failed import leaves no database and no
 * CSV behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Neo4jSource } from '../../src/api/snapshot/SnapshotSource.js';
import { openNeo4jDriver } from '../../src/store/neo4jDriver.js';
import { plain } from '../../src/store/neo4jGraph.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { bearer, createKey, makeApp, waitFor } from '../api/helpers.js';
import { cli } from '../support/cli.js';
import { neo4jUri, openTestDriver, pushSnapshot } from '../support/neo4j.js';
import { ROOT, SCENARIOS } from '../support/scenarios.js';

const LAUNCHER = join(ROOT, 'neo4j-launcher');
const ADMIN = join(LAUNCHER, 'neo4j-admin');
const JAR = join(LAUNCHER, 'target', 'neo4j-launcher.jar');
const STORE = `test-import-${process.pid}`;

let work: string;
let storeDir: string;
let id: string;
let home: string;
let importedUri: string;
let launcherPid: number | undefined;
let testDriver: Driver;
let online: Neo4jStore;
let importedDriver: Driver;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The shell command that starts a launcher on `dir` in the background, its pid in dir/pid. */
const startCommand = (dir: string, port: number) =>
  `java -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar '${JAR}' '${dir}' ${port} > '${dir}/stdout.log' 2> '${dir}/stderr.log' & echo $! > '${dir}/pid'`;

function run(args: string[], env: Record<string, string> = {}) {
  return cli(args, { NEO4J_URI: '', REVENANT_NEO4J_STORE: '', ...env });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'revenant-import-test-'));
  storeDir = join(work, 'store');
  const col = join(work, 'col');
  const synth = run(['synth', '--users', '200', '--seed', '5', '--github', '--azure', '--out', col]);
  expect(synth.status, synth.stderr).toBe(0);
  const load = run(['load', ...['entra', 'okta', 'hr', 'github', 'azure'].map((s) => join(col, s)), join(SCENARIOS, 'entra-owned-apps', 'entra'), '--store', storeDir]);
  expect(load.status, load.stderr).toBe(0);
  id = load.stdout.trim();

  // Online: the push into the test Neo4j, in a store of its own.
  testDriver = openTestDriver();
  online = new Neo4jStore(testDriver, neo4jUri(), undefined, STORE);
  await pushSnapshot(online, storeDir, id);

  // Offline: the import into a new database of a Neo4j of its own.
  home = join(work, 'neo4j-home');
  mkdirSync(home);
  importedUri = `bolt://127.0.0.1:${await freePort()}`;
  const imp = run(['neo4j', 'import', '--store', storeDir, '--neo4j', importedUri, '--neo4j-home', home, '--neo4j-admin', ADMIN, '--neo4j-start', startCommand(home, Number(importedUri.split(':').at(-1)))]);
  if (existsSync(join(home, 'pid'))) launcherPid = Number(readFileSync(join(home, 'pid'), 'utf8'));
  expect(imp.status, imp.stderr).toBe(0);
  expect(imp.stdout.trim()).toBe(id);
  importedDriver = openNeo4jDriver({ uri: importedUri });
}, 600_000);

afterAll(async () => {
  await online?.remove(id).catch(() => undefined);
  await testDriver?.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: STORE }).catch(() => undefined);
  await testDriver?.close();
  await importedDriver?.close();
  if (launcherPid) {
    try {
      process.kill(launcherPid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(launcherPid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

/** Every node (labels, properties) and relationship (type, ends, properties) of snapshot `id`, sorted. */
async function graphOf(driver: Driver): Promise<{ nodes: string[]; rels: string[]; findings: string[]; snapshot: string }> {
  const rows = async (q: string) => (await driver.executeQuery(q, { id })).records.map((r) => JSON.stringify(plain(r.toObject()))).sort();
  const [snapshot] = await rows(
    // heartbeat and loadedAt are times of the load, store the store's name (each test store has its own).
    'MATCH (s:RevenantSnapshot {id: $id}) RETURN labels(s) AS labels, s {.*, heartbeat: null, loadedAt: null, store: null} AS p',
  );
  return {
    nodes: await rows('MATCH (n:RevenantNode {snapshot: $id}) WITH n, labels(n) AS l UNWIND l AS x WITH n, x ORDER BY x RETURN n.key AS key, collect(x) AS labels, properties(n) AS p'),
    rels: await rows(
      'MATCH (a {snapshot: $id})-[e]->(b) WHERE e.snapshot = $id RETURN coalesce(a.key, a.id) AS a, type(e) AS type, coalesce(b.key, b.id) AS b, properties(e) AS p',
    ),
    findings: await rows('MATCH (f:RevenantFinding {snapshot: $id}) RETURN labels(f) AS labels, properties(f) AS p'),
    snapshot,
  };
}

/** Sort keys of maps so that property order (storage order) does not count. */
const canonical = (s: string): string => JSON.stringify(JSON.parse(s), (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

describe('revenant neo4j import', () => {
  it('writes every node, relationship and finding with the labels and properties the online push writes', async () => {
    const a = await graphOf(testDriver);
    const b = await graphOf(importedDriver);
    expect(a.nodes.length).toBeGreaterThan(1000);
    expect(a.rels.length).toBeGreaterThan(3000);
    expect(a.findings.length).toBeGreaterThan(50);
    expect(b.nodes.map(canonical).sort()).toEqual(a.nodes.map(canonical).sort());
    expect(b.rels.map(canonical).sort()).toEqual(a.rels.map(canonical).sort());
    expect(b.findings.map(canonical).sort()).toEqual(a.findings.map(canonical).sort());
    expect(canonical(b.snapshot)).toEqual(canonical(a.snapshot));
    // The same schema (constraints and indexes), and the snapshot is the latest.
    const schema = async (d: Driver) => (await d.executeQuery('SHOW INDEXES YIELD name, labelsOrTypes, properties, type RETURN name, labelsOrTypes, properties, type ORDER BY name')).records.map((r) => r.toObject());
    expect(await schema(importedDriver)).toEqual(await schema(testDriver));
    const latest = await importedDriver.executeQuery("MATCH (st:RevenantStore {name: 'default'}) MATCH (s:RevenantSnapshot {id: st.latest}) RETURN s.status AS status, s.id AS id");
    expect(latest.records.map((r) => r.toObject())).toEqual([{ status: 'complete', id }]);
  });

  it('answers every query byte for byte as the online push does', () => {
    const onlineEnv = { REVENANT_NEO4J_STORE: STORE };
    const both = (args: string[]) => {
      const x = run([...args, '--neo4j', neo4jUri()], onlineEnv);
      const y = run([...args, '--neo4j', importedUri]);
      expect(x.status, x.stderr).toBeLessThan(4);
      expect(y.status, y.stderr).toBe(x.status);
      expect(y.stdout).toBe(x.stdout);
      return x.stdout;
    };
    const allText = both(['residual', '--all', '--format', 'json']);
    const all = JSON.parse(allText) as { findings: { subject: { id: string }; reaches: { tier0: boolean } }[] };
    expect(all.findings.length).toBeGreaterThan(50);
    // The imported snapshot's stored findings (served above) are what its sweep gives.
    const swept = run(['residual', '--all', '--format', 'json', '--neo4j', importedUri], { REVENANT_RECOMPUTE: '1' });
    expect(swept.status, swept.stderr).toBeLessThan(4);
    expect(swept.stdout).toBe(allText);
    const counts = new Map<string, number>();
    for (const f of all.findings) counts.set(f.subject.id, (counts.get(f.subject.id) ?? 0) + 1);
    const subject = [...counts].sort((p, q) => q[1] - p[1] || p[0].localeCompare(q[0]))[0][0];
    both(['residual', subject, '--format', 'json']);
    const tier0 = all.findings.find((f) => f.reaches.tier0)?.subject.id ?? subject;
    both(['blast-radius', tier0, '--format', 'json']);
    both(['paths', tier0, 'tier0', '--format', 'json']);
  }, 300_000);

  it('serves the same API answers', async () => {
    const apps: FastifyInstance[] = [];
    try {
      const key = createKey(storeDir, ['read']);
      const open = async (uri: string, name?: string) => {
        const d = openNeo4jDriver({ uri });
        const { app } = await makeApp(storeDir, { source: new Neo4jSource(new Neo4jStore(d, uri, undefined, name), d) });
        apps.push(app);
        await waitFor(async () => (await app.inject('/readyz')).json().snapshot === id, `snapshot ${id} served from ${uri}`, 60_000);
        return app;
      };
      const x = await open(neo4jUri(), STORE);
      const y = await open(importedUri);
      const findings = (await x.inject({ url: '/v1/findings?limit=1000', headers: bearer(key) })).json() as { items: { subject: { id: string } }[] };
      const subject = findings.items[0].subject.id;
      const s = encodeURIComponent(subject);
      for (const url of ['/v1/findings?limit=1000', `/v1/subjects/${s}/residual-access`, `/v1/blast-radius/${s}`, `/v1/paths?from=${s}&to=tier0`, '/v1/leavers', `/v1/persons/${s}`, '/v1/snapshots']) {
        const a = await x.inject({ url, headers: bearer(key) });
        const b = await y.inject({ url, headers: bearer(key) });
        expect(b.statusCode, url).toBe(a.statusCode);
        expect(b.body, url).toBe(a.body);
      }
    } finally {
      for (const app of apps) await app.close();
    }
  }, 120_000);

  it('refuses a database that holds data, before writing anything', () => {
    const empty = join(work, 'refused-home');
    mkdirSync(empty);
    const r = run(['neo4j', 'import', '--store', storeDir, '--neo4j', neo4jUri(), '--neo4j-home', empty, '--neo4j-admin', ADMIN, '--neo4j-start', 'false', '--neo4j-stop', 'false']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already holds data \(\d+ nodes\).*load --neo4j/);
    expect(readdirSync(empty)).toEqual([]);
  });

  it('leaves no database and no CSV behind when the import fails', async () => {
    const failHome = join(work, 'failed-home');
    mkdirSync(failHome);
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    // An import tool that writes part of a store, then fails.
    const admin = join(work, 'failing-admin');
    writeFileSync(admin, `#!/bin/sh\nmkdir -p "$NEO4J_HOME/data/databases/neo4j" "$NEO4J_HOME/data/transactions/neo4j"\necho partial > "$NEO4J_HOME/data/databases/neo4j/neostore"\necho 'import failed: disk full' >&2\nexit 1\n`, { mode: 0o755 });
    const r = run(['neo4j', 'import', '--store', storeDir, '--neo4j', `bolt://127.0.0.1:${await freePort()}`, '--neo4j-home', failHome, '--neo4j-admin', admin, '--neo4j-start', 'false'], { TMPDIR: tmp });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/database import failed \(exit 1\):[\s\S]*disk full/);
    expect(existsSync(join(failHome, 'data', 'databases', 'neo4j'))).toBe(false);
    expect(existsSync(join(failHome, 'data', 'transactions', 'neo4j'))).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses an existing database it cannot check while the server is down', async () => {
    const d = join(work, 'existing-home');
    mkdirSync(join(d, 'data', 'databases', 'neo4j'), { recursive: true });
    const r = run(['neo4j', 'import', '--store', storeDir, '--neo4j', `bolt://127.0.0.1:${await freePort()}`, '--neo4j-home', d, '--neo4j-admin', ADMIN, '--neo4j-start', 'false']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/exists in .* does not answer/);
    expect(readdirSync(join(d, 'data', 'databases', 'neo4j'))).toEqual([]);
  });
});
