/**
 * A small evaluator for the filter expressions the fakes must understand: OData `$filter` as Graph
 * documents it (`principalId eq 'x'`, `startswith(activityDisplayName,'Update application')`,
 * `targetResources/any(t:t/id eq 'x')`, `activityDateTime ge 2026-01-01T00:00:00Z`, and/or/not,
 * parentheses) and Okta's `search`/`filter` syntax (`status eq "ACTIVE" or profile.login eq "x"`,
 * `user.id eq "x"`, `eventType eq "…"`). Paths use `/` or `.`; strings use single or double quotes.
 * Comparison of strings is case-insensitive for `eq` (as both services do for these properties).
 */

type Raw = Record<string, unknown>;
export type Predicate = (o: Raw) => boolean;

interface Tok {
  t: 'id' | 'str' | 'num' | 'op' | '(' | ')' | ',' | ':' | 'lit';
  v: string;
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === ':') {
      out.push({ t: c, v: c });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let s = '';
      i++;
      while (i < src.length) {
        if (src[i] === c && src[i + 1] === c && c === "'") {
          s += c;
          i += 2;
          continue;
        }
        if (src[i] === '\\' && c === '"') {
          s += src[i + 1];
          i += 2;
          continue;
        }
        if (src[i] === c) break;
        s += src[i++];
      }
      i++;
      out.push({ t: 'str', v: s });
      continue;
    }
    const m = /^[A-Za-z0-9_@.$/\-:+#]+/.exec(src.slice(i));
    if (!m) throw new Error(`filter: unexpected character ${c} at ${i} in ${src}`);
    let word = m[0];
    // A path segment followed by ':' is a lambda variable (t:t/id) unless it looks like a date-time.
    if (word.includes(':') && !/^\d{4}-\d{2}-\d{2}T/.test(word)) word = word.slice(0, word.indexOf(':'));
    i += word.length;
    const lower = word.toLowerCase();
    if (['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'and', 'or', 'not', 'pr'].includes(lower)) out.push({ t: 'op', v: lower });
    else if (['true', 'false', 'null'].includes(lower)) out.push({ t: 'lit', v: lower });
    else if (/^-?\d+(\.\d+)?$/.test(word)) out.push({ t: 'num', v: word });
    else if (/^\d{4}-\d{2}-\d{2}T/.test(word)) out.push({ t: 'str', v: word });
    else out.push({ t: 'id', v: word });
  }
  return out;
}

function get(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const seg of path.split(/[/.]/)) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Raw)[seg];
  }
  return cur;
}

function cmp(a: unknown, op: string, b: unknown): boolean {
  if (op === 'pr') return a !== undefined && a !== null && a !== '';
  if (typeof a === 'string' && typeof b === 'string') {
    const da = /^\d{4}-\d{2}-\d{2}T/.test(a) ? Date.parse(a) : NaN;
    const db = /^\d{4}-\d{2}-\d{2}T/.test(b) ? Date.parse(b) : NaN;
    if (!Number.isNaN(da) && !Number.isNaN(db)) return cmpNum(da, op, db);
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    if (op === 'eq') return x === y;
    if (op === 'ne') return x !== y;
    if (op === 'sw') return x.startsWith(y);
    if (op === 'co') return x.includes(y);
    return cmpNum(x < y ? -1 : x > y ? 1 : 0, op, 0);
  }
  if (op === 'eq') return a === b || (a === undefined && b === null);
  if (op === 'ne') return a !== b;
  if (typeof a === 'number' && typeof b === 'number') return cmpNum(a, op, b);
  return false;
}

