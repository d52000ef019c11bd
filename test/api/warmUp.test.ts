/**
 * The warm-up of a served snapshot (src/api/events/warmUp.ts): its worker thread (the compiled
 * warmWorker.js) reads the record indexes of the snapshot's chain and its stored units, and puts
 * them in the process cache; a refresh's reads then come from the cache — the same values it
 * would read from the file itself — and a second warm-up of a snapshot on the same base does not
 * read the base again; it reads no more than the cache keeps.
 */
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadDelta } from '../../queries/loadSnapshot.js';
import { warmSnapshot } from '../../src/api/events/warmUp.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { RecordChain } from '../../src/store/records/RecordChain.js';
import { RecordFile } from '../../src/store/records/RecordIndex.js';
import { readFullUnits, readUnits } from '../../src/store/storedFindings.js';
import { canRefreshAny } from '../../src/api/events/sourceEvents.js';
import { cleanupTemps, cliLoad, editJsonl, scenario, setCollectedAt, tempDir, testConfig } from './helpers.js';

afterAll(() => cleanupTemps());

const WORKER = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'src', 'api', 'events', 'warmWorker.js'));

/** Every current record of every indexed dataset of a chain, as plain values. */
function allRecords(sdb: SnapshotDb): unknown[] {
  const chain = new RecordChain(sdb);
  const out: unknown[] = [];
  for (const r of sdb.db.prepare('SELECT DISTINCT source_key, dataset FROM record_files ORDER BY source_key, dataset').all() as { source_key: string; dataset: string }[]) {
    for (const ref of chain.all(r.source_key, r.dataset)) out.push({ ...ref, touched: [...ref.touched] });
  }
  return out;
}

describe('warm-up of the served snapshot on a worker thread', () => {
  it('puts the record indexes and units in the cache: a refresh then reads none of them from the file, and reads the same values', async () => {
    expect(existsSync(WORKER), 'the compiled worker (npm run build)').toBe(true);
    const dir = tempDir();
    const id = await cliLoad(dir, scenario('okta-lifecycle'));
    const store = new Store(dir);
    // What a cold read gives (in a store copy: another file, not cached here).
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    const cold = new SnapshotDb(new Store(copy).pathOf(id));
    const wantRecords = allRecords(cold);
    const wantUnits = [...readFullUnits(cold).values()];
    cold.close();
    expect(wantRecords.length).toBeGreaterThan(0);
    expect(wantUnits.length).toBeGreaterThan(0);

    const w = await warmSnapshot(store, id, undefined, WORKER);
    expect(w).toMatchObject({ files: 1 });
    expect(w!.recordFiles).toBeGreaterThan(0);
    expect(w!.units).toBe(wantUnits.length);

    const read = vi.spyOn(RecordFile, 'read');
    const sdb = new SnapshotDb(store.pathOf(id));
    try {
      expect(allRecords(sdb)).toEqual(wantRecords);
      expect([...readUnits(sdb).values()]).toEqual(wantUnits);
      expect(read).not.toHaveBeenCalled();
    } finally {
      sdb.close();
      read.mockRestore();
    }

    // A delta on it: its warm-up reads the delta's own file only (the base is warm).
    const folder = join(tempDir(), 'okta');
    cpSync(scenario('okta-lifecycle/okta'), folder, { recursive: true });
    editJsonl(join(folder, 'users.jsonl'), (u) => u);
    setCollectedAt(folder, new Date().toISOString());
    const d = await loadDelta(store, [folder], id, undefined, { count: false });
    const again = await warmSnapshot(store, d.id, undefined, WORKER);
    expect(again?.files).toBe(1);
  });

  it('reads no more than the cache keeps: no value over its largest entry, none past its budget; refreshes read the rest themselves', async () => {
    const dir = tempDir();
    const id = await cliLoad(dir, scenario('okta-lifecycle'));
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    const cold = new SnapshotDb(new Store(copy).pathOf(id));
    const files = (cold.db.prepare('SELECT file FROM record_files ORDER BY file').all() as { file: number }[]).map((r) => RecordFile.read(cold.db, r.file)!);
    const wantRecords = allRecords(cold);
    const wantUnits = [...readFullUnits(cold).values()];
    cold.close();
    const sizes = files.map((f) => f.bytes);
    const largest = Math.max(...sizes);
    expect(largest).toBeGreaterThan(0);

    // The units' size as the cache counts it: their dependencies' bytes and 256 a unit.
    const unitsSize = wantUnits.reduce((n, u) => n + u.deps.byteLength + 256, 0);
    // Largest entry one byte short of the largest record file: every other file is read; the units when they fit.
    const cap = largest - 1;
    const capped = await warmSnapshot(new Store(dir), id, undefined, WORKER, { budget: Number.MAX_SAFE_INTEGER, maxEntry: cap });
    expect(capped!.recordFiles).toBe(sizes.filter((b) => b <= cap).length);
    expect(capped!.recordFiles).toBeLessThan(sizes.length);
    expect(capped!.bytes).toBe(sizes.filter((b) => b <= cap).reduce((a, b) => a + b, 0));
    expect(capped!.units).toBe(unitsSize <= cap ? wantUnits.length : 0);

    // No budget: nothing with a byte in it is read (a second store: the first one's files are warm).
    const dir2 = tempDir();
    const id2 = await cliLoad(dir2, scenario('okta-lifecycle'));
    const none = await warmSnapshot(new Store(dir2), id2, undefined, WORKER, { budget: 0, maxEntry: largest });
    expect(none).toMatchObject({ files: 1, units: 0, bytes: 0 });
    // What was not warmed is read from the file: the same values.
    const sdb = new SnapshotDb(new Store(dir2).pathOf(id2));
    try {
      expect(allRecords(sdb)).toEqual(wantRecords);
      expect([...readUnits(sdb).values()]).toEqual(wantUnits);
    } finally {
      sdb.close();
    }
  });

  it('is for servers that refresh: none when no source is configured to collect', () => {
    expect(canRefreshAny(testConfig())).toBe(false);
    expect(canRefreshAny(testConfig({ events: { okta: { hookSecret: 'h', collect: { orgUrl: 'https://example.okta.com', token: 'env:T' } } } }))).toBe(true);
  });

  it('warms nothing without a worker script, and a refresh reads the file itself', async () => {
    const dir = tempDir();
    const id = await cliLoad(dir, scenario('okta-lifecycle'));
    expect(await warmSnapshot(new Store(dir), id, undefined, undefined)).toBeNull();
  });
});
