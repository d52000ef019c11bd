/**
 * Streams a JSONL file one object at a time: the file is read in chunks and split on newline
 * bytes, so a multi-gigabyte dataset is never held in one string. Also hashes the bytes (for the
 * report's method appendix) and counts the objects. Invalid JSON stops the stream with an
 * InputError naming the file and line.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError } from '../../src/model/errors.js';

export interface JsonlLine {
  line: number;
  value: unknown;
  /** The line's text as read (without the newline). */
  text: string;
  /** The line's bytes as read (a view of the read buffer; `lineText` of them is `text`). */
  bytes: Buffer;
}

/** A line's text from its bytes: UTF-8, without a trailing CR, and on line 1 without a byte order mark. */
export function lineText(bytes: Buffer, lineNo: number): string {
  let text = bytes.toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

export interface JsonlStats {
  objects: number;
  bytes: number;
  sha256: string;
}

/**
 * Yields `{line, value}` for every non-blank line of `path`. `name` is how messages refer to the
 * file (relative to the collection). When iteration finishes, `stats` holds counts and the hash.
 */
export async function* readJsonl(path: string, name: string, stats?: JsonlStats): AsyncGenerator<JsonlLine> {
  for await (const batch of readJsonlBatches(path, name, stats)) yield* batch;
}

/**
 * The lines of `path` as readJsonl yields them, a chunk (~1 MiB) of lines at a time: a load reads
 * millions of lines, and one async step per chunk instead of per line is a large share of its
 * CPU. A bad line ends the stream where readJsonl would: the lines before it are yielded first.
 * A non-blank line whose text `skip` accepts counts as an object but is neither parsed nor yielded
 * (the delta writer's lines identical to the base's).
 */
export async function* readJsonlBatches(path: string, name: string, stats?: JsonlStats, skip?: (text: string) => boolean): AsyncGenerator<JsonlLine[]> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let pending: Buffer | null = null;
  let lineNo = 0;
  let objects = 0;
  let bytes = 0;
  const parse = (buf: Buffer): JsonlLine | null => {
    lineNo++;
    const text = lineText(buf, lineNo);
    if (text.trim() === '') return null;
    // A line the caller already knows (skip): counted, not parsed nor yielded.
    if (skip?.(text)) {
      objects++;
      return null;
    }
    try {
      const value = JSON.parse(text) as unknown;
      objects++;
      return { line: lineNo, value, text, bytes: buf };
    } catch (e) {
      const msg = (e as Error).message.replace(/^JSON\.parse: /, '');
      throw InputError.at(name, lineNo, undefined, `invalid JSON (${msg})`);
    }
  };
  let batch: JsonlLine[] = [];
  /** The error of a bad line, thrown once the lines before it are yielded. */
  let bad: InputError | undefined;
  const add = (buf: Buffer): void => {
    if (bad !== undefined) return;
    try {
      const r = parse(buf);
      if (r) batch.push(r);
    } catch (e) {
      bad = e as InputError; // parse throws InputError only
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      let start = 0;
      let nl = chunk.indexOf(10, start);
      if (nl >= 0 && pending) {
        const first = Buffer.concat([pending, chunk.subarray(0, nl)]);
        pending = null;
        add(first);
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      while (nl >= 0 && bad === undefined) {
        add(chunk.subarray(start, nl));
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      if (batch.length) {
        const out = batch;
        batch = [];
        yield out;
      }
      if (bad !== undefined) throw bad;
      if (start < chunk.length) pending = pending ? Buffer.concat([pending, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
    }
    if (pending && pending.length) {
      add(pending);
      if (batch.length) yield batch;
      if (bad !== undefined) throw bad;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`${name}: cannot read (${err.code ?? err.message})`, { file: name });
  } finally {
    stream.destroy();
  }
  if (stats) {
    stats.objects = objects;
    stats.bytes = bytes;
    stats.sha256 = hash.digest('hex');
  }
}
