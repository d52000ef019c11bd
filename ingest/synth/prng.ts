/**
 * Seeded randomness for the synthetic tenant generator, never Math.random: a 32-bit integer
 * finaliser (`fmix32`, MurmurHash3's) for stateless per-object draws (`Hasher`: the same seed,
 * namespace and index always give the same number, whatever else was generated), and a small
 * sequential generator (`Prng`, sfc32) for plans that are drawn in order. Both are fast enough to
 * run millions of times per second and make the output a pure function of the seed.
 */

/** MurmurHash3's 32-bit finaliser: a bijection on uint32 with good avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, finalised: a 32-bit salt for a name. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

/** Combine a running hash with one more 32-bit value. */
export function mix(h: number, v: number): number {
  return fmix32((h ^ Math.imul(v >>> 0, 0x9e3779b1)) + 0x7f4a7c15);
}

const TWO32 = 4294967296;

/** Stateless draws: `unit(ns, i)` is a uniform number in [0, 1) fixed by the seed, `ns` and `i`. */
export class Hasher {
  private salts = new Map<string, number>();
  constructor(readonly seed: number) {}

  salt(ns: string): number {
    let s = this.salts.get(ns);
    if (s === undefined) {
      s = mix(this.seed, hashString(ns));
      this.salts.set(ns, s);
    }
    return s;
  }

  /** A uint32 fixed by (seed, ns, i, j). */
  u32(ns: string, i: number, j = 0): number {
    return mix(mix(this.salt(ns), i), j);
  }

  /** Uniform in [0, 1). */
  unit(ns: string, i: number, j = 0): number {
    return this.u32(ns, i, j) / TWO32;
  }

  /** Integer in [0, n). */
  int(ns: string, i: number, n: number, j = 0): number {
    return Math.floor(this.unit(ns, i, j) * n);
  }

  /** One element of a list. */
  pick<T>(ns: string, i: number, list: readonly T[], j = 0): T {
    return list[this.int(ns, i, list.length, j)];
  }
}

/** sfc32: a small, fast sequential generator with a 128-bit state. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string) {
    const s = mix(seed, hashString(stream));
    this.a = fmix32(s ^ 0x9e3779b9);
    this.b = fmix32(s + 0x6a09e667);
    this.c = fmix32(s ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** A uint32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  unit(): number {
    return this.next() / TWO32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.unit() * n);
  }

  /** An index drawn with weights given as running totals (`cumulative[i]` = weights 0..i, not empty). */
  indexByTotals(cumulative: readonly number[]): number {
    const x = this.unit() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.unit() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  /** Pick by weight: `weighted([['a', 3], ['b', 1]])`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let x = this.unit() * total;
    for (const [v, w] of choices) {
      x -= w;
      if (x < 0) return v;
    }
    return choices[choices.length - 1][0];
  }

  /** `k` distinct elements of a list (k is capped at its length), in draw order. */
  sample<T>(list: readonly T[], k: number): T[] {
    const n = list.length;
    k = Math.min(k, n);
    const taken = new Set<number>();
    const out: T[] = [];
    while (out.length < k) {
      const i = this.int(n);
      if (taken.has(i)) continue;
      taken.add(i);
      out.push(list[i]);
    }
    return out;
  }
}
