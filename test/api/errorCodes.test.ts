/**
 * Right status codes and one snapshot per answer (issue 11, items 5 and 6): every error carries
 * a stable code from the one catalogue and the status the catalogue gives that code (never a
 * status guessed from message text); a snapshot diffed with itself is an empty diff; an unknown
 * or pruned snapshot is 404 (also after its diff was cached); bad input is 4xx without a stack
 * trace in the log; 503 only while no snapshot is loaded; `/v1/diff` and `/v1/snapshots` answer
 * for the snapshot being served, with its header; and an unreadable newest file never breaks a
 * route that serves an older, good snapshot — not even at start.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { API_ERR, ERROR_CATALOGUE, codeOf } from '../../src/api/errorCatalogue.js';
import { HttpError } from '../../src/api/httpError.js';
import { ERR, InputError, NotFoundError, StoreError } from '../../src/model/errors.js';
import { Store } from '../../src/store/Store.js';
import { bearer, cleanupTemps, cli, cliLoad, copyScenario, createKey, editJsonl, makeApp, scenario, setCollectedAt, tempDir, waitFor } from './helpers.js';

afterAll(() => cleanupTemps());

function secondCollection(at: string): string {
  const col = copyScenario('cross-source-hr');
  editJsonl(join(col, 'entra', 'users.jsonl'), (u) => (u.id === '9934fad4-756a-51be-8aa7-c84112a40bef' ? { ...u, accountEnabled: false } : u));
  for (const s of ['entra', 'okta', 'hr']) setCollectedAt(join(col, s), at);
  return col;
}

describe('the catalogue', () => {
  it('decides the status from the code or type, never from the message', () => {
    expect(codeOf(new StoreError('no snapshot 2026 in /x (ambiguous)'))).toBe(ERR.STORE);
    expect(ERROR_CATALOGUE[codeOf(new StoreError('no snapshot 2026 in /x (ambiguous)'))].status).toBe(500);
    expect(codeOf(new StoreError('anything', ERR.SNAPSHOT_NOT_FOUND))).toBe(ERR.SNAPSHOT_NOT_FOUND);
    expect(codeOf(new NotFoundError('anything'))).toBe(ERR.NOT_FOUND);
    expect(codeOf(new InputError('anything'))).toBe(ERR.INPUT);
    expect(codeOf(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toBe(API_ERR.BODY_TOO_LARGE);
    expect(codeOf(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 }))).toBe(API_ERR.BAD_REQUEST);
    expect(codeOf(new Error('no snapshot loaded yet'))).toBe(API_ERR.INTERNAL);
    expect(new HttpError(API_ERR.CURSOR_EXPIRED, 'x').statusCode).toBe(410);
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      expect(code, code).toMatch(/^REVENANT_ERR_[A-Z_]+$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.description.length, code).toBeGreaterThan(5);
    }
    // 503 is for "no snapshot yet" and shutdown only.
    expect(Object.entries(ERROR_CATALOGUE).filter(([, e]) => e.status === 503).map(([c]) => c).sort()).toEqual([API_ERR.UNAVAILABLE, ERR.NO_SNAPSHOT].sort());
  });
});

describe('status codes on a store with two snapshots', () => {
  let storeDir: string;
  let app: FastifyInstance;
  let logs: string[];
  let key: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    storeDir = tempDir();
    first = await cliLoad(storeDir, scenario('cross-source-hr'));
    second = await cliLoad(storeDir, secondCollection('2026-11-15T00:00:00Z'));
    key = createKey(storeDir, ['admin']);
    ({ app, logs } = await makeApp(storeDir));
  });

  afterAll(async () => {
    await app?.close();
  });

  const get = (url: string) => app.inject({ url, headers: bearer(key) });

  it('diffs a snapshot with itself as the empty diff (200)', async () => {
    for (const url of [`/v1/diff?from=${second}&to=${second}`, `/v1/diff?from=${first}&to=${first}`]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(200);
      const d = r.json();
      expect(d.new).toEqual([]);
      expect(d.resolved).toEqual([]);
      expect(d.changed).toEqual([]);
      expect(d.coverageLost).toEqual([]);
      expect(d.persisting.length).toBeGreaterThan(0);
    }
    const ocsf = (await get(`/v1/diff?from=${second}&to=${second}&format=ocsf`)).json();
    expect(ocsf.events.every((e: { activity_id: number }) => e.activity_id === 2)).toBe(true);
    expect((await cli('diff', second, second, '--store', storeDir, '--format', 'json')).code).toBe(0);
  });

  it('answers 404 for an unknown snapshot and 400 for an ambiguous prefix, with their codes', async () => {
    const unknown = await get('/v1/diff?from=20990101-000000-000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('REVENANT_ERR_SNAPSHOT_NOT_FOUND');
    const ambiguous = await get('/v1/diff?from=2');
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().code).toBe('REVENANT_ERR_SNAPSHOT_AMBIGUOUS');
  });

  it('answers /v1/diff and /v1/snapshots for the snapshot being served, with its header', async () => {
    const d = await get('/v1/diff');
    expect(d.headers['x-revenant-snapshot']).toBe(second);
    expect(d.json()).toMatchObject({ from: first, to: second });
    const s = await get('/v1/snapshots');
    expect(s.headers['x-revenant-snapshot']).toBe(second);
    expect(s.json().current).toBe(second);
  });

  it('refuses bad input with 4xx, the catalogue status for its code, and no stack trace in the log', async () => {
    const bad = [
      '/v1/findings?limit=abc',
      '/v1/findings?cursor=%%%',
      '/v1/findings?cursor=bm90LWEtY3Vyc29y',
      '/v1/findings/not-an-id',
      `/v1/findings/${'0'.repeat(32)}`,
      '/v1/subjects/nobody@nowhere/residual-access',
      '/v1/blast-radius/ghost?maxDepth=2',
      '/v1/paths?from=a',
      '/v1/diff?from=../../etc',
      '/v1/nope',
    ];
    for (const url of bad) {
      const r = await get(url);
      expect(r.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, url).toBeLessThan(500);
      const body = r.json();
      expect(ERROR_CATALOGUE[body.code as keyof typeof ERROR_CATALOGUE]?.status, `${url} ${body.code}`).toBe(r.statusCode);
    }
    const post = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: '{"assumeDeparted": [' });
    expect(post.json()).toMatchObject({ statusCode: 400, code: 'REVENANT_ERR_BAD_REQUEST' });
    const media = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { ...bearer(key), 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(media.json()).toMatchObject({ statusCode: 415, code: 'REVENANT_ERR_MEDIA_TYPE' });
    const all = logs.join('');
    expect(all).not.toMatch(/"stack"|\\n\s+at /);
  });

  it('answers 404 for a pruned snapshot, even after its diff was cached', async () => {
    expect((await get(`/v1/diff?from=${first}&to=${second}`)).statusCode).toBe(200);
    expect((await cli('snapshots', '--prune', '1', '--store', storeDir)).code).toBe(0);
    for (const url of [`/v1/diff?from=${first}&to=${second}`, `/v1/diff?from=${first}`, `/v1/diff?to=${first}`]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.json().code, url).toBe('REVENANT_ERR_SNAPSHOT_NOT_FOUND');
    }
    // The served snapshot has no predecessor any more: its diff is against nothing.
    const d = (await get('/v1/diff')).json();
    expect(d).toMatchObject({ from: null, to: second });
  });
});

describe('503 only while no snapshot is loaded; an unreadable newest file breaks nothing', () => {
  it('answers 503 with Retry-After and REVENANT_ERR_NO_SNAPSHOT until a snapshot is loaded', async () => {
    const dir = tempDir();
    const { app } = await makeApp(dir);
    try {
      const k = createKey(dir, ['admin']);
      for (const url of ['/v1/findings', '/v1/diff', '/v1/snapshots', '/v1/subjects/x/residual-access']) {
        const r = await app.inject({ url, headers: bearer(k) });
        expect(r.statusCode, url).toBe(503);
        expect(r.json().code, url).toBe('REVENANT_ERR_NO_SNAPSHOT');
        expect(r.headers['retry-after'], url).toBe('5');
      }
      await cliLoad(dir, scenario('okta-lifecycle'));
      await waitFor(async () => (await app.inject('/readyz')).statusCode === 200, 'readiness');
      expect((await app.inject({ url: '/v1/diff', headers: bearer(k) })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('keeps serving the good snapshot when a newer file is unreadable, and starts on it too', async () => {
    const dir = tempDir();
    const good = await cliLoad(dir, scenario('okta-lifecycle'));
    const k = createKey(dir, ['admin']);
    const corrupt = join(new Store(dir).snapshotsDir, '29991231-000000-000.sqlite');
    const { app: running } = await makeApp(dir);
    try {
      writeFileSync(corrupt, 'this is not a database, and never was'.repeat(200));
      await new Promise((r) => setTimeout(r, 400));
      for (const url of ['/v1/findings', '/v1/diff', '/v1/snapshots', '/readyz']) {
        const r = await running.inject({ url, headers: bearer(k) });
        expect(r.statusCode, url).toBe(200);
      }
      const snaps = (await running.inject({ url: '/v1/snapshots', headers: bearer(k) })).json();
      expect(snaps.current).toBe(good);
      expect(snaps.snapshots).toEqual([expect.objectContaining({ id: good }), expect.objectContaining({ id: '29991231-000000-000', error: 'unreadable' })]);
      expect((await running.inject({ url: '/v1/diff', headers: bearer(k) })).headers['x-revenant-snapshot']).toBe(good);
      const explicit = await running.inject({ url: '/v1/diff?to=29991231-000000-000', headers: bearer(k) });
      expect(explicit.statusCode).toBe(500);
      expect(explicit.json().code).toBe('REVENANT_ERR_SNAPSHOT_UNREADABLE');
    } finally {
      await running.close();
    }
    // A fresh start with the unreadable file newest: the good snapshot is served.
    const { app: fresh } = await makeApp(dir);
    try {
      const r = await fresh.inject({ url: '/v1/findings', headers: bearer(k) });
      expect(r.statusCode).toBe(200);
      expect(r.headers['x-revenant-snapshot']).toBe(good);
    } finally {
      await fresh.close();
    }
  });
});
