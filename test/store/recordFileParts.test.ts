/**
 * A record file whose arrays are longer than one stored value may be (a 1M-user tenant's group
 * memberships: 1.15 GB of rows, over SQLite's 1e9-byte limit) is stored in parts and read back
 * whole: the same rows and lookups as one stored in one piece, a store from before parts still
 * reads, and a delta load over a base stored in parts gives a full load's document. Arrays are
 * stored deflated when that is shorter, raw otherwise, and a store from before the encoding (raw
 * arrays) reads the same.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { CREATE_RECORD_TABLES, PERM_SHAPE, R, ROWS_SHAPE, RecordFile, type RecordFileArrays, RecordFileBuilder, TLEN, TOFF, TOUCHED_SHAPE, decodeArray, encodeArray, writeRecordFile } from '../../src/store/records/RecordIndex.js';
import { Store } from '../../src/store/Store.js';
import { tempDir } from '../collect/helpers.js';
import { comparableDoc, storedDoc } from '../delta/storedDoc.js';

/** `n` (3,000) records with owners, parents, repeated keys and touched nodes of varying length, as a load stores them. */
function arrays(n = 3000): RecordFileArrays {
  const b = new RecordFileBuilder(1, 'src', 'ds');
  for (let i = 0; i < n; i++) {
    b.add({
      key: [i % 2900, 7],
      content: [i * 31, -i],
      owner: i % 4 ? [i % 13, 1] : [0, 0],
      parent: i % 3 ? [-(i % 5), 2] : [0, 0],
      line: i + 1,
      touched: Array.from({ length: (i % 3) * 2 }, (_, j) => i * 10 + j),
    });
  }
  const mem = new Database(':memory:');
  mem.exec(CREATE_RECORD_TABLES);
  b.write(mem);
  const r = mem.prepare('SELECT * FROM record_files').get() as Record<string, Buffer> & { n: number };
  mem.close();
  const rows = decodeArray(r.rows, ROWS_SHAPE, r.n * R * 4);
  const touched = rows[(r.n - 1) * R + TOFF] + rows[(r.n - 1) * R + TLEN];
  const perm = (b: Buffer) => decodeArray(b, PERM_SHAPE, r.n * 4);
  return { file: 1, sourceKey: 'src', dataset: 'ds', n: r.n, rows, byKey: perm(r.by_key), byOwner: perm(r.by_owner), byParent: perm(r.by_parent), touched: decodeArray(r.touched, TOUCHED_SHAPE, touched * 4) };
}

