/**
 * A delta later than its base, with nothing changed: a person who was no analysis unit of the base
 * (no departed account then) becomes one when a leave or termination date of theirs passes, and the
 * delta stores what a full load of the same collections at the later time stores — from the
 * instant the base stores (`pending`), and on a base that stores none (written by an older
 * revenant: the delta sweeps every account's state). The base stores each unit's own instant
 * (pending_units): a delta past some analyses those units only — no sweep — before, at and
 * between them, and stores the `pending` a full load at its time stores.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { UnitAnalyser } from '../../queries/residualUnits.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { duePendingUnits, readPending, readPendingUnits } from '../../src/store/storedFindings.js';
import { tempDir } from '../collect/helpers.js';
import { comparableDoc, fullLoadOf, restamped, storedDoc } from './storedDoc.js';

describe('a delta later than its base finds who left by time alone', () => {
  const root = tempDir();
  const a = join(root, 'a');
  const b = join(root, 'b');

  beforeAll(async () => {
    await synthesize({ users: 400, seed: 5, out: a });
    restamped(a, b, '2026-11-25T00:00:00Z');
  }, 300_000);

  afterEach(() => vi.restoreAllMocks());

  /** A full load of `dir` in a store of its own (fullLoadOf). */
  const fullLoad = (dir: string, name: string) => fullLoadOf(dir, join(root, name));

  test('a unit whose own instant passed is analysed again, with no sweep, whether the tenant-wide instant is earlier or later', async () => {
    const store = new Store(join(root, 'units'));
    const s1 = await loadSnapshot(store, [a]);
    const db = new SnapshotDb(store.pathOf(s1.id));
    const basePending = readPending(db) as number;
    // The units' own instants, in order (the earliest is the tenant-wide pending).
    const raw = new Database(store.pathOf(s1.id), { readonly: true });
    const instants = (raw.prepare('SELECT DISTINCT at FROM pending_units WHERE at IS NOT NULL ORDER BY at').all() as { at: number }[]).map((r) => r.at);
    raw.close();
    expect(instants[0]).toBe(basePending);
    expect(instants.length).toBeGreaterThan(3);
    const cases: { name: string; at: number; due?: number; compactAt?: number }[] = [
      // Before the tenant-wide instant: nothing is due.
      { name: 'before', at: basePending - 1000, due: 0 },
      // Past the tenant-wide instant, before the next unit's own: only the earliest units are due.
      { name: 'between', at: Math.floor((instants[0] + instants[1]) / 2) },
      // The same, reading the whole view in compact form (as a delta with many changed nodes does): still no sweep.
      { name: 'between-compact', at: Math.floor((instants[0] + instants[1]) / 2), compactAt: 0 },
      // At a later unit's own instant (the tenant-wide one passed earlier): the units up to it are due.
      { name: 'at-third', at: instants[2] },
    ];
    for (const c of cases) {
      const due = duePendingUnits(db, c.at);
      if (c.due !== undefined) expect(due.length).toBe(c.due);
      else {
        expect(due.length).toBeGreaterThan(0);
        // Not every unit with an instant: the others' have not passed.
        expect(due.length).toBeLessThan(instants.length);
      }
      const dir = join(root, `at-${c.name}`);
      restamped(a, dir, new Date(c.at).toISOString());
      const sweep = vi.spyOn(UnitAnalyser.prototype, 'sweep');
      const d = await loadDelta(store, [dir], s1.id, undefined, { compactAt: c.compactAt });
      expect(sweep).not.toHaveBeenCalled();
      sweep.mockRestore();
      const full = await fullLoad(dir, `full-${c.name}`);
      // A due unit missed would be a departed subject fewer than the full load at that instant.
      expect(d.departed).toBe(full.departed);
      expect(comparableDoc(storedDoc(store, d.id))).toBe(full.doc);
      const ddb = new SnapshotDb(store.pathOf(d.id));
      expect(readPending(ddb)).toBe(full.pending);
      // A delta on this delta, at the same instant: nothing more is due.
      expect(duePendingUnits(ddb, c.at)).toEqual([]);
      ddb.close();
    }
    db.close();
  }, 300_000);

  test('compaction keeps the units\' instants: a delta on a compacted snapshot past some does not sweep', async () => {
    const store = new Store(join(root, 'compacted'));
    const s1 = await loadSnapshot(store, [a]);
    const raw = new Database(store.pathOf(s1.id), { readonly: true });
    const instants = (raw.prepare('SELECT DISTINCT at FROM pending_units WHERE at IS NOT NULL ORDER BY at').all() as { at: number }[]).map((r) => r.at);
    raw.close();
    const mid = join(root, 'compacted-mid');
    const third = join(root, 'compacted-third');
    restamped(a, mid, new Date(Math.floor((instants[0] + instants[1]) / 2)).toISOString());
    restamped(a, third, new Date(instants[2]).toISOString());
    const d1 = await loadDelta(store, [mid], s1.id);
    const chain = new SnapshotDb(store.pathOf(d1.id));
    const before = readPendingUnits(chain)!;
    chain.close();
    expect(before.size).toBeGreaterThan(0);
    expect(store.compact(d1.id)).toBe(true);
    const compacted = new SnapshotDb(store.pathOf(d1.id));
    expect(compacted.isDelta).toBe(false);
    // The chain's instants, as it read them (the delta's over its base's), carried over.
    expect(readPendingUnits(compacted)).toEqual(before);
    compacted.close();
    const sweep = vi.spyOn(UnitAnalyser.prototype, 'sweep');
    const d2 = await loadDelta(store, [third], d1.id);
    expect(sweep).not.toHaveBeenCalled();
    sweep.mockRestore();
    const full = await fullLoad(third, 'full-compacted-third');
    expect(d2.departed).toBe(full.departed);
    expect(comparableDoc(storedDoc(store, d2.id))).toBe(full.doc);
  }, 300_000);

  test('on a base that stores no instant per unit (an older revenant): the delta sweeps', async () => {
    const old = new Store(join(root, 'no-units-instants'));
    const o1 = await loadSnapshot(old, [a]);
    const raw = new Database(old.pathOf(o1.id));
    raw.exec('DROP TABLE pending_units');
    raw.close();
    const sweep = vi.spyOn(UnitAnalyser.prototype, 'sweep');
    const od = await loadDelta(old, [b]);
    expect(sweep).toHaveBeenCalled();
    const full = await fullLoad(b, 'full-no-units-instants');
    expect(comparableDoc(storedDoc(old, od.id))).toBe(full.doc);
  }, 300_000);

  test('from the instant the base stores, and by a sweep on a base that stores none', async () => {
    const full = new Store(join(root, 'full'));
    const fa = await loadSnapshot(full, [a]);
    const fb = await loadSnapshot(full, [b]);
    // The case is there: more departed subjects at the later time, on the same data.
    expect(fb.departed).toBeGreaterThan(fa.departed);
    const want = comparableDoc(storedDoc(full, fb.id));

    const store = new Store(join(root, 'delta'));
    const s1 = await loadSnapshot(store, [a]);
    const db = new SnapshotDb(store.pathOf(s1.id));
    const pending = readPending(db);
    db.close();
    expect(pending).toBeGreaterThan(Date.parse('2026-11-01T00:00:00Z'));
    expect(pending).toBeLessThanOrEqual(Date.parse('2026-11-25T00:00:00Z'));
    const d1 = await loadDelta(store, [b]);
    expect(d1.departed).toBe(fb.departed);
    expect(comparableDoc(storedDoc(store, d1.id))).toBe(want);

    // A base written before `pending` was stored.
    const old = new Store(join(root, 'old'));
    const o1 = await loadSnapshot(old, [a]);
    const raw = new Database(old.pathOf(o1.id));
    raw.prepare("DELETE FROM analysis WHERE key = 'pending'").run();
    raw.close();
    const od = await loadDelta(old, [b]);
    expect(comparableDoc(storedDoc(old, od.id))).toBe(want);
  }, 300_000);
});
