/**
 * Secrets never reach a log, in any spelling (issue 11, item 4): an API key in `?key=`, `?%6Bey=`,
 * `?KEY=`, `?k%65y=`, in any other query parameter (encoded or not), in a path segment, in a
 * header (Authorization, X-API-Key, Cookie, Referer, even X-Request-Id) is not in the log lines
 * of real HTTP requests; the URL is redacted by parsing (names and values decoded), shown here
 * by the unit cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { redactText, redactUrl } from '../../src/api/redact.js';
import { loggerOptions } from '../../src/api/server.js';
import { buildServer } from '../../src/api/server.js';
import { Store } from '../../src/store/Store.js';
import { cleanupTemps, cliLoad, createKey, scenario, tempDir, testConfig } from './helpers.js';

const KEY = `rvn_0123abcd_${'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tX'.slice(0, 43)}`;
const SECRET = KEY.slice(13);

describe('redactUrl', () => {
  const enc = (s: string) => encodeURIComponent(s);
  const allEncoded = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  const cases: [string, RegExp][] = [
    [`/v1/events/entra?key=${KEY}`, /^\/v1\/events\/entra\?key=…$/],
    [`/v1/events/entra?%6Bey=${KEY}`, /^\/v1\/events\/entra\?key=…$/],
    [`/v1/events/entra?%6b%65%79=${enc(KEY)}`, /\?key=…$/],
    [`/v1/events/entra?KEY=${KEY}`, /\?KEY=…$/],
    [`/v1/events/entra?k%65y=${allEncoded(KEY)}`, /\?key=…$/],
    [`/v1/events/entra?validationToken=abc&key=${KEY}&key=${KEY}`, /\?validationToken=abc&key=…&key=…$/],
    [`/v1/findings?cursor=${KEY}`, /\?cursor=…$/],
    [`/v1/findings?x=${allEncoded(KEY)}`, /\?x=…$/],
    [`/v1/findings?x=prefix+${KEY.replace(/_/g, '%5F')}`, /\?x=…$/],
    [`/v1/findings?${enc(KEY)}`, /\?…=…$/],
    [`/v1/findings?token=anything&secret=x&api_key=y&Authorization=z`, /\?token=…&secret=…&api_key=…&Authorization=…$/],
    [`/v1/subjects/${KEY}/residual-access`, /^\/v1\/subjects\/…\/residual-access$/],
    [`/v1/subjects/${allEncoded(KEY)}/residual-access?format=json`, /^\/v1\/subjects\/…\/residual-access\?format=json$/],
    [`/v1/events/entra?key=%ZZ${SECRET}`, /\?key=…$/],
    [`/v1/events/entra?ke%ZZy=${SECRET}`, /\?…=…$/],
    [`/v1/findings?limit=5#key=${KEY}`, /^\/v1\/findings\?limit=5$/],
  ];
  it.each(cases)('hides the key in %s', (url, want) => {
    const out = redactUrl(url);
    expect(out).toMatch(want);
    expect(out).not.toContain(SECRET);
    expect(out.toLowerCase()).not.toContain('rvn_0123abcd');
  });

  it('leaves ordinary URLs alone', () => {
    for (const u of ['/v1/findings?limit=5&status=live&status=dormant', '/v1/subjects/qray%40contoso.com/residual-access', '/healthz', '/v1/paths?from=a&to=tier0']) expect(redactUrl(u)).toBe(u);
  });

  it('hides keys in free text', () => {
    expect(redactText(`refused ${KEY} and rvn_ffffffff_abc`)).not.toMatch(/0123abcd|ffffffff|S3cr3t/);
  });
});

describe('the request log over real HTTP', () => {
  let storeDir: string;
  let app: FastifyInstance;
  let base: string;
  const logs: string[] = [];
  let events: string;

  beforeAll(async () => {
    storeDir = tempDir();
    await cliLoad(storeDir, scenario('okta-lifecycle'));
    events = createKey(storeDir, ['events']);
    app = await buildServer({
      store: new Store(storeDir),
      config: testConfig(),
      logger: { ...(loggerOptions('info') as object), stream: { write: (s: string) => void logs.push(s) } },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app?.close();
    cleanupTemps();
  });

  it('never logs a key presented in a query parameter, a path or a header, however it is spelled', async () => {
    const secrets = [events, KEY];
    const urls: string[] = [];
    for (const k of secrets) {
      const hex = [...k].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
      urls.push(
        `/v1/events/entra?key=${k}`,
        `/v1/events/entra?%6Bey=${k}`,
        `/v1/events/entra?KEY=${k}`,
        `/v1/events/entra?k%65y=${hex}`,
        `/v1/events/entra?validationToken=x&key=${encodeURIComponent(k)}`,
        `/v1/findings?cursor=${k}`,
        `/v1/findings?x=${hex}`,
        `/v1/subjects/${k}/residual-access`,
        `/v1/subjects/${hex}/residual-access`,
        `/v1/blast-radius/${hex}?maxDepth=${k}`,
        `/nope/${k}?key=${k}`,
      );
    }
    for (const u of urls) {
      const r = await fetch(`${base}${u}`, { method: u.startsWith('/v1/events') ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: u.startsWith('/v1/events') ? '{"value":[]}' : undefined });
      await r.arrayBuffer();
    }
    for (const k of secrets) {
      for (const h of [{ authorization: `Bearer ${k}` }, { 'x-api-key': k }, { cookie: `session=${k}` }, { referer: `https://siem.example.com/?key=${k}` }, { 'x-request-id': k }] as Record<string, string>[]) {
        const r = await fetch(`${base}/v1/findings`, { headers: h });
        // A key sent as a request id is not echoed either.
        expect(r.headers.get('x-request-id')).not.toContain(k.slice(13));
        await r.arrayBuffer();
      }
    }
    const all = logs.join('');
    expect(all).toContain('"url":"/v1/events/entra?key=…"');
    for (const k of secrets) {
      expect(all).not.toContain(k.slice(13));
      expect(all).not.toContain(k.slice(13).slice(0, 16));
      expect(all).not.toContain(encodeURIComponent(k.slice(13)).slice(0, 16));
    }
  });
});
