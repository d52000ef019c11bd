/**
 * Read-only maps for the served views that are the previous view's with a few entries changed,
 * without copying it: a swap costs what changed, not the size of the tenant. `LayeredMap` lays a
 * few set or removed entries over another map; `SeenHistory` is a snapshot's first/last-seen
 * history as the previous one's with what the snapshot changed. A chain of layers is folded into
 * one plain map every `MAX_DEPTH` swaps (one copy of the map, the layers' changes applied in
 * turn), so a lookup walks a few layers at most. Lookups answer exactly what a copied and edited
 * `Map` would; iteration gives the same entries (a kept key in its old place, new keys after them).
 */
import type { Seen } from '../../store/history.js';

/** Layers over a plain map before they are folded into one. */
export const MAX_DEPTH = 8;

const GONE: unique symbol = Symbol('gone');

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;
  readonly depth: number;

  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly own: Map<K, V | typeof GONE>,
  ) {
    this.depth = (base instanceof LayeredMap ? base.depth : 0) + 1;
    let size = base.size;
    for (const [k, v] of own) {
      const had = base.has(k);
      if (v === GONE) {
        if (had) size--;
      } else if (!had) size++;
    }
    this.size = size;
  }

  /**
   * `base` with these changes (a value: set; undefined: removed; a later change of a key wins).
   * Over a deep chain, a plain map with every layer's changes applied (the fold).
   */
  static over<K, V>(base: ReadonlyMap<K, V>, changes: Iterable<readonly [K, V | undefined]>): ReadonlyMap<K, V> {
    const own = new Map<K, V | typeof GONE>();
    for (const [k, v] of changes) own.set(k, v === undefined ? GONE : v);
    if (!(base instanceof LayeredMap) || base.depth + 1 < MAX_DEPTH) return new LayeredMap(base, own);
    const layers = [own];
    let m: ReadonlyMap<K, V> = base;
    while (m instanceof LayeredMap) {
      const l = m as LayeredMap<K, V>;
      layers.push(l.own);
      m = l.base;
    }
    const flat = new Map(m);
    for (let i = layers.length - 1; i >= 0; i--) {
      for (const [k, v] of layers[i]) {
        if (v === GONE) flat.delete(k);
        else flat.set(k, v);
      }
    }
    return flat;
  }

  get(key: K): V | undefined {
    const v = this.own.get(key);
    if (v !== undefined) return v === GONE ? undefined : v;
    if (this.own.has(key)) return undefined;
    return this.base.get(key);
  }

  has(key: K): boolean {
    const v = this.own.get(key);
    if (v !== undefined) return v !== GONE;
    return this.base.has(key);
  }

  *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.base) {
      if (!this.own.has(k)) yield [k, v];
      else {
        const o = this.own.get(k)!;
        if (o !== GONE) yield [k, o];
      }
    }
    for (const [k, o] of this.own) if (o !== GONE && !this.base.has(k)) yield [k, o];
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}

export interface SeenSpan {
  firstSeen: Seen;
  lastSeen: Seen;
}

/**
 * The first/last-seen history after a snapshot seen at `seen` whose findings are `present` (by
 * id): a finding present is last seen now; one that is not, when it left (`lastGone`); every
 * finding ever seen has its first sighting (`firstSeen`). A snapshot changes the first only for
 * its new findings and the second only for the findings that left: both are layered maps.
 */
export class SeenHistory implements ReadonlyMap<string, SeenSpan> {
  private constructor(
    private readonly firstSeen: ReadonlyMap<string, Seen>,
    private readonly lastGone: ReadonlyMap<string, Seen>,
    private readonly present: ReadonlyMap<string, unknown>,
    private readonly seen: Seen,
  ) {}

  get size(): number {
    return this.firstSeen.size;
  }

  /**
   * The history after a snapshot seen at `seen` with findings `present`, continuing `prev` (the
   * history up to the snapshot before). `changed`: the ids that may be new or may have left since
   * `prevPresent` (the previous snapshot's findings) — every id of both when not given.
   */
  static after(
    prev: ReadonlyMap<string, SeenSpan>,
    prevPresent: ReadonlyMap<string, unknown> | null,
    present: ReadonlyMap<string, unknown>,
    seen: Seen,
    changed?: Iterable<string>,
  ): SeenHistory {
    let firstSeen: ReadonlyMap<string, Seen>;
    let lastGone: ReadonlyMap<string, Seen>;
    if (prev instanceof SeenHistory) {
      firstSeen = prev.firstSeen;
      lastGone = prev.lastGone;
    } else {
      // A history read whole (the store's): its two halves, once (SeenHistory.prime may have split it ahead).
      ({ firstSeen, lastGone } = SeenHistory.halves(prev));
      prevPresent = null;
    }
    const ids = changed ?? (prevPresent ? new Set([...prevPresent.keys(), ...present.keys()]) : present.keys());
    const newIds: [string, Seen][] = [];
    const left: [string, Seen][] = [];
    for (const id of ids) {
      if (present.has(id)) {
        if (!firstSeen.has(id)) newIds.push([id, seen]);
      } else if (prevPresent?.has(id)) {
        // Left now: last seen in the snapshot before (what the history said of it there).
        const h = prev.get(id);
        if (h) left.push([id, h.lastSeen]);
      }
    }
    if (newIds.length) firstSeen = LayeredMap.over(firstSeen, newIds);
    if (left.length) lastGone = LayeredMap.over(lastGone, left);
    return new SeenHistory(firstSeen, lastGone, present, seen);
  }

  /**
   * Split a history read whole (the store's) into the two halves `after` continues from, now (a
   * server does it when it starts serving a snapshot, rather than in its first refresh's swap).
   */
  static prime(history: ReadonlyMap<string, SeenSpan>): void {
    if (!(history instanceof SeenHistory)) SeenHistory.halves(history);
  }

  private static readonly split = new WeakMap<ReadonlyMap<string, SeenSpan>, { firstSeen: ReadonlyMap<string, Seen>; lastGone: ReadonlyMap<string, Seen> }>();

  /** The first-seen and last-seen halves of a history read whole (kept for it: such a history is never changed). */
  private static halves(history: ReadonlyMap<string, SeenSpan>): { firstSeen: ReadonlyMap<string, Seen>; lastGone: ReadonlyMap<string, Seen> } {
    let h = SeenHistory.split.get(history);
    if (!h) {
      const f = new Map<string, Seen>();
      const l = new Map<string, Seen>();
      for (const [id, x] of history) {
        f.set(id, x.firstSeen);
        l.set(id, x.lastSeen);
      }
      h = { firstSeen: f, lastGone: l };
      SeenHistory.split.set(history, h);
    }
    return h;
  }

  get(id: string): SeenSpan | undefined {
    const firstSeen = this.firstSeen.get(id);
    if (!firstSeen) return undefined;
    if (this.present.has(id)) return { firstSeen, lastSeen: this.seen };
    const lastSeen = this.lastGone.get(id);
    return lastSeen ? { firstSeen, lastSeen } : undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  *entries(): MapIterator<[string, SeenSpan]> {
    for (const id of this.firstSeen.keys()) {
      const h = this.get(id);
      if (h) yield [id, h];
    }
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<SeenSpan> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, SeenSpan]> {
    return this.entries();
  }

  forEach(fn: (value: SeenSpan, key: string, map: ReadonlyMap<string, SeenSpan>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
