/**
 * A string → node-number index for the load's hottest path (every reference of every line): an
 * open-addressing hash table over Int32Arrays, keyed by the id strings the caller already holds
 * (`ids[n]`), with FNV-1a hashing of each id's tail. At a quarter of a million users (tens of millions of lookups
 * into tables of a million ids) it is several times faster than a Map and holds no per-entry
 * objects for the garbage collector.
 */
export class IdIndex {
  private slots: Int32Array;
  private mask: number;
  private size = 0;

  constructor(
    /** The id of each node number (shared with the writer; only read here). */
    private readonly ids: string[],
    capacity = 1 << 10,
  ) {
    this.slots = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** FNV-1a over the length and the last 16 characters (where GUIDs, Okta and Graph ids vary). */
  private static hash(s: string): number {
    let h = Math.imul(0x811c9dc5 ^ s.length, 0x01000193);
    for (let i = Math.max(0, s.length - 16); i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  /** The node number of `id`, or -1. */
  get(id: string): number {
    let i = IdIndex.hash(id) & this.mask;
    for (;;) {
      const n = this.slots[i];
      if (n < 0) return -1;
      if (this.ids[n] === id) return n;
      i = (i + 1) & this.mask;
    }
  }

  /** Record `id` (not yet present) as node number `n`. */
  set(id: string, n: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    let i = IdIndex.hash(id) & this.mask;
    while (this.slots[i] >= 0) i = (i + 1) & this.mask;
    this.slots[i] = n;
    this.size++;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (const n of old) {
      if (n < 0) continue;
      let i = IdIndex.hash(this.ids[n]) & this.mask;
      while (this.slots[i] >= 0) i = (i + 1) & this.mask;
      this.slots[i] = n;
    }
  }
}
