/**
 * `revenant collect hr`: imports an HR roster CSV (columns employeeId, email, displayName, status,
 * terminationDate) into `<collection>/hr/people.jsonl` and its manifest. The whole file is
 * validated first and every bad row is reported with its line and column (one InputError naming
 * them all); only a valid roster is written, into a hidden temporary folder that is renamed into
 * place, so a failed import never leaves a half-written `hr/` folder.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../src/model/errors.js';
import { SourceWriter } from '../collection/SourceWriter.js';

const ROSTER_COLUMNS = ['employeeId', 'email', 'displayName', 'status', 'terminationDate'] as const;
type Column = (typeof ROSTER_COLUMNS)[number];

export interface Person {
  employeeId: string | null;
  email: string | null;
  displayName: string | null;
  status: 'active' | 'terminated';
  terminationDate: string | null;
}

export interface ImportRosterOptions {
  /** The CSV file. */
  csv: string;
  /** Collection folder; the roster goes to `<out>/hr`. */
  out: string;
  /** HR system name recorded as the manifest's tenant (default `hr`). */
  system?: string;
  /** Replace an existing `<out>/hr`. */
  force?: boolean;
  collectedAt?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_REPORTED = 50;

/** Validate a roster; returns the people, or throws one InputError naming every bad row. */
export function parseRoster(text: string, file: string): Person[] {
  let rows: { info: { lines: number }; record: string[] }[];
  try {
    rows = parse(text, { info: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof rows;
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    throw InputError.at(file, err.lines, undefined, `is not valid CSV: ${String(err.message ?? e)}`);
  }
  if (!rows.length) throw InputError.at(file, 1, undefined, `is empty (expected a header: ${ROSTER_COLUMNS.join(',')})`);
  const [header, ...records] = rows;
  const headerLine = header.info.lines;
  const problems: string[] = [];
  const index = new Map<Column, number>();
  header.record.forEach((name, i) => {
    const col = ROSTER_COLUMNS.find((c) => c.toLowerCase() === name.trim().toLowerCase());
    if (!col) problems.push(`${file}:${headerLine}: column ${i + 1} "${name}" is not a roster column (expected ${ROSTER_COLUMNS.join(', ')})`);
    else if (index.has(col)) problems.push(`${file}:${headerLine}: column ${i + 1} "${name}" appears twice`);
    else index.set(col, i);
  });
  if (!index.has('status')) problems.push(`${file}:${headerLine}: the header has no status column`);
  if (!index.has('employeeId') && !index.has('email')) problems.push(`${file}:${headerLine}: the header needs an employeeId or an email column`);
  if (problems.length) throw new InputError(problems.join('\n'), { file, line: headerLine });

  const people: Person[] = [];
  const seenIds = new Map<string, number>();
  for (const { info, record } of records) {
    const line = info.lines;
    const at = (col: Column, what: string) => problems.push(`${file}:${line}: ${col} (column ${(index.get(col) ?? 0) + 1}) ${what}`);
    if (record.length !== header.record.length) {
      problems.push(`${file}:${line}: has ${record.length} fields, the header has ${header.record.length}`);
      continue;
    }
    const get = (col: Column): string | null => {
      const i = index.get(col);
      const v = i === undefined ? '' : (record[i] ?? '').trim();
      return v === '' ? null : v;
    };
    const employeeId = get('employeeId');
    const email = get('email');
    const status = get('status')?.toLowerCase();
    const terminationDate = get('terminationDate');
    const before = problems.length;
    if (!employeeId && !email) at(index.has('employeeId') ? 'employeeId' : 'email', 'is empty: a row needs an employeeId or an email');
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) at('email', `is not a mail address: ${JSON.stringify(email)}`);
    if (status !== 'active' && status !== 'terminated') at('status', `must be "active" or "terminated" (got ${JSON.stringify(get('status') ?? '')})`);
    if (terminationDate && (!DATE.test(terminationDate) || Number.isNaN(Date.parse(terminationDate)))) {
      at('terminationDate', `must be an ISO-8601 date such as 2026-09-01 (got ${JSON.stringify(terminationDate)})`);
    }
    if (employeeId) {
      const prev = seenIds.get(employeeId.toLowerCase());
      if (prev !== undefined) at('employeeId', `${JSON.stringify(employeeId)} is already used on line ${prev}`);
      else seenIds.set(employeeId.toLowerCase(), line);
    }
    if (problems.length > before) continue;
    people.push({ employeeId, email, displayName: get('displayName'), status: status as Person['status'], terminationDate });
  }
  if (problems.length) {
    const shown = problems.slice(0, MAX_REPORTED);
    const more = problems.length > MAX_REPORTED ? `\n… and ${problems.length - MAX_REPORTED} more problems` : '';
    const first = /:(\d+):/.exec(problems[0]);
    throw new InputError(`${file}: ${problems.length} bad row${problems.length === 1 ? '' : 's'}:\n${shown.join('\n')}${more}`, {
      file,
      line: first ? Number(first[1]) : undefined,
    });
  }
  return people;
}

export async function importRoster(opts: ImportRosterOptions): Promise<{ dir: string; count: number }> {
  let text: string;
  try {
    text = readFileSync(opts.csv, 'utf8');
  } catch (e) {
    throw new InputError(`${opts.csv}: cannot read (${String((e as NodeJS.ErrnoException).code ?? e)})`, { file: opts.csv });
  }
  const people = parseRoster(text, opts.csv);
  const out = resolve(opts.out);
  const dir = join(out, 'hr');
  if (existsSync(dir) && !opts.force) {
    throw new InputError(`${dir} already exists; pass --force to replace it`, { file: dir });
  }
  const tmp = join(out, `.hr-${process.pid}-${Date.now()}.tmp`);
  try {
    const writer = new SourceWriter(tmp, {
      source: 'hr',
      tenant: opts.system?.trim() || 'hr',
      collectedAt: opts.collectedAt,
      extra: { collector: 'revenant-collect-hr/1', file: basename(opts.csv) },
    });
    const w = writer.dataset('people');
    for (const p of people) await w.write(p);
    await writer.finish('people', 'complete', { objects: people.length });
    if (existsSync(dir)) {
      const old = join(out, `.hr-old-${process.pid}-${Date.now()}`);
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, count: people.length };
}
