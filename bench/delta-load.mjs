#!/usr/bin/env node
/**
 * Delta `load` benchmark (issue 12 item 6: "its load takes ≤ 10 s" for a 1% delta at 250k; not a
 * timed test). A synthetic tenant (`revenant synth --github --azure`; GitHub and Azure kept in a
 * folder of their own, as a daily refresh re-reads the same folders: they load as unchanged) is
 * loaded in full once; then a delta collection is written in the form `collect entra --delta` and
 * `collect okta --delta` write (manifest `delta.base` naming the base folder, every dataset's
 * ledger `mode: "delta"`, changed lines and `@removed` tombstones) with about `--changes` of the
 * users and group memberships changed (half of the changed users disabled / deprovisioned, half
 * renamed; half of the changed memberships removed, half added), and HR re-read in full with 0.1%
 * of the active people terminated; collected `--later-hours` after the base (24: a daily refresh).
 * The delta is loaded on the base (`load --base-snapshot`, so repeated runs measure the same
 * delta) under /usr/bin/time with REVENANT_TIMING=1: wall, CPU (user+sys), peak RSS, the load
 * average, and the loader's phases.
 *
 * usage: node bench/delta-load.mjs --keep DIR [--users N] [--seed 1] [--changes 0.01] [--later-hours 24] [--runs 1] [--label L]
 *   DIR keeps the synthetic collection, the base store and the delta (reused when present:
 *   delete DIR/store to load the base again, DIR/delta to write the delta again).
 * Results: JSON on stdout and in bench/results/delta-load-<users>-<label>-<date>.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'revenant.js');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const users = Number(arg('users', 50000));
const seed = arg('seed', '1');
const share = Number(arg('changes', 0.01));
const laterHours = Number(arg('later-hours', 24));
const runs = Number(arg('runs', 1));
const label = arg('label', '');
const keep = arg('keep');
if (!keep) throw new Error('--keep DIR is required');
const dir = resolve(keep);
mkdirSync(dir, { recursive: true });

/** A deterministic pseudo-random sequence (mulberry32). */
function rng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(Number(seed) * 7919 + 17);

/** A JSONL file's lines (read in chunks: at 250k a file passes V8's longest string). */
function lines(path) {
  const out = [];
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 24);
  const text = new StringDecoder('utf8');
  let rest = '';
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      const parts = (rest + text.write(buf.subarray(0, n))).split('\n');
      rest = parts.pop();
      for (const l of parts) if (l) out.push(l);
    }
  } finally {
    closeSync(fd);
  }
  if (rest) out.push(rest);
  return out;
}
function jsonl(path, rows) {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < rows.length; i += 10000) writeSync(fd, rows.slice(i, i + 10000).map((r) => `${typeof r === 'string' ? r : JSON.stringify(r)}\n`).join(''));
  } finally {
    closeSync(fd);
  }
}

/** /usr/bin/time around a CLI command: wall, user, sys, peak RSS; stderr kept (REVENANT_TIMING phases). */
function timed(args, env = {}) {
  const before = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, CLI, ...args], {
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=12000', REVENANT_TIMING: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const phases = [...r.stderr.matchAll(/^timing: (.+)$/gm)].map((x) => x[1]);
  return {
    wallSeconds: Number(m[1]),
    cpuSeconds: Math.round((Number(m[2]) + Number(m[3])) * 100) / 100,
    userSeconds: Number(m[2]),
    sysSeconds: Number(m[3]),
    peakRssMb: Math.round(Number(m[4]) / 1024),
    loadAverage: { before, after: loadavg()[0] },
    phases,
    stdout: r.stdout.trim().split('\n').slice(-12),
    stderrTail: r.stderr.split('\n').filter((l) => !l.startsWith('TIME')).slice(-25),
  };
}

// 1. The synthetic tenant; GitHub and Azure in a folder of their own.
const synth = join(dir, 'synth');
const side = join(dir, 'side');
if (!existsSync(join(synth, 'entra', 'manifest.json'))) {
  execFileSync(process.execPath, [CLI, 'synth', '--users', String(users), '--seed', seed, '--out', synth, '--github', '--azure'], { stdio: 'inherit' });
  mkdirSync(side, { recursive: true });
  for (const s of ['github', 'azure']) renameSync(join(synth, s), join(side, s));
  rmSync(join(synth, 'expected.json'), { force: true });
}
const baseAt = JSON.parse(readFileSync(join(synth, 'entra', 'manifest.json'), 'utf8')).collectedAt;

// 2. The base: a full load.
const store = join(dir, 'store');
const baseFile = join(dir, 'base.json');
let base;
if (existsSync(baseFile) && existsSync(store)) base = JSON.parse(readFileSync(baseFile, 'utf8'));
else {
  rmSync(store, { recursive: true, force: true });
  const t = timed(['load', synth, side, '--store', store]);
  const id = t.stdout[t.stdout.length - 1];
  base = { id, load: t };
  writeFileSync(baseFile, JSON.stringify(base, null, 2));
}
if (!base.id) throw new Error(`no snapshot id in the base load's output: ${base.load.stdout.join('\n')}`);

