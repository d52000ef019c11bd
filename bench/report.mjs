#!/usr/bin/env node
/**
 * Benchmark of `revenant report` (not a timed test): makes a synthetic tenant with
 * `revenant synth --users N --seed S`, loads it as two snapshots (a report compares two), then
 * times `revenant report` end to end as a user runs it, and the stages in process; also one
 * `revenant evidence`. Writes JSON to bench/results/report-<N>.json and prints it.
 * Targets (issue 7): report of a 50k-user snapshot ≤ 30 s, report.html ≤ 10 MB.
 *
 *   npm run build && node bench/report.mjs [--users 50000] [--seed 1] [--keep DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'revenant.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const users = Number(opt('users', '50000'));
const seed = opt('seed', '1');
const keep = opt('keep', undefined);
const work = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'revenant-bench-report-'));
mkdirSync(work, { recursive: true });

function cli(argv, label) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CI: '1' } });
  const ms = Math.round(performance.now() - t0);
  if (r.status !== 0 && r.status !== 3) {
    process.stderr.write(`${label} failed (${r.status}):\n${r.stderr}\n`);
    process.exit(1);
  }
  return { ms, stdout: r.stdout.trim(), stderr: r.stderr.trim(), status: r.status };
}

const col = join(work, 'collection');
const store = join(work, 'store');
const out = join(work, 'report');
const synth = cli(['synth', '--users', String(users), '--seed', seed, '--out', col], 'synth');
const load1 = cli(['load', '--store', store, col], 'load');
const load2 = cli(['load', '--store', store, col], 'load');
const report = cli(['report', '--store', store, '--out', out, '--no-record', '--fail-on', 'live'], 'report');
const files = Object.fromEntries(['report.html', 'report.json', 'findings.csv', 'leavers.csv'].map((f) => [f, statSync(join(out, f)).size]));

// The same report in process, for a breakdown by stage.
const { writeReport } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'reports', 'writeReport.js')).href);
const t0 = performance.now();
const inproc = await writeReport({ out: join(work, 'report-inproc'), store, record: false });
const inprocMs = Math.round(performance.now() - t0);
const s = inproc.doc.summary;

// One leaver's evidence (the first leaver of the report that is not closed).
const leaver = inproc.doc.leavers.find((l) => !l.closed && l.accounts.some((a) => a.departed));
const subject = leaver.accounts.find((a) => a.departed).id;
const evidence = cli(['evidence', subject, '--store', store, '--out', join(work, 'evidence'), '--no-pdf'], 'evidence');

const result = {
  bench: 'report',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  input: { users, seed, snapshots: 2, collectionLine: synth.stderr.split('\n').at(-1).slice(0, 200) },
  size: {
    findings: inproc.doc.findings.length,
    departedAccounts: s.departedAccounts,
    leavers: s.leavers,
    liveTier0: s.liveTier0Now,
    ownerless: inproc.doc.ownerless.length,
  },
  timeMs: {
    synth: synth.ms,
    loadEach: [load1.ms, load2.ms],
    reportCli: report.ms,
    reportInProcess: inprocMs,
    reportStages: inproc.timings,
    evidenceCli: evidence.ms,
  },
  files,
  targets: {
    reportSecondsMax: 30,
    reportHtmlBytesMax: 10 * 1024 * 1024,
    reportOk: report.ms <= 30_000,
    htmlOk: files['report.html'] <= 10 * 1024 * 1024,
  },
  failOnLiveExit: report.status,
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const file = join(ROOT, 'bench', 'results', `report-${users}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.stderr.write(`written ${file}\n`);
if (!keep) rmSync(work, { recursive: true, force: true });
