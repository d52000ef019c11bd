/**
 * Request validation for every route, set once: JSON bodies are validated exactly as sent (no
 * type coercion: `"5"` is not a number, `true` is not `1`, `5` is not `"5"`), and query strings,
 * path parameters and headers — which are text by nature — are converted to the types their
 * schema declares by strict rules before validation, instead of ajv's lenient coercion (which
 * reads `Infinity`, `1e400`, `0x10`, `0b11`, ` 5` and `007` as numbers):
 * - an integer is `-?(0|[1-9][0-9]*)` and a safe integer; a number also takes a decimal fraction;
 *   anything else (`Infinity`, `NaN`, `1e400`, hex, empty, fractional for an integer) stays text
 *   and fails its `type` with a 400;
 * - a boolean is `true` or `false`;
 * - an array property takes a repeated parameter, or one value as a one-item array.
 * Numbers in JSON bodies are finite by construction except `1e400`-style overflow, which
 * `strictNumbers` refuses. Every numeric parameter of every route also has a `maximum` in its
 * schema, so no traversal or page can be asked for without a bound.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import '../types.js';

// ajv-formats is CommonJS; its module object is the plugin, and carries itself as `default`.
const addFormats = formats.default;

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

type JsonSchema = { type?: string | string[]; items?: JsonSchema; properties?: Record<string, JsonSchema>; enum?: unknown[] };

function types(s: JsonSchema | undefined): string[] {
  if (!s) return [];
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.enum) && s.enum.length && s.enum.every((v) => typeof v === 'number')) return ['number'];
  return [];
}

/** One text value as the scalar type its schema names, by the strict rules above; else unchanged. */
export function fromText(value: unknown, schema: JsonSchema | undefined): unknown {
  if (typeof value !== 'string') return value;
  const t = types(schema);
  if (t.includes('string')) return value;
  if (t.includes('integer') && INTEGER.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (t.includes('number') && NUMBER.test(value) && value.length <= 32) {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (t.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** A query string, path parameters or headers object, converted property by property. */
export function convertTextParts(data: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const props = schema.properties ?? {};
  for (const [name, s] of Object.entries(props)) {
    if (!Object.hasOwn(data, name)) continue;
    const v = data[name];
    if (types(s).includes('array')) {
      const list = Array.isArray(v) ? v : [v];
      data[name] = list.map((x) => fromText(x, s.items));
    } else {
      data[name] = fromText(v, s);
    }
  }
  return data;
}

const COMMON: AjvOptions = {
  coerceTypes: false,
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  strictNumbers: true,
  strict: false,
};

async function validation(fastify: FastifyInstance): Promise<void> {
  const body = new Ajv({ ...COMMON });
  const text = new Ajv({ ...COMMON });
  addFormats(body);
  addFormats(text);
  let shared = false;
  const withShared = () => {
    // Shared schemas (`Name#`) are added once, on the first compile, so routes may reference them.
    if (shared) return;
    shared = true;
    for (const s of Object.values(fastify.getSchemas()) as { $id?: string }[]) {
      if (s.$id && !body.getSchema(s.$id)) body.addSchema(s);
      if (s.$id && !text.getSchema(s.$id)) text.addSchema(s);
    }
  };
  fastify.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) => {
    withShared();
    if (httpPart === 'body') return body.compile(schema as object);
    const v: ValidateFunction = text.compile(schema as object);
    const js = schema as JsonSchema;
    const wrapped = (data: unknown) => {
      if (data && typeof data === 'object' && !Array.isArray(data)) convertTextParts(data as Record<string, unknown>, js);
      const ok = v(data);
      wrapped.errors = v.errors;
      return ok;
    };
    wrapped.errors = null as ValidateFunction['errors'];
    return wrapped;
  });
}

export default fp(validation, { name: 'revenant-validation', fastify: '5.x' });
