#!/usr/bin/env node
/**
 * The embedded engine's scaling benchmark (`npm run bench`): for each size (default 1k, 10k,
 * 50k and 250k people; add 1000000 for the million-user run) it synthesizes a tenant, loads it,
 * runs `residual --all` (as CSV into a file: at a million users the findings are larger than one
 * JavaScript string; served from the document the load stored, and timed again as the sweep it
 * replaces, REVENANT_RECOMPUTE=1, which must print the same bytes), one-subject queries and
 * `report` through the real CLI, checks every finding against the planted ground truth, and
 * records wall time, CPU time, peak RSS and peak heap of every step, the snapshot's size on
 * disk, and cost per edge (to see growth is linear). Prints JSON and writes
 * bench/results/scale-<date>.json. A benchmark, not a test: it asserts only correctness (ground
 * truth, and the stored document's bytes against the sweep's), and reports the budgets of issues
 * 5 and 13 as met or not.
 *
 *   node bench/scale.mjs [--sizes 1000,10000,50000,250000,1000000] [--seed 1] [--keep DIR] [--reuse] [--github-azure]
 *
 * --github-azure adds a GitHub organisation and the Azure resource plane (`synth --github
 * --azure`: 8% of people as org members and one subscription per 125 people, i.e. a 20,000-member
 * org and 2,000 subscriptions at 250,000) and writes scale-github-azure-<date>.json. Every step
 * also records the 1-minute load average when it ended (the machine is shared), and the load its
 * phases (`load.phases`, wall seconds, from REVENANT_TIMING: reading and writing the snapshot,
 * within it the stubs and adjacency, record index, commit and indexes; the analysis; publishing;
 * the change feed).
 *
 * --keep DIR keeps each size's collection and store under DIR/<size>; with --reuse, a size whose
 * collection is already there (DIR/<size>/collection/expected.json) is not synthesized again.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'revenant.js');
const RSS = join(ROOT, 'bench', 'rss.cjs');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg('sizes', '1000,10000,50000,250000').split(',').map(Number);
const seed = arg('seed', '1');
const keep = arg('keep', null);
const reuse = process.argv.includes('--reuse');
const resources = process.argv.includes('--github-azure');

/** Budgets from issue 5 (50k, 250k) and issue 13 (1M): seconds, peak RSS and store size in MB. */
const BUDGETS = {
  50000: { load: 20, all: 5, one: 0.3, rssMb: 2048 },
  250000: { load: 120, all: 30, rssMb: 8192 },
  1000000: { synth: 180, synthRssMb: 4096, load: 300, all: 90, one: 0.3, report: 60, rssMb: 10240, storeMb: 8192 },
};

const r3 = (x) => Math.round(x * 1000) / 1000;