/** A store from before the encoding: every array as its raw bytes. */
function rawStore(a: RecordFileArrays): Database.Database {
  const db = new Database(':memory:');
  db.exec(CREATE_RECORD_TABLES);
  const raw = (x: Int32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  db.prepare('INSERT INTO record_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(a.file, a.sourceKey, a.dataset, a.n, raw(a.rows), raw(a.byKey), raw(a.byOwner), raw(a.byParent), raw(a.touched));
  return db;
}

/** Everything a reader asks of a record file. */
function answers(f: RecordFile): unknown {
  const out: unknown[] = [f.n, f.bytes];
  for (let row = 0; row < f.n; row++) {
    const r = f.ref(row);
    out.push(r.line, r.key, r.content, r.owner, r.parent, [...r.touched], f.byKeyHash(r.key), f.byOwnerHash(r.owner), f.byParentHash(r.parent), f.rowOfLine(r.line));
  }
  return out;
}

describe('record files stored in parts', () => {
  test('read back as the same rows and lookups as one stored whole; a store from before parts reads', () => {
    const whole = new Database(':memory:');
    whole.exec(CREATE_RECORD_TABLES);
    const a = arrays();
    writeRecordFile(whole, a);
    expect(whole.prepare('SELECT COUNT(*) AS n FROM record_file_parts').get()).toEqual({ n: 0 });
    const want = answers(RecordFile.read(whole, 1)!);

    const parted = new Database(':memory:');
    parted.exec(CREATE_RECORD_TABLES);
    // 37 bytes (every stored array is longer, deflated as it is): parts that end inside an int, as a
    // limit that is no multiple of 4 would cut them.
    writeRecordFile(parted, a, 37);
    const parts = parted.prepare('SELECT col, COUNT(*) AS n FROM record_file_parts GROUP BY col ORDER BY col').all() as { col: string; n: number }[];
    expect(parts.map((p) => p.col)).toEqual(['by_key', 'by_owner', 'by_parent', 'rows', 'touched']);
    expect(parts.find((p) => p.col === 'rows')!.n).toBe(Math.ceil(encodeArray(a.rows, ROWS_SHAPE).byteLength / 37));
    expect(answers(RecordFile.read(parted, 1)!)).toEqual(want);

    // Written again (a file id reused): the old parts go, whether the new one is parted or not.
    writeRecordFile(parted, a);
    expect(parted.prepare('SELECT COUNT(*) AS n FROM record_file_parts').get()).toEqual({ n: 0 });
    expect(answers(RecordFile.read(parted, 1)!)).toEqual(want);

    // A store written before parts existed has no such table.
    const old = new Database(':memory:');
    old.exec(CREATE_RECORD_TABLES.split('\n').filter((l) => !l.includes('record_file_parts')).join('\n'));
    for (const r of whole.prepare('SELECT * FROM record_files').all() as Record<string, unknown>[]) {
      old.prepare('INSERT INTO record_files VALUES (@file, @source_key, @dataset, @n, @rows, @by_key, @by_owner, @by_parent, @touched)').run(r);
    }
    expect(old.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'record_file_parts'").get()).toEqual({ n: 0 });
    expect(answers(RecordFile.read(old, 1)!)).toEqual(want);
    old.close();
    whole.close();
    parted.close();
  });

  test('arrays are stored deflated when shorter, raw when not; a store from before the encoding reads the same', () => {
    const a = arrays();
    const db = new Database(':memory:');
    db.exec(CREATE_RECORD_TABLES);
    writeRecordFile(db, a);
    const stored = db.prepare('SELECT rows, by_key, by_owner, by_parent, touched FROM record_files').get() as Record<string, Buffer>;
    // Lines, offsets and repeated owners deflate: well under the raw 44 bytes a row.
    expect(stored.rows.byteLength).toBeLessThan(a.rows.byteLength / 2);
    for (const [col, x] of [['by_key', a.byKey], ['by_owner', a.byOwner], ['by_parent', a.byParent], ['touched', a.touched]] as const) {
      expect(stored[col].byteLength, col).toBeLessThan(x.byteLength);
    }
    const want = answers(RecordFile.read(db, 1)!);
    const old = rawStore(a);
    expect(answers(RecordFile.read(old, 1)!)).toEqual(want);
    // Each stored array decodes to the array written.
    expect(decodeArray(stored.rows, ROWS_SHAPE, a.rows.byteLength)).toEqual(a.rows);
    expect(decodeArray(stored.touched, TOUCHED_SHAPE, a.touched.byteLength)).toEqual(a.touched);
    expect(decodeArray(stored.by_owner, PERM_SHAPE, a.byOwner.byteLength)).toEqual(a.byOwner);

    // Bytes that do not deflate (random hashes) are stored raw: exactly the raw length and bytes.
    let x = 12345;
    const random = Int32Array.from({ length: 16 }, () => (x = (Math.imul(x, 1103515245) + 12345) | 0));
    const enc = encodeArray(random, PERM_SHAPE);
    expect(enc.byteLength).toBe(64);
    expect(Buffer.from(enc)).toEqual(Buffer.from(random.buffer));
    expect(decodeArray(enc, PERM_SHAPE, 64)).toEqual(random);
    expect(() => decodeArray(encodeArray(a.rows, ROWS_SHAPE), ROWS_SHAPE, a.rows.byteLength - 4)).toThrow(/decodes to/);
    db.close();
    old.close();
  });

  // 3,000 rows: arrays inflated in place; 300: small ones (under half a Buffer pool), copied out of it.
  test.each([3000, 300])('a deflated array is read into a buffer of its own: transferable without disturbing the others (%i rows)', (n) => {
    const a = arrays(n);
    const db = new Database(':memory:');
    db.exec(CREATE_RECORD_TABLES);
    writeRecordFile(db, a);
    const want = answers(RecordFile.read(db, 1)!);
    const sent = RecordFile.read(db, 1)!.arrays;
    const buffers = [sent.rows, sent.byKey, sent.byOwner, sent.byParent, sent.touched].map((x) => x.buffer as ArrayBuffer);
    // One buffer each (none of them a slice of Node's shared Buffer pool), so the list transfers.
    expect(new Set(buffers).size).toBe(5);
    const got = structuredClone(sent, { transfer: buffers });
    expect(sent.rows.byteLength).toBe(0);
    expect(answers(RecordFile.fromArrays(got))).toEqual(want);
    // What was read before is not disturbed by what was read and transferred since.
    const kept = RecordFile.read(db, 1)!;
    structuredClone(RecordFile.read(db, 1)!.arrays.byKey, { transfer: [RecordFile.read(db, 1)!.arrays.byKey.buffer as ArrayBuffer] });
    expect(answers(kept)).toEqual(want);
    // A stored array that inflates to more than the row count says is an error, not a longer array.
    const rows = (db.prepare('SELECT rows FROM record_files').get() as { rows: Buffer }).rows;
    expect(() => decodeArray(rows, ROWS_SHAPE, a.rows.byteLength - R * 4 * 20)).toThrow(/decodes to/);
    db.close();
  });

  describe('a delta load over a base stored in parts', () => {
    const root = tempDir();
    const a = join(root, 'a');
    const b = join(root, 'b');
    beforeAll(async () => {
      await synthesize({ users: 300, seed: 9, out: a });
      cpSync(a, b, { recursive: true });
      // Two users' lines changed and a membership removed: the delta looks them up in the base's record index.
      const users = join(b, 'entra', 'users.jsonl');
      const lines = readFileSync(users, 'utf8').split('\n').filter(Boolean);
      for (const k of [0, 7]) {
        const u = JSON.parse(lines[k]) as Record<string, unknown>;
        u.accountEnabled = !u.accountEnabled;
        lines[k] = JSON.stringify(u);
      }
      writeFileSync(users, lines.join('\n') + '\n');
      const members = join(b, 'entra', 'groupMembers.jsonl');
      writeFileSync(members, readFileSync(members, 'utf8').split('\n').filter(Boolean).slice(1).join('\n') + '\n');
      const manifest = join(b, 'entra', 'manifest.json');
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as { datasets: Record<string, { count: number }> };
      m.datasets.groupMembers.count--;
      writeFileSync(manifest, JSON.stringify(m, null, 2));
    }, 300_000);
    afterEach(() => {
      delete process.env.REVENANT_RECORD_BLOB_MAX;
    });

    test('stores what a full load stores', async () => {
      const full = new Store(join(root, 'full'));
      await loadSnapshot(full, [a]);
      const fb = await loadSnapshot(full, [b]);
      const want = comparableDoc(storedDoc(full, fb.id));

      process.env.REVENANT_RECORD_BLOB_MAX = '4096';
      const store = new Store(join(root, 'parted'));
      const base = await loadSnapshot(store, [a]);
      const raw = new Database(store.pathOf(base.id), { readonly: true });
      const parts = raw.prepare('SELECT COUNT(DISTINCT file) AS n FROM record_file_parts').get() as { n: number };
      raw.close();
      expect(parts.n).toBeGreaterThan(0);
      const d = await loadDelta(store, [b]);
      expect(d.id).not.toBe(base.id);
      expect(comparableDoc(storedDoc(store, d.id))).toBe(want);
    }, 300_000);
  });
});
