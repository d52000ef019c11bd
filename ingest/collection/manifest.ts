/**
 * `manifest.json`: what a source folder is (source kind, tenant, collection time) and its
 * completeness ledger (one entry per dataset: complete, partial or missing, with a count and a
 * reason). Parsing validates every field and names the line of the first bad one.
 */
import { InputError } from '../../src/model/errors.js';
import type { CollectedSourceKind, SourceKind } from '../../src/model/schema.js';
import { SOURCES } from '../sources.js';
import { FORMAT, isDataset } from './datasets.js';
import { isIsoDate } from './validateLine.js';

export type DatasetStatus = 'complete' | 'partial' | 'missing';
const DATASET_STATUSES: readonly DatasetStatus[] = ['complete', 'partial', 'missing'];

export interface DatasetLedger {
  status: DatasetStatus;
  /** Number of lines written. */
  count?: number;
  /** Why the dataset is not complete. */
  reason?: string;
  /** Collector statistics (optional): requests made, objects read, seconds taken. */
  requests?: number;
  objects?: number;
  seconds?: number;
  [extra: string]: unknown;
}

export interface Manifest<S extends CollectedSourceKind = SourceKind> {
  format: typeof FORMAT;
  source: S;
  tenant: string;
  collectedAt: string;
  datasets: Record<string, DatasetLedger>;
  [extra: string]: unknown;
}

/** What a collector writes: the same manifest, for any source a collector knows (sources not yet analysed included). */
export type WrittenManifest = Manifest<CollectedSourceKind>;

/** 1-based line of the first `"key"` at or after `from` in `text` (best effort, for messages). */
function lineOfKey(text: string, key: string, from = 0): number | undefined {
  const i = text.indexOf(JSON.stringify(key), from);
  if (i < 0) return undefined;
  let line = 1;
  for (let j = 0; j < i; j++) if (text.charCodeAt(j) === 10) line++;
  return line;
}

/** Line of `datasets.<name>.<field>` (or of the dataset entry when field is omitted). */
export function lineOfDatasetField(text: string, dataset: string, field?: string): number | undefined {
  const d = text.indexOf('"datasets"');
  if (d < 0) return undefined;
  const e = text.indexOf(JSON.stringify(dataset), d);
  if (e < 0) return undefined;
  return field ? (lineOfKey(text, field, e) ?? lineOfKey(text, dataset, d)) : lineOfKey(text, dataset, d);
}

export function parseManifest(text: string, file: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    let line: number | undefined;
    if (m) line = text.slice(0, Number(m[1])).split('\n').length;
    throw InputError.at(file, line, undefined, `invalid JSON (${(e as Error).message})`);
  }
  const bad = (field: string, what: string, key = field.split('.').pop()!) =>
    InputError.at(file, lineOfKey(text, key), field, what);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw InputError.at(file, 1, undefined, 'must be a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.format === undefined) throw InputError.at(file, 1, 'format', 'is required (expected "revenant-collection/1")');
  if (m.format !== FORMAT) {
    throw bad('format', `is ${JSON.stringify(m.format)}: this version of revenant reads only "${FORMAT}"`);
  }
  if (typeof m.source !== 'string' || !SOURCES.has(m.source)) {
    throw bad('source', `must be one of ${SOURCES.kinds().map((s) => `"${s}"`).join(', ')}`);
  }
  if (typeof m.tenant !== 'string' || m.tenant.trim() === '') throw bad('tenant', 'must be a non-empty string');
  if (typeof m.collectedAt !== 'string' || !isIsoDate(m.collectedAt)) {
    throw bad('collectedAt', 'must be an ISO-8601 date-time');
  }
  if (m.datasets === null || typeof m.datasets !== 'object' || Array.isArray(m.datasets)) {
    throw bad('datasets', 'must be an object (the completeness ledger)');
  }
  const source: SourceKind = m.source;
  for (const [name, entry] of Object.entries(m.datasets as Record<string, unknown>)) {
    const at = (field?: string) => lineOfDatasetField(text, name, field);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw InputError.at(file, at(), `datasets.${name}`, 'must be an object with a status');
    }
    const d = entry as Record<string, unknown>;
    if (!DATASET_STATUSES.includes(d.status as DatasetStatus)) {
      throw InputError.at(file, at('status'), `datasets.${name}.status`, 'must be "complete", "partial" or "missing"');
    }
    if (d.count !== undefined && d.count !== null && (!Number.isInteger(d.count) || (d.count as number) < 0)) {
      throw InputError.at(file, at('count'), `datasets.${name}.count`, 'must be a non-negative integer');
    }
    if (d.status !== 'missing' && (d.count === undefined || d.count === null)) {
      throw InputError.at(file, at('status'), `datasets.${name}.count`, `is required when the status is ${String(d.status)}`);
    }
    if (d.reason !== undefined && d.reason !== null && typeof d.reason !== 'string') {
      throw InputError.at(file, at('reason'), `datasets.${name}.reason`, 'must be a string');
    }
    if (!isDataset(source, name)) {
      // Tolerated (a newer collector may know more datasets), but never read.
      continue;
    }
  }
  return m as unknown as Manifest;
}
