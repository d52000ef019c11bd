/**
 * JSON text of a large document, in pieces: the same bytes as `JSON.stringify(value, null, indent)`
 * (indent 0: compact), produced one property and one array element at a time, so a document
 * whose text would not fit in one JavaScript string (half a million findings: V8's "Invalid
 * string length") can still be written. Objects and arrays are taken apart down to `depth`
 * levels (default 2: the document and the lists in it); deeper values are stringified whole (a
 * finding, a subject). A list can also be given lazily (`JsonArray`), so a list of derived items
 * (OCSF events of half a million findings) is never held whole. Only plain data is expected (no
 * toJSON other than JsonArray's, no cycles), as JSON.stringify would need too.
 */

/** An array produced on demand: jsonChunks takes one item at a time; JSON.stringify sees the whole array (toJSON). */
export class JsonArray<T> {
  constructor(private readonly items: () => Iterable<T>) {}
  [Symbol.iterator](): Iterator<T> {
    return this.items()[Symbol.iterator]();
  }
  toJSON(): T[] {
    return [...this];
  }
}

function reindent(text: string, pad: string): string {
  // JSON.stringify escapes newlines inside strings, so every literal newline is layout.
  return pad ? text.replace(/\n/g, `\n${pad}`) : text;
}

/** What JSON.stringify writes for an array element that has no JSON form. */
const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

function* valueChunks(value: unknown, indent: number, level: number, depth: number): Generator<string> {
  const pad = ' '.repeat(indent * level);
  const isList = Array.isArray(value) || value instanceof JsonArray;
  if (level >= depth || value === null || typeof value !== 'object' || (!isList && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)) {
    yield reindent(JSON.stringify(value, null, indent), pad);
    return;
  }
  const inner = ' '.repeat(indent * (level + 1));
  const nl = indent ? '\n' : '';
  if (isList) {
    let first = true;
    for (const v of value as Iterable<unknown>) {
      yield `${first ? '[' : ','}${nl}${inner}`;
      first = false;
      if (skipped(v)) yield 'null';
      else yield* valueChunks(v, indent, level + 1, depth);
    }
    yield first ? '[]' : `${nl}${pad}]`;
    return;
  }
  const colon = indent ? ': ' : ':';
  let first = true;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (skipped(v)) continue;
    yield `${first ? '{' : ','}${nl}${inner}${JSON.stringify(k)}${colon}`;
    first = false;
    yield* valueChunks(v, indent, level + 1, depth);
  }
  yield first ? '{}' : `${nl}${pad}}`;
}

/**
 * The JSON text of `value` in pieces whose concatenation equals JSON.stringify(value, null,
 * indent); objects and arrays down to `depth` levels are taken apart (see the file comment).
 */
export function* jsonChunks(value: unknown, indent = 0, depth = 2): Generator<string> {
  yield* valueChunks(value, indent, 0, depth);
}

/** The pieces followed by a newline (a document printed as a line of output). */
export function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield '\n';
}
