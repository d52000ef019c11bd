/**
 * A full load's record index built on the worker thread (RecordIndexThread, the compiled
 * recordIndexWorker.js) is byte for byte the one built on the load's own thread; a worker that
 * fails fails the load with a message naming it, and the previous snapshot stays the latest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ValidLine } from '../../ingest/collection/openCollection.js';
import { readJsonlBatches } from '../../ingest/collection/readJsonl.js';
import { WHOLE_LINE, str } from '../../ingest/collection/records.js';
import type { RecordSpec } from '../../src/model/source.js';
import { CREATE_RECORD_TABLES, RecordFileBuilder, writeRecordFile } from '../../src/store/records/RecordIndex.js';
import { RecordIndexThread, type RecordLines, localRecordLines } from '../../src/store/records/RecordIndexThread.js';
import { workerExecArgv } from '../../src/store/workerThreads.js';
import { cli } from '../support/cli.js';
import { ensureBuilt } from '../support/ensureBuilt.js';
import { ROOT } from '../support/scenarios.js';
import { entraUser, writeTenant } from '../support/tenant.js';

const WORKER = pathToFileURL(join(ROOT, 'dist', 'src', 'store', 'records', 'recordIndexWorker.js'));
const FAILING = join(ROOT, 'test', 'fixtures', 'workers', 'failingRecordWorker.mjs');

/** Lines that take every path of the content hash and of line decoding, then enough to span several reads. */
function sample(): string {
  const head = [
    '\uFEFF{"id":"a","owner":"o1","parent":"p1","x":1}',
    '{"id":"\u00e9t\u00e9-\u4e2d","owner":null,"parent":"p1"}',
    '{"@odata.type":"#microsoft.graph.user","id":"b","member":{"@odata.type":"#y","id":"m"}}',
    '{"id":"c","member":{"@odata.type":"#y","id":"m"}}',
    '{"id":"d\\u00e9","v":"\\ud83d\\ude00","owner":"\\u006f1"}',
    '',
    '   ',
    '{"\\u0040odata.context":"https://graph/x","id":"e"}',
    '{"noId":true}',
  ];
  const body = Array.from({ length: 30000 }, (_, i) => `{"id":"id-${i}","owner":"o${i % 97}","parent":${i % 3 ? `"p${i % 11}"` : 'null'},"pad":"${'x'.repeat(i % 50)}"}`);
  // CRLF endings on some lines, LF on the others.
  return [...head, ...body].map((l, i) => l + (i % 5 === 0 ? '\r\n' : '\n')).join('');
}

const SPEC: RecordSpec = { key: (l) => str(l.id), owner: (l) => str(l.owner), parent: (l) => str(l.parent) };

/** Feed one file's lines to `lines` as a load does (touched nodes vary per line), batch by batch. */
async function feed(path: string, lines: RecordLines, spec: RecordSpec): Promise<void> {
  for await (const batch of readJsonlBatches(path, 'f.jsonl')) {
    for (const l of batch) {
      const touched = Array.from({ length: (l.line % 4) * 2 }, (_, i) => (i % 2 ? i : l.line * 7 + i));
      lines.add(spec, l as ValidLine, touched);
    }
    const behind = lines.batchEnd();
    if (behind) await behind;
  }
  lines.end();
}

function recordDb(): Database.Database {
  const db = new Database(':memory:');
  db.exec(CREATE_RECORD_TABLES);
  return db;
}

const rowsOf = (db: Database.Database) => db.prepare('SELECT * FROM record_files ORDER BY file').all();

