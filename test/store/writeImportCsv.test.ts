/**
 * `neo4j import`'s CSV written with the nodes on a worker thread (writeImportCsvParallel, the
 * compiled importCsvWorker.js) is file for file the CSV written on one thread (writeImportCsv),
 * with the same counts and the same values left for Bolt; a worker that fails fails the write
 * with a message naming it. (test/neo4j/import.test.ts checks the imported database against the
 * online push.)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { hasStoredFindings, readStoredFindings } from '../../src/store/storedFindings.js';
import { writeImportCsv, writeImportCsvParallel } from '../../src/store/writeImportCsv.js';
import { cli } from '../support/cli.js';
import { ensureBuilt } from '../support/ensureBuilt.js';
import { ROOT } from '../support/scenarios.js';

/** Temporary folders of this file, removed when it ends. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const d = mkdtempSync(prefix);
  scratchDirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
});

const WORKER = join(ROOT, 'dist', 'src', 'store', 'importCsvWorker.js');
const FAILING = join(ROOT, 'test', 'fixtures', 'workers', 'failingImportWorker.mjs');

let storeDir: string;
const saved = process.env.REVENANT_IMPORT_WORKER;

beforeAll(() => {
  ensureBuilt();
  const work = scratch(join(tmpdir(), 'revenant-importcsv-'));
  const col = join(work, 'col');
  const synth = cli(['synth', '--users', '300', '--seed', '7', '--github', '--azure', '--out', col]);
  expect(synth.status, synth.stderr).toBe(0);
  storeDir = join(work, 'store');
  const load = cli(['load', col, '--store', storeDir]);
  expect(load.status, load.stderr).toBe(0);
}, 180_000);

afterEach(() => {
  if (saved === undefined) delete process.env.REVENANT_IMPORT_WORKER;
  else process.env.REVENANT_IMPORT_WORKER = saved;
});

function open(): { sdb: SnapshotDb; id: string } {
  const store = new Store(storeDir);
  const id = store.resolve(undefined);
  return { sdb: new SnapshotDb(store.pathOf(id)), id };
}

/** Every file of `dir` by name, with its text. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

describe('writeImportCsvParallel', () => {
  it('writes on a worker thread exactly the files, counts and fixups of the one-thread writer', async () => {
    const { sdb, id } = open();
    try {
      const one = scratch(join(tmpdir(), 'revenant-importcsv-one-'));
      const two = scratch(join(tmpdir(), 'revenant-importcsv-two-'));
      const a = writeImportCsv(sdb, id, 'revenant', one, hasStoredFindings(sdb.db) ? readStoredFindings(sdb) : null);
      process.env.REVENANT_IMPORT_WORKER = WORKER;
      const b = await writeImportCsvParallel(sdb, id, 'revenant', two);

      expect(b.counts).toEqual(a.counts);
      expect(a.counts.nodes).toBeGreaterThan(1000);
      expect(a.counts.edges).toBeGreaterThan(a.counts.nodes);
      expect(a.counts.findings).toBeGreaterThan(0);
      expect(b.fixups.nodes).toEqual(a.fixups.nodes);
      expect(b.fixups.findings).toEqual(a.fixups.findings);
      expect([...b.fixups.edges]).toEqual([...a.fixups.edges]);
      expect(b.nodes.map((n) => n.replaceAll(two, ''))).toEqual(a.nodes.map((n) => n.replaceAll(one, '')));
      expect(b.relationships.map((r) => r.replaceAll(two, ''))).toEqual(a.relationships.map((r) => r.replaceAll(one, '')));

      const fa = files(one);
      const fb = files(two);
      expect(Object.keys(fb)).toEqual(Object.keys(fa));
      expect(Object.keys(fa).some((f) => f.startsWith('rel-'))).toBe(true);
      for (const f of Object.keys(fa)) if (f !== 'snapshot.csv') expect(fb[f], f).toBe(fa[f]);
      // The snapshot record is written with the time of writing; its id and status are the same.
      expect(fb['snapshot.csv'].split(',').slice(0, 4)).toEqual(fa['snapshot.csv'].split(',').slice(0, 4));
    } finally {
      sdb.close();
    }
  }, 120_000);

  it('fails with a message naming the CSV worker when the worker fails', async () => {
    const { sdb, id } = open();
    try {
      process.env.REVENANT_IMPORT_WORKER = FAILING;
      await expect(writeImportCsvParallel(sdb, id, 'revenant', scratch(join(tmpdir(), 'revenant-importcsv-fail-')))).rejects.toThrow(
        /the CSV worker failed: injected import worker failure/,
      );
    } finally {
      sdb.close();
    }
  }, 120_000);
});
