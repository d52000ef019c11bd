/**
 * Helpers for the record identities each source declares per dataset (`DatasetDef.record`, the
 * RecordSpec of src/model/source.ts): readers of a line's string fields and of wrapped children.
 */
import type { RecordSpec } from '../../src/model/source.js';

export type { RecordSpec };
export type Raw = Record<string, unknown>;

export const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
export const child = (o: unknown, k: string): Raw => ((o && typeof o === 'object' ? (o as Raw)[k] : undefined) ?? {}) as Raw;
export const byId = (l: Raw): string | null => str(l.id);
export const pair = (a: string | null, b: string | null): string | null => (a && b ? `${a}|${b}` : null);

/** Dataset definitions with their record identities attached (a source's `datasets`). */
export function withRecords<D extends { name: string }>(datasets: readonly D[], records: Readonly<Record<string, RecordSpec>>): (D & { record?: RecordSpec })[] {
  return datasets.map((d) => (records[d.name] ? { ...d, record: records[d.name] } : d));
}
