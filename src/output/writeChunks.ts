/**
 * Writing text produced in pieces (jsonChunks, csvChunks, table rows): to standard output with
 * back-pressure (pieces are gathered into ~1 MB writes and the next write waits for 'drain'; a
 * closed pipe, as in `revenant … | head`, ends the output quietly), to a file atomically
 * (temporary file in the same folder, fsync, rename, fsync of the folder) so a reader never
 * sees half a report, or as a byte stream (an HTTP response body) that produces the next piece
 * only when the reader has taken the previous ones.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, type Writable } from 'node:stream';

const FLUSH_AT = 1 << 20;

/** The pieces gathered into strings of at least `size` characters (the last one shorter): fewer, larger writes. */
export function* batched(chunks: Iterable<string>, size = FLUSH_AT): Generator<string> {
  let buf: string[] = [];
  let n = 0;
  for (const c of chunks) {
    buf.push(c);
    n += c.length;
    if (n >= size) {
      yield buf.join('');
      buf = [];
      n = 0;
    }
  }
  if (buf.length) yield buf.join('');
}

/** Bytes per chunk of `chunkStream`: an HTTP response body is sent in pieces of about this size. */
export const STREAM_CHUNK = 64 * 1024;

/**
 * The pieces as a byte stream, gathered into chunks of about `size` characters and produced on
 * demand (pulled by the reader, so a slow client holds the producer back): the largest string
 * ever built is one chunk plus one piece, however long the whole text is.
 */
export function chunkStream(chunks: Iterable<string>, size = STREAM_CHUNK): Readable {
  return Readable.from(batched(chunks, size), { objectMode: false, highWaterMark: size });
}

/** Write every piece to a stream, waiting for 'drain' when its buffer is full; resolves when all is handed over. */
export async function writeChunks(out: Writable, chunks: Iterable<string>): Promise<void> {
  let closed = false;
  const onError = () => {
    closed = true;
  };
  out.on('error', onError);
  const flush = (text: string) =>
    new Promise<void>((resolve) => {
      if (closed || out.destroyed) return resolve();
      if (out.write(text)) return resolve();
      const done = () => {
        out.off('drain', done);
        out.off('error', done);
        out.off('close', done);
        resolve();
      };
      out.once('drain', done);
      out.once('error', done);
      out.once('close', done);
    });
  try {
    for (const text of batched(chunks)) {
      if (closed) return;
      await flush(text);
    }
  } finally {
    out.off('error', onError);
  }
}

/** Write the pieces to `path` atomically (temporary file, fsync, rename, fsync of the folder); returns the bytes written. */
export function writeFileChunks(path: string, chunks: Iterable<string | Uint8Array>): number {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    let buf: string[] = [];
    let size = 0;
    const put = (b: Uint8Array) => {
      for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
      bytes += b.length;
    };
    const flush = () => {
      if (buf.length) put(Buffer.from(buf.join(''), 'utf8'));
      buf = [];
      size = 0;
    };
    for (const c of chunks) {
      if (typeof c !== 'string') {
        flush();
        put(c);
        continue;
      }
      buf.push(c);
      size += c.length;
      if (size >= FLUSH_AT) flush();
    }
    flush();
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // directories cannot be fsynced on every platform
  }
  return bytes;
}
