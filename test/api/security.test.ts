/**
 * The API's defences: API keys (missing, malformed, wrong, revoked — also by another process —,
 * expired, under-scoped), per-key rate limits with RateLimit headers and 429, the per-address
 * limit on failed authentications, body limits, malformed JSON, unknown fields, hostile path
 * parameters, security headers, 5xx bodies that carry only a request id, and logs that never
 * contain a key or a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { HOOK_SECRET, bearer, cleanupTemps, cli, cliLoad, createKey, makeApp, scenario, tempDir, testConfig } from './helpers.js';

let storeDir: string;
let app: FastifyInstance;
let logs: string[];
let readKey: string;

beforeAll(async () => {
  storeDir = tempDir();
  await cliLoad(storeDir, scenario('cross-source-hr'));
  readKey = createKey(storeDir, ['read']);
  ({ app, logs } = await makeApp(storeDir, { config: testConfig({ bodyLimit: 4096 }) }));
});

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

const findings = (headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/v1/findings', headers });

describe('API keys', () => {
  it('refuses a missing key with 401 and WWW-Authenticate', async () => {
    const r = await findings();
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.json()).toEqual({ statusCode: 401, code: 'REVENANT_ERR_AUTH_MISSING', error: 'Unauthorized', message: expect.stringMatching(/missing API key/), requestId: expect.any(String) });
  });

  it('refuses malformed and wrong keys alike', async () => {
    for (const h of ['Bearer nope', 'Basic dXNlcjpwYXNz', `Bearer ${readKey.slice(0, -1)}x`, `Bearer rvn_00000000_${'A'.repeat(43)}`, 'Bearer']) {
      const r = await findings({ authorization: h });
      expect(r.statusCode, h).toBe(401);
      expect(r.json().message).toBe(h === 'Bearer' ? 'invalid API key' : 'invalid API key');
    }
  });

  it('refuses a key revoked with `revenant keys revoke`, at once', async () => {
    const k = createKey(storeDir, ['read'], { name: 'to-revoke' });
    expect((await findings(bearer(k))).statusCode).toBe(200);
    const prefix = k.split('_')[1];
    const listed = await cli('keys', 'list', '--format', 'json', '--store', storeDir);
    expect(JSON.parse(listed.stdout).keys.map((x: { prefix: string }) => x.prefix)).toContain(prefix);
    expect(listed.stdout).not.toContain(k);
    const res = await cli('keys', 'revoke', prefix, '--store', storeDir);
    expect(res.code).toBe(0);
    const r = await findings(bearer(k));
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toBe('API key revoked');
    expect((await cli('keys', 'revoke', 'ffffffff', '--store', storeDir)).code).toBe(2);
  });

  it('refuses an expired key', async () => {
    const k = createKey(storeDir, ['read'], { expiresAt: new Date(Date.now() + 300).toISOString() });
    expect((await findings(bearer(k))).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const r = await findings(bearer(k));
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toBe('API key expired');
  });

  it('refuses a key without the scope a route needs (403); admin has every scope', async () => {
    const events = createKey(storeDir, ['events']);
    const r = await findings(bearer(events));
    expect(r.statusCode).toBe(403);
    expect(r.json().message).toMatch(/"read" scope/);
    expect((await app.inject({ url: '/v1/admin/status', headers: bearer(readKey) })).statusCode).toBe(403);
    const admin = createKey(storeDir, ['admin']);
    expect((await findings(bearer(admin))).statusCode).toBe(200);
    const st = await app.inject({ url: '/v1/admin/status', headers: bearer(admin) });
    expect(st.statusCode).toBe(200);
    expect(st.json()).toMatchObject({ queue: expect.any(Object), sinks: [] });
  });

  it('creates keys with the CLI: shown once on stdout, validated options', async () => {
    const r = await cli('keys', 'create', '--name', 'siem', '--scope', 'read,events', '--expires', '2099-01-01', '--rate-limit', '120', '--store', storeDir);
    expect(r.code).toBe(0);
    const key = r.stdout.trim();
    expect(key).toMatch(/^rvn_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).not.toContain(key);
    expect(r.stderr).toContain(key.split('_')[1]);
    const g = await findings(bearer(key));
    expect(g.statusCode).toBe(200);
    expect(g.headers['ratelimit-limit']).toBe('120');
    expect((await cli('keys', 'create', '--name', 'x', '--scope', 'root', '--store', storeDir)).code).toBe(2);
    expect((await cli('keys', 'create', '--name', 'x', '--scope', 'read', '--expires', '2001-01-01', '--store', storeDir)).code).toBe(2);
    expect((await cli('keys', 'create', '--name', 'x', '--store', storeDir)).code).toBe(2);
  });
});

describe('rate limits', () => {
  it('limits each key per minute, with RateLimit headers and 429 + Retry-After', async () => {
    const k = createKey(storeDir, ['read'], { rateLimit: 3 });
    const codes = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await findings(bearer(k));
      codes.push(last.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers['ratelimit-limit']).toBe('3');
    expect(last!.headers['ratelimit-remaining']).toBe('0');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.json().message).toMatch(/rate limit/);
    // Another key is not affected.
    expect((await findings(bearer(readKey))).statusCode).toBe(200);
  });

  it('limits failed authentications per client address', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('okta-lifecycle'));
    const good = createKey(dir, ['read']);
    const { app: strict } = await makeApp(dir, { config: testConfig({ rateLimit: { perMinute: 1000, unauthenticatedPerMinute: 3 } }) });
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await strict.inject({ url: '/v1/findings', headers: { authorization: 'Bearer wrong' } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      // A good key from that address is verified before the failure limiter: never locked out.
      expect((await strict.inject({ url: '/v1/findings', headers: bearer(good) })).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('request hygiene', () => {
  it('refuses an oversized body with 413', async () => {
    const k = createKey(storeDir, ['what-if']);
    const r = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { ...bearer(k), 'content-type': 'application/json' }, payload: JSON.stringify({ assumeDeparted: ['x'.repeat(8000)] }) });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ statusCode: 413, requestId: expect.any(String) });
  });

  it('refuses malformed JSON with 400', async () => {
    const k = createKey(storeDir, ['what-if']);
    const r = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { ...bearer(k), 'content-type': 'application/json' }, payload: '{"assumeDeparted": [' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', requestId: expect.any(String) });
    const proto = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { ...bearer(k), 'content-type': 'application/json' }, payload: '{"assumeDeparted":["a"],"__proto__":{"x":1}}' });
    expect(proto.statusCode).toBe(400);
    const type = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { ...bearer(k), 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(type.statusCode).toBe(415);
  });

  it('rejects unknown query parameters', async () => {
    const r = await app.inject({ url: '/v1/findings?limit=5&debug=1', headers: bearer(readKey) });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/additional properties/i);
  });

  it('answers hostile path parameters with 4xx JSON, never 5xx', async () => {
    const hostile = [
      "'; DROP TABLE nodes; --",
      '"quoted"',
      '../../../etc/passwd',
      '..%2F..%2Fsnapshots',
      '%00',
      'a%00b',
      '%C0%AE%C0%AE',
      'x'.repeat(600),
      'y'.repeat(5000),
      '%E2%80%AE',
      '<script>alert(1)</script>',
      '${jndi:ldap://x}',
    ];
    for (const h of hostile) {
      const url = `/v1/subjects/${h.includes('%') ? h : encodeURIComponent(h)}/residual-access`;
      const r = await app.inject({ url, headers: bearer(readKey) });
      expect(r.statusCode, h).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, h).toBeLessThan(500);
      expect(r.headers['content-type'], h).toMatch(/application\/json/);
      const body = r.json();
      expect(body.requestId, h).toEqual(expect.any(String));
      const br = await app.inject({ url: `/v1/blast-radius/${h.includes('%') ? h : encodeURIComponent(h)}`, headers: bearer(readKey) });
      expect(br.statusCode, h).toBeLessThan(500);
    }
  });

  it('sets security headers and echoes a safe request id', async () => {
    const r = await app.inject({ url: '/v1/findings', headers: { ...bearer(readKey), 'x-request-id': 'siem-req-42' } });
    expect(r.headers['x-request-id']).toBe('siem-req-42');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const bad = await app.inject({ url: '/v1/findings', headers: { ...bearer(readKey), 'x-request-id': 'evil\u0001id with spaces' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const nf = await app.inject({ url: '/nope' });
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toMatchObject({ statusCode: 404, message: 'no such route' });
  });

  it('says nothing internal in a 5xx body, only the request id (details go to the log)', async () => {
    const { app: broken, logs: blogs } = await makeApp(storeDir);
    try {
      (broken.revenant.snapshots.current!.engine as unknown as { db: { close(): void } }).db.close();
      const r = await broken.inject({ url: '/v1/subjects/qray@contoso.com/residual-access', headers: bearer(readKey) });
      expect(r.statusCode).toBe(500);
      const body = r.json();
      expect(Object.keys(body).sort()).toEqual(['code', 'error', 'message', 'requestId', 'statusCode']);
      expect(body.code).toBe('REVENANT_ERR_INTERNAL');
      expect(body.message).toBe('internal error: quote the request id to the operator');
      expect(r.body).not.toMatch(/sqlite|database|stack|\/tmp\//i);
      const line = blogs.find((l) => l.includes(body.requestId) && l.includes('"level":50'));
      expect(line).toBeDefined();
    } finally {
      await broken.close().catch(() => undefined);
    }
  });

  it('never logs a key, a hook secret or a Graph clientState', async () => {
    const events = createKey(storeDir, ['events']);
    await app.inject({ url: '/v1/findings', headers: bearer(readKey) });
    await app.inject({ method: 'GET', url: '/v1/events/okta', headers: { ...bearer(events), 'x-revenant-hook-secret': HOOK_SECRET, 'x-okta-verification-challenge': 'abc' } });
    await app.inject({ method: 'POST', url: `/v1/events/entra?key=${events}`, payload: { value: [{ clientState: 'forged-state-value', resource: 'users/x' }] } });
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(readKey);
    expect(all).not.toContain(events);
    expect(all).not.toContain(events.split('_').slice(2).join('_')); // the secret part (base64url may itself hold '_')
    expect(all).not.toContain(HOOK_SECRET);
    expect(all).not.toContain('forged-state-value');
    expect(all).toContain('key=…');
  });
});
