#!/usr/bin/env node
/**
 * HTTP API load benchmark (not a timed test). A synthetic tenant of N people (default 50,000;
 * `revenant synth`) is loaded into an embedded store (`revenant load`), `revenant serve` runs as
 * its own process, and C concurrent clients (default 50) on loopback ask
 * `GET /v1/subjects/{subject}/residual-access` for random subjects (Entra and Okta accounts, by
 * id, UPN or login; departed or not) over keep-alive connections, in a separate process.
 *
 * Phases: warm-up; `max`, a closed loop (the highest throughput, and latency at saturation);
 * `paced`, an open loop at the target rate (default 1,000 requests/s in all; latency measured
 * from when each request was due, so a slow response cannot hide the ones queued behind it);
 * `swap`, paced while a new snapshot of the same size is loaded and swapped in (errors, latency
 * while `load` competes for the CPU, and whether every response named one snapshot); `--swap off`
 * skips it (at a million users the second load takes ~15 minutes and ~9 GB beside the server).
 * Goal on a 2-core machine: p99 ≤ 50 ms at ≥ 1,000 requests/s, zero errors.
 * Beside the latencies: the server's start-up (spawn to listening: it builds the latest snapshot's
 * view before it listens), its resident memory (now and peak, /proc) and CPU seconds, the client's
 * CPU seconds, and the load average, per phase (on a shared machine, compare CPU with wall).
 *
 * usage: node bench/api.mjs [--users N] [--clients C] [--rate R] [--seconds S] [--swap on|off] [--swap-seconds S]
 *        [--log-level L] [--out FILE] [--serve-args "NODE OPTIONS"]
 *        [--collection DIR --store DIR]   (reuse a synthesized collection and a store it was loaded into,
 *                                          e.g. the million-user tenant kept by `bench/scale.mjs --keep`;
 *                                          with --swap off the store is only read)
 * Needs `npm run build`. Results: JSON on stdout and in --out, by default
 * bench/results/api-<users>[-log-<level>].json (the server logs at `warn` by default; `--log-level info`
 * adds a JSON line per request).
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'revenant.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};

// ---- the client process: drive the server and record latencies ------------------------
if (process.env.REVENANT_BENCH_CLIENT) {
  const { url, key, subjectsFile, clients, rate } = JSON.parse(process.env.REVENANT_BENCH_CLIENT);
  const subjects = JSON.parse(readFileSync(subjectsFile, 'utf8'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const target = new URL(url);
  /** warmup, max (closed loop), paced (open loop at `rate` req/s in all), swap (paced, during a snapshot swap) */
  let phase = 'warmup';
  let stop = false;
  const rec = { max: [], paced: [], swap: [] };
  const errors = { max: [], paced: [], swap: [] };
  const snapshots = { max: new Set(), paced: new Set(), swap: new Set() };
  let inconsistent = 0;
  process.on('message', (m) => {
    if (m === 'stop') stop = true;
    else phase = m;
  });
  const one = (startedAt) =>
    new Promise((resolve) => {
      const s = subjects[(Math.random() * subjects.length) | 0];
      const p = phase;
      const req = http.request(
        { host: target.hostname, port: target.port, path: `/v1/subjects/${encodeURIComponent(s)}/residual-access`, agent, headers: { authorization: `Bearer ${key}` } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            // Latency from when the request was due (open loop: no coordinated omission).
            const ms = performance.now() - startedAt;
            if (p !== 'warmup') {
              rec[p].push(ms);
              if (res.statusCode !== 200) errors[p].push(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`);
              else {
                const snap = res.headers['x-revenant-snapshot'];
                snapshots[p].add(snap);
                if (JSON.parse(Buffer.concat(chunks).toString()).snapshot !== snap) inconsistent++;
              }
            }
            resolve();
          });
        },
      );
      req.on('error', (e) => {
        if (p !== 'warmup') errors[p].push(String(e.code ?? e.message));
        resolve();
      });
      req.end();
    });
  const interval = (clients / rate) * 1000;
  const loop = async (i) => {
    let due = performance.now() + (i * interval) / clients;
    while (!stop) {
      if (phase === 'paced' || phase === 'swap') {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await one(due);
        due += interval;
        if (due < performance.now() - 1000) due = performance.now(); // fell far behind: do not burst
      } else {
        await one(performance.now());
        due = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)));
  agent.destroy();
  // Exit only once the results are through the IPC channel; never go on into the driver below
  // (it would synthesize and load a tenant of its own: the client has no arguments).
  process.send({ rec, errors, snapshots: Object.fromEntries(Object.entries(snapshots).map(([k, v]) => [k, [...v]])), inconsistent }, () => process.exit(0));
  await new Promise(() => {});
}

// ---- the driver ------------------------------------------------------------------------
const GIVEN_COLLECTION = opt('collection', null);
const GIVEN_STORE = opt('store', null);
/** A synthetic collection's size, from its manifest (`revenant synth` records it). */
const usersOf = (dir) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'entra', 'manifest.json'), 'utf8')).synthetic?.users ?? null;
  } catch {
    return null;
  }
};
const USERS = Number(opt('users', (GIVEN_COLLECTION && usersOf(GIVEN_COLLECTION)) || 50000));
const CLIENTS = Number(opt('clients', 50));
const SECONDS = Number(opt('seconds', 30));
const SWAP_SECONDS = Number(opt('swap-seconds', 0));
const RATE = Number(opt('rate', 1000));
const LOG_LEVEL = opt('log-level', 'warn');
const SWAP = opt('swap', 'on');
const OUT = opt('out', null);
/** Node options for the server's process (e.g. `--cpu-prof --cpu-prof-dir DIR`, `--max-old-space-size=8192`). */
const SERVE_ARGS = opt('serve-args', '').split(' ').filter(Boolean);
const WARMUP = 5;
if (SWAP !== 'on' && SWAP !== 'off') {
  process.stderr.write(`bench/api: --swap must be on or off (got ${SWAP})\n`);
  process.exit(2);
}

if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  process.stderr.write('bench/api: run `npm run build` first\n');
  process.exit(1);
}

if (!!GIVEN_COLLECTION !== !!GIVEN_STORE) {
  process.stderr.write('bench/api: --collection and --store go together (a collection and the store it was loaded into)\n');
  process.exit(2);
}
const work = join(tmpdir(), `revenant-bench-api-${USERS}`);
if (!GIVEN_COLLECTION) mkdirSync(work, { recursive: true });
const col = GIVEN_COLLECTION ?? join(work, 'synth');
/**
 * A given store is only read with --swap off: the server runs on a store of its own (removed at
 * exit) whose snapshots folder links the given store's latest snapshot file, with a copy of its
 * change feed (the server appends to the feed, and the bench's API key is written beside it).
 */
const shadowOf = (given) => {
  const dir = mkdtempSync(join(tmpdir(), 'revenant-bench-api-shadow-'));
  const snaps = readdirSync(join(given, 'snapshots')).filter((f) => f.endsWith('.sqlite')).sort();
  if (!snaps.length) throw new Error(`bench/api: ${given} has no snapshot`);
  mkdirSync(join(dir, 'snapshots'), { mode: 0o700 });
  symlinkSync(resolve(given, 'snapshots', snaps.at(-1)), join(dir, 'snapshots', snaps.at(-1)));
  if (existsSync(join(given, 'feed.sqlite'))) copyFileSync(join(given, 'feed.sqlite'), join(dir, 'feed.sqlite'));
  return dir;
};
const SHADOW = GIVEN_STORE && SWAP === 'off';
const store = GIVEN_STORE ? (SHADOW ? shadowOf(GIVEN_STORE) : GIVEN_STORE) : mkdtempSync(join(tmpdir(), 'revenant-bench-api-store-'));
const log = (s) => process.stderr.write(`bench/api: ${s}\n`);
const rev = (...a) => execFileSync(process.execPath, [BIN, ...a], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });

const t = () => performance.now();
/** A process's CPU seconds (user + system, /proc/PID/stat) and resident memory now and at its peak (/proc/PID/status, GB). */
const TICKS = 100; // USER_HZ on Linux
const procCpu = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return null;
  }
};
const procRss = (pid) => {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssGB: Math.round((kb('VmRSS') / 2 ** 20) * 100) / 100, peakGB: Math.round((kb('VmHWM') / 2 ** 20) * 100) / 100 };
  } catch {
    return null;
  }
};
const round2 = (v) => (v === null ? null : Math.round(v * 100) / 100);
/** The server's and the client's CPU seconds, the server's memory and the load average at one moment. */
const probe = () => ({ at: t(), serverCpu: server ? procCpu(server.pid) : null, clientCpu: clientPid ? procCpu(clientPid) : null, memory: server ? procRss(server.pid) : null, load1: loadavg()[0] });
/** What a phase cost between two probes. */
const usage = (a, b) => ({
  serverCpuSeconds: a.serverCpu === null || b.serverCpu === null ? null : round2(b.serverCpu - a.serverCpu),
  clientCpuSeconds: a.clientCpu === null || b.clientCpu === null ? null : round2(b.clientCpu - a.clientCpu),
  serverMemoryGB: b.memory,
  loadAverage1m: round2(b.load1),
});
let clientPid = null;
let synthSeconds = null;
// The synthetic collection is cached per size (a marker says it is complete and for this size).
const marker = join(col, '.bench-api-users');
if (!GIVEN_COLLECTION && (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== String(USERS))) {
  log(`synthesizing ${USERS} people`);
  const t0 = t();
  rev('synth', '--users', String(USERS), '--seed', 'bench-api', '--out', col);
  writeFileSync(marker, String(USERS));
  synthSeconds = (t() - t0) / 1000;
}
// A fresh store every run (the snapshot format may have changed since the last one); removed at exit.
let server = null;
process.on('exit', () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  if (!GIVEN_STORE || SHADOW) rmSync(store, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
let t0 = t();
let loadSeconds = null;
if (!GIVEN_STORE) {
  log('loading the snapshot');
  rev('load', col, '--store', store);
  loadSeconds = (t() - t0) / 1000;
}
const snapshotsBefore = JSON.parse(rev('snapshots', '--store', store, '--format', 'json')).snapshots;
const key = rev('keys', 'create', '--name', `bench-${Date.now()}`, '--scope', 'read', '--rate-limit', '10000000', '--store', store).trim();

// Subjects: every Entra and Okta account, named by id, UPN or login (a third of each).
const subjects = [];
for (const [file, names] of [
  [join(col, 'entra', 'users.jsonl'), (u) => [u.id, u.userPrincipalName]],
  [join(col, 'okta', 'users.jsonl'), (u) => [`okta:${u.id}`, u.profile?.login]],
]) {
  // Line by line: at a million users the file is larger than one JavaScript string.
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const u = JSON.parse(line);
    const n = names(u).filter(Boolean);
    subjects.push(n[subjects.length % n.length]);
  }
}
log(`${subjects.length} subjects; serving`);

const spawnedAt = t();
const load0 = loadavg()[0];
server = spawn(process.execPath, [...SERVE_ARGS, BIN, 'serve', '--store', store, '--port', '0', '--log-level', LOG_LEVEL], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let err = '';
  server.stderr.on('data', (c) => {
    err += c;
    const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
    if (m) resolve(m[1]);
  });
  server.on('close', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
});
const startedServing = t();
const startup = {
  seconds: round2((startedServing - spawnedAt) / 1000),
  serverCpuSeconds: procCpu(server.pid),
  serverMemoryGB: procRss(server.pid),
  loadAverage1m: { before: round2(load0), after: round2(loadavg()[0]) },
};
log(`listening after ${startup.seconds} s (${startup.serverCpuSeconds} s CPU, ${JSON.stringify(startup.serverMemoryGB)})`);

await new Promise((r) => setTimeout(r, 500));

const subjectsFile = join(store, 'subjects.json');
writeFileSync(subjectsFile, JSON.stringify(subjects));
const client = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, REVENANT_BENCH_CLIENT: JSON.stringify({ url, key, subjectsFile, clients: CLIENTS, rate: RATE }) } });
clientPid = client.pid;
const result = new Promise((resolve) => client.on('message', resolve));
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
await sleep(WARMUP);
client.send('max');
const p0 = probe();
await sleep(SECONDS);
const p1 = probe();
const maxSeconds = (p1.at - p0.at) / 1000;
client.send('paced');
await sleep(SECONDS);
const p2 = probe();
const pacedSeconds = (p2.at - p1.at) / 1000;
let swapRun = null;
if (SWAP === 'on') {
  client.send('swap');
  const swapStart = t();
  log('loading a new snapshot while the clients run');
  const loader = spawn(process.execPath, [BIN, 'load', col, '--store', store], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let newId = '';
  loader.stdout.on('data', (c) => (newId += c));
  const loadStart = t();
  await new Promise((r) => loader.on('close', r));
  const swapLoadSeconds = (t() - loadStart) / 1000;
  newId = newId.trim();
  // Until the server serves it, then a little more.
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`${url}/readyz`).then((x) => x.json());
    if (r.snapshot === newId) break;
    await sleep(0.1);
  }
  const servedAfter = (t() - loadStart) / 1000;
  await sleep(Math.max(2, SWAP_SECONDS));
  swapRun = { seconds: (t() - swapStart) / 1000, loadSeconds: swapLoadSeconds, servedAfter, newId, usage: usage(p2, probe()) };
}
log('stopping the clients');
client.send('stop');
const r = await result;
server.kill('SIGTERM');

function stats(xs, seconds, errors) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null);
  const round = (v) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    requests: s.length,
    seconds: Math.round(seconds * 10) / 10,
    throughput: Math.round(s.length / seconds),
    latencyMs: { p50: round(q(0.5)), p90: round(q(0.9)), p99: round(q(0.99)), max: round(s.at(-1) ?? null), mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)) },
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
  };
}
const swap = swapRun
  ? {
      ...stats(r.rec.swap, swapRun.seconds, r.errors.swap),
      loadSeconds: Math.round(swapRun.loadSeconds * 10) / 10,
      servedNewSnapshotAfterSeconds: Math.round(swapRun.servedAfter * 10) / 10,
      snapshotsSeen: r.snapshots.swap,
      newSnapshot: swapRun.newId,
      responsesNamingTwoSnapshots: r.inconsistent,
      ...swapRun.usage,
    }
  : { skipped: 'run with --swap off: no snapshot was loaded beside the server' };
const max = { ...stats(r.rec.max, maxSeconds, r.errors.max), ...usage(p0, p1) };
const paced = { targetRate: RATE, ...stats(r.rec.paced, pacedSeconds, r.errors.paced), ...usage(p1, p2) };
const swapErrors = swapRun ? swap.errors : 0;
const out = {
  benchmark: 'api',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  users: USERS,
  subjects: subjects.length,
  clients: CLIENTS,
  logLevel: LOG_LEVEL,
  serveArgs: SERVE_ARGS,
  store: GIVEN_STORE ? { given: GIVEN_STORE, readOnly: !!SHADOW } : null,
  route: 'GET /v1/subjects/{subject}/residual-access',
  method:
    'One client process, C keep-alive connections. max: closed loop (each client sends its next request when the last returns): the highest throughput, latency at saturation. paced: open loop at the target rate in all, latency measured from when each request was due. swap: paced, while `revenant load` writes a new snapshot of the same size and the server swaps it in.',
  setup: { synthSeconds, loadSeconds, snapshotsBefore: snapshotsBefore.length },
  startup,
  max,
  paced,
  swap,
  goal: { p99Ms: 50, throughput: 1000, errors: 0 },
  met: paced.latencyMs.p99 <= 50 && paced.throughput >= 1000 * 0.98 && max.errors + paced.errors + swapErrors === 0 && (!swapRun || swap.responsesNamingTwoSnapshots === 0),
};
const file = OUT ?? join(ROOT, 'bench', 'results', `api-${USERS}${LOG_LEVEL === 'warn' ? '' : `-log-${LOG_LEVEL}`}.json`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
await new Promise((r) => (server.exitCode === null ? server.on('close', r) : r()));
