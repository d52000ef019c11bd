/**
 * Numeric limits hold (issue 11, item 2): every numeric query parameter of every route — found in
 * the OpenAPI document, so a new route is covered without a new test — refuses `Infinity`, `NaN`,
 * `1e400`, hex, binary, empty, fractional, padded and exponent forms with 400
 * REVENANT_ERR_VALIDATION, and accepts a plain decimal; JSON bodies are never coerced (a string
 * is not an array, a number is not a string, `true` is not 1); and a traversal depth that slipped
 * past the HTTP layer is still refused by the traversal itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { MAX_TRAVERSAL_DEPTH, checkDepth } from '../../src/analysis/privilegeGraph.js';
import { InputError } from '../../src/model/errors.js';
import { HOOK_SECRET, bearer, cleanupTemps, cliLoad, createKey, makeApp, scenario, tempDir } from './helpers.js';

let storeDir: string;
let app: FastifyInstance;
let admin: string;

beforeAll(async () => {
  storeDir = tempDir();
  await cliLoad(storeDir, scenario('cross-source-hr'));
  admin = createKey(storeDir, ['admin']);
  ({ app } = await makeApp(storeDir));
});

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

interface Param {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema: { type?: string; enum?: unknown[]; default?: unknown; minimum?: number; maximum?: number; items?: { type?: string } };
}

/** A valid value for a parameter, so that only the one under test is wrong. */
function validValue(p: Param): string {
  if (p.in === 'path') return p.name === 'id' ? '0'.repeat(32) : 'qray@contoso.com';
  if (p.schema.default !== undefined) return String(p.schema.default);
  if (p.schema.enum) return String(p.schema.enum[0]);
  if (p.name === 'to') return 'tier0';
  return 'qray@contoso.com';
}

const HOSTILE = ['Infinity', '-Infinity', 'NaN', '1e400', '1e2', '0x10', '0X1F', '0b11', '0o7', '', '1.5', '2.0', ' 5', '5 ', '+5', '007', '5e0', '9007199254740993', '-1e-400', '١'];

async function numericParams(): Promise<{ method: string; path: string; params: Param[]; numeric: Param }[]> {
  const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { parameters?: Param[] }>> };
  const out = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      for (const p of params) {
        const t = p.schema.type ?? (p.schema.enum?.every((v) => typeof v === 'number') ? 'number' : undefined);
        if (p.in === 'query' && (t === 'integer' || t === 'number')) out.push({ method: method.toUpperCase(), path, params, numeric: p });
      }
    }
  }
  return out;
}

function url(path: string, params: Param[], override: Record<string, string>): string {
  let u = path;
  const q = new URLSearchParams();
  for (const p of params) {
    if (p.in === 'path') u = u.replace(`{${p.name}}`, encodeURIComponent(validValue(p)));
    else if (p.in === 'query' && (p.required || p.name in override)) q.append(p.name, p.name in override ? override[p.name] : validValue(p));
  }
  const qs = q.toString();
  return qs ? `${u}?${qs}` : u;
}

