/**
 * `revenant collect hr`: a valid roster becomes `hr/people.jsonl` with its manifest; every bad row
 * is named with its line and column (exit 2), and a failed import leaves no folder behind.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { importRoster, parseRoster } from '../../ingest/hr/importRoster.js';
import { openCollection, datasetFiles, readDataset } from '../../ingest/collection/openCollection.js';
import { ensureBuilt, runCli, tempDir } from './helpers.js';

beforeAll(() => ensureBuilt(), 300_000);

const GOOD = `\uFEFFemployeeId,email,displayName,status,terminationDate\r
E6001,maria.silva@contoso.com,"Silva, Maria",terminated,2026-10-01\r
E6002,nora.berg@contoso.com,Nora Berg,Active,\r
,quinn.ray@contoso.com,Quinn Ray,terminated,\r
`;

test('a valid roster (BOM, CRLF, quotes, case) becomes people.jsonl the collection reader accepts', async () => {
  const out = tempDir();
  const csv = join(out, 'roster.csv');
  writeFileSync(csv, GOOD);
  const { dir, count } = await importRoster({ csv, out, system: 'workday' });
  expect(count).toBe(3);
  expect(readFileSync(join(dir, 'people.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
    { employeeId: 'E6001', email: 'maria.silva@contoso.com', displayName: 'Silva, Maria', status: 'terminated', terminationDate: '2026-10-01' },
    { employeeId: 'E6002', email: 'nora.berg@contoso.com', displayName: 'Nora Berg', status: 'active', terminationDate: null },
    { employeeId: null, email: 'quinn.ray@contoso.com', displayName: 'Quinn Ray', status: 'terminated', terminationDate: null },
  ]);
  const c = openCollection(out);
  expect(c.sources[0].manifest).toMatchObject({ source: 'hr', tenant: 'workday', datasets: { people: { status: 'complete', count: 3 } } });
  for (const df of datasetFiles(c.sources[0])) for await (const _ of readDataset(df)) void _;
});

test('every bad row is named with its line and column, in one InputError', () => {
  const bad = [
    'employeeId,email,displayName,status,terminationDate',
    'E1,a@x.com,A,active,',
    'E2,not-a-mail,B,gone,2026-13-45',
    ',,C,active,',
    'E1,c@x.com,D,terminated,yesterday',
    'E5,e@x.com,E,active',
  ].join('\n');
  let err: unknown;
  try {
    parseRoster(bad, 'roster.csv');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  const msg = (err as Error).message;
  expect(msg).toMatch(/^roster\.csv: 7 bad rows:/);
  expect(msg).toContain('roster.csv:3: email (column 2) is not a mail address: "not-a-mail"');
  expect(msg).toContain('roster.csv:3: status (column 4) must be "active" or "terminated" (got "gone")');
  expect(msg).toContain('roster.csv:3: terminationDate (column 5) must be an ISO-8601 date');
  expect(msg).toContain('roster.csv:4: employeeId (column 1) is empty: a row needs an employeeId or an email');
  expect(msg).toContain('roster.csv:5: employeeId (column 1) "E1" is already used on line 2');
  expect(msg).toContain('roster.csv:5: terminationDate (column 5) must be an ISO-8601 date such as 2026-09-01 (got "yesterday")');
  expect(msg).toContain('roster.csv:6: has 4 fields, the header has 5');
  expect((err as InputError).line).toBe(3);
});

test('a header with an unknown column, or without status, is refused', () => {
  expect(() => parseRoster('employeeId,mail,status\nE1,a@x.com,active\n', 'r.csv')).toThrow(/r\.csv:1: column 2 "mail" is not a roster column/);
  expect(() => parseRoster('employeeId,email\nE1,a@x.com\n', 'r.csv')).toThrow(/no status column/);
  expect(() => parseRoster('employeeId,status\n"E1,active\n', 'r.csv')).toThrow(/r\.csv:2: is not valid CSV/);
});

test('CLI: bad input exits 2 and leaves no folder; an existing hr/ needs --force', async () => {
  const out = tempDir();
  const csv = join(out, '..', `bad-${process.pid}.csv`);
  writeFileSync(csv, 'employeeId,email,displayName,status,terminationDate\nE1,a@x.com,A,fired,\n');
  const bad = await runCli(['collect', 'hr', '--csv', csv, '--out', out]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/:2: status \(column 4\) must be "active" or "terminated"/);
  expect(readdirSync(out)).toEqual([]);
  const good = join(out, '..', `good-${process.pid}.csv`);
  writeFileSync(good, GOOD);
  expect((await runCli(['collect', 'hr', '--csv', good, '--out', out])).code).toBe(0);
  const again = await runCli(['collect', 'hr', '--csv', good, '--out', out]);
  expect(again.code, again.stderr).toBe(2);
  expect(again.stderr).toMatch(/already exists; pass --force/);
  expect((await runCli(['collect', 'hr', '--csv', good, '--out', out, '--force'])).code).toBe(0);
  expect(readdirSync(out)).toEqual(['hr']);
  expect(existsSync(join(out, 'hr', 'manifest.json'))).toBe(true);
}, 60_000);