/** Run the CLI; stdout to a file when `stdoutFile` is given (large outputs), else captured. */
function run(args, { stdoutFile, env } = {}) {
  const t0 = process.hrtime.bigint();
  const fd = stdoutFile ? openSync(stdoutFile, 'w') : null;
  const r = spawnSync('/usr/bin/time', ['-f', 'bench-cpu: %U %S', process.execPath, '--require', RSS, BIN, ...args], {
    env: env ? { ...process.env, ...env } : process.env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
  });
  if (fd !== null) closeSync(fd);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = /bench-rss-kb: (\d+)/.exec(r.stderr ?? '');
  const heap = /bench-heap-kb: (\d+)/.exec(r.stderr ?? '');
  const cpu = /bench-cpu: ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (r.status !== 0 && r.status !== 3) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return {
    seconds: r3(seconds),
    cpuSeconds: cpu ? r3(Number(cpu[1]) + Number(cpu[2])) : null,
    rssMb: rss ? Math.round(Number(rss[1]) / 1024) : null,
    heapMb: heap ? Math.round(Number(heap[1]) / 1024) : null,
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

/** Every finding of a `residual --all --format csv` file, compared with the planted ground truth. */
async function groundTruth(csvFile, expected) {
  const key = (r, s, v) => `${r}|${s}|${v}`;
  const want = new Map(expected.findings.map((f) => [key(f.rule, f.subject, f.via), f]));
  let mismatches = 0;
  let reported = 0;
  const seen = new Set();
  const subjects = [];
  for await (const f of createReadStream(csvFile).pipe(parse({ columns: true }))) {
    reported++;
    const k = key(f.rule, f.subject_id, f.via_id);
    seen.add(k);
    if (subjects.length < 5 && !subjects.includes(f.subject_name)) subjects.push(f.subject_name);
    const w = want.get(k);
    if (!w || f.status !== w.status || f.severity !== w.severity || Date.parse(f.valid_until || 0) !== Date.parse(w.validUntil ?? 0)) mismatches++;
  }
  for (const k of want.keys()) if (!seen.has(k)) mismatches++;
  return { truth: { expected: want.size, reported, mismatches }, subjects };
}

/** SHA-256 of a file, read in pieces (a million users' findings are gigabytes). */
function fileHash(file) {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 22);
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

const dirBytes = (d) => (existsSync(d) ? readdirSync(d).reduce((n, f) => n + statSync(join(d, f)).size, 0) : 0);

const results = [];
for (const users of sizes) {
  const work = keep ? resolve(keep, String(users)) : mkdtempSync(join(tmpdir(), `revenant-bench-${users}-`));
  mkdirSync(work, { recursive: true });
  const col = join(work, 'collection');
  const store = join(work, 'store');
  rmSync(store, { recursive: true, force: true });
  process.stderr.write(`bench: ${users} people …\n`);
  const cached = reuse && existsSync(join(col, 'expected.json'));
  const synth = cached ? null : run(['synth', '--users', String(users), '--seed', seed, '--out', col, ...(resources ? ['--github', '--azure'] : [])]);
  // REVENANT_TIMING: the load's phases (wall seconds) on stderr, recorded as load.phases.
  const load = run(['load', col, '--store', store], { env: { REVENANT_TIMING: '1' } });
  const phases = Object.fromEntries([...load.stderr.matchAll(/^timing: (.+) ([\d.]+) s$/gm)].map((m) => [m[1], Number(m[2])]));
  const edges = Number(/(\d+) edges/.exec(load.stderr)?.[1] ?? 0);
  const nodes = Number(/(\d+) nodes/.exec(load.stderr)?.[1] ?? 0);
  const departed = Number(/(\d+) departed subjects/.exec(load.stderr)?.[1] ?? 0);
  const storeBytes = dirBytes(join(store, 'snapshots'));
  const csvFile = join(work, 'findings.csv');
  const all = run(['residual', '--all', '--store', store, '--format', 'csv'], { stdoutFile: csvFile });
  const { truth, subjects } = await groundTruth(csvFile, JSON.parse(readFileSync(join(col, 'expected.json'), 'utf8')));
  // `residual --all` is served from the document the load stored; the sweep it replaces, timed
  // beside it (REVENANT_RECOMPUTE=1), must print the same bytes.
  const sweepFile = join(work, 'findings-sweep.csv');
  const sweep = run(['residual', '--all', '--store', store, '--format', 'csv'], { stdoutFile: sweepFile, env: { REVENANT_RECOMPUTE: '1' } });
  const sweepIdentical = fileHash(csvFile) === fileHash(sweepFile);
  rmSync(csvFile, { force: true });
  rmSync(sweepFile, { force: true });
  const ones = subjects.map((s) => run(['residual', s, '--store', store, '--format', 'json']).seconds).sort((a, b) => a - b);
  const one = ones[Math.floor(ones.length / 2)] ?? null;
  const report = run(['report', '--store', store, '--out', join(work, 'report')]);
  const perEdge = (x) => (edges ? Math.round(((x * 1e6) / edges) * 100) / 100 : null);
  const step = (x) => x && { seconds: x.seconds, cpuSeconds: x.cpuSeconds, rssMb: x.rssMb, heapMb: x.heapMb, loadAverage: x.loadAverage };
  const manifest = (source) => (existsSync(join(col, source, 'manifest.json')) ? JSON.parse(readFileSync(join(col, source, 'manifest.json'), 'utf8')).datasets : null);
  const gh = manifest('github');
  const az = manifest('azure');
  const r = {
    users,
    nodes,
    edges,
    findings: truth.reported,
    departed,
    ...(gh || az ? { github: gh && { members: gh.members.count, repositories: gh.repositories.count }, azure: az && { subscriptions: az.subscriptions.count, roleAssignments: az.roleAssignments.count } } : {}),
    groundTruth: truth,
    synth: cached ? { reused: true } : step(synth),
    load: { ...step(load), microsecondsPerEdge: perEdge(load.seconds), cpuMicrosecondsPerEdge: perEdge(load.cpuSeconds), phases },
    storeMb: Math.round(storeBytes / 2 ** 20),
    residualAll: { ...step(all), microsecondsPerEdge: perEdge(all.seconds), cpuMicrosecondsPerEdge: perEdge(all.cpuSeconds) },
    residualAllSweep: { ...step(sweep), microsecondsPerEdge: perEdge(sweep.seconds), cpuMicrosecondsPerEdge: perEdge(sweep.cpuSeconds), identical: sweepIdentical },
    oneSubject: { medianSeconds: one, runs: ones },
    report: step(report),
  };
  const b = BUDGETS[users];
  if (b) {
    const met = (v, budget) => ({ budget, value: v, met: v !== null && v !== undefined && v <= budget });
    r.budgets = {
      ...(b.synth && synth ? { synth: met(synth.seconds, b.synth), synthRssMb: met(synth.rssMb, b.synthRssMb) } : {}),
      load: met(load.seconds, b.load),
      residualAll: met(all.seconds, b.all),
      ...(b.one ? { oneSubject: met(one, b.one) } : {}),
      ...(b.report ? { report: met(report.seconds, b.report) } : {}),
      peakRssMb: met(Math.max(load.rssMb ?? 0, all.rssMb ?? 0, report.rssMb ?? 0), b.rssMb),
      ...(b.storeMb ? { storeMb: met(r.storeMb, b.storeMb) } : {}),
    };
  }
  results.push(r);
  process.stderr.write(`bench: ${JSON.stringify(r)}\n`);
  if (!keep) rmSync(work, { recursive: true, force: true });
}

const report = {
  benchmark: 'revenant-scale/1',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 10) / 10) },
  note: 'seconds are wall time; cpuSeconds (user + system) show how much of it was this process on a shared machine',
  seed,
  githubAzure: resources,
  results,
  groundTruthExact: results.every((r) => r.groundTruth.mismatches === 0),
  storedSweepIdentical: results.every((r) => r.residualAllSweep.identical),
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const out = join(ROOT, 'bench', 'results', `scale${resources ? '-github-azure' : ''}-${report.date.slice(0, 10)}.json`);
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`bench: written ${out}\n`);
if (!report.groundTruthExact || !report.storedSweepIdentical) process.exitCode = 1;
