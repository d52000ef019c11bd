/**
 * CSV text of many rows, in pieces: a header and then rows in batches, each batch quoted by
 * csv-stringify exactly as one `stringify([header, ...rows])` call would (RFC 4180, quotes only
 * where needed). Rows come from an iterable, so a caller can map findings to rows lazily and the
 * whole file never has to exist as one string.
 */
import { stringify } from 'csv-stringify/sync';

export function* csvChunks(header: readonly string[], rows: Iterable<readonly unknown[]>, batch = 2000): Generator<string> {
  yield stringify([[...header]]);
  let pending: unknown[][] = [];
  for (const r of rows) {
    pending.push([...r]);
    if (pending.length >= batch) {
      yield stringify(pending);
      pending = [];
    }
  }
  if (pending.length) yield stringify(pending);
}

/** Map lazily (an iterable of rows from a list, without building the row list). */
export function* mapRows<T>(items: Iterable<T>, row: (item: T) => readonly unknown[]): Generator<readonly unknown[]> {
  for (const x of items) yield row(x);
}
