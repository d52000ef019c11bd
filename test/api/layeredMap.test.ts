/**
 * The served views' layered maps answer as copied and edited maps would: along a long chain of
 * random changes (folded into plain maps every few layers), every lookup, the size and the
 * entries of a LayeredMap equal a Map edited the same way, and a SeenHistory equals the history
 * built by copying the previous one and marking every present finding seen now.
 */
import { describe, expect, test } from 'vitest';
import { LayeredMap, MAX_DEPTH, SeenHistory, type SeenSpan } from '../../src/api/snapshot/LayeredMap.js';
import type { Seen } from '../../src/store/history.js';

/** A small deterministic generator (tests must be repeatable). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const sorted = <V>(m: ReadonlyMap<string, V>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

describe('LayeredMap', () => {
  test('equals a copied and edited Map at every step of a chain longer than the fold depth', () => {
    const r = rng(7);
    const plain = new Map<string, number>();
    for (let i = 0; i < 200; i++) plain.set(`k${i}`, i);
    let layered: ReadonlyMap<string, number> = new Map(plain);
    let folds = 0;
    for (let step = 0; step < MAX_DEPTH * 4; step++) {
      const changes: [string, number | undefined][] = [];
      for (let j = 0; j < 6; j++) {
        const key = `k${Math.floor(r() * 260)}`;
        changes.push([key, r() < 0.3 ? undefined : step * 1000 + j]);
      }
      for (const [k, v] of changes) {
        if (v === undefined) plain.delete(k);
        else plain.set(k, v);
      }
      layered = LayeredMap.over(layered, changes);
      if (!(layered instanceof LayeredMap)) folds++;
      expect(layered.size, `step ${step}: size`).toBe(plain.size);
      for (let i = 0; i < 260; i++) {
        expect(layered.get(`k${i}`), `step ${step}: get k${i}`).toBe(plain.get(`k${i}`));
        expect(layered.has(`k${i}`), `step ${step}: has k${i}`).toBe(plain.has(`k${i}`));
      }
      expect(sorted(layered), `step ${step}: entries`).toEqual(sorted(plain));
      expect([...layered.keys()].length).toBe(plain.size);
    }
    expect(folds).toBeGreaterThan(0);
  });

  test('a kept key iterates in its old place, a new one after the others (as Map.set does)', () => {
    const base = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const m = LayeredMap.over(base, [
      ['d', 4],
      ['b', 20],
      ['a', undefined],
    ]);
    const copy = new Map(base);
    copy.set('d', 4);
    copy.set('b', 20);
    copy.delete('a');
    expect([...m]).toEqual([...copy]);
    const seen: string[] = [];
    m.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['b=20', 'c=3', 'd=4']);
  });
});

describe('SeenHistory', () => {
  test('equals the eagerly copied history along a chain of snapshots (findings come, go and come back)', () => {
    const r = rng(11);
    const seenAt = (k: number): Seen => ({ snapshot: `s${k}`, at: `2026-12-0${1 + (k % 9)}T00:00:00Z` });
    // The eager history: copy, then every present finding seen now.
    let eager = new Map<string, SeenSpan>();
    let present = new Map<string, true>();
    for (let i = 0; i < 50; i++) present.set(`f${i}`, true);
    for (const id of present.keys()) eager.set(id, { firstSeen: seenAt(0), lastSeen: seenAt(0) });
    // Start from a plain history (as the store gives), then patch along the chain.
    let lazy: ReadonlyMap<string, SeenSpan> = new Map(eager);
    let prevPresent: ReadonlyMap<string, true> = present;
    for (let k = 1; k <= MAX_DEPTH * 4; k++) {
      const next = new Map(prevPresent);
      const changed: string[] = [];
      for (let j = 0; j < 5; j++) {
        const id = `f${Math.floor(r() * 80)}`;
        if (r() < 0.4) next.delete(id);
        else next.set(id, true);
        changed.push(id);
      }
      const seen = seenAt(k);
      const copy = new Map(eager);
      for (const id of next.keys()) {
        const h = copy.get(id);
        copy.set(id, { firstSeen: h ? h.firstSeen : seen, lastSeen: seen });
      }
      eager = copy;
      // Every other step as a whole build (no list of what changed).
      lazy = k % 2 ? SeenHistory.after(lazy, prevPresent, next, seen, changed) : SeenHistory.after(lazy, prevPresent, next, seen);
      present = next;
      prevPresent = next;
      expect(lazy.size, `step ${k}: size`).toBe(eager.size);
      for (let i = 0; i < 80; i++) {
        expect(lazy.get(`f${i}`), `step ${k}: f${i}`).toEqual(eager.get(`f${i}`));
        expect(lazy.has(`f${i}`)).toBe(eager.has(`f${i}`));
      }
      expect(sorted(lazy), `step ${k}: entries`).toEqual(sorted(eager));
    }
    expect(present.size).toBeGreaterThan(0);
  });

  test('a history split ahead (prime) continues as one split in the swap, and is not changed by it', () => {
    const seen = (k: number): Seen => ({ snapshot: `s${k}`, at: `2026-12-0${k}T00:00:00Z` });
    const whole = () => new Map<string, SeenSpan>([
      ['a', { firstSeen: seen(1), lastSeen: seen(2) }],
      ['b', { firstSeen: seen(1), lastSeen: seen(1) }],
      ['c', { firstSeen: seen(2), lastSeen: seen(2) }],
    ]);
    const primed = whole();
    SeenHistory.prime(primed);
    const next = new Map<string, true>([['a', true], ['d', true]]);
    const fromPrimed = SeenHistory.after(primed, null, next, seen(3));
    const fromCold = SeenHistory.after(whole(), null, next, seen(3));
    expect(sorted(fromPrimed)).toEqual(sorted(fromCold));
    expect(fromPrimed.get('a')).toEqual({ firstSeen: seen(1), lastSeen: seen(3) });
    expect(fromPrimed.get('b')).toEqual({ firstSeen: seen(1), lastSeen: seen(1) });
    expect(fromPrimed.get('d')).toEqual({ firstSeen: seen(3), lastSeen: seen(3) });
    // The history it started from still answers as before (the halves are never written).
    expect(sorted(primed)).toEqual(sorted(whole()));
    // Again from the same primed history: the same answers.
    expect(sorted(SeenHistory.after(primed, null, next, seen(3)))).toEqual(sorted(fromCold));
  });
});
