/**
 * Validates one parsed line of a dataset against its schema (Ajv, compiled lazily per dataset so
 * that commands which never read a collection pay nothing) and turns the first violation into
 * a message that names the field: `accountEnabled must be boolean`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { SourceKind } from '../../src/model/schema.js';
import { datasetDef } from './datasets.js';


const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO-8601 date or date-time that Date can read. */
export function isIsoDate(s: string): boolean {
  return ISO_DATE.test(s) && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(source: SourceKind, dataset: string): ValidateFunction | undefined {
  const k = `${source}/${dataset}`;
  const v = compiled.get(k);
  if (v) return v;
  const schema = datasetDef(source, dataset)?.schema;
  if (!schema) return undefined;
  if (!ajv) {
    ajv = new Ajv({ allErrors: false, strict: false });
    ajv.addFormat('iso-date', { type: 'string', validate: isIsoDate });
  }
  const fn = ajv.compile(schema);
  compiled.set(k, fn);
  return fn;
}

/** `/passwordCredentials/0/keyId` → `passwordCredentials[0].keyId` */
function fieldOf(err: ErrorObject): string {
  const parts = err.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (err.keyword === 'required') parts.push(String((err.params as { missingProperty: string }).missingProperty));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(line)';
}

function describe(err: ErrorObject): string {
  switch (err.keyword) {
    case 'required':
      return 'is required';
    case 'type': {
      const t = (err.params as { type: string | string[] }).type;
      const types = (Array.isArray(t) ? t : String(t).split(',')).filter((x) => x !== 'null');
      const nullable = (Array.isArray(t) ? t : String(t).split(',')).includes('null');
      return `must be ${types.join(' or ')}${nullable ? ' or null' : ''}`;
    }
    case 'format':
      return 'must be an ISO-8601 date or date-time';
    case 'enum':
      return `must be one of ${((err.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'anyOf':
      return 'must have at least one of the identifying fields';
    default:
      return err.message ?? 'is invalid';
  }
}

/**
 * Check a parsed line. Returns null when it is valid, else `{field, message}`.
 * An object that is not a JSON object at all is reported for the whole line.
 */
export function validateLine(
  source: SourceKind,
  dataset: string,
  value: unknown,
): { field: string; problem: string } | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { field: '(line)', problem: 'must be a JSON object' };
  }
  const v = validatorFor(source, dataset);
  if (!v || v(value)) return null;
  const errs = v.errors ?? [];
  // anyOf reports its branches first; the dataset names the useful message (HR: employeeId/email).
  const anyOfProblem = datasetDef(source, dataset)?.anyOfProblem;
  if (anyOfProblem && errs.some((e) => e.keyword === 'anyOf')) return anyOfProblem;
  const err = errs[0];
  return { field: fieldOf(err), problem: describe(err) };
}
