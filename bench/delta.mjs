#!/usr/bin/env node
/**
 * Daily refresh and event benchmark (not a timed test). A synthetic tenant of N people (default
 * 250,000; `revenant synth`, planted leavers included) is served by the Graph and Okta fakes of
 * test/fakes with 30 ms added to every request and throttling at the documented limits (Graph:
 * 8,000 resource units per 10 s; Okta: the per-minute buckets). Then:
 *
 * 1. full refresh: `collect entra` and `collect okta` (side by side) and the HR import, then
 *    `load` — wall time, HTTP requests (every attempt, a `$batch` once), load time;
 * 2. about 1% of the objects change (test/support/tenantChanges.ts: joiners, leavers, disables,
 *    credentials, owners, memberships, roles, Okta suspensions and deactivations, HR), then the
 *    delta refresh: `collect entra --delta`, `collect okta --delta`, the HR import, `load` (a
 *    delta snapshot) — the same figures, and the ratios to the full refresh (targets: ≤ 10% of the
 *    requests and of the wall time; load ≤ 10 s);
 * 3. events (with --events E, default 40): `revenant serve` on that store with a webhook sink;
 *    each event deactivates or suspends an Okta user (or disables an Entra user) in the fake and
 *    delivers the Okta event hook (or the Graph change notification); the time from the delivery
 *    to the sink receiving that subject's findings is measured — per-subject collection against
 *    the fakes, the delta snapshot, the swap and the push included. Events come one at a time and
 *    in bursts of 5 different subjects (batched). Target: p99 ≤ 3 s.
 *
 * Each refresh reports its wall time, requests (per dataset too), CPU seconds (this process — the
 * fakes — and the collectors and loader it ran, from /proc/self/stat) and the load average.
 * With --derive-full (tenants whose full collection through the throttled fakes would take
 * hours), the full collection runs without latency or throttling: its requests are exact (same
 * fakes, same collectors) and its wall time is *derived* — the throttling bound, the busiest
 * Okta bucket's requests over its per-minute limit, or Graph's resource units over 800 a second,
 * whichever is longer (a lower bound: latency and pacing gaps come on top) — while the delta
 * refresh runs with latency and throttling on and is *measured*; the JSON labels which is which.
 *
 * With --events-only, phases 1 and 2 are skipped: the synthetic collection itself is loaded (the
 * fakes serve the same tenant) and only the events are measured — the way to measure event
 * latency at sizes whose full collection through the throttled fakes takes hours. With
 * --events-only and --store DIR, a store already loaded from that synthetic collection (in --keep
 * DIR: its okta manifest names the org URL the store was loaded with, and the Okta fake listens on
 * that port) is used as it is: no load (e.g. `revenant load DIR/synth --store DIR/store`, timed on
 * its own); the fakes then run in a child process (at 250k their per-request scans cost seconds of
 * CPU per event, which in this process would delay the sink's clock; --fakes-in-process keeps them
 * here), and their CPU is reported apart. --serve-args "…" passes node options to the server (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to profile the refreshes). A delivery the server does not take, or
 * an answer that never comes, is recorded in its sample (and the JSON is written all the same).
 *
 * With --events-only --collected-ago H, the synthetic tenant is collected H hours before now (24:
 * the oldest snapshot a daily refresh leaves; without it, at 2026-11-01, and the first refresh then
 * analyses again every unit whose answer changed with time since — hundreds at 50k). --events 0
 * loads only (then the events run on that store with --store). In the events phase the fakes answer
 * searches from their indexes (`indexedLookups`: same answers as their scans). --fakes-args "…" passes
 * node options to the fakes' child process; --label L puts L in the results file's name.
 *
 * usage: node --max-old-space-size=12000 bench/delta.mjs [--users N] [--changes 0.01] [--events 40] [--latency 30] [--keep DIR] [--no-build] [--derive-full] [--events-only [--collected-ago H] [--store DIR [--fakes-in-process]] [--pick-offset K] [--no-catch-up-wait]] [--serve-args "…"] [--fakes-args "…"] [--label L] [--okta-ab DIR [--reps R] [--okta-limit-scale F]] [--indexed-fakes]
 * With --okta-ab DIR (a checkout of another commit, built), the Okta delta is run again R times
 * (default 2) by each build, alternately, against the same changed org in fresh rate-limit windows
 * (the A/B of a collector change; --okta-limit-scale 0.2 divides Okta's per-minute limits by 5 in
 * those runs: at 50k, the pressure a 250k org's delta meets); the delta's Okta requests are also laid out in time
 * (`oktaTimeline`: per bucket and phase, first and last request, 429s, idle gaps, requests per 10 s,
 * and the fake's own service time per phase). --indexed-fakes: the fakes answer the delta's
 * searches from their indexes, as in the events phase (their scans are CPU no real org charges).
 * Results: JSON on stdout and in bench/results/delta-<users>-<date>.json. Run on a quiet machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const USERS = Number(opt('users', 250000));
const CHANGES = Number(opt('changes', 0.01));
const EVENTS = Number(opt('events', 40));
const LATENCY = Number(opt('latency', 30));
const KEEP = opt('keep', undefined);
const EVENTS_ONLY = args.includes('--events-only');
const STORE = opt('store', undefined);
// Which users the events pick (a run on a store reused from an earlier run: others than that run's).
const PICK = Number(opt('pick-offset', 0));
const SERVE_ARGS = (opt('serve-args', '') ?? '').split(' ').filter(Boolean);
// Node options of the fakes' child process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
// A label in the results file's name (several runs of a day side by side).
const LABEL = opt('label', undefined);
const FAKES_ARGS = (opt('fakes-args', '') ?? '').split(' ').filter(Boolean);
const DERIVE_FULL = args.includes('--derive-full');
// The baseline checkout (built) of --okta-ab, and the runs of each build.
const OKTA_AB = opt('okta-ab', undefined);
const REPS = Number(opt('reps', 2));
// The A/B runs' Okta limits, scaled (0.2 at 50k: the per-minute budgets a 250k org's delta meets with 5x the requests).
const LIMIT_SCALE = Number(opt('okta-limit-scale', 1));
const INDEXED_FAKES = args.includes('--indexed-fakes');
// Events right after the server is ready, during its time catch-up (default: once it is done).
const NO_CATCH_UP_WAIT = args.includes('--no-catch-up-wait');
// Events only: the synthetic tenant is collected this many hours before now (the served snapshot's
// age when the events come: 24 = the oldest a daily refresh leaves). Unset: at T0 (2026-11-01).
const COLLECTED_AGO = opt('collected-ago', undefined);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const T0 = Date.parse('2026-11-01T00:00:00Z');
const iso = (t) => new Date(t).toISOString();

/** Transpile test/fakes and test/support/tenantChanges.ts (node built-ins only) and import them. */
async function loadFakes() {
  const ts = (await import(pathToFileURL(join(ROOT, 'node_modules/typescript/lib/typescript.js')).href)).default;
  const out = mkdtempSync(join(tmpdir(), 'revenant-bench-fakes-'));
  const emit = (dir, f) => {
    const src = readFileSync(join(ROOT, 'test', dir, f), 'utf8');
    const js = ts
      .transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
      // The fakes share a few product modules (the Okta rate-limit buckets): the built ones.
      .outputText.replaceAll("'../../ingest/", `'${pathToFileURL(join(ROOT, 'dist/ingest')).href}/`);
    mkdirSync(join(out, dir), { recursive: true });
    writeFileSync(join(out, dir, f.replace(/\.ts$/, '.js')), js);
  };
  for (const f of readdirSync(join(ROOT, 'test/fakes'))) if (f.endsWith('.ts')) emit('fakes', f);
  emit('support', 'tenantChanges.ts');
  const imp = (n) => import(pathToFileURL(join(out, n)).href);
  return {
    ...(await imp('fakes/GraphFake.js')),
    ...(await imp('fakes/OktaFake.js')),
    ...(await imp('fakes/scenarioTenants.js')),
    ...(await imp('fakes/testCa.js')),
    ...(await imp('support/tenantChanges.js')),
  };
}

