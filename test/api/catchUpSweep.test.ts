/**
 * The sweep of the time catch-up (queries/timeCatchUp.ts): once a snapshot's stored `pending` is
 * passed (a person who was no unit may have left by time alone), the catch-up child sweeps the
 * tenant — at its own instant, or ahead, at `pending` — and a refresh's delta on that snapshot takes
 * that sweep instead of sweeping on the event path: no sweep in the delta, and the document a
 * full load of the same collections at the delta's time gives. Without a sweep that holds, the
 * delta analyses the units whose own stored instant passed: no sweep either.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { UnitAnalyser } from '../../queries/residualUnits.js';
import { SWEEP_AHEAD_MS, catchUpUnits, readCaughtUp, writeCaughtUp } from '../../queries/timeCatchUp.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { duePendingUnits, readPending } from '../../src/store/storedFindings.js';
import { tempDir } from '../collect/helpers.js';
import { comparableDoc, fullLoadOf, restamped, storedDoc } from '../delta/storedDoc.js';

describe('the catch-up sweeps ahead of the stored pending, so a refresh does not', () => {
  const root = tempDir();
  const a = join(root, 'a');
  let store: Store;
  let base: string;
  let pending: number;
  let baseDeparted: number;

  beforeAll(async () => {
    await synthesize({ users: 400, seed: 5, out: a });
    store = new Store(join(root, 'delta'));
    const loaded = await loadSnapshot(store, [a]);
    base = loaded.id;
    baseDeparted = loaded.departed;
    const db = new SnapshotDb(store.pathOf(base));
    pending = readPending(db) as number;
    db.close();
  }, 300_000);

  afterEach(() => vi.restoreAllMocks());

  /** A delta of collection `dir` on the base with `precomputed`, checked to be made without a sweep. */
  async function deltaWithoutSweep(dir: string, precomputed: ReturnType<typeof catchUpUnits>) {
    const sweep = vi.spyOn(UnitAnalyser.prototype, 'sweep');
    const d = await loadDelta(store, [dir], base, undefined, { precomputed });
    expect(sweep).not.toHaveBeenCalled();
    return d;
  }

  /** A full load of `dir` in a store of its own (fullLoadOf). */
  const fullLoad = (dir: string, name: string) => fullLoadOf(dir, join(root, name));

  /**
   * A delta that took the catch-up's sweep stores that sweep's instants: the `pending` a full load
   * at its time stores, and none of its base's instants that passed is due on it any more (else the
   * next refresh would wait for another catch-up sweep).
   */
  function expectSweepInstants(deltaId: string, at: number, fullPending: number | null | undefined) {
    const db = new SnapshotDb(store.pathOf(deltaId));
    try {
      expect(readPending(db)).toBe(fullPending);
      expect(duePendingUnits(db, at)).toEqual([]);
    } finally {
      db.close();
    }
  }

  test('after pending passed: swept at the catch-up instant, its new units taken from it', async () => {
    const at = Date.parse('2026-11-25T00:00:00Z');
    // The case is there: the stored pending passed at the later time.
    expect(pending).toBeGreaterThan(Date.parse('2026-11-01T00:00:00Z'));
    expect(pending).toBeLessThanOrEqual(at);
    const c = catchUpUnits(store, base, at);
    expect(c.sweep?.at).toBe(at);
    // It round-trips through the child's file.
    const file = join(tempDir(), 'c.json');
    writeCaughtUp(file, c);
    const back = readCaughtUp(file);
    expect(back.sweep).toEqual(c.sweep);
    const b = join(root, 'b');
    restamped(a, b, new Date(at).toISOString());
    const delta = await deltaWithoutSweep(b, back);
    const full = await fullLoad(b, 'full-b');
    // More departed subjects than at the base's time: people who were no units became units.
    expect(full.departed).toBeGreaterThan(baseDeparted);
    expect(delta.departed).toBe(full.departed);
    expect(delta.caughtUp).toBeGreaterThan(0);
    expect(comparableDoc(storedDoc(store, delta.id))).toBe(full.doc);
    expectSweepInstants(delta.id, at, full.pending);
  }, 300_000);

  test('ahead of pending: swept at the pending instant, a refresh at that instant takes it', async () => {
    const c = catchUpUnits(store, base, pending - SWEEP_AHEAD_MS / 2);
    expect(c.sweep?.at).toBe(pending);
    const p = join(root, 'p');
    restamped(a, p, new Date(pending).toISOString());
    const delta = await deltaWithoutSweep(p, c);
    const full = await fullLoad(p, 'full-p');
    expect(delta.departed).toBe(full.departed);
    expect(comparableDoc(storedDoc(store, delta.id))).toBe(full.doc);
    expectSweepInstants(delta.id, pending, full.pending);
  }, 300_000);

  test('far ahead of pending: no sweep; a refresh past pending without a sweep that holds analyses the units whose own instant passed', async () => {
    const early = catchUpUnits(store, base, pending - 2 * SWEEP_AHEAD_MS);
    expect(early.sweep).toBeUndefined();
    const q = join(root, 'q');
    const at = Date.parse('2026-11-25T00:00:00Z');
    restamped(a, q, new Date(at).toISOString());
    // The base stores each unit's instant: the delta analyses the units past theirs, no sweep.
    const d = await deltaWithoutSweep(q, early);
    const full = await fullLoad(q, 'full-q');
    expect(full.departed).toBeGreaterThan(baseDeparted);
    expect(d.departed).toBe(full.departed);
    expect(comparableDoc(storedDoc(store, d.id))).toBe(full.doc);
  }, 300_000);
});
