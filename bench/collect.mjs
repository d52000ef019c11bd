#!/usr/bin/env node
/**
 * Collector benchmark (not a timed test): a synthetic tenant of N users (default 50,000) served by
 * the Graph and Okta fakes of test/fakes with 30 ms added to every request and throttling at the
 * documented limits — Graph: the identity service's per app+tenant resource-unit bucket for a
 * large tenant (8,000 RU per 10 s, documented request costs); Okta: the per-minute buckets of the
 * Management rate limits (Workforce Identity column) with X-Rate-Limit-* headers. The real CLI
 * (`revenant collect entra|okta`, built into dist/) collects it; the benchmark reports requests per
 * 1,000 objects and wall time against a lower bound:
 * - Okta: for each rate-limit bucket, the fewest requests the data needs (objects ÷ page size, and
 *   at least one request per parent list) against the bucket's allowed rate — Okta's buckets are
 *   fixed one-minute windows, each available in full at its start — and the users list's chain of
 *   pages × latency; the bound is the slowest of these (the collector reads buckets side by side).
 * - Graph: resource units the fewest requests cost, minus the bucket's initial 8,000, ÷ 800 RU/s;
 *   or, when that is smaller, the longest chain of pages that must be read one after the other
 *   (each page needs the previous page's nextLink) × the 30 ms latency.
 *
 * usage: node bench/collect.mjs [--users N] [--only entra|okta] [--latency MS]
 * Results: JSON on stdout and in bench/results/collect-<date>.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestFakes } from './loadTestFakes.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const USERS = Number(opt('users', 50000));
const LATENCY = Number(opt('latency', 30));
const ONLY = opt('only', undefined);
const EXTRA = opt('extra', '').split(' ').filter(Boolean);

async function loadFakes() {
  const imp = await loadTestFakes();
  return { ...(await imp('GraphFake.js')), ...(await imp('OktaFake.js')), ...(await imp('syntheticTenants.js')), ...(await imp('testCa.js')) };
}

function newest(dir) {
  let m = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) m = Math.max(m, newest(p));
    else if (e.name.endsWith('.ts')) m = Math.max(m, statSync(p).mtimeMs);
  }
  return m;
}

function ensureBuilt() {
  const out = join(ROOT, 'dist/src/cli/main.js');
  const src = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'ingest')));
  if (existsSync(out) && statSync(out).mtimeMs >= src) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    /* type errors elsewhere still emit */
  }
}