function ensureBuilt() {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

function run(cliArgs, env, caPath, root = ROOT) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin/revenant.js'), ...cliArgs], {
      env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: caPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - started) / 1000, stderr, stdout }));
  });
}

function must(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr.slice(-3000)}`);
  return r;
}

const requestsOf = (dir) => sum(Object.values(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).datasets).map((d) => d.requests ?? 0));
/** Requests per dataset (those that made any), from a source folder's manifest. */
const perDataset = (dir) =>
  Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).datasets)
      .filter(([, d]) => d.requests)
      .map(([k, d]) => [k, d.requests]),
  );

/** CPU seconds of this process (the fakes, the sink) and of the children it has waited for (collectors, loads): Linux /proc. */
function cpuNow() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const tick = 100;
  return { self: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
}
const cpuSince = (c0) => {
  const c1 = cpuNow();
  return { fakesAndBench: round(c1.self - c0.self), collectorsAndLoads: round(c1.children - c0.children) };
};

/**
 * The throttling bound of the requests the fakes logged since `from` (their log indexes), starting
 * from fresh windows: for Okta, each bucket's windows waited out (n requests at L a minute: the
 * last window's go out at its start, so ⌊(n−1)/L⌋ minutes); for Graph, the resource units beyond
 * the full bucket (8,000) over the refill rate (800 a second; the audit log is not throttled). The
 * longest is the least wall time those requests take (latency and pacing gaps come on top).
 */
function throttlingBound(F, graph, okta, from, limits = F.OKTA_BUCKET_LIMITS) {
  const buckets = {};
  for (const r of okta.server.log.slice(from.okta)) {
    const b = F.oktaBucket(r.path);
    buckets[b] = (buckets[b] ?? 0) + 1;
  }
  let units = 0;
  for (const r of graph.server.log.slice(from.graph)) if (r.path !== '/v1.0/$batch' && !r.path.startsWith('/v1.0/auditLogs')) units += F.GraphFake.cost(r);
  const oktaMinutes = Object.fromEntries(Object.entries(buckets).map(([b, n]) => [b, Math.floor((n - 1) / (limits[b] ?? limits.other))]));
  const oktaSeconds = Math.max(0, ...Object.values(oktaMinutes)) * 60;
  const graphSeconds = Math.max(0, units - 8000) / 800;
  return { oktaBuckets: buckets, oktaBucketMinutes: oktaMinutes, graphResourceUnits: units, seconds: round(Math.max(oktaSeconds, graphSeconds), 1), bound: oktaSeconds >= graphSeconds ? 'okta' : 'graph' };
}

/** What an Okta request reads, for the timeline's phases. */
function oktaPhase(path) {
  if (/^\/api\/v1\/users\/[^/]+\/appLinks$/.test(path)) return 'appLinks';
  if (/^\/api\/v1\/apps\/[^/]+\/users\/[^/]+$/.test(path)) return 'appUser records';
  if (/^\/api\/v1\/apps\/[^/]+\/users$/.test(path)) return 'appUser lists';
  if (/^\/api\/v1\/apps\/[^/]+\/tokens$/.test(path)) return 'refreshTokens';
  if (/^\/api\/v1\/users\/[^/]+\/groups$/.test(path)) return 'groupMembers';
  if (/^\/api\/v1\/users\/[^/]+\/roles$/.test(path)) return 'userRoles';
  if (/^\/api\/v1\/users\/[^/]+\/grants$/.test(path)) return 'userGrants';
  if (path.startsWith('/api/v1/iam/')) return 'role assignees';
  if (/^\/api\/v1\/groups\/[^/]+$/.test(path)) return 'groups';
  if (path === '/api/v1/users') return 'users';
  if (path.startsWith('/api/v1/logs')) return 'logs';
  return path.replace(/\/[0-9A-Za-z]{20}(?=\/|$)/g, '/{id}');
}

/**
 * Where a delta's Okta wall time goes: per bucket and per phase (what the requests read), the
 * first and last request (seconds from the collection's start), 429s, requests per 10 s slot
 * (buckets) and the idle gaps over 5 s between a bucket's requests.
 */
function oktaTimeline(F, times, wall) {
  const s1 = (x) => round(x / 1000, 1);
  const group = (keyOf) => {
    const g = {};
    for (const r of times) {
      const k = keyOf(r.path);
      const e = (g[k] ??= { requests: 0, refused: 0, first: Infinity, last: 0, at: [], service: 0 });
      e.requests++;
      e.service += r.r?.serviceMs ?? 0;
      if (r.refused) e.refused++;
      e.first = Math.min(e.first, r.t);
      e.last = Math.max(e.last, r.t);
      e.at.push(r.t);
    }
    return g;
  };
  const buckets = group((p) => F.oktaBucket(p));
  const phases = group(oktaPhase);
  const slots = Math.ceil((wall * 1000) / 10_000);
  return {
    wallSeconds: round(wall),
    buckets: Object.fromEntries(
      Object.entries(buckets).map(([b, e]) => {
        const per10s = Array(slots).fill(0);
        for (const t of e.at) per10s[Math.min(slots - 1, Math.floor(t / 10_000))]++;
        const gaps = [];
        const ts = e.at.sort((a, b) => a - b);
        for (let i = 1; i < ts.length; i++) if (ts[i] - ts[i - 1] > 5000) gaps.push([s1(ts[i - 1]), s1(ts[i])]);
        return [b, { requests: e.requests, refused429: e.refused, first: s1(e.first), last: s1(e.last), idleGapsOver5s: gaps, per10s }];
      }),
    ),
    // The fake's own time on each phase's requests (single-threaded: a cost no real org charges, and it delays every other request).
    phases: Object.fromEntries(Object.entries(phases).map(([k, e]) => [k, { requests: e.requests, refused429: e.refused, first: s1(e.first), last: s1(e.last), fakeServiceSeconds: s1(e.service) }])),
    fakeServiceSeconds: s1(times.reduce((a, r) => a + (r.r?.serviceMs ?? 0), 0)),
  };
}

async function main() {
  if (!args.includes('--no-build')) ensureBuilt();
  if (EVENTS_ONLY && STORE && !args.includes('--fakes-in-process')) return eventsOnStore();
  const F = await loadFakes();
  const ca = F.testCa().caPath;
  const { synthesize } = await import(pathToFileURL(join(ROOT, 'dist/ingest/synth/synthesize.js')).href);
  const work = KEEP ?? mkdtempSync(join(tmpdir(), 'revenant-bench-delta-'));
  mkdirSync(work, { recursive: true });
  const os = await import('node:os');
  const result = { benchmark: 'delta', date: new Date().toISOString(), node: process.version, users: USERS, changesFraction: CHANGES, latencyMs: LATENCY, cores: os.cpus().length, loadAverageAtStart: os.loadavg().map((x) => round(x)) };
  const log = (m) => process.stderr.write(`bench: ${m}\n`);

  log(`synthesizing ${USERS} people`);
  const synth = join(work, 'synth');
  const synthAt = EVENTS_ONLY && COLLECTED_AGO !== undefined ? Math.floor((Date.now() - Number(COLLECTED_AGO) * 3_600_000) / 1000) * 1000 : T0;
  if (!existsSync(join(synth, 'expected.json'))) await synthesize({ users: USERS, seed: 11, out: synth, at: iso(synthAt) });
  result.collectedAt = JSON.parse(readFileSync(join(synth, 'okta', 'manifest.json'), 'utf8')).collectedAt ?? null;
  const s = F.loadScenario(synth);
  const graph = new F.GraphFake(s.entra.data);
  const okta = new F.OktaFake(s.okta.data);
  const hr = s.hr.people;
  okta.apiTokens.add('00bench');
  await graph.start();
  // A store loaded before (--store): the org URL it was loaded with is the one the Okta fake must have.
  const loadedOrg = STORE ? /^https:\/\/127\.0\.0\.1:(\d+)$/.exec(JSON.parse(readFileSync(join(synth, 'okta', 'manifest.json'), 'utf8')).tenant) : null;
  if (STORE && !loadedOrg) throw new Error(`--store: ${join(synth, 'okta', 'manifest.json')} names no local org URL (load that synthetic collection with bench/delta.mjs --events-only first)`);
  await okta.start(loadedOrg ? Number(loadedOrg[1]) : 0);
  for (const f of [graph, okta]) f.server.latencyMs = LATENCY;
  graph.throttle = { capacity: 8000, refillPerSec: 800 };
  graph.fillBucket();
  okta.rateLimits = { ...F.OKTA_BUCKET_LIMITS };
  // A derived full collection: no latency, no throttling (its requests are counted, its wall is the throttling bound).
  const throttling = (on) => {
    for (const f of [graph, okta]) f.server.latencyMs = on ? LATENCY : 0;
    graph.throttle = on ? { capacity: 8000, refillPerSec: 800 } : undefined;
    if (on) graph.fillBucket();
    okta.rateLimits = on ? { ...F.OKTA_BUCKET_LIMITS } : undefined;
  };
  const logMark = () => ({ okta: okta.server.log.length, graph: graph.server.log.length });
  const tenant = s.entra.manifest.tenant;
  const graphToken = graph.issueToken(48 * 3600);
  const env = { REVENANT_GRAPH_TOKEN: graphToken, OKTA_CLIENT_TOKEN: '00bench' };
  const hrImport = async (dir, at) => {
    const csv = join(work, `roster-${at}.csv`);
    writeFileSync(csv, F.rosterCsv(hr));
    return must(await run(['collect', 'hr', '--csv', csv, '--out', dir, '--system', 'workday', '--force'], {}, ca), 'collect hr');
  };
  const collect = async (dir, at, base) => {
    const delta = base ? ['--delta', '--base', base] : [];
    const started = performance.now();
    // A delta's Okta requests in time (the fake's hook sees each as its bucket counts it): the timeline.
    const times = [];
    if (base) okta.lateBy = (r, countedBefore) => (times.push({ t: performance.now() - started, r, path: r.path, refused: !!okta.rateLimits && countedBefore >= (okta.rateLimits[F.oktaBucket(r.path)] ?? okta.rateLimits.other) }), 0);
    const cpu0 = cpuNow();
    const mark = logMark();
    const load0 = os.loadavg();
    const [e, o] = await Promise.all([
      run(['collect', 'entra', '--tenant', tenant, '--graph-url', graph.url, '--out', dir, '--collected-at', iso(at), '--no-progress', '--force', ...delta], env, ca),
      run(['collect', 'okta', '--org-url', okta.url, '--out', dir, '--collected-at', iso(at), '--no-progress', '--force', ...delta], env, ca),
    ]);
    okta.lateBy = undefined;
    must(e, 'collect entra');
    must(o, 'collect okta');
    const h = await hrImport(dir, at);
    return {
      wallSeconds: round((performance.now() - started) / 1000),
      entra: { seconds: round(e.seconds), requests: requestsOf(join(dir, 'entra')) },
      okta: { seconds: round(o.seconds), requests: requestsOf(join(dir, 'okta')) },
      hr: { seconds: round(h.seconds) },
      requests: requestsOf(join(dir, 'entra')) + requestsOf(join(dir, 'okta')),
      requestsPerDataset: { entra: perDataset(join(dir, 'entra')), okta: perDataset(join(dir, 'okta')) },
      cpuSeconds: cpuSince(cpu0),
      throttlingBound: throttlingBound(F, graph, okta, mark),
      loadAverage: { atStart: load0.map((x) => round(x)), atEnd: os.loadavg().map((x) => round(x)) },
      ...(base ? { oktaTimeline: oktaTimeline(F, times, o.seconds) } : {}),
    };
  };
  const store = STORE ?? join(work, 'store');
  if (!STORE) rmSync(store, { recursive: true, force: true });

  if (EVENTS_ONLY && STORE) {
    log(`events only, on the store already loaded in ${STORE}`);
    result.load = { reused: STORE };
    try {
      result.events = await events(F, { fx: inProcessFakes(graph, okta), store, tenant, graphToken, ca, log, work });
    } finally {
      await graph.stop();
      await okta.stop();
    }
    return finish(result, os);
  }

  if (EVENTS_ONLY) {
    // Events only (large tenants): the synthetic collection itself is loaded (it is what the fakes serve).
    log('events only: loading the synthetic collection');
    // The org the fakes serve is the Okta tenant (events name it): the synthetic manifest's org URL is another.
    const om = join(synth, 'okta', 'manifest.json');
    writeFileSync(om, JSON.stringify({ ...JSON.parse(readFileSync(om, 'utf8')), tenant: okta.url }, null, 2));
    await asCollected(join(synth, 'entra'));
    const l = must(await run(['load', synth, '--store', store], {}, ca), 'load');
    result.load = { seconds: round(l.seconds), line: l.stderr.trim().split('\n').pop() };
    // --events 0: load only (the events then run on this store with --store).
    if (EVENTS > 0) result.events = await events(F, { fx: inProcessFakes(graph, okta), store, tenant, graphToken, ca, log, work });
    await graph.stop();
    await okta.stop();
    return finish(result, os);
  }

  // 1. Full refresh.
  log(`full collection${DERIVE_FULL ? ' (no latency, no throttling: requests counted, wall derived)' : ''}`);
  const full0 = join(work, 'full0');
  if (DERIVE_FULL) throttling(false);
  const full = await collect(full0, T0);
  const fullEnded = performance.now();
  if (DERIVE_FULL) {
    full.measuredWallSecondsUnthrottled = full.wallSeconds;
    full.wallSeconds = full.throttlingBound.seconds;
    full.wallIs = 'derived: the throttling bound of its requests (a lower bound)';
    throttling(true);
  } else full.wallIs = 'measured';
  log(`full collection: ${full.wallSeconds} s, ${full.requests} requests; loading`);
  const c0 = cpuNow();
  const fl = must(await run(['load', full0, '--store', store], {}, ca), 'load');
  full.loadSeconds = round(fl.seconds);
  full.loadCpuSeconds = cpuSince(c0).collectorsAndLoads;
  full.loadLine = fl.stderr.trim().split('\n').pop();
  result.full = full;

  // 2. About 1% of the objects change, then the delta refresh.
  const objects = USERS * 2;
  const n = Math.max(1, Math.round(objects * CHANGES));
  let clock = T0 + 3_600_000;
  const changes = new F.TenantChanges({ graph, okta, hr }, 5, () => iso(clock - 10 * 60_000));
  const weights = [
    ['entra-disable', 20], ['okta-suspend', 10], ['okta-deactivate', 10], ['entra-joiner', 10], ['okta-joiner', 8], ['hr-terminate', 8], ['hr-joiner', 5],
    ['entra-membership-add', 8], ['entra-membership-remove', 6], ['okta-membership-add', 6], ['okta-membership-remove', 4], ['entra-credential-add', 2],
    ['entra-owner-add', 1], ['entra-app-role-assign', 1], ['entra-role-assign', 1], ['okta-app-assign', 3], ['okta-role-grant', 1], ['entra-reenable', 2],
  ];
  const bag = weights.flatMap(([k, w]) => Array(w).fill(k));
  let applied = 0;
  const kinds = {};
  for (let i = 0; applied < n && i < n * 3; i++) {
    const k = bag[(i * 37) % bag.length];
    if (changes.apply(k)) {
      applied++;
      kinds[k] = (kinds[k] ?? 0) + 1;
    }
  }
  result.changes = { applied, kinds };
  // The delta starts in fresh rate-limit windows, as a refresh a day later does (not in the full's last, spent one).
  const fresh = 61_000 - (performance.now() - fullEnded);
  if (fresh > 0) await new Promise((r) => setTimeout(r, fresh));
  graph.fillBucket();
  // --indexed-fakes: the fakes answer the delta's searches from their indexes (same answers): at
  // 50k the Okta fake's scans of every user per search cost 14 s of its single thread, which
  // delays every other request and which no real org charges.
  if (INDEXED_FAKES) {
    okta.indexedLookups = true;
    graph.indexedLookups = true;
  }
  log(`${applied} changes; delta collection`);
  const d1 = join(work, 'delta1');
  const delta = await collect(d1, clock, full0);
  delta.wallIs = 'measured';
  delta.fakesIndexed = INDEXED_FAKES;
  log(`delta collection: ${delta.wallSeconds} s, ${delta.requests} requests; loading ${JSON.stringify(delta)}`);
  const c1 = cpuNow();
  const dl = must(await run(['load', d1, '--store', store], {}, ca), 'load delta');
  delta.loadSeconds = round(dl.seconds);
  delta.loadCpuSeconds = cpuSince(c1).collectorsAndLoads;
  delta.loadLine = dl.stderr.trim().split('\n').pop();
  result.delta = delta;
  // --okta-ab DIR: the Okta delta again, against the same changed org, alternately by another
  // checkout's build (DIR, built: the baseline) and by this one, --reps times each, each in fresh
  // rate-limit windows: wall, requests, bound and timeline of each (interleaved A/B).
  if (OKTA_AB) {
    result.oktaAB = [];
    for (let i = 0; i < REPS * 2; i++) {
      const build = i % 2 === 0 ? 'baseline' : 'this';
      await new Promise((r) => setTimeout(r, 61_000));
      const dir = join(work, `ab-${i}`);
      const times = [];
      const t0 = performance.now();
      okta.lateBy = (r) => (times.push({ t: performance.now() - t0, r, path: r.path, refused: false }), 0);
      const mark = logMark();
      const th0 = okta.throttled;
      const limits = Object.fromEntries(Object.entries(F.OKTA_BUCKET_LIMITS).map(([b, l]) => [b, Math.max(1, Math.round(l * LIMIT_SCALE))]));
      okta.rateLimits = limits;
      const load0 = os.loadavg();
      const cpu0 = cpuNow();
      const o = must(await run(['collect', 'okta', '--org-url', okta.url, '--out', dir, '--collected-at', iso(clock), '--no-progress', '--force', '--delta', '--base', full0], env, ca, build === 'baseline' ? OKTA_AB : ROOT), `collect okta (${build})`);
      okta.lateBy = undefined;
      okta.rateLimits = { ...F.OKTA_BUCKET_LIMITS };
      const bound = throttlingBound(F, graph, okta, mark, limits);
      const run1 = { build, limitScale: LIMIT_SCALE, seconds: round(o.seconds), cpuSeconds: cpuSince(cpu0).collectorsAndLoads, requests: requestsOf(join(dir, 'okta')), requestsPerDataset: perDataset(join(dir, 'okta')), throttled429: okta.throttled - th0, oktaBuckets: bound.oktaBuckets, boundSeconds: bound.seconds, loadAverage: load0.map((x) => round(x)), timeline: oktaTimeline(F, times, o.seconds) };
      result.oktaAB.push(run1);
      log(`okta delta ${build}: ${run1.seconds} s, ${run1.requests} requests, bound ${run1.boundSeconds} s, 429s ${run1.throttled429} ${JSON.stringify(run1)}`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  result.ratios = {
    requests: round(delta.requests / full.requests, 4),
    wallTime: round(delta.wallSeconds / full.wallSeconds, 4),
    // Bound to bound: the same throttling arithmetic on both sides, free of latency and contention.
    throttlingBound: round(delta.throttlingBound.seconds / Math.max(1e-9, full.throttlingBound.seconds), 4),
    loadSeconds: delta.loadSeconds,
  };
  result.targets = { requestsAtMost: 0.1, wallTimeAtMost: 0.1, loadSecondsAtMost: 10 };

  // 3. Events through `revenant serve`.
  if (EVENTS > 0) result.events = await events(F, { fx: inProcessFakes(graph, okta), store, tenant, graphToken, ca, log, work });
  await graph.stop();
  await okta.stop();
  finish(result, os);
}

/**
 * The synthetic Entra collection as \`collect entra\` writes it from the fake: each object as the
 * fake returns it for the collector's \`$select\` (those properties only, in that order, null when
 * unset). The synthesizer writes more (a dynamic group's rule, a service principal's tags); left
 * as is, every per-subject refresh would find the objects it re-reads "changed" and analyse
 * everything that reads them again — a cost a real deployment, whose base is a collection, does
 * not have.
 */
async function asCollected(dir) {
  const marker = join(dir, '..', '..', 'synth-entra-as-collected');
  if (existsSync(marker)) return;
  const E = await import(pathToFileURL(join(ROOT, 'dist/ingest/entra/EntraContext.js')).href);
  const project = (o, sel) => {
    const out = {};
    if (o['@odata.type'] !== undefined) out['@odata.type'] = o['@odata.type'];
    for (const k of sel.split(',')) out[k] = o[k] === undefined ? null : o[k];
    return out;
  };
  const selects = {
    users: [E.USER_SELECT], deletedUsers: [E.DELETED_USER_SELECT], groups: [E.GROUP_SELECT], applications: [E.APPLICATION_SELECT],
    servicePrincipals: [E.SERVICE_PRINCIPAL_SELECT], appRoleAssignments: [E.APP_ROLE_ASSIGNMENT_SELECT], roleDefinitions: [E.ROLE_DEFINITION_SELECT],
    roleAssignments: [E.ROLE_ASSIGNMENT_SELECT], roleEligibilitySchedules: [E.ROLE_ELIGIBILITY_SELECT], federatedIdentityCredentials: [E.FEDERATED_CREDENTIAL_SELECT, 'credential'],
  };
  for (const [dataset, [sel, child]] of Object.entries(selects)) {
    const f = join(dir, `${dataset}.jsonl`);
    if (!existsSync(f)) continue;
    const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => {
      const o = JSON.parse(l);
      return JSON.stringify(child ? { ...o, [child]: project(o[child], sel) } : project(o, sel));
    });
    writeFileSync(f, lines.length ? `${lines.join('\n')}\n` : '');
  }
  writeFileSync(marker, '');
}

function finish(result, os) {
  result.loadAverageAtEnd = os.loadavg().map((x) => round(x));
  const text = `${JSON.stringify(result, null, 2)}\n`;
  process.stdout.write(text);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results', `delta-${EVENTS_ONLY ? 'events-' : ''}${USERS}-${LABEL ? `${LABEL}-` : ''}${result.date.slice(0, 10)}.json`), text);
}

/**
 * The fakes as the events phase uses them: their URLs, the candidate subjects, and the change an
 * event reports (made in the fake before its delivery). In this process, or in a child process
 * (`--fakes-child`, see fakesInChild) so that the fakes' CPU does not delay this process's sink.
 */
function inProcessFakes(graph, okta) {
  // From here on events change statuses only (never identity keys or memberships): the fakes may
  // answer searches from their indexes (same answers; a 250k scan per request would cost the fake
  // seconds of CPU per event, which no real service charges).
  graph.indexedLookups = true;
  okta.indexedLookups = true;
  // Indexed before the timed events (a real service's indexes exist; the fake builds its own on first use).
  graph.warmIndexes();
  okta.warmIndexes();
  // Candidates: active users with group memberships (so that a deactivation leaves something to report).
  const oktaMembers = new Set([...okta.data.groupMembers.values()].flat());
  const entraMembers = new Set([...graph.data.groupMembers.values()].flat().map((m) => String(m.id)));
  const byId = (list) => new Map(list.map((u) => [String(u.id), u]));
  const oUsers = byId(okta.data.users);
  const eUsers = byId(graph.data.users);
  return {
    graphUrl: graph.url,
    oktaUrl: okta.url,
    oktaCandidates: okta.data.users.filter((u) => u.status === 'ACTIVE' && oktaMembers.has(String(u.id))).map((u) => String(u.id)),
    entraCandidates: graph.data.users.filter((u) => u.accountEnabled !== false && entraMembers.has(String(u.id))).map((u) => String(u.id)),
    async okta(id) {
      const u = oUsers.get(id);
      u.status = 'DEPROVISIONED';
      u.statusChanged = new Date().toISOString();
      const ev = { uuid: `bench-${u.id}-${Date.now()}`, published: new Date().toISOString(), eventType: 'user.lifecycle.deactivate', target: [{ id: u.id, type: 'User' }] };
      okta.data.logs.push({ ...ev, actor: { id: 'admin', type: 'User' }, outcome: { result: 'SUCCESS' } });
      return ev;
    },
    async entra(id) {
      eUsers.get(id).accountEnabled = false;
      graph.delta.touch('users', id);
    },
    pid: null,
    async stop() {
      await graph.stop();
      await okta.stop();
    },
  };
}

/** Run as the fakes' child process (`--fakes-child`): serve the synthetic tenant, answer the parent's requests. */
async function fakesChild() {
  const F = await loadFakes();
  const ca = F.testCa().caPath;
  const synth = join(KEEP, 'synth');
  const s = F.loadScenario(synth);
  const graph = new F.GraphFake(s.entra.data);
  const okta = new F.OktaFake(s.okta.data);
  okta.apiTokens.add('00bench');
  await graph.start();
  const org = /^https:\/\/127\.0\.0\.1:(\d+)$/.exec(JSON.parse(readFileSync(join(synth, 'okta', 'manifest.json'), 'utf8')).tenant);
  await okta.start(org ? Number(org[1]) : 0);
  for (const f of [graph, okta]) f.server.latencyMs = LATENCY;
  graph.throttle = { capacity: 8000, refillPerSec: 800 };
  graph.fillBucket();
  okta.rateLimits = { ...F.OKTA_BUCKET_LIMITS };
  const fx = inProcessFakes(graph, okta);
  process.on('message', async (m) => {
    if (m.op === 'stop') {
      await fx.stop();
      process.exit(0);
    }
    const value = m.op === 'okta' ? await fx.okta(m.id) : await fx.entra(m.id);
    process.send({ seq: m.seq, value });
  });
  process.send({
    ready: true,
    ca,
    tenant: s.entra.manifest.tenant,
    graphToken: graph.issueToken(48 * 3600),
    graphUrl: fx.graphUrl,
    oktaUrl: fx.oktaUrl,
    oktaCandidates: fx.oktaCandidates,
    entraCandidates: fx.entraCandidates,
  });
}

/** The fakes in a child process (this script with --fakes-child): the same interface as inProcessFakes. */
async function fakesInChild(log) {
  const { fork } = await import('node:child_process');
  const child = fork(fileURLToPath(import.meta.url), ['--fakes-child', '--keep', KEEP, '--latency', String(LATENCY)], {
    execArgv: ['--max-old-space-size=12000', ...FAKES_ARGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the fakes' child process exited (${code})`)));
  });
  log(`fakes in a child process (pid ${child.pid})`);
  let seq = 0;
  const waiting = new Map();
  child.on('message', (m) => waiting.get(m.seq)?.(m.value));
  const ask = (op, id) =>
    new Promise((resolve) => {
      waiting.set(++seq, resolve);
      child.send({ op, id, seq });
    });
  return {
    ...ready,
    okta: (id) => ask('okta', id),
    entra: (id) => ask('entra', id),
    pid: child.pid,
    async stop() {
      child.send({ op: 'stop' });
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

/** CPU seconds (utime + stime) of a process so far (Linux), or null. */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

async function events(F, { fx, store, tenant, graphToken, ca, log, work }) {
  const os = await import('node:os');
  const HOOK = 'bench-hook-secret';
  const STATE = 'bench-client-state';
  const arrived = new Map();
  const sink = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      const now = performance.now();
      // A delivery ({id, type, snapshot, events: [OCSF…]}) that names a waiting subject is its answer.
      for (const [k, w] of arrived) if (!w.at && b.includes(k)) w.at = now;
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const cfg = join(work, 'serve.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      snapshotPollMs: 100,
      logLevel: 'info',
      console: { enabled: false },
      push: { initial: 'none', backoffMs: 50 },
      events: {
        pollMs: 20,
        okta: { hookSecret: 'env:B_HOOK', collect: { orgUrl: fx.oktaUrl, token: 'env:B_OKTA' } },
        entra: { clientState: 'env:B_STATE', collect: { tenant, graphUrl: fx.graphUrl, mode: 'token', token: 'env:B_GRAPH' } },
      },
      sinks: [{ type: 'webhook', name: 'bench', url: `http://127.0.0.1:${sink.address().port}/`, secret: 'bench-sink-secret' }],
    }),
  );
  const child = spawn(process.execPath, [...SERVE_ARGS, join(ROOT, 'bin/revenant.js'), 'serve', '--store', store, '--config', cfg, '--port', '0'], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, B_HOOK: HOOK, B_OKTA: '00bench', B_STATE: STATE, B_GRAPH: graphToken },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => {
      err += c;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('close', (code) => reject(new Error(`serve exited (${code}): ${err.slice(-2000)}`)));
  });
  child.stdout.resume();
  // The server's log, for a failed run.
  const serveLog = createWriteStream(join(work, 'serve.log'));
  child.stderr.pipe(serveLog);
  child.stdout.pipe(serveLog);
  const key = execFileSync(process.execPath, [join(ROOT, 'bin/revenant.js'), 'keys', 'create', '--name', 'bench', '--scope', 'events', '--store', store], { encoding: 'utf8' }).trim().split('\n').pop();
  // Ready: serving a snapshot.
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`${url}/readyz`).catch(() => null);
    if (r?.ok) break;
    await new Promise((r2) => setTimeout(r2, 500));
  }
  // The server catches the served snapshot up with time in a child process as it opens it (the
  // units whose answer time alone changed since the collection): the events come once it is done,
  // as on a server that has been up for a while (--no-catch-up-wait: right away, paying for it).
  let catchUp = null;
  if (!NO_CATCH_UP_WAIT) {
    const t0 = performance.now();
    for (let i = 0; i < 1200 && !catchUp; i++) {
      const line = readFileSync(join(work, 'serve.log'), 'utf8')
        .split('\n')
        .find((l) => l.includes('"served snapshot caught up with time"') || l.includes('"time catch-up of the served snapshot failed'));
      if (line) {
        const r = JSON.parse(line);
        catchUp = { waitedSeconds: round((performance.now() - t0) / 1000), units: r.units ?? null, sweptUnits: r.sweptUnits ?? null, ms: r.ms ?? null, cpuSeconds: r.cpuMs === undefined ? null : round(r.cpuMs / 1000), error: r.err };
        // The warm-up of the served snapshot for refreshes (a worker thread), when it was done by then.
        const warm = readFileSync(join(work, 'serve.log'), 'utf8')
          .split('\n')
          .find((l) => l.includes('"snapshot warmed for refreshes"'));
        if (warm) {
          const w = JSON.parse(warm);
          catchUp.warmUp = { ms: w.ms, recordFiles: w.recordFiles, units: w.units, mb: round(w.bytes / 1048576) };
        }
      } else await new Promise((r2) => setTimeout(r2, 500));
    }
    log(`catch-up: ${JSON.stringify(catchUp)}`);
  }
  // A delivery as the vendors send one: retried once when the connection fails. Between events the
  // client's pooled keep-alive connection can be closed by the server's idle timeout just as it is
  // reused ("fetch failed", the session-2 failure); deliveries are de-duplicated by event id, so a
  // retry is safe, as Okta's and Graph's own retries are.
  const deliver = async (target, init) => {
    // A server that does not answer in 30 s (its event loop held up) fails the delivery, as a vendor's would time out.
    const send = () => fetch(target, { ...init, signal: AbortSignal.timeout(30_000) });
    try {
      return await send();
    } catch {
      return send();
    }
  };
  // A delivery that fails (no answer, or not 2xx) is recorded in its sample; the run goes on.
  const delivered = async (w, what, send) => {
    try {
      const r = await send();
      if (!r.ok) w.error = `${what} ${r.status}: ${(await r.text()).slice(0, 300)}`;
    } catch (e) {
      w.error = `${what}: ${e.message}${e.cause ? ` (${e.cause.message ?? e.cause})` : ''}`;
    }
    if (w.error) {
      w.at = -1;
      log(w.error);
    }
  };
  const oktaEvent = async (id) => {
    const ev = await fx.okta(id);
    const w = { sent: performance.now(), at: 0 };
    arrived.set(id, w);
    await delivered(w, 'hook', () =>
      deliver(`${url}/v1/events/okta`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-revenant-hook-secret': HOOK },
        body: JSON.stringify({ eventType: 'com.okta.event_hook', source: `${fx.oktaUrl}/api/v1/eventHooks/bench`, data: { events: [ev] } }),
      }),
    );
    return w;
  };
  const entraEvent = async (id) => {
    await fx.entra(id);
    const w = { sent: performance.now(), at: 0 };
    arrived.set(id, w);
    await delivered(w, 'notification', () =>
      deliver(`${url}/v1/events/entra?key=${encodeURIComponent(key)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: [{ id: `n-${id}-${Date.now()}`, subscriptionId: 's', clientState: STATE, changeType: 'updated', resource: `Users/${id}`, resourceData: { id, '@odata.type': '#Microsoft.Graph.User' }, tenantId: tenant }] }),
      }),
    );
    return w;
  };
  const oktaUsers = fx.oktaCandidates;
  const entraUsers = fx.entraCandidates;
  const waits = [];
  const wait = async (ws, timeoutMs = 60_000) => {
    const start = performance.now();
    while (ws.some((w) => !w.at) && performance.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
  };
  log(`events: ${EVENTS}`);
  // CPU seconds of the server (utime + stime, Linux) and of this process (the fakes and the sink) over the events.
  const serverCpu = () => cpuOf(child.pid);
  const cpu0 = { server: serverCpu(), fakes: fx.pid ? cpuOf(fx.pid) : null, bench: process.cpuUsage(), load: os.loadavg(), t: performance.now() };
  let oi = 0;
  let ei = 0;
  for (let i = 0; i < EVENTS; ) {
    const burst = i % 20 >= 15 ? 5 : 1;
    const ws = [];
    for (let k = 0; k < burst && i < EVENTS; k++, i++) {
      if (i % 4 === 3) ws.push({ kind: 'entra', w: await entraEvent(entraUsers[(ei++ * 37 + PICK) % entraUsers.length]) });
      else ws.push({ kind: 'okta', w: await oktaEvent(oktaUsers[(oi++ * 53 + PICK) % oktaUsers.length]) });
    }
    await wait(ws.map((x) => x.w));
    for (const x of ws) waits.push({ kind: x.kind, burst, seconds: x.w.at > 0 ? round((x.w.at - x.w.sent) / 1000, 3) : null, ...(x.w.error ? { error: x.w.error } : x.w.at ? {} : { error: 'no answer within 60 s' }) });
    log(`${waits.length}/${EVENTS}: ${waits.slice(-ws.length).map((x) => x.seconds ?? x.error).join(', ')}`);
  }
  const cpu1 = { server: serverCpu(), fakes: fx.pid ? cpuOf(fx.pid) : null, bench: process.cpuUsage(cpu0.bench), load: os.loadavg(), t: performance.now() };
  child.kill('SIGTERM');
  sink.close();
  const secs = waits.map((w) => w.seconds).filter((x) => x !== null).sort((a, b) => a - b);
  const q = (p) => secs[Math.min(secs.length - 1, Math.ceil(p * secs.length) - 1)];
  // The server's own account of each refresh (read, delta write, swap), from its log.
  await new Promise((r) => (child.exitCode !== null ? r() : child.on('close', r)));
  await new Promise((r) => serveLog.end(r));
  const refreshes = readFileSync(join(work, 'serve.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"subjects refreshed"'))
    .map((l) => JSON.parse(l));
  const med = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] : null);
  const serverRefreshes = {
    count: refreshes.length,
    medianMs: {
      read: med(refreshes.map((r) => Math.max(...r.collectMs))),
      deltaWrite: med(refreshes.map((r) => r.loadMs)),
      swap: med(refreshes.map((r) => r.swapMs)),
    },
    samples: refreshes.map((r) => ({ subjects: r.subjects.length, readMs: r.collectMs, deltaWriteMs: r.loadMs, swapMs: r.swapMs, reanalysed: r.reanalysed, caughtUp: r.caughtUp ?? 0, load: r.load })),
  };
  const serverCpuSeconds = cpu0.server === null || cpu1.server === null ? null : round(cpu1.server - cpu0.server);
  return {
    count: waits.length,
    delivered: secs.length,
    failed: waits.filter((w) => w.error).length,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: secs.at(-1),
    targetP99Seconds: 3,
    wallSeconds: round((cpu1.t - cpu0.t) / 1000),
    cpuSeconds: {
      server: serverCpuSeconds,
      serverPerEvent: serverCpuSeconds === null || !waits.length ? null : round(serverCpuSeconds / waits.length, 3),
      ...(fx.pid
        ? { bench: round((cpu1.bench.user + cpu1.bench.system) / 1e6), fakesChild: cpu0.fakes === null || cpu1.fakes === null ? null : round(cpu1.fakes - cpu0.fakes) }
        : { benchAndFakes: round((cpu1.bench.user + cpu1.bench.system) / 1e6) }),
    },
    loadAverage: { atStart: cpu0.load.map((x) => round(x)), atEnd: cpu1.load.map((x) => round(x)) },
    catchUp,
    serverRefreshes,
    samples: waits,
  };
}

/**
 * Events on a store loaded before (--events-only --store): the fakes run in a child process (their
 * per-request scans of a 250k tenant take seconds of CPU per event; in this process they would
 * delay the sink's clock), unless --fakes-in-process.
 */
async function eventsOnStore() {
  if (!KEEP) throw new Error('--events-only --store needs --keep DIR (the synthetic collection the store was loaded from)');
  const os = await import('node:os');
  const log = (m) => process.stderr.write(`bench: ${m}\n`);
  const result = { benchmark: 'delta', date: new Date().toISOString(), node: process.version, users: USERS, changesFraction: CHANGES, latencyMs: LATENCY, cores: os.cpus().length, loadAverageAtStart: os.loadavg().map((x) => round(x)) };
  log(`events only, on the store already loaded in ${STORE}; fakes in a child process`);
  result.load = { reused: STORE };
  result.fakes = 'child process';
  const fx = await fakesInChild(log);
  try {
    result.events = await events(null, { fx, store: STORE, tenant: fx.tenant, graphToken: fx.graphToken, ca: fx.ca, log, work: KEEP });
  } finally {
    await fx.stop();
  }
  return finish(result, os);
}

(args.includes('--fakes-child') ? fakesChild() : main()).catch((e) => {
  process.stderr.write(`bench: ${e.stack ?? e}\n`);
  process.exit(1);
});
