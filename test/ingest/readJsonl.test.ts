/**
 * Reading JSONL a chunk of lines at a time (readJsonlBatches, what a load iterates) gives exactly
 * the lines, line numbers, texts and stats of reading line by line (readJsonl), across chunk
 * boundaries, CRLF, a BOM and blank lines; a bad line ends both at the same place, after the
 * same lines, with the same error naming file and line.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JsonlLine, type JsonlStats, lineText, readJsonl, readJsonlBatches } from '../../ingest/collection/readJsonl.js';

const dir = mkdtempSync(join(tmpdir(), 'revenant-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ~3 MiB of lines (several 1 MiB chunks, lines split across them), with CRLF, blank lines and a BOM. */
function bigFile(bad?: number): { path: string; text: string } {
  const out: string[] = [];
  for (let i = 0; i < 30_000; i++) {
    if (i === bad) out.push('{"id": "broken", tru}');
    else if (i % 997 === 5) out.push('   ');
    else out.push(JSON.stringify({ id: `u${i}`, name: 'x'.repeat(i % 200), n: i }));
  }
  const text = `\ufeff${out.join('\r\n')}\n`;
  const path = join(dir, `f${bad ?? ''}.jsonl`);
  writeFileSync(path, text);
  return { path, text };
}

async function perLine(path: string, stats: JsonlStats): Promise<{ lines: JsonlLine[]; error?: string }> {
  const lines: JsonlLine[] = [];
  try {
    for await (const l of readJsonl(path, 'f.jsonl', stats)) lines.push(l);
  } catch (e) {
    return { lines, error: (e as Error).message };
  }
  return { lines };
}

async function batched(path: string, stats: JsonlStats): Promise<{ lines: JsonlLine[]; batches: number; error?: string }> {
  const lines: JsonlLine[] = [];
  let batches = 0;
  try {
    for await (const b of readJsonlBatches(path, 'f.jsonl', stats)) {
      batches++;
      expect(b.length).toBeGreaterThan(0);
      lines.push(...b);
    }
  } catch (e) {
    return { lines, batches, error: (e as Error).message };
  }
  return { lines, batches };
}

describe('readJsonlBatches', () => {
  it('gives the lines, numbers, texts and stats of reading line by line, a chunk at a time', async () => {
    const { path, text } = bigFile();
    const s1: JsonlStats = { objects: 0, bytes: 0, sha256: '' };
    const s2: JsonlStats = { objects: 0, bytes: 0, sha256: '' };
    const a = await perLine(path, s1);
    const b = await batched(path, s2);
    expect(a.error).toBeUndefined();
    expect(b.error).toBeUndefined();
    expect(b.lines).toEqual(a.lines);
    expect(b.batches).toBeGreaterThan(1);
    expect(b.batches).toBeLessThan(a.lines.length / 100);
    expect(a.lines.length).toBe(30_000 - 31);
    const { bytes, ...first } = a.lines[0];
    expect(first).toEqual({ line: 1, value: { id: 'u0', name: '', n: 0 }, text: '{"id":"u0","name":"","n":0}' });
    // Each line's bytes as read decode to its text (the record index worker hashes them so).
    expect(bytes[0]).toBe(0xef);
    for (const l of b.lines) expect(lineText(l.bytes, l.line)).toBe(l.text);
    expect(s2).toEqual(s1);
    expect(s1).toEqual({ objects: a.lines.length, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
  });

  it('a bad line ends the stream after the same lines, with the same error', async () => {
    const { path } = bigFile(17_000);
    const a = await perLine(path, { objects: 0, bytes: 0, sha256: '' });
    const b = await batched(path, { objects: 0, bytes: 0, sha256: '' });
    expect(a.error).toMatch(/^f\.jsonl:17001: invalid JSON/);
    expect(b.error).toBe(a.error);
    expect(b.lines).toEqual(a.lines);
    expect(a.lines.at(-1)?.line).toBe(17_000);
  });
});
