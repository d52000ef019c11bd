/**
 * Reads collections and writes them as one snapshot file: every dataset of every source through
 * the transform its source registers (objects before relationships), then the derived facts. Input is validated line
 * by line as it streams; the first bad line aborts the whole load with an InputError naming the
 * file, line and field, and nothing is left behind (the caller only renames a finished file).
 * A load whose estimated memory exceeds the budget (memoryBudget.ts) is refused before reading.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { type Collection, type SourceFolder, datasetFiles, isDeltaFolder, openCollection, readDatasetBatches, unknownFiles } from '../../ingest/collection/openCollection.js';
import type { JsonlStats } from '../../ingest/collection/readJsonl.js';
import { SOURCES } from '../../ingest/sources.js';
import { InputError } from '../model/errors.js';
import type { SourceKind } from '../model/schema.js';
import { deriveGraph } from './deriveGraph.js';
import { checkLoadMemory } from './memoryBudget.js';
import { SnapshotWriter } from './SnapshotWriter.js';
import { indexSpec } from '../../ingest/collection/records.js';

export interface LoadProgress {
  file: string;
  lines: number;
  /** Total objects the manifest announces for this file (for a progress bar). */
  expected: number | null;
  done: boolean;
}

export interface LoadSummary {
  collections: string[];
  sources: { sourceKey: string; source: SourceKind; tenant: string; folder: string; collectedAt: string }[];
  nodes: number;
  edges: number;
  objects: number;
  persons: number;
  correlationLinks: number;
  warnings: string[];
  collectedAt: string;
}

/** Open and check every collection before writing anything. */
export function openCollections(dirs: string[]): Collection[] {
  if (dirs.length === 0) throw new InputError('no collection given (expected one or more collection folders)');
  const cols = dirs.map((d) => openCollection(d));
  const seen = new Map<string, string>();
  for (const c of cols) {
    for (const s of c.sources) {
      const prev = seen.get(s.sourceKey);
      if (prev) {
        throw new InputError(
          `${s.name}/manifest.json: source ${s.sourceKey} is also in ${prev}; load one collection per tenant, org and HR system`,
          { file: `${s.name}/manifest.json`, field: 'tenant' },
        );
      }
      seen.set(s.sourceKey, `${s.path}`);
    }
  }
  return cols;
}

export async function writeSnapshot(
  dirs: string[],
  writer: SnapshotWriter,
  onProgress?: (p: LoadProgress) => void,
): Promise<LoadSummary> {
  const cols = openCollections(dirs);
  // Before any work: a load that would not fit the memory budget fails now, not in an OOM kill.
  checkLoadMemory(cols);
  const warnings: string[] = [];
  let objects = 0;
  const sources: LoadSummary['sources'] = [];
  const prefixed = cols.length > 1;
  for (const col of cols) {
    for (const src of col.sources) {
      if (prefixed) src.name = `${basename(col.root)}/${src.folder}`;
      objects += await loadSource(writer, src, warnings, onProgress);
      sources.push({ sourceKey: src.sourceKey, source: src.source, tenant: src.manifest.tenant, folder: src.path, collectedAt: src.manifest.collectedAt });
    }
  }
  // The record index of the last files may still be on the worker thread.
  await writer.settleRecords();
  const derived = deriveGraph(
    writer,
    sources.map((s) => ({ source: s.source, tenant: s.tenant, sourceKey: s.sourceKey })),
  );
  const collectedAt = sources.map((s) => new Date(s.collectedAt).toISOString()).sort().at(-1)!;
  return {
    collections: cols.map((c) => c.root),
    sources,
    nodes: writer.nodes,
    edges: writer.edges,
    objects,
    persons: derived.persons,
    correlationLinks: derived.links,
    warnings,
    collectedAt,
  };
}

async function loadSource(writer: SnapshotWriter, src: SourceFolder, warnings: string[], onProgress?: (p: LoadProgress) => void): Promise<number> {
  if (isDeltaFolder(src)) {
    const base = (src.manifest as { delta?: { base?: { path?: string } } }).delta?.base?.path;
    throw new InputError(
      `${src.name}/manifest.json: a delta collection (changes since ${base ?? 'its base'}) is loaded on the snapshot of its base: \`revenant load\` does so when that snapshot is in the store (--base-snapshot ID to name it)`,
      { file: `${src.name}/manifest.json`, field: 'delta' },
    );
  }
  const idx = writer.addSource({
    source: src.source,
    tenant: src.manifest.tenant,
    sourceKey: src.sourceKey,
    folder: src.folder,
    path: src.path,
    collectedAt: src.manifest.collectedAt,
    manifest: JSON.stringify(src.manifest),
  });
  const manifestIdx = writer.addFile(idx, `${src.name}/manifest.json`);
  writer.fileStats(manifestIdx, 1, Buffer.byteLength(src.manifestText), createHash('sha256').update(src.manifestText).digest('hex'));
  for (const f of unknownFiles(src)) warnings.push(`${f}: not a dataset of the ${src.source} format; not read`);
  const files = new Map(datasetFiles(src).map((df) => [df.dataset, df]));
  const touched: number[] = [];
  const emit = writer.emitter(src.sourceKey, touched);
  let objects = 0;
  for (const [dataset, transform] of SOURCES.of(src.source).load) {
    const df = files.get(dataset)!;
    if (df.ledger.status === 'missing') {
      if (df.exists && !(dataset in src.manifest.datasets)) {
        warnings.push(`${df.file}: present but not in the manifest, so it counts as missing; not read`);
      }
      continue;
    }
    const fileIdx = writer.addFile(idx, df.file);
    const stats: JsonlStats = { objects: 0, bytes: 0, sha256: '' };
    let lines = 0;
    const expected = df.ledger.count ?? null;
    const records = writer.recordFile(fileIdx, src.sourceKey, dataset);
    const spec = indexSpec(src.source, dataset);
    // A chunk of lines per async step (readDatasetBatches): per line, the async iteration cost as much as parsing.
    for await (const batch of readDatasetBatches(df, stats)) {
      for (const l of batch) {
        writer.at(fileIdx, l.line);
        touched.length = 0;
        transform(l.value, emit);
        records.add(spec, l, touched);
        if ((++lines & 0x3fff) === 0) onProgress?.({ file: df.file, lines, expected, done: false });
      }
      const behind = records.batchEnd();
      if (behind) await behind;
    }
    writer.endRecordFile(records);
    onProgress?.({ file: df.file, lines, expected, done: true });
    writer.fileStats(fileIdx, stats.objects, stats.bytes, stats.sha256);
    objects += stats.objects;
  }
  return objects;
}
