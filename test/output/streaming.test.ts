/**
 * Large outputs stream: the JSON and CSV pieces concatenate to exactly what one-shot
 * JSON.stringify / csv-stringify would produce, no piece grows with the document (so half a
 * million findings never become one string), writes honour back-pressure and a closed pipe, and
 * atomic file writes leave either the old file or the whole new one.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { table, tableLines } from '../../src/cli/renderFindings.js';
import { csvChunks } from '../../src/output/csvChunks.js';
import { JsonArray, jsonChunks } from '../../src/output/jsonChunks.js';
import { batched, chunkStream, writeChunks, writeFileChunks } from '../../src/output/writeChunks.js';

const finding = (i: number) => ({
  id: i.toString(16).padStart(32, '0'),
  rule: 'entra.owned-app-secret',
  status: i % 3 ? 'live' : 'dormant',
  subject: { source: 'entra', id: `u${i}`, name: `user ${i} "quoted", with\nnewline ✓` },
  path: [{ kind: 'EntraUser', id: `u${i}` }, { edge: 'OWNS' }],
  reaches: { tier0: i % 7 === 0, privileges: i % 2 ? ['Application.ReadWrite.All'] : [] },
  validUntil: i % 5 ? null : '2026-12-01T00:00:00.000Z',
  facts: undefined,
});

const doc = (n: number) => ({
  format: 'revenant-findings/1',
  at: '2026-11-01T00:00:00.000Z',
  snapshot: null,
  skipped: undefined,
  coverage: { 'entra:t': { complete: ['users'], partial: [], missing: [] } },
  subjects: Array.from({ length: n }, (_, i) => ({ id: `u${i}`, departed: true, closed: i % 2 === 0 })),
  persons: [],
  findings: Array.from({ length: n }, (_, i) => finding(i)),
  empty: {},
  nested: [[1, [2]], { a: [] }],
});

describe('jsonChunks', () => {
  it.each([0, 2, 4])('concatenates to JSON.stringify(value, null, %i)', (indent) => {
    for (const v of [doc(0), doc(1), doc(25), [], [1, 'x', null, { a: [1, { b: 2 }] }], {}, 'text', 42, null, [undefined, () => 1]]) {
      expect([...jsonChunks(v, indent)].join('')).toBe(JSON.stringify(v, null, indent));
    }
  });

  it('yields one piece per element: no piece grows with the document', () => {
    const big = doc(20_000);
    const pieces = [...jsonChunks(big, 2)];
    const total = pieces.reduce((n, p) => n + p.length, 0);
    const largest = Math.max(...pieces.map((p) => p.length));
    expect(total).toBe(JSON.stringify(big, null, 2).length);
    expect(largest).toBeLessThan(1000);
    expect(pieces.length).toBeGreaterThan(40_000);
  });
  it.each([0, 2])('takes nested lists apart down to the depth asked (indent %i): a list inside a list entry streams too', (indent) => {
    // A diff's coverage losses: each holds a list of findings that can be half the tenant.
    const diff = { from: 'a', to: 'b', new: [finding(1)], coverageLost: [{ sourceKey: 'entra:t', datasets: ['*'], findings: Array.from({ length: 5000 }, (_, i) => finding(i)) }], empty: [], none: {} };
    for (const depth of [1, 2, 3, 4, 6]) expect([...jsonChunks(diff, indent, depth)].join('')).toBe(JSON.stringify(diff, null, indent));
    const largest = (depth: number) => Math.max(...[...jsonChunks(diff, indent, depth)].map((p) => p.length));
    expect(largest(2)).toBeGreaterThan(5000 * 100); // the loss as one string
    expect(largest(4)).toBeLessThan(1000); // one finding at most
  });

  it('streams a lazy list (JsonArray) item by item, and JSON.stringify still sees an array', () => {
    let made = 0;
    const events = new JsonArray(function* () {
      for (let i = 0; i < 3000; i++) {
        made++;
        yield { n: i, f: finding(i) };
      }
    });
    const doc = { from: null, to: 'b', events, after: [new JsonArray(() => [])] };
    const it = jsonChunks(doc)[Symbol.iterator]();
    for (let i = 0; i < 10; i++) it.next();
    expect(made).toBeLessThan(10); // produced as written, not built up front
    made = 0;
    const text = [...jsonChunks(doc)].join('');
    expect(made).toBe(3000);
    expect(text).toBe(JSON.stringify(doc));
    expect(JSON.parse(text).events).toHaveLength(3000);
    expect(JSON.parse(text).after).toEqual([[]]);
  });
});

describe('batched and chunkStream', () => {
  it('gathers pieces into chunks of about the size asked, none much larger', async () => {
    const pieces = Array.from({ length: 10_000 }, (_, i) => `${i}:${'z'.repeat(i % 300)};`);
    const chunks = [...batched(pieces, 4096)];
    expect(chunks.join('')).toBe(pieces.join(''));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(4096 + 310);
    expect(chunks.slice(0, -1).every((c) => c.length >= 4096)).toBe(true);

    const got: string[] = [];
    for await (const c of chunkStream(pieces, 4096)) got.push(String(c));
    expect(got.join('')).toBe(pieces.join(''));
    expect(got.length).toBeGreaterThan(100);
  });

  it('produces the next chunk only when the reader takes one (a slow client holds the producer back)', async () => {
    let produced = 0;
    function* forever() {
      for (;;) {
        produced++;
        yield 'x'.repeat(1000);
      }
    }
    const stream = chunkStream(forever(), 10_000);
    let read = 0;
    for await (const c of stream) {
      read += (c as Buffer).length;
      if (read >= 200_000) break;
    }
    // The stream reads ahead by its buffer (one chunk) only: a few dozen pieces beyond what was read.
    expect(produced * 1000).toBeLessThan(read + 4 * 10_000);
  });
});

describe('csvChunks', () => {
  it('concatenates to one csv-stringify call, in batches', () => {
    const header = ['id', 'name', 'note'];
    const rows = Array.from({ length: 1234 }, (_, i) => [String(i), `name, ${i}`, i % 2 ? 'say "hi"\nthere' : '']);
    const pieces = [...csvChunks(header, rows, 100)];
    expect(pieces.join('')).toBe(stringify([header, ...rows]));
    expect(pieces.length).toBe(1 + 13);
  });
});

describe('table', () => {
  it('aligns hundreds of thousands of rows (no argument-spread limit)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), i === 299_999 ? 'the longest cell of all' : 'x']);
    const lines = [...tableLines(['N', 'CELL'], rows)];
    expect(lines).toHaveLength(300_001);
    expect(lines[1]).toBe(`0${' '.repeat(6 + 1)}x\n`);
    expect(table(['A', 'B'], [['1', '2']])).toBe('A  B\n1  2');
  });
});

describe('writeChunks', () => {
  it('waits for drain and delivers every byte in order to a slow reader', async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    const got: Buffer[] = [];
    const reading = (async () => {
      for await (const c of out) {
        got.push(c as Buffer);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const pieces = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 500)}\n`);
    await writeChunks(out, pieces);
    out.end();
    await reading;
    expect(Buffer.concat(got).toString()).toBe(pieces.join(''));
  });

  it('ends quietly when the reader goes away (a closed pipe)', async () => {
    let seen = 0;
    const out = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        cb(seen > 4 << 20 ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null);
      },
    });
    let produced = 0;
    function* forever() {
      for (;;) {
        produced++;
        yield 'y'.repeat(1000);
      }
    }
    await writeChunks(out, forever());
    expect(produced).toBeGreaterThan(4000);
    expect(produced).toBeLessThan(20_000);
  });
});

describe('writeFileChunks', () => {
  it('writes atomically: the old file stays until the new one is complete', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-out-'));
    const path = join(dir, 'report.json');
    writeFileSync(path, 'old');
    function* failing() {
      yield 'new part';
      throw new Error('producer failed');
    }
    expect(() => writeFileChunks(path, failing())).toThrow('producer failed');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['report.json']);
    const bytes = writeFileChunks(join(dir, 'sub', 'x.bin'), ['é', new Uint8Array([1, 2]), 'z']);
    expect(bytes).toBe(5);
    expect([...readFileSync(join(dir, 'sub', 'x.bin'))]).toEqual([0xc3, 0xa9, 1, 2, 0x7a]);
    expect(existsSync(join(dir, 'sub', `x.bin.${process.pid}.tmp`))).toBe(false);
  });
});
