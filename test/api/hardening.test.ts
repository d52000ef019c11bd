/**
 * Hardening defaults (issue 11, item 8): `/metrics` needs a key with the `metrics` or `admin`
 * scope unless the config makes it public; the store's database files (snapshots, the API
 * database and its WAL, the change feed) are created 0600; and errors node's HTTP parser raises
 * before any route runs (headers too large: 431; a malformed header or request line: 400) get the
 * same JSON error shape, request id and security headers as the rest — over a real socket.
 */
import { readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { Store } from '../../src/store/Store.js';
import { bearer, cleanupTemps, cliLoad, createKey, makeApp, scenario, tempDir, testConfig } from './helpers.js';

let storeDir: string;

beforeAll(async () => {
  storeDir = tempDir();
  await cliLoad(storeDir, scenario('okta-lifecycle'));
});

afterAll(() => cleanupTemps());

describe('/metrics', () => {
  it('needs a key with the metrics or admin scope by default', async () => {
    const { app } = await makeApp(storeDir);
    try {
      const none = await app.inject('/metrics');
      expect(none.statusCode).toBe(401);
      expect(none.json().code).toBe('REVENANT_ERR_AUTH_MISSING');
      expect((await app.inject({ url: '/metrics', headers: bearer(createKey(storeDir, ['read'])) })).statusCode).toBe(403);
      for (const scope of ['metrics', 'admin'] as const) {
        const r = await app.inject({ url: '/metrics', headers: bearer(createKey(storeDir, [scope])) });
        expect(r.statusCode, scope).toBe(200);
        expect(r.body).toMatch(/revenant_http_requests_total/);
      }
      const doc = (await app.inject('/openapi.json')).json();
      expect(doc.paths['/metrics'].get.security).toEqual([{ bearerAuth: [] }]);
    } finally {
      await app.close();
    }
  });

  it('is public only when the config says so (metrics.public, or the older requireKey: false)', async () => {
    for (const metrics of [{ public: true }, { requireKey: false }]) {
      const { app } = await makeApp(storeDir, { config: testConfig({ metrics }) });
      try {
        expect((await app.inject('/metrics')).statusCode, JSON.stringify(metrics)).toBe(200);
      } finally {
        await app.close();
      }
    }
    const { app } = await makeApp(storeDir, { config: testConfig({ metrics: { requireKey: true } }) });
    try {
      expect((await app.inject('/metrics')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('database files', () => {
  it('are created 0600: snapshots, the API database and its WAL', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('okta-lifecycle'));
    const { app } = await makeApp(dir);
    try {
      createKey(dir, ['read']);
      const store = new Store(dir);
      const files = [
        ...readdirSync(store.snapshotsDir).map((f) => join(store.snapshotsDir, f)),
        ...readdirSync(dir)
          .filter((f) => /\.sqlite(-wal|-shm|-journal)?$/.test(f))
          .map((f) => join(dir, f)),
      ];
      expect(files.some((f) => f.endsWith('api.sqlite'))).toBe(true);
      expect(files.some((f) => f.endsWith('api.sqlite-wal'))).toBe(true);
      expect(files.some((f) => f.includes('/snapshots/'))).toBe(true);
      for (const f of files) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      expect((statSync(store.snapshotsDir).mode & 0o077).toString(8)).toBe('0');
    } finally {
      await app.close();
    }
  });
});

describe('parser-level errors over a real socket', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = await buildServer({ store: new Store(storeDir), config: testConfig({ hsts: true }), logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await app?.close();
  });

  function raw(request: string | Buffer): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      let data = '';
      s.on('data', (d) => (data += d.toString('latin1')));
      s.on('error', () => undefined);
      s.on('close', () => {
        const [head, ...rest] = data.split('\r\n\r\n');
        const lines = head.split('\r\n');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '');
        if (!m) return reject(new Error(`no HTTP response: ${JSON.stringify(data.slice(0, 200))}`));
        const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        resolve({ status: Number(m[1]), headers, body: rest.join('\r\n\r\n') });
      });
      s.end(request);
    });
  }

  const check = (r: Awaited<ReturnType<typeof raw>>, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['strict-transport-security']).toMatch(/max-age/);
    const body = JSON.parse(r.body);
    expect(body).toEqual({ statusCode: status, code, error: expect.any(String), message: expect.any(String), requestId: r.headers['x-request-id'] });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  };

  it('answers headers too large with 431 in the JSON error shape', async () => {
    check(await raw(`GET /v1/findings HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`), 431, 'REVENANT_ERR_HEADERS_TOO_LARGE');
  });

  it('answers a malformed header or request line with 400 in the JSON error shape', async () => {
    check(await raw('GET /v1/findings HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n'), 400, 'REVENANT_ERR_BAD_REQUEST');
    check(await raw('GET /v1/findings HTTP/1.1\r\nHost: x\r\nX-Ctl: a\u0001b\r\n\r\n'), 400, 'REVENANT_ERR_BAD_REQUEST');
    check(await raw('NOT A REQUEST LINE\r\n\r\n'), 400, 'REVENANT_ERR_BAD_REQUEST');
    check(await raw('POST /v1/what-if HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef'), 400, 'REVENANT_ERR_BAD_REQUEST');
  });

  it('answers a URL that does not decode with 400 in the same shape', async () => {
    const r = await raw('GET /v1/subjects/%E0%A4%A/residual-access HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(r.status).toBe(400);
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ statusCode: 400, code: 'REVENANT_ERR_BAD_REQUEST', requestId: r.headers['x-request-id'] });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('still answers /healthz afterwards', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await r.json()).toEqual({ status: 'ok' });
  });
});