describe('record index worker', () => {
  beforeAll(() => ensureBuilt());

  it('writes exactly the record files the load thread writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-recidx-'));
    const path = join(dir, 'f.jsonl');
    writeFileSync(path, sample());
    const files: [number, RecordSpec][] = [
      [3, SPEC],
      [4, WHOLE_LINE],
      [7, SPEC],
    ];

    const local = recordDb();
    for (const [file, spec] of files) await feed(path, localRecordLines(new RecordFileBuilder(file, 'src', `ds${file}`), (b) => b.write(local)), spec);

    const threaded = recordDb();
    const order: number[] = [];
    const thread = new RecordIndexThread(WORKER, (r) => {
      order.push(r.file);
      writeRecordFile(threaded, r);
    });
    try {
      for (const [file, spec] of files) await feed(path, thread.lines(file, 'src', `ds${file}`), spec);
      await thread.settle();
    } finally {
      thread.close();
    }

    expect(order).toEqual([3, 4, 7]);
    const a = rowsOf(local);
    expect(a).toHaveLength(3);
    expect((a[0] as { n: number }).n).toBe(30007);
    expect(rowsOf(threaded)).toEqual(a);
  });

  it('runs under a parent started with --input-type (node --input-type=module -e …), which a worker must not inherit, or with options a worker refuses (--max-old-space-size)', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'x', '--no-warnings'])).toEqual(['-e', 'x', '--no-warnings']);
    expect(workerExecArgv(['--input-type', 'module', '--max-old-space-size=4096'])).toEqual(['--max-old-space-size=4096']);
    const dist = pathToFileURL(join(ROOT, 'dist', 'src', 'store', 'records', 'RecordIndexThread.js')).href;
    const script = `
      import { RecordIndexThread } from '${dist}';
      let files = 0;
      const t = new RecordIndexThread(new URL('${WORKER.href}'), () => { files++; });
      const l = t.lines(1, 'src', 'ds');
      l.add({ key: (v) => v.id }, { line: 1, value: { id: 'a' }, text: '{"id":"a"}', bytes: Buffer.from('{"id":"a"}') }, []);
      const behind = l.batchEnd();
      if (behind) await behind;
      l.end();
      await t.settle();
      t.close();
      console.log('files ' + files);`;
    // Plain, and with options Node refuses in a worker's execArgv (a V8 one, a per-process one).
    for (const opts of [[], ['--max-old-space-size=3000', '--title=revenant-test']]) {
      const r = spawnSync(process.execPath, [...opts, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).not.toMatch(/record index worker failed|invalid execArgv/);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('files 1');
    }
  });

  it('a failing worker rejects with a message naming it', async () => {
    const thread = new RecordIndexThread(pathToFileURL(FAILING), () => {
      throw new Error('no file should come back');
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'revenant-recidx-'));
      const path = join(dir, 'f.jsonl');
      writeFileSync(path, '{"id":"a"}\n{"id":"b"}\n');
      await expect(feed(path, thread.lines(1, 'src', 'ds'), SPEC).then(() => thread.settle())).rejects.toThrow(/record index worker failed: injected worker failure/);
      // Once failed, it stays failed: the next batch throws at once.
      const next = thread.lines(2, 'src', 'ds');
      next.add(SPEC, { line: 1, value: { id: 'x' }, text: '{"id":"x"}', bytes: Buffer.from('{"id":"x"}') }, []);
      expect(() => next.batchEnd()).toThrow(/record index worker failed/);
    } finally {
      thread.close();
    }
  });

  it('a load whose worker fails exits non-zero and leaves the previous snapshot the latest', () => {
    const users = Array.from({ length: 50 }, (_, i) => entraUser(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, { accountEnabled: i % 3 !== 0 }));
    const col = writeTenant({ entra: { users } });
    const store = mkdtempSync(join(tmpdir(), 'revenant-recidx-store-'));
    const first = cli(['load', col, '--store', store]);
    expect(first.status, first.stderr).toBe(0);
    const firstId = first.stdout.trim();

    const failed = cli(['load', col, '--store', store], { REVENANT_RECORD_WORKER: FAILING });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/record index worker failed: injected worker failure/);
    expect(readdirSync(join(store, 'snapshots'))).toEqual([`${firstId}.sqlite`]);
    const latest = cli(['snapshots', '--store', store]);
    expect(latest.status, latest.stderr).toBe(0);
    expect(latest.stdout).toContain(firstId);

    // The same collection loaded with the worker and without it: the same record files.
    const other = mkdtempSync(join(tmpdir(), 'revenant-recidx-store-'));
    const single = cli(['load', col, '--store', other], { REVENANT_RECORD_WORKER: '0' });
    expect(single.status, single.stderr).toBe(0);
    const a = new Database(join(store, 'snapshots', `${firstId}.sqlite`), { readonly: true });
    const b = new Database(join(other, 'snapshots', `${single.stdout.trim()}.sqlite`), { readonly: true });
    try {
      expect(rowsOf(a).length).toBeGreaterThan(0);
      expect(rowsOf(a)).toEqual(rowsOf(b));
    } finally {
      a.close();
      b.close();
    }
  });
});
