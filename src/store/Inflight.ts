/**
 * Write batches in flight: `slot()` waits until fewer than `max` run, so the next batch is built
 * while the previous one is written; the first failure is rethrown by the next `slot()` or by
 * `drain()`. A batch may name what it holds (`holds`: any numbers, e.g. node buckets): a batch
 * then starts only when no running batch holds any of them, so batches that would lock the same
 * things never run at once. The Neo4j push uses it to overlap reading SQLite with writing to
 * Neo4j, and to write relationship batches side by side without waiting on each other's locks.
 */
export class Inflight {
  private readonly running = new Map<Promise<void>, readonly number[]>();
  /** The first failure, boxed (a batch may reject with anything, even undefined). */
  private failure: { error: unknown } | null = null;
  constructor(private readonly max: number) {}

  add(p: Promise<void>, holds: readonly number[] = []): void {
    const tracked: Promise<void> = p.then(
      () => {
        this.running.delete(tracked);
      },
      (e: unknown) => {
        this.running.delete(tracked);
        this.failure ??= { error: e };
      },
    );
    this.running.set(tracked, holds);
  }

  /** Wait until a batch holding `holds` may start (see the class comment). */
  async slot(holds: readonly number[] = []): Promise<void> {
    while (this.running.size >= this.max || this.conflicts(holds)) await Promise.race(this.running.keys());
    if (this.failure) throw this.failure.error;
  }

  async drain(): Promise<void> {
    await Promise.all(this.running.keys());
    if (this.failure) throw this.failure.error;
  }

  private conflicts(holds: readonly number[]): boolean {
    if (!holds.length) return false;
    for (const held of this.running.values()) if (held.some((h) => holds.includes(h))) return true;
    return false;
  }
}
