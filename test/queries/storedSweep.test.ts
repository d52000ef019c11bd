/**
 * `residual --all` from the stored findings document (queries/storedSweep.ts) is byte for byte
 * what a sweep gives, on the embedded engine: at the snapshot's time, later with no unit's next
 * instant passed, later with some passed (those units analysed again), on a delta snapshot; and
 * past the stored `pending`, or on a store without it (an older revenant's), it declines and the
 * engine sweeps. The CLI's JSON and CSV bytes match REVENANT_RECOMPUTE=1's.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { EmbeddedEngine } from '../../queries/QueryEngine.js';
import type { FindingsDoc } from '../../queries/residual.js';
import { storedSweep } from '../../queries/storedSweep.js';
import { jsonChunks, withNewline } from '../../src/output/jsonChunks.js';
import { residualCsvChunks } from '../../src/reports/csv.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { storedInstants } from '../delta/storedDoc.js';
import { tempDir } from '../collect/helpers.js';
import { cli } from '../support/cli.js';

/** The bytes `residual --all` writes as JSON and as CSV for a document. */
const bytes = (doc: FindingsDoc) =>
  [...withNewline(jsonChunks(doc, 2))].join('') + [...residualCsvChunks(doc.findings)].join('');

describe('residual --all from the stored document', () => {
  const root = tempDir('revenant-stored-sweep-');
  const col = join(root, 'collection');
  const store = new Store(join(root, 'store'));
  let id = '';
  let collectedAt = 0;
  let pending: number | null | undefined;
  let nexts: number[] = [];

  beforeAll(async () => {
    await synthesize({ users: 400, seed: 5, out: col });
    id = (await loadSnapshot(store, [col])).id;
    ({ collectedAt, pending, nexts } = storedInstants(store, id));
  }, 300_000);

  /** The stored answer (undefined: declined) and the sweep's, at `at`, on snapshot `snap`. */
  async function both(at: number | undefined, snap = id) {
    const db = new SnapshotDb(store.pathOf(snap));
    try {
      const stored = storedSweep(db, snap, at);
      const viaEngine = await new EmbeddedEngine(db, snap, { compactSweeps: true, storedSweeps: true }).whatIf({ all: true, at });
      const swept = await new EmbeddedEngine(db, snap, { compactSweeps: true }).whatIf({ all: true, at });
      return { stored, viaEngine, swept };
    } finally {
      db.close();
    }
  }

  test('the case is there: units with a next instant before pending', () => {
    expect(typeof pending).toBe('number');
    expect(nexts.length).toBeGreaterThan(0);
    expect(nexts[0]).toBeGreaterThan(collectedAt);
    expect(nexts[0]).toBeLessThan(pending as number);
  });

  test('at the snapshot time: the stored document, identical to the sweep', async () => {
    const r = await both(undefined);
    expect(r.stored).toBeDefined();
    expect(r.swept.findings.length).toBeGreaterThan(0);
    expect(bytes(r.stored!)).toBe(bytes(r.swept));
    expect(bytes(r.viaEngine)).toBe(bytes(r.swept));
  });

  test('later, before any next instant: the stored document at that time', async () => {
    const at = collectedAt + Math.floor((nexts[0] - collectedAt) / 2);
    const r = await both(at);
    expect(r.stored).toBeDefined();
    expect(r.stored!.at).toBe(new Date(at).toISOString());
    expect(bytes(r.stored!)).toBe(bytes(r.swept));
  });

  test('past units’ next instants, before pending: those units analysed again', async () => {
    // Every next instant before pending, each a step further (more units due each time).
    const steps = [...new Set(nexts.filter((n) => n < (pending as number)))].slice(0, 6);
    expect(steps.length).toBeGreaterThan(0);
    let changed = 0;
    const atCollection = (await both(undefined)).swept;
    for (const at of steps) {
      const r = await both(at);
      expect(r.stored).toBeDefined();
      expect(bytes(r.stored!)).toBe(bytes(r.swept));
      expect(bytes(r.viaEngine)).toBe(bytes(r.swept));
      const { at: _a, ...now } = r.swept;
      const { at: _b, ...then } = atCollection;
      if (JSON.stringify(now) !== JSON.stringify(then)) changed++;
    }
    // Time changed the answer: the catch-up was needed, not a copy of the stored document.
    expect(changed).toBeGreaterThan(0);
  });

  test('past pending, or before the snapshot time: declined, and the engine sweeps', async () => {
    for (const at of [pending as number, (pending as number) + 86_400_000, collectedAt - 1]) {
      const r = await both(at);
      expect(r.stored).toBeUndefined();
      expect(bytes(r.viaEngine)).toBe(bytes(r.swept));
    }
  });

  test.each([
    ['written before pending was stored', "DELETE FROM analysis WHERE key = 'pending'"],
    ['written before the writer was stored', "DELETE FROM analysis WHERE key = 'revenant'"],
    ['written by another version of revenant (other rules)', `UPDATE analysis SET value = '"0.0.0-other"' WHERE key = 'revenant'`],
  ])('a store %s: declined, and the engine sweeps', async (name, sql) => {
    const old = new Store(join(root, `old-${name.length}`));
    const oid = (await loadSnapshot(old, [col])).id;
    const check = new SnapshotDb(old.pathOf(oid));
    // As loaded, the stored document is served.
    expect(storedSweep(check, oid)).toBeDefined();
    check.close();
    const raw = new Database(old.pathOf(oid));
    expect(raw.prepare(sql).run().changes).toBe(1);
    raw.close();
    const db = new SnapshotDb(old.pathOf(oid));
    try {
      expect(storedSweep(db, oid)).toBeUndefined();
      const viaEngine = await new EmbeddedEngine(db, oid, { compactSweeps: true, storedSweeps: true }).whatIf({ all: true });
      const swept = await new EmbeddedEngine(db, oid, { compactSweeps: true }).whatIf({ all: true });
      expect(bytes(viaEngine)).toBe(bytes(swept));
    } finally {
      db.close();
    }
  }, 120_000);

  test('the CLI: JSON and CSV bytes as with REVENANT_RECOMPUTE=1, now and past a next instant', () => {
    const s = join(root, 'store');
    for (const extra of [[], ['--at', new Date(nexts[0]).toISOString()]]) {
      for (const format of ['json', 'csv']) {
        const args = ['residual', '--all', '--store', s, '--format', format, ...extra];
        const stored = cli(args);
        const swept = cli(args, { REVENANT_RECOMPUTE: '1' });
        expect(stored.status).toBe(0);
        expect(swept.status).toBe(0);
        expect(stored.stdout.length).toBeGreaterThan(100);
        expect(stored.stdout).toBe(swept.stdout);
      }
    }
  }, 120_000);
});
