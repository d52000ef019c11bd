#!/usr/bin/env node
/**
 * Remediation planning and journaling (a benchmark, not a test). For each size (default 10k and
 * 50k people) it synthesizes a tenant, loads it, and for the departed subjects with the most
 * findings (default 20) measures:
 *   - `buildPlan` in process on the stored snapshot (analysis, the what-if of the accounts the plan
 *     disables, guard rails): median and p95 milliseconds, actions and calls per plan;
 *   - `revenant remediate SUBJECT --format json` as a user runs it (process start included);
 * and, apart from any tenant, the journal's cost: records appended and fsync'd per second (each
 * apply step writes three: the re-read, the intent and the result). Applying against a tenant is
 * measured by the tests against the fakes, not here. Prints JSON and writes
 * bench/results/remediate-<date>.json.
 *
 *   npm run build && node bench/remediate.mjs [--sizes 10000,50000] [--subjects 20] [--seed 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'revenant.js');
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg('sizes', '10000,50000').split(',').map(Number);
const nSubjects = Number(arg('subjects', '20'));
const seed = arg('seed', '1');

function run(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null;
};
const r1 = (x) => (x === null ? null : Math.round(x * 10) / 10);

const { openGraph } = await dist('src/store/openGraph.js');
const { buildPlan } = await dist('src/remediate/buildPlan.js');
const { Journal } = await dist('src/remediate/Journal.js');

const results = [];
for (const users of sizes) {
  const work = mkdtempSync(join(tmpdir(), `revenant-bench-remediate-${users}-`));
  const col = join(work, 'collection');
  const store = join(work, 'store');
  process.stderr.write(`bench: ${users} people …\n`);
  run(['synth', '--users', String(users), '--seed', seed, '--out', col]);
  run(['load', col, '--store', store]);
  const all = JSON.parse(run(['residual', '--all', '--store', store, '--format', 'json']).stdout);
  const count = new Map();
  for (const f of all.findings) count.set(`${f.subject.source}:${f.subject.id}`, (count.get(`${f.subject.source}:${f.subject.id}`) ?? 0) + 1);
  const subjects = [...count.entries()].sort((a, b) => b[1] - a[1]).slice(0, nSubjects).map(([s]) => s);
  const ms = [];
  const actions = [];
  const calls = [];
  for (const s of subjects) {
    const { graph, close } = await openGraph({ store });
    try {
      const t0 = process.hrtime.bigint();
      const plan = buildPlan(graph, { subject: s, force: true });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      actions.push(plan.summary.actions);
      calls.push(plan.summary.calls);
    } finally {
      close();
    }
  }
  const cli = subjects.slice(0, 5).map((s) => run(['remediate', s, '--store', store, '--force', '--format', 'json']).seconds);
  const r = {
    users,
    subjects: subjects.length,
    findingsOfThoseSubjects: subjects.reduce((n, s) => n + count.get(s), 0),
    buildPlanMs: { median: r1(q(ms, 0.5)), p95: r1(q(ms, 0.95)), max: r1(Math.max(...ms)) },
    actionsPerPlan: { median: q(actions, 0.5), max: Math.max(...actions) },
    callsPerPlan: { median: q(calls, 0.5), max: Math.max(...calls) },
    cliPlanSeconds: { median: r1(q(cli, 0.5) * 10) / 10, runs: cli.map((x) => Math.round(x * 100) / 100) },
  };
  results.push(r);
  process.stderr.write(`bench: ${JSON.stringify(r)}\n`);
  rmSync(work, { recursive: true, force: true });
}

// The journal: appended and fsync'd record by record.
const jdir = mkdtempSync(join(tmpdir(), 'revenant-bench-journal-'));
const j = new Journal(join(jdir, 'journal.jsonl'));
const N = 2000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  j.append({ type: 'intent', action: `a${i}`, step: 0, kind: 'entra.removePassword', request: { method: 'POST', path: `/applications/${i}/removePassword`, sourceKey: 'entra:t', body: { keyId: String(i) } }, clientRequestId: String(i) });
}
const journalSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
j.close();
rmSync(jdir, { recursive: true, force: true });

const report = {
  benchmark: 'revenant-remediate/1',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage: (await import('node:os')).loadavg() },
  seed,
  results,
  journal: { records: N, seconds: Math.round(journalSeconds * 100) / 100, recordsPerSecond: Math.round(N / journalSeconds), msPerRecord: Math.round((journalSeconds * 1000 * 100) / N) / 100 },
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const out = join(ROOT, 'bench', 'results', `remediate-${report.date.slice(0, 10)}.json`);
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`bench: written ${out}\n`);
