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
