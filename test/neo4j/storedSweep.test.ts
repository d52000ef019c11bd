/**
 * `residual --all` on Neo4j from the findings the push stored (queries/storedSweep.cypher.ts), on
 * the real test Neo4j: byte for byte what the Neo4j sweep and the embedded engine give, at the
 * snapshot's time and later before any analysis unit's next instant; past a next instant or
 * `pending`, before the snapshot's time, on a snapshot pushed without the sweep facts (an older
 * revenant) or whose analysis another version wrote, it declines and the engine sweeps. The CLI's
 * JSON and CSV bytes match REVENANT_RECOMPUTE=1's. Everything lives in a store of its own
 * (REVENANT_NEO4J_STORE).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { EmbeddedEngine, Neo4jEngine } from '../../queries/QueryEngine.js';
import type { FindingsDoc } from '../../queries/residual.js';
import { storedSweepNeo4j } from '../../queries/storedSweep.cypher.js';
import { jsonChunks, withNewline } from '../../src/output/jsonChunks.js';
import { residualCsvChunks } from '../../src/reports/csv.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import type { SweepFacts } from '../../src/store/neo4jSweepFacts.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { storedInstants } from '../delta/storedDoc.js';
import { tempDir } from '../collect/helpers.js';
import { cli } from '../support/cli.js';
import { neo4jUri, openTestDriver, pushSnapshot } from '../support/neo4j.js';

/** The bytes `residual --all` writes as JSON and as CSV for a document. */
const bytes = (doc: FindingsDoc) => [...withNewline(jsonChunks(doc, 2))].join('') + [...residualCsvChunks(doc.findings)].join('');

const STORE = `test-stored-sweep-${randomUUID()}`;

