/**
 * A delta later than its base, with nothing changed: a person who was no analysis unit of the base
 * (no departed account then) becomes one when a leave or termination date of theirs passes, and the
 * delta stores what a full load of the same collections at the later time stores — from the
 * instant the base stores (`pending`), and on a base that stores none (written by an older
 * revenant: the delta sweeps every account's state).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readPending } from '../../src/store/storedFindings.js';
import { tempDir } from '../collect/helpers.js';
import { comparableDoc, restamped, storedDoc } from './storedDoc.js';

describe('a delta later than its base finds who left by time alone', () => {
  const root = tempDir();
  const a = join(root, 'a');
  const b = join(root, 'b');

  beforeAll(async () => {
    await synthesize({ users: 400, seed: 5, out: a });
    restamped(a, b, '2026-11-25T00:00:00Z');
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
