/**
 * How the push sends a batch of one node kind: as columns, one joined string per property, that
 * the server splits — the way relationship batches go (neo4jPush `edgeStatements`). The driver
 * checks every value it sends against each of its structure types (about half its CPU time for a
 * push when every node was a map); a joined string is one value. A kind's columns and their types
 * are kept from batch to batch (a property first seen later adds a column), so the statement's
 * text, and so its plan, stays the same for most of a kind's batches.
 *
 * Columns: a string property is its values joined by SEP, a row without it holding ABSENT; a
 * number is its decimal text (the shortest that reads back as the same double, so exact), empty
 * when absent; a boolean is `t`, `f` or empty. What a column cannot carry goes in the row's map
 * of the rest (`$rest`, by row index), set after the columns: a value holding SEP or ABSENT, a
 * list, a value whose type is not its column's, -0, and a property whose key is not a plain
 * identifier (only identifier keys are written into the statement's text, and quoted).
 */
import type { PropValue } from './neo4jSchema.js';

/** The separator of a column's values, and a string column's "no value here" (control characters; a value holding either goes in the rest). */
export const SEP = '\u001f';
export const ABSENT = '\u001e';

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

type ColumnType = 's' | 'n' | 'b';

const typeOf = (v: PropValue): ColumnType | null => (typeof v === 'string' ? 's' : typeof v === 'number' ? 'n' : typeof v === 'boolean' ? 'b' : null);

/** One statement writing a batch of a node kind. */
export interface NodeStatement {
  query: string;
  params: Record<string, unknown>;
}

/** The columns of one node kind's batches; `statement` packs a batch (the query's `n` is the created node, returning `nids` and `els`). */
export class NodeColumns {
  private readonly columns = new Map<string, ColumnType>();

  /** `create`: the statement's head up to the created node, e.g. `CREATE (n:RevenantNode:EntraUser)`. */
  constructor(private readonly create: string) {}

  statement(rows: Record<string, PropValue>[], snapshot: string): NodeStatement {
    const rest: Record<string, Record<string, PropValue>> = {};
    const toRest = (i: number, k: string, v: PropValue) => ((rest[String(i)] ??= {})[k] = v);
    // A property seen for the first time takes a column of its first value's type.
    for (const row of rows) {
      for (const [k, v] of Object.entries(row)) {
        if (this.columns.has(k) || !IDENT.test(k)) continue;
        const t = typeOf(v);
        if (t) this.columns.set(k, t);
      }
    }
    const params: Record<string, unknown> = { snapshot, n: rows.length, sep: SEP, absent: ABSENT };
    const heads: string[] = [];
    const sets: string[] = [];
    let c = 0;
    for (const [k, t] of this.columns) {
      const values: string[] = new Array<string>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][k];
        if (v === undefined) values[i] = t === 's' ? ABSENT : '';
        else if (t === 's' && typeof v === 'string' && !v.includes(SEP) && !v.includes(ABSENT)) values[i] = v;
        else if (t === 'n' && typeof v === 'number' && !Object.is(v, -0)) values[i] = String(v);
        else if (t === 'b' && typeof v === 'boolean') values[i] = v ? 't' : 'f';
        else {
          values[i] = t === 's' ? ABSENT : '';
          toRest(i, k, v);
        }
      }
      const p = `c${c++}`;
      params[p] = values.join(SEP);
      heads.push(`split($${p}, $sep) AS ${p}`);
      const value = t === 's' ? `CASE ${p}[i] WHEN $absent THEN null ELSE ${p}[i] END` : t === 'n' ? `toFloat(${p}[i])` : `CASE ${p}[i] WHEN 't' THEN true WHEN 'f' THEN false END`;
      sets.push(`n.\`${k}\` = ${value}`);
    }
    // Keys that are not identifiers never become columns: they go in the rest as they are.
    rows.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) if (!this.columns.has(k)) toRest(i, k, v);
    });
    const hasRest = Object.keys(rest).length > 0;
    if (hasRest) params.rest = rest;
    const query =
      `WITH ${heads.length ? `${heads.join(', ')}` : '1 AS one'} UNWIND range(0, $n - 1) AS i ${this.create} ` +
      `SET n.snapshot = $snapshot${sets.length ? `, ${sets.join(', ')}` : ''}` +
      (hasRest ? ` WITH n, $rest[toString(i)] AS r SET n += coalesce(r, {})` : '') +
      ` RETURN collect(n.nid) AS nids, collect(elementId(n)) AS els`;
    return { query, params };
  }
}
