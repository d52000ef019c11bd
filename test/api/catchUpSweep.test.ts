/**
 * The time catch-up (queries/timeCatchUp.ts) ahead of a snapshot's stored `pending`, so a refresh
 * does not pay for time passing. On a snapshot that stores its units' instants (pending_units) the
 * catch-up child analyses just the units whose own instant passed — at its instant, or ahead, at
 * theirs — and a refresh's delta takes them with their new instants; on one that does not (an
 * older revenant wrote it), once its `pending` is passed (a person who was no unit may have left
 * by time alone) it sweeps the tenant — at its own instant, or ahead, at `pending` — and the
 * delta takes that sweep. Either way: no sweep in the delta, and the document, `pending` and
 * units' instants a full load of the same collections at the delta's time gives. Without a
 * catch-up that holds, the delta analyses the units whose own stored instant passed: no sweep either.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { UnitAnalyser } from '../../queries/residualUnits.js';
import { SWEEP_AHEAD_MS, catchUpUnits, readCaughtUp, writeCaughtUp } from '../../queries/timeCatchUp.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { duePendingUnits, readPending, readPendingUnits, readUnits } from '../../src/store/storedFindings.js';
import { tempDir } from '../collect/helpers.js';
import { comparableDoc, fullLoadOf, restamped, storedDoc } from '../delta/storedDoc.js';

describe('the catch-up analyses what time alone changes ahead of the refreshes, so they do not', () => {
  const root = tempDir();
  const a = join(root, 'a');
  /** The base as this revenant stores it (with its units' instants). */
  let store: Store;
  /** The same base without its units' instants (as an older revenant stored it). */
  let legacy: Store;
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
    legacy = new Store(join(root, 'legacy'));
    mkdirSync(legacy.snapshotsDir, { recursive: true });
    for (const f of readdirSync(store.snapshotsDir)) copyFileSync(join(store.snapshotsDir, f), join(legacy.snapshotsDir, f));
    const old = new Database(legacy.pathOf(base));
    old.exec('DROP TABLE pending_units');
    old.close();
  }, 300_000);

  afterEach(() => vi.restoreAllMocks());

  /** A delta of collection `dir` on the base with `precomputed`, checked to be made without a sweep. */
  async function deltaWithoutSweep(dir: string, precomputed: ReturnType<typeof catchUpUnits>, on: Store = legacy) {
    const sweep = vi.spyOn(UnitAnalyser.prototype, 'sweep');
    const d = await loadDelta(on, [dir], base, undefined, { precomputed });
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
    const db = new SnapshotDb(legacy.pathOf(deltaId));
    try {
      expect(readPending(db)).toBe(fullPending);
      expect(duePendingUnits(db, at)).toEqual([]);
    } finally {
      db.close();
    }
  }

  /** The units a catch-up of the base at `at` analysed (in order), and whether it swept. */
  function caughtUp(on: Store, at: number) {
    const sweep = vi.spyOn(UnitAnalyser.prototype, 'sweep');
    const analysed: string[] = [];
    const c = catchUpUnits(on, base, at, (k) => analysed.push(k));
    const swept = sweep.mock.calls.length > 0;
    sweep.mockRestore();
    return { c, analysed, swept };
  }

  /** What the base says a catch-up at `at` is to analyse: its units whose next instant passed, and those whose own instant comes by `until`. */
  function dueOnBase(at: number, until: number): { timed: string[]; own: string[] } {
    const db = new SnapshotDb(store.pathOf(base));
    try {
      const timed = [...readUnits(db).values()].filter((u) => u.next !== null && u.next <= at).map((u) => u.key);
      return { timed, own: duePendingUnits(db, until) };
    } finally {
      db.close();
    }
  }

  /** The delta's document, `pending` and units' instants are a full load's at its time. */
  async function expectFullLoad(on: Store, deltaId: string, dir: string, name: string) {
    const full = await fullLoad(dir, name);
    expect(comparableDoc(storedDoc(on, deltaId))).toBe(full.doc);
    const db = new SnapshotDb(on.pathOf(deltaId));
    try {
      expect(readPending(db)).toBe(full.pending);
      expect(readPendingUnits(db)).toEqual(full.pendingUnits);
    } finally {
      db.close();
    }
    return full;
  }

  test('units instants stored, pending passed: no sweep, just the due units, and the refresh takes them', async () => {
    const at = Date.parse('2026-11-25T00:00:00Z');
    expect(pending).toBeLessThanOrEqual(at);
    const { c, analysed, swept } = caughtUp(store, at);
    // No tenant sweep: just the units whose next instant or own instant is passed, or comes within SWEEP_AHEAD_MS.
    expect(swept).toBe(false);
    expect(c.sweep).toBeUndefined();
    const { timed, own } = dueOnBase(at, at + SWEEP_AHEAD_MS);
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(analysed)).toEqual(new Set([...timed, ...own]));
    expect(analysed.length).toBe(new Set(analysed).size);
    const file = join(tempDir(), 'c.json');
    writeCaughtUp(file, c);
    const back = readCaughtUp(file);
    expect(back.units).toEqual(c.units);
    const b = join(root, 'ub');
    restamped(a, b, new Date(at).toISOString());
    const delta = await deltaWithoutSweep(b, back, store);
    // The units whose own instant passed that became units: from the catch-up, not analysed again.
    const becameUnits = own.filter((k) => c.units.has(k) && !timed.includes(k));
    expect(becameUnits.length).toBeGreaterThan(0);
    expect(delta.caughtUp).toBeGreaterThanOrEqual(becameUnits.length);
    const full = await expectFullLoad(store, delta.id, b, 'full-ub');
    expect(full.departed).toBeGreaterThan(baseDeparted);
    expect(delta.departed).toBe(full.departed);
  }, 300_000);

  test('units instants stored, ahead of pending: the units due at pending analysed at pending, a refresh then takes them', async () => {
    const early = pending - SWEEP_AHEAD_MS / 2;
    const { c, analysed, swept } = caughtUp(store, early);
    expect(swept).toBe(false);
    const { timed, own } = dueOnBase(early, early + SWEEP_AHEAD_MS);
    expect(new Set(analysed)).toEqual(new Set([...timed, ...own]));
    // Those due at pending: analysed at their own instant.
    const atPending = [...c.units.values()].filter((e) => e.at === pending);
    expect(atPending.length).toBeGreaterThan(0);
    const p = join(root, 'up');
    restamped(a, p, new Date(pending).toISOString());
    const delta = await deltaWithoutSweep(p, c, store);
    expect(delta.caughtUp).toBeGreaterThanOrEqual(atPending.length);
    const full = await expectFullLoad(store, delta.id, p, 'full-up');
    expect(delta.departed).toBe(full.departed);
  }, 300_000);

  test('no units instants stored, after pending passed: swept at the catch-up instant, its new units taken from it', async () => {
    const at = Date.parse('2026-11-25T00:00:00Z');
    // The case is there: the stored pending passed at the later time.
    expect(pending).toBeGreaterThan(Date.parse('2026-11-01T00:00:00Z'));
    expect(pending).toBeLessThanOrEqual(at);
    const c = catchUpUnits(legacy, base, at);
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
    expect(comparableDoc(storedDoc(legacy, delta.id))).toBe(full.doc);
    expectSweepInstants(delta.id, at, full.pending);
  }, 300_000);

  test('no units instants stored, ahead of pending: swept at the pending instant, a refresh at that instant takes it', async () => {
    const c = catchUpUnits(legacy, base, pending - SWEEP_AHEAD_MS / 2);
    expect(c.sweep?.at).toBe(pending);
    const p = join(root, 'p');
    restamped(a, p, new Date(pending).toISOString());
    const delta = await deltaWithoutSweep(p, c);
    const full = await fullLoad(p, 'full-p');
    expect(delta.departed).toBe(full.departed);
    expect(comparableDoc(storedDoc(legacy, delta.id))).toBe(full.doc);
    expectSweepInstants(delta.id, pending, full.pending);
  }, 300_000);

  test('far ahead of pending: no sweep; a refresh past pending without a sweep that holds analyses the units whose own instant passed', async () => {
    const early = catchUpUnits(store, base, pending - 2 * SWEEP_AHEAD_MS);
    expect(early.sweep).toBeUndefined();
    const q = join(root, 'q');
    const at = Date.parse('2026-11-25T00:00:00Z');
    restamped(a, q, new Date(at).toISOString());
    // The base stores each unit's instant: the delta analyses the units past theirs, no sweep.
    const d = await deltaWithoutSweep(q, early, store);
    const full = await fullLoad(q, 'full-q');
    expect(full.departed).toBeGreaterThan(baseDeparted);
    expect(d.departed).toBe(full.departed);
    expect(comparableDoc(storedDoc(store, d.id))).toBe(full.doc);
  }, 300_000);
});
