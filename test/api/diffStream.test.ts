/**
 * `GET /v1/diff` streams (issue 13): the diff of two synthetic tenants (a thousand findings new,
 * the earlier tenant's findings lost with its coverage) is written to the socket in chunks of
 * about STREAM_CHUNK bytes — never the whole body as one string, which at a million users (half
 * a million findings) exceeds what one JavaScript string can hold — and the chunks parse to
 * exactly the diff `revenant diff --format json` prints. The same holds for the OCSF form, whose
 * events are made as they are written, and `limit` still caps each list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { STREAM_CHUNK } from '../../src/output/writeChunks.js';
import { bearer, cleanupTemps, cli, cliLoad, createKey, makeApp, tempDir } from './helpers.js';

let app: FastifyInstance;
let key: string;
let store: string;
/** Byte sizes of every write of each response, by request id. */
const writes = new Map<string, number[]>();

beforeAll(async () => {
  const dir = tempDir();
  store = tempDir();
  for (const [seed, out] of [['1', `${dir}/a`], ['2', `${dir}/b`]]) {
    const r = await cli('synth', '--users', '1500', '--seed', seed, '--out', out);
    expect(r.code, r.stderr).toBe(0);
  }
  // Two tenants: the second snapshot's findings are new, the first's are lost with their coverage.
  await cliLoad(store, `${dir}/a`);
  await cliLoad(store, `${dir}/b`);
  key = createKey(store, ['read']);
  ({ app } = await makeApp(store, {
    beforeReady: (a) =>
      a.addHook('onRequest', async (req, reply) => {
        const sizes: number[] = [];
        writes.set(req.id, sizes);
        const res = reply.raw as unknown as { write: (...a: unknown[]) => boolean; end: (...a: unknown[]) => unknown };
        const size = (c: unknown) => (typeof c === 'string' ? Buffer.byteLength(c) : c instanceof Uint8Array ? c.length : 0);
        const write = res.write.bind(res);
        const end = res.end.bind(res);
        res.write = (c: unknown, ...rest: unknown[]) => {
          sizes.push(size(c));
          return write(c, ...rest);
        };
        res.end = (c: unknown, ...rest: unknown[]) => {
          if (c !== undefined && typeof c !== 'function') sizes.push(size(c));
          return end(c, ...rest);
        };
      }),
  }));
}, 180_000);

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

async function diffOf(url: string) {
  const res = await app.inject({ url, headers: bearer(key) });
  expect(res.statusCode, res.body).toBe(200);
  const sizes = writes.get(res.headers['x-request-id'] as string)!;
  return { res, sizes, body: res.body };
}

/** The body went out in many writes, none much larger than one chunk: no string of the whole body. */
function expectStreamed(sizes: number[], body: string) {
  const total = sizes.reduce((n, s) => n + s, 0);
  expect(total).toBe(Buffer.byteLength(body));
  expect(total).toBeGreaterThan(8 * STREAM_CHUNK);
  expect(sizes.length).toBeGreaterThan(8);
  // A chunk is flushed once it reaches STREAM_CHUNK; the piece that crosses it is one finding at most.
  expect(Math.max(...sizes)).toBeLessThan(STREAM_CHUNK + 16 * 1024);
}

