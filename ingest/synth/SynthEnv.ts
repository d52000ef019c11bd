/**
 * What every part of the generator shares for one synthetic tenant: the size, the seed and its
 * draw helpers, the id mint, the analysis time, the tenant's names (company domain, Entra tenant
 * id, Okta org URL), the people, and monotonic counters for planted objects. Built once by
 * `synthesize` and passed around; it holds no bulk data of its own.
 */
import { COMPANIES } from './names.js';
import { People } from './People.js';
import { Hasher, hashString } from './prng.js';
import { IdMint } from './IdMint.js';
import type { StrideSel } from './model.js';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export class SynthEnv {
  readonly h: Hasher;
  readonly ids: IdMint;
  readonly people: People;
  readonly company: string;
  readonly domain: string;
  readonly tenantDomain: string;
  readonly tenantId: string;
  readonly oktaOrg: string;
  readonly hrSystem = 'workday';
  /** Persons in HR only (left long ago, accounts purged): indices n .. n + hrOnly - 1. */
  readonly hrOnly: number;
  /** Next free person index for planted companions (after the HR-only range). */
  private nextExtraPerson: number;
  private counters = new Map<string, number>();

  constructor(
    readonly n: number,
    readonly seed: number,
    readonly at: number,
  ) {
    this.h = new Hasher(seed);
    this.ids = new IdMint(seed);
    this.company = COMPANIES[seed % COMPANIES.length]!;
    this.domain = `${this.company}.com`;
    this.tenantDomain = `${this.company}.onmicrosoft.com`;
    this.tenantId = this.ids.guid('tenant', 0);
    this.oktaOrg = `https://${this.company}.okta.com`;
    this.people = new People(n, this.h, this.ids, this.domain, this.tenantDomain);
    this.hrOnly = Math.round(n * 0.015);
    this.nextExtraPerson = n + this.hrOnly;
  }

  /** A fresh number in a namespace of planted objects (0, 1, 2, …). */
  next(ns: string): number {
    const v = this.counters.get(ns) ?? 0;
    this.counters.set(ns, v + 1);
    return v;
  }

  guid(ns: string): string {
    return this.ids.guid(`planted:${ns}`, this.next(ns));
  }

  okta(prefix: string, ns: string): string {
    return this.ids.okta(prefix, `planted:${ns}`, this.next(ns));
  }

  graphKey(ns: string): string {
    return this.ids.graphKey(`planted:${ns}`, this.next(ns));
  }

  extraPerson(): number {
    return this.nextExtraPerson++;
  }

  /** A stride selection of `size` distinct positions in a space of `len`, drawn from (ns, i). */
  sel(ns: string, i: number, len: number, size: number): StrideSel | null {
    if (len <= 0 || size <= 0) return null;
    size = Math.min(size, len);
    const start = this.h.int(`${ns}:start`, i, len);
    let stride = 1 + this.h.int(`${ns}:stride`, i, Math.max(1, len - 1));
    while (gcd(stride, len) !== 1) stride = (stride % len) + 1;
    return { size, start, stride };
  }
}

/** Seed from the CLI or API: a number is used as is, a string is hashed. */
export function seedOf(seed: number | string): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return seed >>> 0;
  const s = String(seed);
  if (/^\d+$/.test(s) && Number(s) <= 0xffffffff) return Number(s) >>> 0;
  return hashString(s);
}

/** Expand a stride selection: the i-th chosen position. */
export function selAt(sel: StrideSel, len: number, i: number): number {
  return (sel.start + i * sel.stride) % len;
}

/** Whether position `pos` is chosen by `sel` (O(1), with the stride's inverse mod len). */
export function selHas(sel: StrideSel, len: number, pos: number, strideInv: number): boolean {
  const k = ((((pos - sel.start) % len) + len) % len) * strideInv % len;
  return k < sel.size;
}

/** Modular inverse of a mod m (gcd 1). */
export function modInverse(a: number, m: number): number {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}
