/**
 * Failed-key limiting cannot lock out good keys (issue 11, item 3), over real HTTP: guessing from
 * one address is slowed (429 with Retry-After and REVENANT_ERR_AUTH_RATE_LIMITED) while a valid
 * key from the same address — the SIEM, the Okta hook — keeps getting 200; guessing one key's
 * secret is slowed per key prefix without refusing that key; X-Forwarded-For counts only from a
 * trusted proxy (a spoofed one from any other peer changes nothing); and the per-key limit still
 * holds, with its RateLimit headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { Store } from '../../src/store/Store.js';
import { HOOK_SECRET, cleanupTemps, cliLoad, createKey, scenario, tempDir, testConfig } from './helpers.js';

let storeDir: string;
let good: string;
let hookKey: string;
const servers: FastifyInstance[] = [];

beforeAll(async () => {
  storeDir = tempDir();
  await cliLoad(storeDir, scenario('okta-lifecycle'));
  good = createKey(storeDir, ['read']);
  hookKey = createKey(storeDir, ['events'], { name: 'okta-hook' });
});

afterAll(async () => {
  for (const s of servers) await s.close();
  cleanupTemps();
});

async function listen(over: Record<string, unknown>): Promise<string> {
  const config = testConfig({ rateLimit: { perMinute: 1000, unauthenticatedPerMinute: 10 }, ...over });
  const app = await buildServer({ store: new Store(storeDir), config, logger: false });
  servers.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

const wrongKey = (i: number, prefix = '00000000') => `rvn_${prefix}_${String(i).padStart(43, 'A')}`;

async function get(base: string, key: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/v1/findings?limit=1`, { headers: { authorization: `Bearer ${key}`, ...headers } });
}

describe('the failed-authentication limiter', () => {
  it('slows 50 bad keys from one address, and a good key from that address still gets 200', async () => {
    const base = await listen({});
    const codes: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 50; i++) {
      last = await get(base, wrongKey(i));
      codes.push(last.status);
      await last.arrayBuffer();
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(10)).toEqual(Array(40).fill(429));
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await get(base, wrongKey(99))).json();
    expect(await body).toMatchObject({ statusCode: 429, code: 'REVENANT_ERR_AUTH_RATE_LIMITED' });
    // Missing keys count as failures too.
    expect((await fetch(`${base}/v1/findings`)).status).toBe(429);
    // The SIEM's key, from the same address: served.
    const ok = await get(base, good);
    expect(ok.status).toBe(200);
    expect((await ok.json()).snapshot).toEqual(expect.any(String));
    // The Okta hook's key, from the same address: its deliveries are accepted.
    const hook = await fetch(`${base}/v1/events/okta`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hookKey}`, 'x-revenant-hook-secret': HOOK_SECRET, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { events: [{ uuid: 'evt-after-guessing', eventType: 'user.session.start' }] } }),
    });
    expect(hook.status).toBe(200);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const base = await listen({ trustProxy: ['10.0.0.0/8', '192.0.2.7'] });
    const codes: number[] = [];
    for (let i = 0; i < 15; i++) {
      const r = await get(base, wrongKey(i), { 'x-forwarded-for': `203.0.113.${i + 1}` });
      codes.push(r.status);
      await r.arrayBuffer();
    }
    // Every spoofed address is counted as the peer's own (127.0.0.1): limited after 10.
    expect(codes).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
    expect((await get(base, good, { 'x-forwarded-for': '203.0.113.99' })).status).toBe(200);
  });

  it('honours X-Forwarded-For from a trusted proxy, and still limits guessing per key prefix', async () => {
    const base = await listen({ trustProxy: ['127.0.0.1'] });
    // Behind the trusted proxy, 15 clients fail once each: none is limited by address.
    const codes: number[] = [];
    for (let i = 0; i < 15; i++) {
      // (malformed keys: no prefix to count, only the address)
      const r = await get(base, `not-a-key-${i}`, { 'x-forwarded-for': `198.51.100.${i + 1}` });
      codes.push(r.status);
      await r.arrayBuffer();
    }
    expect(codes).toEqual(Array(15).fill(401));
    // One key's prefix guessed from many addresses: limited per prefix…
    const prefix = good.split('_')[1];
    const guesses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await get(base, wrongKey(i, prefix), { 'x-forwarded-for': `192.0.2.${i + 1}` });
      guesses.push(r.status);
      await r.arrayBuffer();
    }
    expect(guesses).toEqual([...Array(10).fill(401), 429, 429]);
    // …while the real key with that prefix is never refused for it.
    expect((await get(base, good, { 'x-forwarded-for': '192.0.2.200' })).status).toBe(200);
  });
});

describe('the per-key limit', () => {
  it('limits each key per minute with RateLimit headers, and counts nothing for another key', async () => {
    const limited = createKey(storeDir, ['read'], { rateLimit: 3 });
    const base = await listen({});
    const codes: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await get(base, limited);
      codes.push(last.status);
      if (i < 4) await last.arrayBuffer();
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers.get('ratelimit-limit')).toBe('3');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    expect(last!.headers.get('ratelimit-policy')).toBe('3;w=60');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await last!.json()).code).toBe('REVENANT_ERR_RATE_LIMITED');
    expect((await get(base, good)).status).toBe(200);
  });
});

describe('trustProxy in the config', () => {
  it('accepts addresses, CIDR ranges and named ranges, and refuses anything else with its path', () => {
    expect(testConfig({ trustProxy: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', 'loopback'] }).trustProxy).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', 'loopback']);
    expect(testConfig({ trustProxy: true }).trustProxy).toBe(true);
    for (const bad of [['10.0.0.0/33'], ['proxy.example.com'], ['10.0.0.0/8/1'], ['::1/129'], ['10.0.0.0/08']]) {
      expect(() => testConfig({ trustProxy: bad }), bad[0]).toThrow(/trustProxy\.0/);
    }
    expect(() => testConfig({ trustProxy: [] })).toThrow(/trustProxy/);
  });
});
