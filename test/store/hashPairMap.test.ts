/**
 * HashPairMap (src/store/records/RecordIndex.ts): a map keyed by hash pairs, as a Map keyed by
 * `hkey` strings behaves — the same answers and the same order of values — including pairs that
 * share their first hash.
 */
import { describe, expect, test } from 'vitest';
import { HashPairMap, hkey } from '../../src/store/records/RecordIndex.js';

describe('HashPairMap', () => {
  test('answers as a Map keyed by hkey, in insertion order, pairs sharing a first hash included', () => {
    const m = new HashPairMap<number>();
    const ref = new Map<string, number>();
    let x = 99;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) | 0);
    // First hashes from a small range: many pairs share one (lists of 2 and more).
    const keys: [number, number][] = Array.from({ length: 400 }, () => [rnd() & 15, rnd()]);
    keys.push([3, 7], [3, 8], [3, 9], [-2147483648, 0], [0, 0]);
    let step = 0;
    for (const k of [...keys, ...keys.slice(0, 50)]) {
      step++;
      // Sets (new and again), deletes and re-sets, interleaved.
      if (step % 7 === 0) expect(m.delete(k)).toBe(ref.delete(hkey(k)));
      else {
        m.set(k, step);
        ref.set(hkey(k), step);
      }
      expect(m.size).toBe(ref.size);
    }
    expect(m.delete([3, 10])).toBe(false);
    for (const k of keys) {
      expect(m.get(k)).toBe(ref.get(hkey(k)));
      expect(m.has(k)).toBe(ref.has(hkey(k)));
    }
    expect(m.get([3, 10])).toBeUndefined();
    expect([...m.values()]).toEqual([...ref.values()]);
    // Every entry deleted: empty, and what shared a first hash is gone with it.
    for (const k of keys) {
      m.delete(k);
      ref.delete(hkey(k));
    }
    expect(m.size).toBe(0);
    expect([...m.values()]).toEqual([]);
    expect(m.has([3, 7])).toBe(false);
  });
});
