/**
 * Write batches in flight: `slot()` waits until fewer than `max` run, so the next batch is built
 * while the previous one is written; the first failure is rethrown by the next `slot()` or by
 * `drain()`. The Neo4j push uses it to overlap reading SQLite with writing to Neo4j.
 */
export class Inflight {
  private readonly running = new Set<Promise<void>>();
  /** The first failure, boxed (a batch may reject with anything, even undefined). */
  private failure: { error: unknown } | null = null;
  constructor(private readonly max: number) {}

  add(p: Promise<void>): void {
    const tracked = p.then(
      () => {
        this.running.delete(tracked);
      },
      (e: unknown) => {
        this.running.delete(tracked);
        this.failure ??= { error: e };
      },
    );
    this.running.add(tracked);
  }

  async slot(): Promise<void> {
    while (this.running.size >= this.max) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure) throw this.failure.error;
  }
}
