/**
 * JSON text of a large document, in pieces: the same bytes as `JSON.stringify(value, null, indent)`
 * (indent 0: compact), produced one top-level property and one array element at a time, so a
 * document whose text would not fit in one JavaScript string (half a million findings: V8's
 * "Invalid string length") can still be written. Deeper levels are stringified whole (a finding,
 * a subject). Only plain data is expected (no toJSON, no cycles), as JSON.stringify would need too.
 */

function reindent(text: string, pad: string): string {
  // JSON.stringify escapes newlines inside strings, so every literal newline is layout.
  return pad ? text.replace(/\n/g, `\n${pad}`) : text;
}

function* arrayChunks(items: readonly unknown[], indent: number, depth: number): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  const inner = ' '.repeat(indent * (depth + 1));
  const outer = ' '.repeat(indent * depth);
  const nl = indent ? '\n' : '';
  yield `[${nl}`;
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    const text = v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : JSON.stringify(v, null, indent);
    yield `${inner}${reindent(text, inner)}${i < items.length - 1 ? ',' : ''}${nl}`;
  }
  yield `${outer}]`;
}

/** The JSON text of `value` in pieces whose concatenation equals JSON.stringify(value, null, indent). */
export function* jsonChunks(value: unknown, indent = 0): Generator<string> {
  if (Array.isArray(value)) {
    yield* arrayChunks(value, indent, 0);
    return;
  }
  if (value === null || typeof value !== 'object') {
    yield JSON.stringify(value, null, indent);
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  const pad = ' '.repeat(indent);
  const nl = indent ? '\n' : '';
  const colon = indent ? ': ' : ':';
  yield `{${nl}`;
  for (const [i, [k, v]] of entries.entries()) {
    yield `${pad}${JSON.stringify(k)}${colon}`;
    if (Array.isArray(v)) yield* arrayChunks(v, indent, 1);
    else yield reindent(JSON.stringify(v, null, indent), pad);
    yield `${i < entries.length - 1 ? ',' : ''}${nl}`;
  }
  yield '}';
}

/** The pieces followed by a newline (a document printed as a line of output). */
export function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield '\n';
}