// 3. The delta collection.
const delta = join(dir, 'delta');
const at = new Date(Date.parse(baseAt) + laterHours * 3600_000).toISOString();
const counts = {};
if (!existsSync(join(delta, 'hr', 'manifest.json'))) {
  rmSync(delta, { recursive: true, force: true });
  for (const source of ['entra', 'okta']) {
    const from = join(synth, source);
    const to = join(delta, source);
    mkdirSync(to, { recursive: true });
    const m = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8'));
    const out = {};
    // Users: half disabled (Entra accountEnabled=false; Okta DEPROVISIONED), half renamed.
    const us = lines(join(from, 'users.jsonl')).map((l) => JSON.parse(l));
    const changed = [];
    for (const u of us) {
      if (rand() >= share) continue;
      if (rand() < 0.5) {
        if (source === 'entra') changed.push({ ...u, accountEnabled: false });
        else changed.push({ ...u, status: 'DEPROVISIONED', statusChanged: at, lastUpdated: at });
      } else if (source === 'entra') changed.push({ ...u, displayName: `${u.displayName} (renamed)` });
      else changed.push({ ...u, profile: { ...u.profile, lastName: `${u.profile.lastName}-r` }, lastUpdated: at });
    }
    out.users = changed;
    // Memberships: as many removed (tombstones) as added (a user into another group).
    const gm = lines(join(from, 'groupMembers.jsonl')).map((l) => JSON.parse(l));
    const groups = [...new Set(gm.map((x) => x.groupId))];
    const have = new Set(gm.map((x) => `${x.groupId}|${(x.member ?? x.user).id}`));
    const ms = [];
    for (const x of gm) {
      if (rand() >= share) continue;
      if (rand() < 0.5) ms.push({ ...x, '@removed': { reason: 'deleted' } });
      else {
        const g = groups[Math.floor(rand() * groups.length)];
        const who = (x.member ?? x.user).id;
        if (have.has(`${g}|${who}`)) continue;
        have.add(`${g}|${who}`);
        ms.push({ ...x, groupId: g });
      }
    }
    out.groupMembers = ms;
    const datasets = {};
    for (const [name, l] of Object.entries(m.datasets)) {
      const rows = out[name] ?? [];
      jsonl(join(to, `${name}.jsonl`), rows);
      datasets[name] = { status: l.status, count: rows.length, mode: 'delta', ...(l.reason ? { reason: l.reason } : {}) };
    }
    counts[source] = { users: changed.length, groupMembers: ms.length, tombstones: ms.filter((x) => x['@removed']).length };
    writeFileSync(join(to, 'manifest.json'), JSON.stringify({ ...m, collectedAt: at, scope: { kind: 'tenant' }, delta: { base: { path: from, collectedAt: baseAt } }, datasets }, null, 2));
  }
  // HR: re-read in full, 0.1% of the active people terminated (yesterday).
  mkdirSync(join(delta, 'hr'), { recursive: true });
  const hm = JSON.parse(readFileSync(join(synth, 'hr', 'manifest.json'), 'utf8'));
  let terminated = 0;
  const people = lines(join(synth, 'hr', 'people.jsonl')).map((l) => {
    const p = JSON.parse(l);
    if (p.status !== 'active' || rand() >= 0.001) return l;
    terminated++;
    return JSON.stringify({ ...p, status: 'terminated', terminationDate: at.slice(0, 10) });
  });
  jsonl(join(delta, 'hr', 'people.jsonl'), people);
  writeFileSync(join(delta, 'hr', 'manifest.json'), JSON.stringify({ ...hm, collectedAt: at }, null, 2));
  counts.hr = { terminated };
  writeFileSync(join(delta, 'counts.json'), JSON.stringify(counts, null, 2));
}
Object.assign(counts, JSON.parse(readFileSync(join(delta, 'counts.json'), 'utf8')));

// 4. The delta load on the base, `runs` times (each a new delta snapshot on the same base).
const results = [];
const day = new Date().toISOString().slice(0, 10);
const file = join(ROOT, 'bench', 'results', `delta-load-${users >= 1000 ? `${Math.round(users / 1000)}k` : users}${label ? `-${label}` : ''}-${day}.json`);
/** The results so far (written after every run: a long run stopped midway keeps what it measured). */
const write = () => {
  const out = {
    benchmark: 'delta load (bench/delta-load.mjs)',
    date: new Date().toISOString(),
    commit: process.env.BENCH_COMMIT ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
    machine: { cpus: cpus().length, node: process.version, note: 'shared machine: CPU seconds and the load average beside every wall time' },
    users,
    seed,
    changes: share,
    collectedAfterBaseHours: laterHours,
    delta: counts,
    base: { id: base.id, wallSeconds: base.load.wallSeconds, cpuSeconds: base.load.cpuSeconds, peakRssMb: base.load.peakRssMb, loadAverage: base.load.loadAverage },
    runs: results,
    target: 'issue 12 item 6: a 1% delta load at 250k takes <= 10 s',
  };
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  return out;
};
for (let i = 0; i < runs; i++) {
  const t = timed(['load', delta, side, '--store', store, '--base-snapshot', base.id]);
  results.push(t);
  process.stderr.write(`delta load ${i + 1}: ${t.wallSeconds} s wall, ${t.cpuSeconds} s CPU, ${t.peakRssMb} MB, load average ${t.loadAverage.before.toFixed(1)}\n`);
  write();
}
process.stdout.write(JSON.stringify(write(), null, 2) + '\n');
