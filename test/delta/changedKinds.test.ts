/**
 * The edge kinds whose ends differ between a base list and its delta list (src/store/delta/
 * DeltaGraph.ts `changedKinds`, which a delta's changed dependencies are made of): the one-walk
 * path for a list the delta made from the base's (ends kept in order, new ones appended) gives
 * what the set comparison gives, and any other list (reordered, ends of another list) falls back
 * to it — checked against a reference on random lists.
 */
import { describe, expect, it } from 'vitest';
import { REC, R_EID, R_KIND } from '../../src/store/Adjacency.js';
import { changedKinds, changedKindsBySet } from '../../src/store/delta/DeltaGraph.js';

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Edge ends (other, kind, file, line, eid), one per edge id, with kinds below 6. */
function ends(eids: number[], kindOf: (eid: number) => number): number[] {
  return eids.flatMap((eid) => [eid % 97, kindOf(eid), 1, eid, eid]);
}

/** The reference: kinds of the ends (by edge id) in one list and not the other, ascending. */
function reference(a: number[], b: number[]): number[] {
  const ids = (l: number[]) => new Map(Array.from({ length: l.length / REC }, (_, i) => [l[i * REC + R_EID], l[i * REC + R_KIND]]));
  const ia = ids(a);
  const ib = ids(b);
  const out = new Set<number>();
  for (const [e, k] of ia) if (!ib.has(e)) out.add(k);
  for (const [e, k] of ib) if (!ia.has(e)) out.add(k);
  return [...out].sort((x, y) => x - y);
}

describe('changedKinds', () => {
  it('gives the reference for lists kept in order with ends removed and added, and for any other list', () => {
    const next = random(5);
    const kindOf = (eid: number) => (eid * 7919) % 6;
    for (let round = 0; round < 400; round++) {
      const n = Math.floor(next() * 40);
      const base = Array.from({ length: n }, (_, i) => i * 3 + Math.floor(next() * 3));
      const a = ends(base, kindOf);
      const keepShare = next();
      const kept = base.filter(() => next() < keepShare);
      const added = Array.from({ length: Math.floor(next() * 4) }, (_, i) => 1000 + round * 10 + i);
      const lists: number[][] = [
        ends([...kept, ...added], kindOf),
        // Not of the delta's form: reordered, an old end after a new one, ends of another list.
        ends([...kept].reverse(), kindOf),
        ends([...added, ...kept], kindOf),
        ends([...kept, 500 + round], kindOf),
        ends(base.map((e) => e + 1), kindOf),
      ];
      for (const b of lists) {
        const want = reference(a, b);
        expect(changedKinds(a, b)).toEqual(want);
        expect(changedKindsBySet(a, b)).toEqual(want);
      }
      expect(changedKinds(a, a)).toEqual([]);
    }
  });
});
