/**
 * A string → node-number index for the load's hottest path (every reference of every line): an
 * open-addressing hash table over Int32Arrays, keyed by the id strings the caller already holds
 * (`ids[n]`), with FNV-1a hashing of each id's tail. Each slot keeps the id's hash beside its
 * number, so a probe that meets another id is rejected without reading that id's string (at 250k
 * people the table and the strings are far bigger than the CPU caches: each read is a miss). At a quarter of a million users (tens of millions of lookups
 * into tables of a million ids) it is several times faster than a Map and holds no per-entry
 * objects for the garbage collector.
 */
export class IdIndex {
  /** Pairs (node number or -1, hash). */
  private slots: Int32Array;
  private mask: number;
  private size = 0;

  constructor(
    /** The id of each node number (shared with the writer; only read here). */
    private readonly ids: string[],
    capacity = 1 << 10,
  ) {
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity - 1;
  }

  /** FNV-1a over the length and the last 16 characters (where GUIDs, Okta and Graph ids vary). */
  private static hash(s: string): number {
    let h = Math.imul(0x811c9dc5 ^ s.length, 0x01000193);
    for (let i = Math.max(0, s.length - 16); i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h | 0;
  }

  /** The node number of `id`, or -1. */
  get(id: string): number {
    const h = IdIndex.hash(id);
    const slots = this.slots;
    let i = h & this.mask;
    for (;;) {
      const n = slots[i * 2];
      if (n < 0) return -1;
      if (slots[i * 2 + 1] === h && this.ids[n] === id) return n;
      i = (i + 1) & this.mask;
    }
  }

  /** Record `id` (not yet present) as node number `n`. */
  set(id: string, n: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    this.place(n, IdIndex.hash(id));
    this.size++;
  }

  private place(n: number, h: number): void {
    let i = h & this.mask;
    while (this.slots[i * 2] >= 0) i = (i + 1) & this.mask;
    this.slots[i * 2] = n;
    this.slots[i * 2 + 1] = h;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length / 2 - 1;
    for (let j = 0; j < old.length; j += 2) if (old[j] >= 0) this.place(old[j], old[j + 1]);
  }
}