describe('GET /v1/diff streams', () => {
  it('writes the diff in bounded chunks that parse to exactly the CLI diff', async () => {
    const { res, sizes, body } = await diffOf('/v1/diff');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-length']).toBeUndefined();
    expectStreamed(sizes, body);

    const got = JSON.parse(body) as { new: unknown[]; coverageLost: { findings: unknown[] }[]; counts?: unknown };
    const cliDiff = await cli('diff', '--store', store, '--format', 'json');
    expect(cliDiff.code).toBe(0);
    expect(got).toEqual(JSON.parse(cliDiff.stdout));
    expect(got.new.length).toBeGreaterThan(500);
    expect(got.counts).toBeUndefined();
    // A coverage loss alone is larger than a chunk: lists inside list entries stream too.
    expect(Math.max(...got.coverageLost.map((l) => JSON.stringify(l).length))).toBeGreaterThan(2 * STREAM_CHUNK);
  });

  it('streams the OCSF form, one event per finding of the diff', async () => {
    const whole = JSON.parse((await diffOf('/v1/diff')).body) as Record<string, unknown[]> & { coverageLost: { findings: unknown[] }[] };
    const { sizes, body } = await diffOf('/v1/diff?format=ocsf&ocsfClass=2004');
    expectStreamed(sizes, body);
    const ocsf = JSON.parse(body) as { from: string; to: string; events: { class_uid: number; activity_id: number }[] };
    const lost = whole.coverageLost.reduce((n, l) => n + l.findings.length, 0);
    expect(ocsf.events).toHaveLength(whole.new.length + whole.changed.length + whole.persisting.length + whole.resolved.length + lost);
    expect(ocsf.events.every((e) => e.class_uid === 2004)).toBe(true);
    expect(ocsf.to).toBe(whole.to);
  });

  it('still caps each list with limit and counts them all', async () => {
    const whole = JSON.parse((await diffOf('/v1/diff')).body) as Record<string, unknown[]> & { coverageLost: { findings: unknown[] }[] };
    const { body } = await diffOf('/v1/diff?limit=3');
    const capped = JSON.parse(body) as Record<string, unknown[]> & { counts: Record<string, number>; coverageLost: { findings: unknown[] }[] };
    expect(capped.new).toEqual(whole.new.slice(0, 3));
    expect(capped.counts.new).toBe(whole.new.length);
    expect(capped.counts.coverageLost).toBe(whole.coverageLost.reduce((n, l) => n + l.findings.length, 0));
    expect(capped.coverageLost.every((l) => l.findings.length <= 3)).toBe(true);
  });

  it('pages one list with list, offset and limit: the pages are exactly that list, the others left out', async () => {
    type Doc = Record<string, unknown[]> & { counts: Record<string, number>; coverageLost: { sourceKey: string; findings: unknown[] }[]; changed: { regression: boolean }[] };
    const whole = JSON.parse((await diffOf('/v1/diff')).body) as Doc;
    const { to, from } = whole as unknown as { to: string; from: string };
    const size = 200;
    for (const list of ['new', 'resolved', 'persisting', 'changed', 'coverageLost'] as const) {
      // Each list's findings as the pages give them (a coverage loss's by its source).
      const got = new Map<string, unknown[]>();
      const add = (k: string, xs: unknown[]) => got.set(k, [...(got.get(k) ?? []), ...xs]);
      for (let offset = 0; ; offset += size) {
        const page = JSON.parse((await diffOf(`/v1/diff?from=${from}&to=${to}&list=${list}&offset=${offset}&limit=${size}`)).body) as Doc;
        expect(Object.keys(page).filter((k) => ['new', 'resolved', 'persisting', 'changed', 'coverageLost'].includes(k))).toEqual([list]);
        expect(page.counts.new).toBe(whole.new.length);
        let n = 0;
        if (list === 'coverageLost') {
          for (const l of page.coverageLost) {
            expect(l.findings.length).toBeLessThanOrEqual(size);
            add(l.sourceKey, l.findings);
            n += l.findings.length;
          }
        } else {
          expect(page[list].length).toBeLessThanOrEqual(size);
          add(list, page[list]);
          n = page[list].length;
        }
        if (n === 0) break;
      }
      // The changed list comes regressions first (as the console shows it).
      const expected =
        list === 'coverageLost'
          ? new Map(whole.coverageLost.map((l) => [l.sourceKey, l.findings]))
          : new Map([[list, list === 'changed' ? [...whole.changed.filter((c) => c.regression), ...whole.changed.filter((c) => !c.regression)] : whole[list]]]);
      for (const [k, xs] of expected) expect(got.get(k) ?? [], `${list} ${k}`).toEqual(xs);
    }
    expect(whole.new.length).toBeGreaterThan(2 * size);
  });
});
