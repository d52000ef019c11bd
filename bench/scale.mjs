#!/usr/bin/env node
/**
 * The embedded engine's scaling benchmark (`npm run bench`): for each size (default 1k, 10k,
 * 50k and 250k people) it synthesizes a tenant, loads it, runs `residual --all` and one-subject
 * queries through the real CLI, checks the findings against the planted ground truth, and
 * records wall time and peak RSS of every step, plus cost per edge (to see growth is linear).
 * Prints JSON and writes bench/results/scale-<date>.json. A benchmark, not a test: it asserts
 * only correctness (ground truth), and reports the budgets of issue 5 as met or not.
 *
 *   node bench/scale.mjs [--sizes 1000,10000,50000,250000] [--seed 1] [--keep DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
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

/** Budgets from issue 5 (seconds, and peak RSS in MB). */
const BUDGETS = {
  50000: { load: 20, all: 5, one: 0.3, rssMb: 2048 },
  250000: { load: 120, all: 30, rssMb: 8192 },
};

function run(args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', RSS, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /bench-rss-kb: (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 && r.status !== 3) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return { seconds: Math.round(seconds * 1000) / 1000, rssMb: m ? Math.round(Number(m[1]) / 1024) : null, stdout: r.stdout, stderr: r.stderr };
}

function groundTruth(doc, expected) {
  const key = (r, s, v) => `${r}|${s}|${v}`;
  const got = new Map(doc.findings.map((f) => [key(f.rule, f.subject.id, f.via.id), f]));
  const want = new Map(expected.findings.map((f) => [key(f.rule, f.subject, f.via), f]));
  let mismatches = 0;
  for (const [k, w] of want) {
    const g = got.get(k);
    if (!g || g.status !== w.status || g.severity !== w.severity || Date.parse(g.validUntil ?? 0) !== Date.parse(w.validUntil ?? 0)) mismatches++;
  }
  for (const k of got.keys()) if (!want.has(k)) mismatches++;
  return { expected: want.size, reported: got.size, mismatches };
}

const results = [];
for (const users of sizes) {
  const work = keep ? resolve(keep, String(users)) : mkdtempSync(join(tmpdir(), `revenant-bench-${users}-`));
  mkdirSync(work, { recursive: true });
  const col = join(work, 'collection');
  const store = join(work, 'store');
  rmSync(store, { recursive: true, force: true });
  process.stderr.write(`bench: ${users} people …\n`);
  const synth = run(['synth', '--users', String(users), '--seed', seed, '--out', col]);
  const load = run(['load', col, '--store', store]);
  const edges = Number(/(\d+) edges/.exec(load.stderr)?.[1] ?? 0);
  const nodes = Number(/(\d+) nodes/.exec(load.stderr)?.[1] ?? 0);
  const all = run(['residual', '--all', '--store', store, '--format', 'json']);
  const doc = JSON.parse(all.stdout);
  const truth = groundTruth(doc, JSON.parse(readFileSync(join(col, 'expected.json'), 'utf8')));
  const subjects = doc.findings.map((f) => f.subject.name).filter((v, i, a) => a.indexOf(v) === i).slice(0, 5);
  const ones = subjects.map((s) => run(['residual', s, '--store', store, '--format', 'json']).seconds).sort((a, b) => a - b);
  const one = ones[Math.floor(ones.length / 2)] ?? null;
  const r = {
    users,
    nodes,
    edges,
    findings: doc.findings.length,
    departed: doc.subjects.filter((s) => s.departed).length,
    groundTruth: truth,
    synth: { seconds: synth.seconds, rssMb: synth.rssMb },
    load: { seconds: load.seconds, rssMb: load.rssMb, microsecondsPerEdge: edges ? Math.round((load.seconds * 1e6) / edges * 100) / 100 : null },
    residualAll: { seconds: all.seconds, rssMb: all.rssMb, microsecondsPerEdge: edges ? Math.round((all.seconds * 1e6) / edges * 100) / 100 : null },
    oneSubject: { medianSeconds: one, runs: ones },
  };
  const b = BUDGETS[users];
  if (b) {
    r.budgets = {
      load: { budget: b.load, met: load.seconds <= b.load },
      residualAll: { budget: b.all, met: all.seconds <= b.all },
      ...(b.one ? { oneSubject: { budget: b.one, met: one !== null && one <= b.one } } : {}),
      peakRssMb: { budget: b.rssMb, met: Math.max(load.rssMb ?? 0, all.rssMb ?? 0) <= b.rssMb },
    };
  }
  results.push(r);
  process.stderr.write(`bench: ${JSON.stringify(r)}\n`);
  if (!keep) rmSync(work, { recursive: true, force: true });
}

const report = {
  benchmark: 'revenant-scale/1',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  seed,
  results,
  groundTruthExact: results.every((r) => r.groundTruth.mismatches === 0),
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const out = join(ROOT, 'bench', 'results', `scale-${report.date.slice(0, 10)}.json`);
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`bench: written ${out}\n`);
if (!report.groundTruthExact) process.exitCode = 1;
