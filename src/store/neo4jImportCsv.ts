/**
 * The CSV files `neo4j-admin database import full` reads (neo4jImport.ts): one `CsvTable` per node
 * label set or relationship type, a header file and a data file each (the header is written last,
 * once every property's column is known; rows written before a column existed are shorter, which
 * the import tool reads as "no value"). Every property has the type the online push gives it
 * (neo4jSchema.ts): strings, doubles (the push sends every number as a float), booleans and
 * string lists. A value the CSV cannot carry exactly — a string with a line break, a list that is
 * empty or has an element that is empty or holds the array delimiter, -0, a value whose type is not
 * its column's, a key that is not a plain identifier, or a very long value — is returned to the
 * caller, which sets it over Bolt once the database runs (as NodeColumns sends such values in its
 * `$rest`). Strings are always quoted (a quote doubled), so an empty string stays an empty string
 * and an absent value (an empty field) sets nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PropValue } from './neo4jSchema.js';

/** Between a list's elements (the tool's `--array-delimiter`); also between a `:LABEL` field's labels. */
export const ARRAY_DELIMITER = '\u001f';
/** The same, as the import tool's option spells it. */
export const ARRAY_DELIMITER_OPTION = 'U+001F';

export type ColumnType = 'string' | 'double' | 'boolean' | 'string[]';

/** Keys written into a header (anything else is set over Bolt). */
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Well below the import tool's 4 MiB read buffer, which must hold a whole field. */
const MAX_FIELD = 1 << 20;
const FLUSH_AT = 1 << 20;
const LINE_BREAK = /[\r\n]/;

const typeOf = (v: PropValue): ColumnType => (Array.isArray(v) ? 'string[]' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'double' : 'boolean');

const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** `v` as a field of a column of type `t`, or undefined when the CSV cannot carry it exactly. */
export function csvField(v: PropValue, t: ColumnType): string | undefined {
  switch (t) {
    case 'string':
      return typeof v === 'string' && v.length < MAX_FIELD && !LINE_BREAK.test(v) ? quote(v) : undefined;
    case 'double':
      // String(x) is the shortest text that reads back as the same double; -0 would read back as 0.
      return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0) ? String(v) : undefined;
    case 'boolean':
      return typeof v === 'boolean' ? String(v) : undefined;
    case 'string[]': {
      if (!Array.isArray(v) || v.length === 0) return undefined;
      let size = 0;
      for (const x of v) {
        if (x === '' || x.includes(ARRAY_DELIMITER) || LINE_BREAK.test(x)) return undefined;
        size += x.length + 1;
      }
      return size < MAX_FIELD ? quote(v.join(ARRAY_DELIMITER)) : undefined;
    }
  }
}

/** One group of the import: rows of one label set (nodes) or one relationship type. */
export class CsvTable {
  private readonly columns = new Map<string, { index: number; type: ColumnType }>();
  private readonly fd: number;
  private chunks: string[] = [];
  private pending = 0;
  rows = 0;

  /**
   * `group`: what the tool's option names before `=` (`RevenantNode:EntraUser`, `MEMBER_OF`);
   * `fixed`: the header of the leading columns (`:ID(N)`, or `:START_ID(N)`, `:END_ID(N)`);
   * `declared`: property columns known up front, in this order right after `fixed` (so that
   * `raw` can write a whole row of them without going through `row`).
   */
  constructor(
    private readonly dir: string,
    private readonly file: string,
    readonly group: string,
    private readonly fixed: string[],
    declared: [string, ColumnType][] = [],
  ) {
    for (const [k, type] of declared) this.columns.set(k, { index: fixed.length + this.columns.size, type });
    this.fd = fs.openSync(path.join(dir, `${file}.csv`), 'wx', 0o600);
  }

  /**
   * Write one row the caller built itself, `\n` included: the fixed fields, then the declared
   * columns in order, each as `csvField` would write it (the hot path for plain relationships).
   */
  raw(line: string): void {
    this.chunks.push(line);
    this.pending += line.length;
    this.rows++;
    if (this.pending >= FLUSH_AT) this.flush();
  }

  /**
   * Write one row: the fixed fields, then the properties. Returns the properties the CSV could not
   * carry (to be set over Bolt), or undefined when every one is written.
   */
  row(fixed: (string | number)[], props: Record<string, PropValue>): Record<string, PropValue> | undefined {
    const fields: string[] = fixed.map(String);
    let rest: Record<string, PropValue> | undefined;
    for (const [k, v] of Object.entries(props)) {
      let col = this.columns.get(k);
      if (!col && KEY.test(k)) {
        col = { index: this.fixed.length + this.columns.size, type: typeOf(v) };
        this.columns.set(k, col);
      }
      const f = col ? csvField(v, col.type) : undefined;
      if (f === undefined) {
        (rest ??= {})[k] = v;
        continue;
      }
      while (fields.length < col!.index) fields.push('');
      fields[col!.index] = f;
    }
    for (let i = 0; i < fields.length; i++) fields[i] ??= '';
    this.raw(`${fields.join(',')}\n`);
    return rest;
  }

  private flush(): void {
    if (!this.chunks.length) return;
    fs.writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.pending = 0;
  }

  /** Finish the data file and write the header; returns the tool's option value, `group=header,data`. */
  close(): string {
    this.flush();
    fs.closeSync(this.fd);
    const header = [...this.fixed, ...[...this.columns].sort((a, b) => a[1].index - b[1].index).map(([k, c]) => `${k}:${c.type}`)];
    const headerFile = path.join(this.dir, `${this.file}.header.csv`);
    fs.writeFileSync(headerFile, `${header.join(',')}\n`, { mode: 0o600, flag: 'wx' });
    return `${this.group}=${headerFile},${path.join(this.dir, `${this.file}.csv`)}`;
  }
}
