/**
 * The datasets of `revenant-collection/1`, per source kind, as the registered sources declare
 * them (ingest/<source>/datasets.ts, registered in ingest/sources.ts): names in format order,
 * the JSON Schema each line must satisfy and the field that holds a line's own id.
 */
import type { DatasetDef } from '../../src/model/source.js';
import { SOURCES } from '../sources.js';

export const FORMAT = 'revenant-collection/1';

/** The dataset names of a registered source, in format order (none for a source nobody registered). */
export function datasetsOf(source: string): readonly string[] {
  return SOURCES.get(source)?.datasets.map((d) => d.name) ?? [];
}

/** A dataset of a registered source, or undefined. */
export function datasetDef(source: string, name: string): DatasetDef | undefined {
  return SOURCES.get(source)?.datasets.find((d) => d.name === name);
}

export function isDataset(source: string, name: string): boolean {
  return datasetDef(source, name) !== undefined;
}

/** The field that holds a line's own id (`id` unless the dataset says otherwise; null: lines have none). */
export function idFieldOf(source: string, dataset: string): string | null {
  const d = datasetDef(source, dataset);
  return d?.idField === undefined ? 'id' : d.idField;
}