describe('residual --all on Neo4j from the stored findings', () => {
  const root = tempDir('revenant-neo4j-stored-sweep-');
  const col = join(root, 'collection');
  const storeDir = join(root, 'store');
  let driver: Driver;
  let neo: Neo4jStore;
  let id = '';
  let collectedAt = 0;
  let pending: number | null | undefined;
  let nexts: number[] = [];

  beforeAll(async () => {
    driver = openTestDriver();
    neo = new Neo4jStore(driver, neo4jUri(), undefined, STORE);
    await synthesize({ users: 400, seed: 5, out: col });
    id = (await loadSnapshot(new Store(storeDir), [col])).id;
    ({ collectedAt, pending, nexts } = storedInstants(new Store(storeDir), id));
    await pushSnapshot(neo, storeDir, id);
  }, 300_000);

  afterAll(async () => {
    await neo?.remove(id).catch(() => undefined);
    await driver?.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: STORE });
    await driver?.close();
  });

  /** The stored answer (undefined: declined), the engine's with stored sweeps, the Neo4j sweep's and the embedded sweep's, at `at`. */
  async function all(at: number | undefined) {
    const snap = await neo.open(id);
    const stored = await storedSweepNeo4j(snap, at);
    const viaEngine = await new Neo4jEngine(snap, { storedSweeps: true }).whatIf({ all: true, at });
    const swept = await new Neo4jEngine(snap).whatIf({ all: true, at });
    const db = new SnapshotDb(new Store(storeDir).pathOf(id));
    try {
      const embedded = await new EmbeddedEngine(db, id, { compactSweeps: true }).whatIf({ all: true, at });
      return { stored, viaEngine, swept, embedded };
    } finally {
      db.close();
    }
  }

  const setFacts = async (sweep: string | null) => {
    await driver.executeQuery('MATCH (s:RevenantSnapshot {id: $id}) SET s.sweep = $sweep', { id, sweep });
  };
  const readFacts = async () => String((await driver.executeQuery('MATCH (s:RevenantSnapshot {id: $id}) RETURN s.sweep AS sweep', { id })).records[0].get('sweep'));

  test('the push copies the sweep facts: pending, this revenant, the earliest next instant', async () => {
    expect(typeof pending).toBe('number');
    expect(nexts.length).toBeGreaterThan(0);
    expect(nexts[0]).toBeGreaterThan(collectedAt);
    expect(nexts[0]).toBeLessThan(pending as number);
    const facts = JSON.parse(await readFacts()) as SweepFacts;
    expect(facts.pending).toBe(pending);
    expect(facts.next).toBe(nexts[0]);
    expect(typeof facts.revenant).toBe('string');
  });

  test('at the snapshot time: the stored document, identical to both sweeps', async () => {
    const r = await all(undefined);
    expect(r.stored).toBeDefined();
    expect(r.swept.findings.length).toBeGreaterThan(0);
    expect(bytes(r.stored!)).toBe(bytes(r.swept));
    expect(bytes(r.viaEngine)).toBe(bytes(r.swept));
    expect(bytes(r.embedded)).toBe(bytes(r.swept));
  }, 120_000);

  test('later, before any next instant: the stored document at that time', async () => {
    const at = collectedAt + Math.floor((nexts[0] - collectedAt) / 2);
    const r = await all(at);
    expect(r.stored).toBeDefined();
    expect(r.stored!.at).toBe(new Date(at).toISOString());
    expect(bytes(r.stored!)).toBe(bytes(r.swept));
    expect(bytes(r.embedded)).toBe(bytes(r.swept));
  }, 120_000);

  test('at a next instant, past pending, or before the snapshot time: declined, and the engine sweeps', async () => {
    for (const at of [nexts[0], pending as number, collectedAt - 1]) {
      const r = await all(at);
      expect(r.stored).toBeUndefined();
      expect(bytes(r.viaEngine)).toBe(bytes(r.swept));
      expect(bytes(r.embedded)).toBe(bytes(r.swept));
    }
  }, 300_000);

  test.each([
    ['pushed by a revenant that copied no sweep facts', () => null],
    ['pushed from a store without pending', (f: SweepFacts) => JSON.stringify({ ...f, pending: undefined })],
    ['whose analysis another version of revenant wrote (other rules)', (f: SweepFacts) => JSON.stringify({ ...f, revenant: '0.0.0-other' })],
    ['whose analysis an unknown revenant wrote', (f: SweepFacts) => JSON.stringify({ ...f, revenant: null })],
  ])('a snapshot %s: declined, and the engine sweeps', async (_name, facts) => {
    const was = await readFacts();
    const snap = await neo.open(id);
    expect(await storedSweepNeo4j(snap)).toBeDefined();
    await setFacts(facts(JSON.parse(was) as SweepFacts));
    try {
      expect(await storedSweepNeo4j(snap)).toBeUndefined();
      const viaEngine = await new Neo4jEngine(snap, { storedSweeps: true }).whatIf({ all: true });
      const swept = await new Neo4jEngine(snap).whatIf({ all: true });
      expect(bytes(viaEngine)).toBe(bytes(swept));
    } finally {
      await setFacts(was);
    }
  }, 120_000);

  test('a later time with no units stored: declined (only an analysis knows what time changed)', async () => {
    const was = await readFacts();
    const { next: _n, ...noUnits } = JSON.parse(was) as SweepFacts;
    await setFacts(JSON.stringify(noUnits));
    try {
      const snap = await neo.open(id);
      expect(await storedSweepNeo4j(snap)).toBeDefined();
      expect(await storedSweepNeo4j(snap, collectedAt + 1)).toBeUndefined();
    } finally {
      await setFacts(was);
    }
  });

  test('the CLI: JSON and CSV bytes as with REVENANT_RECOMPUTE=1 and as the embedded store, now and past a next instant', () => {
    const env = { NEO4J_URI: '', REVENANT_NEO4J_STORE: STORE };
    for (const extra of [[], ['--at', new Date(nexts[0]).toISOString()]]) {
      for (const format of ['json', 'csv']) {
        const args = ['residual', '--all', '--format', format, ...extra];
        const stored = cli([...args, '--neo4j', neo4jUri(), '--snapshot', id], env);
        const swept = cli([...args, '--neo4j', neo4jUri(), '--snapshot', id], { ...env, REVENANT_RECOMPUTE: '1' });
        const embedded = cli([...args, '--store', storeDir], env);
        expect(stored.status, stored.stderr).toBe(0);
        expect(swept.status, swept.stderr).toBe(0);
        expect(stored.stdout.length).toBeGreaterThan(100);
        expect(stored.stdout).toBe(swept.stdout);
        expect(stored.stdout).toBe(embedded.stdout);
      }
    }
  }, 300_000);
});