function run(cliArgs, env, caPath) {
  return new Promise((resolve) => {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const child = spawn(process.execPath, [join(ROOT, 'bin/revenant.js'), ...cliArgs], {
      env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: caPath, ...(process.env.BENCH_CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_CHILD_NODE_OPTIONS } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.resume();
    child.on('close', (code) => {
      const cpu = process.cpuUsage(cpu0);
      resolve({ code, seconds: (performance.now() - started) / 1000, stderr, fakeCpuSeconds: round((cpu.user + cpu.system) / 1e6) });
    });
  });
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const pages = (n, size) => Math.max(1, Math.ceil(n / size));
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function summarize(manifest, wall, bound, extra) {
  const ds = manifest.datasets;
  const requests = sum(Object.values(ds).map((d) => d.requests ?? 0));
  const objects = sum(Object.values(ds).map((d) => d.objects ?? 0));
  return {
    wallSeconds: round(wall),
    boundSeconds: round(bound),
    ratio: round(wall / bound),
    requests,
    objects,
    requestsPer1kObjects: round((requests / objects) * 1000, 3),
    throttled: sum(Object.values(ds).map((d) => d.throttled ?? 0)),
    incomplete: Object.entries(ds).filter(([, d]) => d.status !== 'complete').map(([n, d]) => `${n}: ${d.status}`),
    datasets: Object.fromEntries(Object.entries(ds).map(([n, d]) => [n, { status: d.status, count: d.count, requests: d.requests, objects: d.objects, seconds: d.seconds, throttled: d.throttled }])),
    ...extra,
  };
}

async function benchEntra(F) {
  const data = F.syntheticGraphTenant({ users: USERS });
  const fake = new F.GraphFake(data);
  await fake.start();
  fake.server.latencyMs = LATENCY;
  fake.throttle = { capacity: 8000, refillPerSec: 800 };
  fake.fillBucket();
  // The bound: the fewest requests and their documented resource-unit costs.
  const lists = {
    users: [pages(data.users.length, 999), 1],
    deletedUsers: [pages(data.deletedUsers.length, 999), 1],
    groups: [pages(data.groups.length, 999), 1],
    applications: [pages(data.applications.length, 999), 1],
    servicePrincipals: [pages(data.servicePrincipals.length, 999), 1],
    oauth2PermissionGrants: [pages(data.oauth2PermissionGrants.length, 100), 2],
    roleDefinitions: [pages(data.roleDefinitions.length, 100), 1],
    roleAssignments: [pages(data.roleAssignments.length, 100), 1],
    roleEligibilitySchedules: [pages(data.roleEligibilitySchedules.length, 100), 1],
  };
  const perParent = {
    groupMembers: [data.groups.map((g) => pages((data.groupMembers.get(g.id) ?? []).length, 999)), 2],
    groupOwners: [data.groups.map((g) => pages((data.groupOwners.get(g.id) ?? []).length, 999)), 1],
    applicationOwners: [data.applications.map((a) => pages((data.applicationOwners.get(a.id) ?? []).length, 999)), 1],
    federatedIdentityCredentials: [data.applications.map(() => 1), 1],
    servicePrincipalOwners: [data.servicePrincipals.map(() => 1), 1],
    appRoleAssignments: [data.servicePrincipals.map((s) => pages(data.appRoleAssignments.filter((a) => a.resourceId === s.id).length, 999)), 1],
  };
  let ru = 0;
  let minHttp = 0;
  for (const [n, c] of Object.values(lists)) {
    ru += n * c;
    minHttp += n;
  }
  for (const [ps, c] of Object.values(perParent)) {
    ru += sum(ps) * c;
    minHttp += Math.ceil(sum(ps) / 20);
  }
  const ruBound = Math.max(0, ru - 8000) / 800;
  const chain = Math.max(...Object.values(lists).map(([n]) => n));
  const latencyBound = (chain * LATENCY) / 1000;
  const bound = Math.max(ruBound, latencyBound);

  const out = mkdtempSync(join(tmpdir(), 'revenant-bench-entra-'));
  const r = await run(['collect', 'entra', '--tenant', data.tenantId, '--graph-url', fake.url, '--out', out, '--no-progress', ...EXTRA], { REVENANT_GRAPH_TOKEN: fake.issueToken(24 * 3600) }, F.testCa().caPath);
  await fake.stop();
  // The longest chain with the fake's own time per page: a page cannot be asked for before the
  // previous one arrived, and this server needed serviceMs to produce each.
  const chainPages = fake.server.log.filter((l) => l.path === '/v1.0/users' && !l.inBatch);
  const chainWithService = sum(chainPages.map((l) => LATENCY + (l.serviceMs ?? 0))) / 1000;
  if (r.code !== 0) throw new Error(`collect entra failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const manifest = JSON.parse(readFileSync(join(out, 'entra/manifest.json'), 'utf8'));
  return summarize(manifest, r.seconds, bound, {
    users: data.users.length,
    bound: {
      resourceUnits: ru,
      minimumHttpRequests: minHttp,
      resourceUnitSeconds: round(ruBound),
      resourceUnitsAtSteadyRateSeconds: round(ru / 800),
      longestPageChain: chain,
      latencySeconds: round(latencyBound),
      chainWithServerTimeSeconds: round(chainWithService),
      ratioToChainWithServerTime: round(r.seconds / Math.max(bound, chainWithService)),
      note: 'boundSeconds = max(resource units beyond the bucket\'s initial 8,000 / 800 per s, longest page chain x latency); resourceUnitsAtSteadyRateSeconds ignores the initial bucket (objects / page size / allowed rate, with documented costs); chainWithServerTimeSeconds adds the time the fake itself spent producing each page of that chain',
    },
    fake: {
      httpRequests: fake.server.log.filter((l) => !l.inBatch).length,
      innerBatchRequests: fake.innerRequests,
      throttled429: fake.throttled,
      resourceUnitsSpent: fake.resourceUnits,
      cpuSeconds: r.fakeCpuSeconds,
    },
  });
}

async function benchOkta(F) {
  const data = F.syntheticOktaOrg({ users: USERS });
  const fake = new F.OktaFake(data);
  await fake.start();
  fake.server.latencyMs = LATENCY;
  fake.apiTokens.add('00bench');
  fake.rateLimits = { ...F.OKTA_BUCKET_LIMITS };
  const oauth = data.apps.filter((a) => a.signOnMode === 'OPENID_CONNECT');
  const service = oauth.filter((a) => a.settings?.oauthClient?.application_type === 'service');
  const need = {
    'users-list': pages(data.users.length, 200),
    'groups-list': pages(data.groups.length, 10000),
    apps:
      pages(data.apps.length, 200) +
      sum(data.apps.map((a) => pages((data.appUsers.get(a.id) ?? []).length, 500))) +
      sum(data.apps.map((a) => pages((data.appGroups.get(a.id) ?? []).length, 200))) +
      data.apps.filter((a) => a.features?.length).length +
      oauth.length * 3 +
      sum(oauth.map((a) => pages(data.refreshTokens.filter((t) => t.clientId === a.id).length, 200))),
    other:
      sum(data.groups.map((g) => pages((data.groupMembers.get(g.id) ?? []).length, 1000))) +
      data.groups.filter((g) => g.type === 'OKTA_GROUP').length +
      [...data.userRoles.keys()].length +
      2,
    'oauth2-clients': service.length,
    iam: 1,
    logs: 1,
  };
  // Okta's buckets are fixed one-minute windows: a window's whole budget is available at its start,
  // so R requests need floor((R - 1) / limit) further windows after the first (plus one latency).
  const perBucket = Object.fromEntries(
    Object.entries(need).map(([b, n]) => {
      const limit = F.OKTA_BUCKET_LIMITS[b];
      return [b, { requests: n, perMinute: limit, rateSeconds: round((n / limit) * 60), windowSeconds: round(Math.floor((n - 1) / limit) * 60 + LATENCY / 1000) }];
    }),
  );
  // The users list is one chain of pages, each needing the previous page's next link.
  const chainSeconds = round((need['users-list'] * LATENCY) / 1000);
  const bound = Math.max(chainSeconds, ...Object.values(perBucket).map((b) => b.windowSeconds));
  const out = mkdtempSync(join(tmpdir(), 'revenant-bench-okta-'));
  const r = await run(
    ['collect', 'okta', '--org-url', fake.url, '--out', out, '--since', '2026-08-01', '--until', '2026-11-01', '--no-progress'],
    { OKTA_CLIENT_TOKEN: '00bench' },
    F.testCa().caPath,
  );
  await fake.stop();
  if (r.code !== 0) throw new Error(`collect okta failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const manifest = JSON.parse(readFileSync(join(out, 'okta/manifest.json'), 'utf8'));
  return summarize(manifest, r.seconds, bound, {
    users: data.users.length,
    bound: {
      perBucket,
      rateSeconds: Math.max(...Object.values(perBucket).map((b) => b.rateSeconds)),
      longestPageChainSeconds: chainSeconds,
      note: 'boundSeconds uses windowSeconds (fixed one-minute windows, the first available at once); rateSeconds is requests ÷ allowed rate',
    },
    fake: { httpRequests: fake.server.log.length, throttled429: fake.throttled, cpuSeconds: r.fakeCpuSeconds },
  });
}

ensureBuilt();
const F = await loadFakes();
F.testCa();
const os = await import('node:os');
const result = { benchmark: 'collect', date: new Date().toISOString(), node: process.version, users: USERS, latencyMs: LATENCY, cores: os.cpus().length, loadAverageAtStart: os.loadavg().map((x) => round(x)) };
if (ONLY !== 'okta') result.entra = await benchEntra(F);
if (ONLY !== 'entra') result.okta = await benchOkta(F);
result.loadAverageAtEnd = os.loadavg().map((x) => round(x));
const text = `${JSON.stringify(result, null, 2)}\n`;
process.stdout.write(text);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results', `collect-${result.date.slice(0, 10)}.json`), text);
