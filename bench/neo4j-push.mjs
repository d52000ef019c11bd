#!/usr/bin/env node
/**
 * Where a Neo4j push's time goes (a benchmark, not a test). Synthesizes a tenant of N people
 * (default 10,000), loads it into an embedded store (`revenant load`, timed: wall and CPU), then
 * pushes that snapshot into Neo4j through the store's own push (`Neo4jStore.push`), recording per
 * phase (nodes, relationships, findings) the wall time, the driver's CPU time (this process) and,
 * when the server is the local launcher of `npm run neo4j:start` (its pid in .neo4j/state.json),
 * the server's CPU time from /proc and its JVM's garbage-collection time (JMX), and the wall time
 * neither was on a core (`waitS`: the machine's other work, round trips). The snapshot is removed afterwards (timed too). CPU seconds are
 * the figures to compare on a shared machine: wall time there mostly measures the other users.
 * The driver is the product's (openNeo4jDriver: its connect and pool settings); every wait for a
 * connection of its pool is timed (`acquisition`: count, median, p99, max, the most connections
 * in use), which is what the pool's acquisition timeout has to allow for; `--pool N` sets the
 * pool's size (default: the driver's, 100) to see the waits of a push with more batches in flight
 * than connections.
 *
 *   node bench/neo4j-push.mjs [--users N] [--seed S] [--store DIR] [--pool N] [--out FILE]   (DIR: reuse a store that holds a loaded snapshot)
 * Needs `npm run build` and a Neo4j (NEO4J_URI, else the one `npm run neo4j:start` recorded).
 * Results: JSON on stdout and in bench/results/neo4j-push-<users>-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, arg, localNeo4j, ownCpu, round } from './support.mjs';

const users = Number(arg('users', '10000'));
const seed = arg('seed', '1');
const reuse = arg('store', undefined);
const pool = arg('pool', undefined);

// Time every connection acquisition of the driver's pool (neo4j-driver-core's Pool, CommonJS: the driver's own instance).
const Pool = createRequire(import.meta.url)('neo4j-driver-core/lib/internal/pool/pool.js').default;
const waits = [];
let inUse = 0;
const acquire = Pool.prototype.acquire;
Pool.prototype.acquire = async function (context, address, config) {
  const t = performance.now();
  const conn = await acquire.call(this, context, address, config);
  waits.push(performance.now() - t);
  inUse = Math.max(inUse, this.activeResourceCount(address));
  return conn;
};
const quantile = (xs, q) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : null);

const { uri, serverCpu } = localNeo4j('neo4j-push');

function cli(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, BIN, ...args], { encoding: 'utf8', env: { ...process.env, NEO4J_URI: '' } });
  if (r.status !== 0) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  const [wall, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: round(user + sys) };
}

const work = reuse ? null : mkdtempSync(join(tmpdir(), `revenant-push-${users}-`));
try {
  let storeDir = reuse;
  let embedded = null;
  if (!storeDir) {
    cli(['synth', '--users', String(users), '--seed', seed, '--out', join(work, 'collection')]);
    storeDir = join(work, 'store');
    embedded = cli(['load', join(work, 'collection'), '--store', storeDir]);
  }
  const id = readdirSync(join(storeDir, 'snapshots')).filter((f) => f.endsWith('.sqlite')).sort().at(-1).replace(/\.sqlite$/, '');
  const { Neo4jStore } = await import(join(ROOT, 'dist', 'src', 'store', 'neo4jStore.js'));
  const { SnapshotDb } = await import(join(ROOT, 'dist', 'src', 'store', 'SnapshotDb.js'));
  const { openNeo4jDriver, FAIL_FAST_CONFIG } = await import(join(ROOT, 'dist', 'src', 'store', 'neo4jDriver.js'));
  const user = process.env.NEO4J_USER || undefined;
  const driver = openNeo4jDriver({ uri, user, password: user ? (process.env.NEO4J_PASSWORD ?? '') : undefined }, pool ? { maxConnectionPoolSize: Number(pool) } : {});
  const storeName = `bench-push-${Date.now()}`;
  const store = new Neo4jStore(driver, uri, undefined, storeName);
  const sdb = new SnapshotDb(join(storeDir, 'snapshots', `${id}.sqlite`));
  try {
    await store.ensureSchema();
    const phases = [];
    let current = null;
    // The server JVM's garbage-collection time so far (ms, every collector; JMX through Cypher), asked when a phase starts.
    const gcMs = () =>
      driver
        .executeQuery('CALL dbms.queryJmx("java.lang:type=GarbageCollector,*") YIELD attributes RETURN sum(attributes.CollectionTime.value) AS ms')
        .then((r) => Number(r.records[0]?.get('ms') ?? NaN))
        .catch(() => null);
    const mark = (phase) => {
      const now = { phase, wall: performance.now(), cpu: ownCpu(), server: serverCpu(), gc: gcMs() };
      if (current) {
        const before = current;
        phases.push({
          phase: before.phase,
          wallS: round((now.wall - before.wall) / 1000),
          driverCpuS: round(now.cpu - before.cpu),
          serverCpuS: now.server === null ? null : round(now.server - before.server),
          // Wall time neither this process nor the server was on a core (negative: they overlapped).
          waitS: now.server === null ? null : round((now.wall - before.wall) / 1000 - (now.cpu - before.cpu) - (now.server - before.server)),
          serverGcS: Promise.all([before.gc, now.gc]).then(([a, b]) => (a === null || b === null ? null : round((b - a) / 1000))),
        });
      }
      current = now;
    };
    mark('start');
    // A phase starts when its first batch is sent (the push's own queries, recognised by their text).
    const q = store.q.bind(store);
    store.q = (query, ...rest) => {
      const phase = /CREATE \(n:/.test(query) ? 'nodes' : /RevenantFinding\) SET/.test(query) ? 'findings' : null;
      if (phase && phase !== current.phase) mark(phase);
      return q(query, ...rest);
    };
    const writeAll = store.writeAll.bind(store);
    store.writeAll = (statements) => {
      if (current.phase !== 'edges') mark('edges');
      return writeAll(statements);
    };
    const pushed = await store.push(sdb, `bench-${id}`);
    mark('end');
    for (const p of phases) p.serverGcS = await p.serverGcS;
    const total = {
      wallS: round(phases.reduce((a, p) => a + p.wallS, 0)),
      driverCpuS: round(phases.reduce((a, p) => a + p.driverCpuS, 0)),
      serverCpuS: serverCpu() !== null ? round(phases.reduce((a, p) => a + (p.serverCpuS ?? 0), 0)) : null,
      serverGcS: round(phases.reduce((a, p) => a + (p.serverGcS ?? 0), 0)),
    };
    const t = performance.now();
    await store.remove(`bench-${id}`);
    await driver.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: storeName });
    // The server JVM's options (collector, heap, JIT): server CPU and GC time depend on them.
    const jvmArgs = await driver
      .executeQuery('CALL dbms.queryJmx("java.lang:type=Runtime") YIELD attributes RETURN attributes.InputArguments.value AS args')
      .then((r) => r.records[0]?.get('args') ?? null)
      .catch(() => null);
    const out = {
      benchmark: 'neo4j-push',
      serverJvmArgs: jvmArgs,
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAverageAtEnd: (await import('node:os')).loadavg().map(round) },
      users: reuse ? null : users,
      seed,
      ...pushed,
      embeddedLoad: embedded,
      push: total,
      // `start`: the existence check, the snapshot record and building the first node batch; `findings` ends with marking the snapshot complete
      phases,
      acquisition: {
        poolSize: pool ? Number(pool) : 'driver default (100)',
        timeoutMs: FAIL_FAST_CONFIG.connectionAcquisitionTimeout,
        count: waits.length,
        medianMs: round(quantile(waits, 0.5)),
        p99Ms: round(quantile(waits, 0.99)),
        maxMs: round(Math.max(0, ...waits)),
        over5s: waits.filter((w) => w > 5_000).length,
        mostInUse: inUse,
      },
      cpuRatio: embedded && total.serverCpuS !== null ? round((embedded.cpu + total.driverCpuS + total.serverCpuS) / embedded.cpu) : null,
      removeS: round((performance.now() - t) / 1000),
    };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const file = arg('out', join(ROOT, 'bench', 'results', `neo4j-push-${reuse ? 'store' : users}${pool ? `-pool${pool}` : ''}-${out.date.slice(0, 10)}.json`));
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    sdb.close();
    await driver.close();
  }
} finally {
  if (work) rmSync(work, { recursive: true, force: true });
}