function cmpNum(a: number, op: string, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

/** Compile a filter expression into a predicate over raw objects. Throws on syntax errors. */
export function compileFilter(src: string): Predicate {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const expect = (t: Tok['t']) => {
    const k = next();
    if (!k || k.t !== t) throw new Error(`filter: expected ${t} in ${src}`);
    return k;
  };
  const value = (): unknown => {
    const k = next();
    if (!k) throw new Error(`filter: value expected in ${src}`);
    if (k.t === 'str') return k.v;
    if (k.t === 'num') return Number(k.v);
    if (k.t === 'lit') return k.v === 'true' ? true : k.v === 'false' ? false : null;
    throw new Error(`filter: value expected, got ${k.v} in ${src}`);
  };

  const or = (): Predicate => {
    let left = and();
    while (peek()?.t === 'op' && peek().v === 'or') {
      next();
      const l = left;
      const r = and();
      left = (o) => l(o) || r(o);
    }
    return left;
  };
  const and = (): Predicate => {
    let left = unary();
    while (peek()?.t === 'op' && peek().v === 'and') {
      next();
      const l = left;
      const r = unary();
      left = (o) => l(o) && r(o);
    }
    return left;
  };
  const unary = (): Predicate => {
    const k = peek();
    if (k?.t === 'op' && k.v === 'not') {
      next();
      const inner = unary();
      return (o) => !inner(o);
    }
    if (k?.t === '(') {
      next();
      const inner = or();
      expect(')');
      return inner;
    }
    return atom();
  };
  const atom = (): Predicate => {
    const id = expect('id').v;
    const lower = id.toLowerCase();
    if ((lower === 'startswith' || lower === 'endswith' || lower === 'contains') && peek()?.t === '(') {
      next();
      const path = expect('id').v;
      expect(',');
      const v = String(value()).toLowerCase();
      expect(')');
      return (o) => {
        const a = get(o, path);
        if (typeof a !== 'string') return false;
        const x = a.toLowerCase();
        return lower === 'startswith' ? x.startsWith(v) : lower === 'endswith' ? x.endsWith(v) : x.includes(v);
      };
    }
    if (/\/any$/i.test(id) && peek()?.t === '(') {
      const coll = id.slice(0, -4);
      next();
      const variable = expect('id').v;
      expect(':');
      // The lambda body refers to `variable/…`: evaluate it against each element wrapped as {variable: el}.
      const body = or();
      expect(')');
      return (o) => {
        const arr = get(o, coll);
        return Array.isArray(arr) && arr.some((el) => body({ [variable]: el }));
      };
    }
    const op = next();
    if (!op || op.t !== 'op') throw new Error(`filter: operator expected after ${id} in ${src}`);
    if (op.v === 'pr') return (o) => cmp(get(o, id), 'pr', null);
    const v = value();
    return (o) => cmp(get(o, id), op.v, v);
  };

  const pred = or();
  if (p !== toks.length) throw new Error(`filter: unexpected ${toks[p].v} in ${src}`);
  return pred;
}

/**
 * The string equalities (`path eq 'value'`) one of which every item matching `src` satisfies, when
 * the filter says so plainly: it is, or has as an operand of its top-level `and`, a disjunction of
 * string equalities on plain paths (`profile.login eq "x" or profile.email eq "x"`, or
 * `initiatedBy/user/id eq 'x' and (…)`), on `paths` when given. Null otherwise. The fakes' indexed lookups use it: the
 * items holding one of those values are the only candidates, and the whole filter still decides.
 * (A date-time value is never one: those compare as instants, not as text.)
 */
export function requiredEqTerms(src: string, paths?: readonly string[]): { path: string; value: string }[] | null {
  let toks: Tok[];
  try {
    toks = tokenize(src);
  } catch {
    return null;
  }
  // The operands of the top-level `and` (depth 0), each with its enclosing parentheses removed.
  const operands: Tok[][] = [];
  let depth = 0;
  let cur: Tok[] = [];
  for (const t of toks) {
    if (t.t === '(') depth++;
    if (t.t === ')') depth--;
    if (depth === 0 && t.t === 'op' && t.v === 'and') {
      operands.push(cur);
      cur = [];
    } else cur.push(t);
  }
  operands.push(cur);
  for (let op of operands) {
    while (op.length >= 2 && op[0].t === '(' && op.at(-1)!.t === ')' && closes(op)) op = op.slice(1, -1);
    const terms: { path: string; value: string }[] = [];
    let ok = op.length >= 3;
    for (let i = 0; ok && i < op.length; i += 4) {
      const [id, eq, v, or] = op.slice(i, i + 4);
      ok = id?.t === 'id' && !/\/any$/i.test(id.v) && eq?.t === 'op' && eq.v === 'eq' && v?.t === 'str' && !/^\d{4}-\d{2}-\d{2}T/.test(v.v) && (or === undefined || (or.t === 'op' && or.v === 'or'));
      if (ok) terms.push({ path: id.v, value: v.v.toLowerCase() });
    }
    if (ok && terms.length && (!paths || terms.every((t) => paths.includes(t.path)))) return terms;
  }
  return null;
}

/** Whether the first token's parenthesis is closed by the last token. */
function closes(toks: Tok[]): boolean {
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].t === '(') depth++;
    if (toks[i].t === ')') depth--;
    if (depth === 0 && i < toks.length - 1) return false;
  }
  return true;
}

/**
 * Items of lists by the (lower-cased) string at a path, for the fakes' indexed lookups: an index is
 * built on first use and again whenever its list's length changes, so it holds only while the
 * indexed values are not changed in place (a fake turns its indexed lookups on only then: the
 * events benchmark, whose events change statuses, never identity keys or memberships).
 */
export class EqIndex {
  private readonly lists = new WeakMap<Raw[], Map<string, { size: number; byValue: Map<string, number[]> }>>();

  /** Positions of the items whose value at `path` equals `value` (case-insensitive), ascending. */
  positions(items: Raw[], path: string, value: string): number[] {
    let paths = this.lists.get(items);
    if (!paths) this.lists.set(items, (paths = new Map()));
    let ix = paths.get(path);
    if (!ix || ix.size !== items.length) {
      const byValue = new Map<string, number[]>();
      items.forEach((o, i) => {
        const v = get(o, path);
        if (typeof v !== 'string') return;
        const k = v.toLowerCase();
        const at = byValue.get(k);
        if (at) at.push(i);
        else byValue.set(k, [i]);
      });
      paths.set(path, (ix = { size: items.length, byValue }));
    }
    return ix.byValue.get(value.toLowerCase()) ?? [];
  }

  /**
   * `items.filter(compileFilter(src))`, in the same order, looking at the candidates of the index
   * only when the filter requires equalities on `paths` (else every item). Throws as compileFilter.
   */
  filter(items: Raw[], src: string, paths: readonly string[]): Raw[] {
    const pred = compileFilter(src);
    const terms = requiredEqTerms(src, paths);
    if (!terms) return items.filter(pred);
    const at = new Set<number>();
    for (const t of terms) for (const i of this.positions(items, t.path, t.value)) at.add(i);
    return [...at].sort((a, b) => a - b).map((i) => items[i]).filter(pred);
  }
}
