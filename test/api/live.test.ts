/**
 * End to end, the way it runs in production: `revenant serve` as a process (trusting the test CA
 * of the fakes), on a store loaded from collections that `revenant collect` read from the Graph
 * and Okta fakes (test/fakes: the vendors' documented HTTP APIs). An Okta event hook and a Graph
 * change notification make the server read the subject again through the live collectors
 * (collectOktaSubject / collectEntraSubject), merge it, load a new snapshot and serve it; a
 * `reauthorizationRequired` lifecycle notification makes it reauthorize the subscription through
 * the Graph client; SIGTERM shuts it down gracefully. `revenant subscribe entra` creates the
 * /users subscription through the Graph client. Nothing secret reaches the logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { loadScenario } from '../fakes/scenarioTenants.js';
import { testCa } from '../fakes/testCa.js';
import { ROOT, ensureBuilt, runCli } from '../collect/helpers.js';
import { CLIENT_STATE, HOOK_SECRET, cleanupTemps, cliLoad, createKey, scenario, tempDir, waitFor } from './helpers.js';

type Raw = Record<string, unknown>;

const TENANT = 'f5cbb77e-0602-5c21-a40d-4b695150da4c';
const NORA_OKTA = '00uEWtOGUUFB8FlG7rgw';
const NORA_ENTRA = 'ed4bb628-1026-5b3e-88cb-3871f0b3b87b';
const OSCAR_ENTRA = '9934fad4-756a-51be-8aa7-c84112a40bef';
const OKTA_TOKEN = '00ssws-revenant-api-test';

const s = loadScenario(scenario('cross-source-hr'));
const graph = new GraphFake(s.entra!.data);
const okta = new OktaFake(s.okta!.data);
let graphToken: string;
let storeDir: string;
let server: { child: ChildProcess; url: string; out: () => string; exited: Promise<number | null> };
let key: string;

function spawnServe(args: string[], env: Record<string, string>): Promise<typeof server> {
  return new Promise((resolve, reject) => {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(AZURE_|OKTA_|REVENANT_)/.test(k)) clean[k] = v;
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'revenant.js'), 'serve', ...args], {
      cwd: ROOT,
      env: { ...clean, NODE_EXTRA_CA_CERTS: testCa().caPath, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => {
      err += c;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve({ child, url: m[1], out: () => out + err, exited });
    });
    child.on('close', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) } });
}

async function servedSnapshot(): Promise<string | undefined> {
  const r = await fetch(`${server.url}/readyz`);
  return r.ok ? ((await r.json()) as { snapshot: string }).snapshot : undefined;
}

beforeAll(async () => {
  ensureBuilt();
  await graph.start();
  await okta.start();
  okta.apiTokens.add(OKTA_TOKEN);
  graphToken = graph.issueToken(3 * 3600);
  const col = tempDir();
  const e = await runCli(['collect', 'entra', '--tenant', TENANT, '--graph-url', graph.url, '--out', col], { env: { REVENANT_GRAPH_TOKEN: graphToken } });
  expect(e.code, e.stderr).toBe(0);
  const o = await runCli(['collect', 'okta', '--org-url', okta.url, '--out', col, '--since', '2025-01-01'], { env: { OKTA_CLIENT_TOKEN: OKTA_TOKEN } });
  expect(o.code, o.stderr).toBe(0);
  storeDir = tempDir();
  await cliLoad(storeDir, join(col, 'entra'), join(col, 'okta'));
  key = createKey(storeDir, ['read', 'events']);
  const cfgFile = join(tempDir(), 'serve.json');
  writeFileSync(
    cfgFile,
    JSON.stringify({
      snapshotPollMs: 200,
      events: {
        pollMs: 50,
        okta: { hookSecret: 'env:TEST_HOOK_SECRET', collect: { orgUrl: okta.url, token: 'env:TEST_OKTA_TOKEN' } },
        entra: { clientState: 'env:TEST_CLIENT_STATE', collect: { tenant: TENANT, graphUrl: graph.url, mode: 'token', token: 'env:TEST_GRAPH_TOKEN' } },
      },
    }),
  );
  server = await spawnServe(['--store', storeDir, '--config', cfgFile, '--port', '0'], {
    TEST_HOOK_SECRET: HOOK_SECRET,
    TEST_OKTA_TOKEN: OKTA_TOKEN,
    TEST_CLIENT_STATE: CLIENT_STATE,
    TEST_GRAPH_TOKEN: graphToken,
  });
}, 240_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await graph.stop();
  await okta.stop();
  cleanupTemps();
});

describe('revenant serve with the live collectors', () => {
  it('refreshes an Okta user on a deactivation event, through collectOktaSubject', async () => {
    const before = (await (await api(`/v1/subjects/${NORA_ENTRA}/residual-access`)).json()) as Raw;
    expect((before.findings as Raw[]).map((f) => f.rule)).toContain('person.other-account-active');
    const snap0 = await servedSnapshot();
    // Okta deactivates Nora's account; the event hook tells Revenant.
    const nora = okta.data.users.find((u) => u.id === NORA_OKTA)!;
    nora.status = 'DEPROVISIONED';
    nora.statusChanged = new Date().toISOString();
    const r = await fetch(`${server.url}/v1/events/okta`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'x-revenant-hook-secret': HOOK_SECRET, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventType: 'com.okta.event_hook',
        eventTypeVersion: '1.0',
        cloudEventsVersion: '0.1',
        source: `${okta.url}/api/v1/eventHooks/who1`,
        eventId: 'e-1',
        eventTime: new Date().toISOString(),
        contentType: 'application/json',
        data: { events: [{ uuid: 'live-okta-1', eventType: 'user.lifecycle.deactivate', target: [{ id: NORA_OKTA, type: 'User' }] }] },
      }),
    });
    expect(r.status).toBe(200);
    await waitFor(async () => (await servedSnapshot()) !== snap0, 'refreshed snapshot', 60_000);
    const after = (await (await api(`/v1/subjects/${NORA_ENTRA}/residual-access`)).json()) as Raw;
    expect((after.findings as Raw[]).map((f) => f.rule)).not.toContain('person.other-account-active');
    const oktaNora = (await (await api(`/v1/subjects/okta:${NORA_OKTA}/residual-access`)).json()) as Raw;
    expect((oktaNora.subjects as Raw[])[0]).toMatchObject({ id: NORA_OKTA, departed: true });
    // The subject read was a subject collection, not a tenant sweep.
    expect(okta.server.log.some((l) => l.path === '/api/v1/users' && /search|filter/.test(l.rawQuery))).toBe(true);
  }, 90_000);

  it('refreshes an Entra user on a basic change notification, through collectEntraSubject', async () => {
    const snap0 = await servedSnapshot();
    const oscar = graph.data.users.find((u) => u.id === OSCAR_ENTRA)!;
    oscar.accountEnabled = false;
    const r = await fetch(`${server.url}/v1/events/entra?key=${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        value: [
          {
            subscriptionId: 'sub-1',
            clientState: CLIENT_STATE,
            changeType: 'updated',
            resource: `Users/${OSCAR_ENTRA}`,
            resourceData: { '@odata.type': '#Microsoft.Graph.User', id: OSCAR_ENTRA },
            tenantId: TENANT,
          },
        ],
      }),
    });
    expect(r.status).toBe(202);
    await waitFor(async () => (await servedSnapshot()) !== snap0, 'refreshed snapshot', 60_000);
    const after = (await (await api(`/v1/subjects/${OSCAR_ENTRA}/residual-access`)).json()) as Raw;
    const o = (after.subjects as Raw[]).find((x) => x.id === OSCAR_ENTRA)!;
    expect(o.departed).toBe(true);
    expect((after.findings as Raw[]).length).toBeGreaterThan(0);
    // Everyone else is still in the snapshot.
    const all = (await (await api('/v1/findings?limit=1000')).json()) as { items: Raw[] };
    expect(all.items.some((f) => (f.subject as Raw).id === '891c8227-6ea5-5c9a-a89e-be6a1661540c')).toBe(true);
  }, 90_000);

  it('reauthorizes the subscription on reauthorizationRequired, through the Graph client', async () => {
    graph.server.addFault({ match: (q) => q.method === 'POST' && q.path === '/v1.0/subscriptions/sub-1/reauthorize', status: 204, body: '' });
    const r = await fetch(`${server.url}/v1/events/entra?key=${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        value: [{ subscriptionId: 'sub-1', subscriptionExpirationDateTime: '2026-12-30T00:00:00Z', tenantId: TENANT, clientState: CLIENT_STATE, lifecycleEvent: 'reauthorizationRequired' }],
      }),
    });
    expect(r.status).toBe(202);
    await waitFor(() => graph.server.log.some((l) => l.path === '/v1.0/subscriptions/sub-1/reauthorize'), 'reauthorize call', 30_000);
    const call = graph.server.log.find((l) => l.path === '/v1.0/subscriptions/sub-1/reauthorize')!;
    expect(call.headers.authorization).toBe(`Bearer ${graphToken}`);
  }, 60_000);

  it('logs no key, token or secret, and shuts down gracefully on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    const code = await server.exited;
    expect(code).toBe(0);
    const logs = server.out();
    expect(logs).toMatch(/shutting down/);
    for (const secret of [key, key.slice(13), HOOK_SECRET, CLIENT_STATE, graphToken, OKTA_TOKEN]) expect(logs).not.toContain(secret);
  }, 30_000);
});

describe('revenant subscribe entra', () => {
  it('creates the /users subscription through the Graph client, printing nothing secret', async () => {
    graph.server.addFault({ match: (q) => q.method === 'GET' && q.path === '/v1.0/subscriptions', status: 200, body: { value: [] } });
    graph.server.addFault({
      match: (q) => q.method === 'POST' && q.path === '/v1.0/subscriptions',
      status: 201,
      body: {
        id: 'sub-new',
        resource: '/users',
        changeType: 'updated,deleted',
        notificationUrl: 'https://revenant.example.com/v1/events/entra?key=rvn_x',
        expirationDateTime: '2026-12-25T00:00:00Z',
        clientState: null,
      },
    });
    const r = await runCli(
      ['subscribe', 'entra', '--tenant', TENANT, '--graph-url', graph.url, '--notification-url', 'https://revenant.example.com/v1/events/entra', '--client-state', 'env:TEST_CS', '--api-key', 'env:TEST_KEY'],
      { env: { REVENANT_GRAPH_TOKEN: graphToken, TEST_CS: CLIENT_STATE, TEST_KEY: key } },
    );
    expect(r.code, r.stderr).toBe(0);
    const post = graph.server.log.find((l) => l.method === 'POST' && l.path === '/v1.0/subscriptions')!;
    const body = post.body as Raw;
    expect(body).toMatchObject({ resource: '/users', changeType: 'updated,deleted', clientState: CLIENT_STATE });
    expect(String(body.notificationUrl)).toBe(`https://revenant.example.com/v1/events/entra?key=${encodeURIComponent(key)}`);
    expect(Date.parse(String(body.expirationDateTime)) - Date.now()).toBeGreaterThan(28 * 86_400_000);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ created: true, subscription: { id: 'sub-new' } });
    expect(r.stdout + r.stderr).not.toContain(CLIENT_STATE);
    expect(r.stdout + r.stderr).not.toContain(key);
    const bad = await runCli(['subscribe', 'entra', '--tenant', TENANT, '--notification-url', 'http://plain.example.com/x', '--client-state', 'x'], {});
    expect(bad.code).toBe(2);
  }, 60_000);
});