describe('numbers in query strings', () => {
  it('finds the numeric parameters of the routes (limit, maxDepth, listLimit, ocsfClass, …)', async () => {
    const names = new Set((await numericParams()).map((x) => `${x.path}?${x.numeric.name}`));
    for (const want of ['/v1/findings?limit', '/v1/findings?ocsfClass', '/v1/blast-radius/{principal}?maxDepth', '/v1/blast-radius/{principal}?listLimit', '/v1/paths?maxDepth', '/v1/paths?limit']) {
      expect(names, want).toContain(want);
    }
  });

  it('refuses every non-decimal spelling of a number with 400 REVENANT_ERR_VALIDATION, on every route', async () => {
    for (const { method, path, params, numeric } of await numericParams()) {
      if (method !== 'GET') continue;
      for (const v of HOSTILE) {
        const r = await app.inject({ method, url: url(path, params, { [numeric.name]: v }), headers: bearer(admin) });
        expect(r.statusCode, `${path} ${numeric.name}=${JSON.stringify(v)}`).toBe(400);
        expect(r.json().code, `${path} ${numeric.name}=${JSON.stringify(v)}`).toBe('REVENANT_ERR_VALIDATION');
      }
      // Encoded by the client, the same words are refused the same way.
      const r = await app.inject({ method, url: `${url(path, params, {})}${url(path, params, {}).includes('?') ? '&' : '?'}${numeric.name}=%49nfinity`, headers: bearer(admin) });
      expect(r.statusCode, `${path} ${numeric.name}=%49nfinity`).toBe(400);
    }
  });

  it('refuses numbers out of range and repeated scalars, and accepts plain decimals', async () => {
    expect((await app.inject({ url: '/v1/findings?limit=1001', headers: bearer(admin) })).statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/findings?limit=-1', headers: bearer(admin) })).statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/findings?limit=5&limit=6', headers: bearer(admin) })).statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/blast-radius/qray@contoso.com?maxDepth=17', headers: bearer(admin) })).statusCode).toBe(400);
    const ok = await app.inject({ url: '/v1/findings?limit=5&ocsfClass=2004&format=ocsf', headers: bearer(admin) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().count).toBeLessThanOrEqual(5);
    expect(ok.json().events.every((e: { class_uid: number }) => e.class_uid === 2004)).toBe(true);
    const br = await app.inject({ url: '/v1/blast-radius/qray@contoso.com?maxDepth=3&listLimit=0', headers: bearer(admin) });
    expect(br.statusCode).toBe(200);
    expect(br.json().maxDepth).toBe(3);
    expect(br.json().objects ?? []).toEqual([]);
    // Arrays still take a single value or a repeated one.
    expect((await app.inject({ url: '/v1/findings?status=live', headers: bearer(admin) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/findings?status=live&status=dormant', headers: bearer(admin) })).statusCode).toBe(200);
  });
});

describe('JSON bodies are validated as sent, never coerced', () => {
  it('refuses a string where an array is expected, a number where a string is, and overflowing numbers', async () => {
    const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url, headers: { ...bearer(admin), 'content-type': 'application/json', ...headers }, payload });
    const scalar = await post('/v1/what-if', '{"assumeDeparted": "qray@contoso.com"}');
    expect(scalar.statusCode).toBe(400);
    expect(scalar.json().code).toBe('REVENANT_ERR_VALIDATION');
    expect((await post('/v1/what-if', '{"assumeDeparted": [5]}')).statusCode).toBe(400);
    expect((await post('/v1/what-if', '{"assumeDeparted": [true]}')).statusCode).toBe(400);
    expect((await post('/v1/what-if', '{"assumeDeparted": ["qray@contoso.com"]}')).statusCode).toBe(200);
    const hook = { 'x-revenant-hook-secret': HOOK_SECRET };
    const numericUuid = await post('/v1/events/okta', '{"data":{"events":[{"uuid": 12345, "eventType":"user.lifecycle.deactivate"}]}}', hook);
    expect(numericUuid.statusCode).toBe(400);
    expect((await post('/v1/events/okta', '{"data":{"events":[{"uuid": "u-1e400", "eventType":"x", "published": 1e400}]}}', hook)).statusCode).toBe(400);
  });
});

describe('the traversal itself is bounded', () => {
  it('refuses a depth that is not a whole number up to the maximum, whoever asks', () => {
    for (const d of [Infinity, -Infinity, NaN, -1, 1.5, MAX_TRAVERSAL_DEPTH + 1, 2 ** 53]) expect(() => checkDepth(d), String(d)).toThrow(InputError);
    expect(checkDepth(0)).toBe(0);
    expect(checkDepth(MAX_TRAVERSAL_DEPTH)).toBe(MAX_TRAVERSAL_DEPTH);
  });
});
