/**
 * Inflight: at most `max` batches run at once; a batch that names what it holds waits while a
 * running batch holds any of it, and batches holding disjoint things run side by side; the first
 * failure is rethrown.
 */
import { describe, expect, it } from 'vitest';
import { Inflight } from '../../src/store/Inflight.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

describe('Inflight', () => {
  it('never runs two batches that hold the same thing at once, and runs disjoint ones together', async () => {
    const inflight = new Inflight(2);
    const holding = new Map<number, number>();
    let together = 0;
    let maxRunning = 0;
    let running = 0;
    const plan: number[][] = [[0], [0, 1], [2, 3], [1], [3], [0, 2], [1, 3], [2]];
    for (const holds of plan) {
      await inflight.slot(holds);
      inflight.add(
        (async () => {
          for (const h of holds) {
            expect(holding.get(h) ?? 0).toBe(0);
            holding.set(h, 1);
          }
          running++;
          maxRunning = Math.max(maxRunning, running);
          if (running > 1) together++;
          await tick();
          running--;
          for (const h of holds) holding.set(h, 0);
        })(),
        holds,
      );
    }
    await inflight.drain();
    expect(maxRunning).toBe(2);
    expect(together).toBeGreaterThan(0);
  });

  it('rethrows the first failure from slot and drain', async () => {
    const inflight = new Inflight(1);
    inflight.add(Promise.reject(new Error('first')), [1]);
    await expect(inflight.slot([2])).rejects.toThrow('first');
    await expect(inflight.drain()).rejects.toThrow('first');
  });
});
