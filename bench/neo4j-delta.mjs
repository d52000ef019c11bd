#!/usr/bin/env node
/**
 * A delta snapshot into Neo4j: applied in place (only what changed, one transaction) against the
 * whole push of the same snapshot (a benchmark, not a test). Synthesizes a tenant of N people
 * (default 10,000), loads it (`revenant load`) and pushes it into Neo4j whole; then about 1% of the
 * objects change in a copy of the collection (Entra users disabled, group memberships removed,
 * Okta users suspended), `revenant load --delta` writes a delta snapshot, and that snapshot is
 * pushed twice, into two stores of the same database: in place on the base (`Neo4jStore.push`) and
 * whole (`{ whole: true }`). Wall time, the driver's CPU (this process) and, with the launcher of
 * `npm run neo4j:start`, the server's CPU from /proc, for each push. Everything is removed
 * afterwards.
 *
 *   node bench/neo4j-delta.mjs [--users N] [--seed S] [--changes 0.01]
 * Needs `npm run build` and a Neo4j (NEO4J_URI, else the one `npm run neo4j:start` recorded).
 * Results: JSON on stdout and in bench/results/neo4j-delta-<users>-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, arg, localNeo4j, ownCpu, round } from './support.mjs';

const users = Number(arg('users', '10000'));
const seed = arg('seed', '1');
const fraction = Number(arg('changes', '0.01'));

const { uri, serverCpu } = localNeo4j('neo4j-delta');

function cli(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NEO4J_URI: '' } });
  if (r.status !== 0) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return r.stdout.trim().split('\n').pop();
}

function rewrite(dir, source, dataset, f) {
  const path = join(dir, source, `${dataset}.jsonl`);
  const rows = f(readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
  writeFileSync(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const mpath = join(dir, source, 'manifest.json');
  const m = JSON.parse(readFileSync(mpath, 'utf8'));
  m.datasets[dataset].count = rows.length;
  writeFileSync(mpath, JSON.stringify(m, null, 2));
}

/** Time one push: wall, this process's CPU, the server's CPU. */
async function timed(fn) {
  const t = performance.now();
  const c = ownCpu();
  const s = serverCpu();
  const r = await fn();
  const s2 = serverCpu();
  return { ...r, wallS: round((performance.now() - t) / 1000), driverCpuS: round(ownCpu() - c), serverCpuS: s === null || s2 === null ? null : round(s2 - s) };
}

const work = mkdtempSync(join(tmpdir(), `revenant-neo4j-delta-${users}-`));
try {
  const a = join(work, 'a');
  const b = join(work, 'b');
  const storeDir = join(work, 'store');
  cli(['synth', '--users', String(users), '--seed', seed, '--out', a]);
  const baseId = cli(['load', a, '--store', storeDir]);
  cpSync(a, b, { recursive: true });
  const n = Math.max(1, Math.round(users * fraction));
  rewrite(b, 'entra', 'users', (rows) => (rows.filter((u) => u.accountEnabled !== false).slice(0, n).forEach((u) => (u.accountEnabled = false)), rows));
  rewrite(b, 'entra', 'groupMembers', (rows) => rows.filter((_, i) => i % Math.max(2, Math.round(rows.length / n)) !== 1));
  rewrite(b, 'okta', 'users', (rows) => (rows.filter((u) => u.status === 'ACTIVE').slice(0, n).forEach((u) => (u.status = 'SUSPENDED')), rows));
  const deltaId = cli(['load', b, '--store', storeDir, '--delta']);

  const { Neo4jStore } = await import(join(ROOT, 'dist', 'src', 'store', 'neo4jStore.js'));
  const { SnapshotDb } = await import(join(ROOT, 'dist', 'src', 'store', 'SnapshotDb.js'));
  const { openNeo4jDriver } = await import(join(ROOT, 'dist', 'src', 'store', 'neo4jDriver.js'));
  const user = process.env.NEO4J_USER || undefined;
  const driver = openNeo4jDriver({ uri, user, password: user ? (process.env.NEO4J_PASSWORD ?? '') : undefined });
  const inPlace = new Neo4jStore(driver, uri, undefined, `bench-delta-${Date.now()}`);
  const whole = new Neo4jStore(driver, uri, undefined, `bench-whole-${Date.now()}`);
  const baseDb = new SnapshotDb(join(storeDir, 'snapshots', `${baseId}.sqlite`));
  const deltaDb = new SnapshotDb(join(storeDir, 'snapshots', `${deltaId}.sqlite`));
  const ids = { base: `bd-${baseId}`, delta: `bd-${deltaId}`, whole: `bw-${deltaId}` };
  try {
    await inPlace.ensureSchema();
    const base = await timed(() => inPlace.push(baseDb, baseId));
    const delta = await timed(() => inPlace.push(deltaDb, deltaId));
    if (!delta.delta) throw new Error('the delta was not applied in place');
    const wholePush = await timed(() => whole.push(deltaDb, ids.whole, { whole: true }));
    const out = {
      benchmark: 'neo4j-delta',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAverageAtEnd: loadavg().map(round) },
      users,
      seed,
      changes: { entraDisabled: n, oktaSuspended: n, groupMembershipsRemoved: 'about ' + n },
      fullPushOfBase: base,
      deltaInPlace: delta,
      deltaPushedWhole: wholePush,
      ratios: { wall: round(delta.wallS / wholePush.wallS), serverCpu: delta.serverCpuS && wholePush.serverCpuS ? round(delta.serverCpuS / wholePush.serverCpuS) : null },
    };
    await inPlace.remove(baseId);
    await inPlace.remove(deltaId);
    await whole.remove(ids.whole);
    for (const s of [inPlace, whole]) await driver.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: s.name });
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', `neo4j-delta-${users}-${out.date.slice(0, 10)}.json`), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    baseDb.close();
    deltaDb.close();
    await driver.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
