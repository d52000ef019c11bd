/**
 * The identity of a collection line (a "record"): what makes two lines of one dataset the same
 * object, so that a later collection's line replaces an earlier one, a tombstone removes it, and
 * a snapshot can find the facts a line produced. Each source declares it per dataset
 * (`DatasetDef.record`, in ingest/<source>/records.ts) and this module reads the registry.
 */
import type { RecordSpec } from '../../src/model/source.js';
import { SOURCES } from '../sources.js';

export type { RecordSpec } from './recordSpec.js';
export { str, child, byId, pair } from './recordSpec.js';
type Raw = Record<string, unknown>;

/** The record spec of a dataset (undefined for a dataset the source does not have, or whose lines have no identity). */
export function recordSpec(source: string, dataset: string): RecordSpec | undefined {
  return SOURCES.get(source)?.datasets.find((d) => d.name === dataset)?.record;
}

/** Every dataset's record spec of a source. */
export function recordSpecs(source: string): Record<string, RecordSpec> {
  const out: Record<string, RecordSpec> = {};
  for (const d of SOURCES.get(source)?.datasets ?? []) if (d.record) out[d.name] = d.record;
  return out;
}

/** Whether a line is a tombstone (`"@removed"`, as Graph delta queries write a removed object). */
export function isTombstone(line: Raw): boolean {
  return line['@removed'] !== undefined && line['@removed'] !== null;
}

/**
 * The identity of a line a dataset declares no record for (GitHub's, Azure's): its content, so a
 * changed line is one removed and one added. Only the store's record index uses it (a delta
 * compares a folder read in full with its base line by line); the collection layer still treats
 * such lines as never replaced one by one.
 */
export const WHOLE_LINE: RecordSpec = { key: (l) => JSON.stringify(l) };

/** The identity the store's record index gives a dataset's lines: its record, else WHOLE_LINE. */
export function indexSpec(source: string, dataset: string): RecordSpec {
  return recordSpec(source, dataset) ?? WHOLE_LINE;
}

/** Every dataset a source loads, with the identity the store's record index gives its lines. */
export function indexSpecs(source: string): Record<string, RecordSpec> {
  const out: Record<string, RecordSpec> = {};
  for (const [dataset] of SOURCES.get(source)?.load ?? []) out[dataset] = indexSpec(source, dataset);
  return out;
}
