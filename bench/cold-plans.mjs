#!/usr/bin/env node
/**
 * The first Neo4j query after a load or a server start (a benchmark, not a test): Neo4j plans a
 * query the first time it sees its text, and the residual rules and the privilege walk are large
 * queries, so the first one-subject or blast-radius query used to pay seconds of planning.
 * For a stored embedded snapshot (`--store`, whose collection `--collection` is also loaded into
 * Neo4j), it runs through the real CLI, each step timed (wall, the client's CPU from /proc cutime,
 * the local server's CPU when .neo4j/state.json names its pid, the load average):
 *   1. `CALL db.clearQueryCaches()` (what a server restart does to plans), then `load --neo4j`;
 *   2. the first `residual <subject>` after it, then the first `blast-radius <principal>`;
 *   3. each again (plans warm);
 *   4. clearQueryCaches again (a server restart under a running `serve`), `serve --neo4j` started,
 *      and the time until it logs that its plans are warm (when it does), then one subject again.
 * The subject is the departed subject with the most findings, the principal one whose finding
 * reaches tier 0 (as bench/engines.mjs picks them). Prints JSON and writes
 * bench/results/cold-plans-<date>.json (`--out FILE` to name it). The pushed snapshot is removed.
 *
 *   NEO4J_URI=bolt://127.0.0.1:7687 node bench/cold-plans.mjs --collection DIR [--label before]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import neo4j from 'neo4j-driver';
import { BIN, ROOT, arg, childrenCpu, localNeo4j, round } from './support.mjs';

const collection = arg('collection');
if (!collection) throw new Error('bench/cold-plans: --collection DIR is required');
const label = arg('label', 'run');
const { uri, serverCpu } = localNeo4j('cold-plans');
const auth = process.env.NEO4J_USER ? neo4j.auth.basic(process.env.NEO4J_USER, process.env.NEO4J_PASSWORD ?? '') : neo4j.auth.none();
const round3 = (x) => round(x, 3);

function timed(fn) {
  const t0 = performance.now();
  const c0 = childrenCpu();
  const s0 = serverCpu();
  const la = loadavg()[0];
  const out = fn();
  return {
    out,
    wallS: round3((performance.now() - t0) / 1000),
    clientCpuS: c0 === null ? null : round3(childrenCpu() - c0),
    serverCpuS: s0 === null ? null : round3(serverCpu() - s0),
    load1: round3(la),
  };
}

function cli(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NEO4J_URI: '' } });
  if (r.status !== 0 && r.status !== 3) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return r;
}

const driver = neo4j.driver(uri, auth);
const clearPlans = () => driver.executeQuery('CALL db.clearQueryCaches()');

const work = mkdtempSync(join(tmpdir(), 'revenant-cold-'));
const store = join(work, 'store');
const result = { label, at: new Date().toISOString(), uri, machine: { cpus: cpus().length }, steps: {} };
let id;
try {
  await clearPlans();
  const load = timed(() => cli(['load', collection, '--store', store, '--neo4j', uri]));
  id = load.out.stdout.trim().split('\n').at(-1);
  result.steps.loadNeo4j = { ...load, out: undefined, warmLog: load.out.stderr.split('\n').filter((l) => /plan/i.test(l)) };

  const all = JSON.parse(cli(['residual', '--all', '--store', store, '--format', 'json']).stdout).findings;
  const count = new Map();
  for (const f of all) count.set(`${f.subject.source}:${f.subject.id}`, (count.get(`${f.subject.source}:${f.subject.id}`) ?? 0) + 1);
  const subject = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  const tier0 = all.find((f) => f.reaches?.tier0);
  const principal = tier0 ? `${tier0.subject.source}:${tier0.subject.id}` : subject;
  result.subject = subject;
  result.principal = principal;

  const one = () => timed(() => cli(['residual', subject, '--neo4j', uri, '--format', 'json']));
  const blast = () => timed(() => cli(['blast-radius', principal, '--neo4j', uri, '--format', 'json']));
  const strip = (t) => ({ ...t, out: undefined });
  result.steps.firstSubjectAfterLoad = strip(one());
  result.steps.firstBlastRadiusAfterLoad = strip(blast());
  result.steps.subjectWarm = strip(one());
  result.steps.blastRadiusWarm = strip(blast());

  // A server restart under a running `serve`: plans gone, then serve starts.
  await clearPlans();
  const t0 = performance.now();
  const s0 = serverCpu();
  const serve = spawn(process.execPath, [BIN, 'serve', '--neo4j', uri, '--port', '0'], { env: { ...process.env, NEO4J_URI: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const warmed = await new Promise((res) => {
    const done = (v) => {
      clearTimeout(timer);
      res(v);
    };
    const timer = setTimeout(() => done(null), 120_000);
    serve.stderr.on('data', (d) => {
      log += d;
      if (/plans (warm in|not warmed)|stopped warming|warming .* failed|to warm Neo4j/i.test(log)) done(/warm in/.test(log));
      else if (/serving/.test(log) && !/warming/i.test(log)) setTimeout(() => !/warming/i.test(log) && done(false), 2000);
    });
    serve.on('exit', () => done(null));
  });
  result.steps.serveStart = { warmed, wallS: round((performance.now() - t0) / 1000), serverCpuS: s0 === null ? null : round(serverCpu() - s0), log: log.split('\n').filter((l) => /plan|serving/i.test(l)) };
  result.steps.firstSubjectAfterServeStart = strip(one());
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('exit', r));
} finally {
  if (id) {
    const { Neo4jStore } = await import('../dist/src/store/neo4jStore.js');
    await new Neo4jStore(driver, uri).remove(id);
  }
  await driver.close();
  rmSync(work, { recursive: true, force: true });
}

const out = arg('out', join(ROOT, 'bench', 'results', `cold-plans-${new Date().toISOString().slice(0, 10)}.json`));
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
