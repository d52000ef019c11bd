/**
 * The record index's sorted permutations (src/store/records/RecordIndex.ts `sortedRows`): the
 * radix sort gives exactly the order of a comparison sort on (column a, column b, row) with
 * signed 32-bit values — duplicates, negative hashes, all-zero columns (a file with no owners)
 * and sizes around the pass boundaries included — and so does the comparison sort `sortedRows`
 * takes below RADIX_MIN_ROWS rows, so a snapshot's by-key, by-owner and by-parent permutations,
 * which binary searches rely on, are the same whichever path wrote them.
 */
import { describe, expect, it } from 'vitest';
import { R, RADIX_MIN_ROWS, comparisonSortedRows, radixSortedRows, sortedRows } from '../../src/store/records/RecordIndex.js';

const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** The reference order: a comparison sort on (a, b, row). */
function reference(rows: Int32Array, n: number, a: number, b: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  return p.sort((x, y) => cmp(rows[x * R + a], rows[y * R + a]) || cmp(rows[x * R + b], rows[y * R + b]) || x - y);
}

/** A deterministic pseudo-random int32 stream (mulberry32). */
function random(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return (r ^ (r >>> 14)) | 0;
  };
}

function rowsOf(n: number, fill: (i: number, col: number) => number): Int32Array {
  const rows = new Int32Array(n * R);
  for (let i = 0; i < n; i++) for (let c = 0; c < R; c++) rows[i * R + c] = fill(i, c);
  return rows;
}

describe('sortedRows', () => {
  it('orders random signed hashes like a comparison sort', () => {
    const next = random(7);
    const rows = rowsOf(5000, () => next());
    for (const [a, b] of [[0, 1], [4, 5], [6, 7]]) expect(sortedRows(rows, 5000, a, b)).toEqual(reference(rows, 5000, a, b));
  });

  it('keeps ties in row order and sorts duplicates and negative values', () => {
    const next = random(11);
    const pool = [0, -1, 1, 0x7fffffff, -0x80000000, 0x10000, -0x10000, 0xffff, next(), next()];
    const rows = rowsOf(3000, () => pool[(next() >>> 0) % pool.length]);
    for (const [a, b] of [[0, 1], [2, 3]]) expect(sortedRows(rows, 3000, a, b)).toEqual(reference(rows, 3000, a, b));
  });

  it('gives the rows in order when a column is all zero, and handles tiny inputs', () => {
    const next = random(3);
    const rows = rowsOf(1000, (_, c) => (c === 4 || c === 5 ? 0 : next()));
    expect(sortedRows(rows, 1000, 4, 5)).toEqual(Int32Array.from({ length: 1000 }, (_, i) => i));
    expect(sortedRows(rows, 1000, 0, 5)).toEqual(reference(rows, 1000, 0, 5));
    expect(sortedRows(new Int32Array(0), 0, 0, 1)).toEqual(new Int32Array(0));
    expect(sortedRows(rows, 1, 0, 1)).toEqual(new Int32Array([0]));
  });

  it('gives the same permutation by radix and by comparison, on either side of the threshold', () => {
    const next = random(19);
    const pool = [0, -1, 1, 0x7fffffff, -0x80000000, 0x10000, next(), next()];
    for (const n of [0, 1, 2, 7, 100, RADIX_MIN_ROWS - 1, RADIX_MIN_ROWS, RADIX_MIN_ROWS + 1]) {
      // Half the columns from a small pool (ties on a, on b, on both), half random.
      const rows = rowsOf(n, (_, c) => (c < 4 ? pool[(next() >>> 0) % pool.length] : next()));
      for (const [a, b] of [[0, 1], [2, 3], [0, 5], [6, 7]]) {
        const want = reference(rows, n, a, b);
        expect(radixSortedRows(rows, n, a, b)).toEqual(want);
        expect(comparisonSortedRows(rows, n, a, b)).toEqual(want);
        expect(sortedRows(rows, n, a, b)).toEqual(want);
        // The threshold moved: each path taken for every size.
        expect(sortedRows(rows, n, a, b, 0)).toEqual(want);
        expect(sortedRows(rows, n, a, b, n + 1)).toEqual(want);
      }
    }
  });
});
