/**
 * Opens a collection folder: finds its source folders (each must hold a valid manifest.json),
 * and reads any dataset of any source as a stream of validated lines, checking at the end that
 * the number of objects matches the manifest's count. Every refusal is an InputError naming the
 * file, line and field.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../../src/model/errors.js';
import type { SourceKind } from '../../src/model/schema.js';
import { datasetsOf, idFieldOf, isDataset } from './datasets.js';
import { SOURCES } from '../sources.js';
import { type DatasetLedger, type Manifest, lineOfDatasetField, parseManifest } from './manifest.js';
import { type JsonlLine, type JsonlStats, readJsonlBatches } from './readJsonl.js';
import { validateLine } from './validateLine.js';
import { isTombstone, recordSpec } from './records.js';

export interface SourceFolder {
  /** Absolute path of the source folder. */
  path: string;
  /** How messages and evidence name it: `entra`, or `<collection>/entra` relative to the cwd. */
  name: string;
  /** Folder name inside the collection (`entra`). */
  folder: string;
  manifest: Manifest;
  manifestText: string;
  source: SourceKind;
  sourceKey: string;
}

export interface Collection {
  root: string;
  sources: SourceFolder[];
}

export interface DatasetFile {
  source: SourceFolder;
  dataset: string;
  /** `entra/users.jsonl`: evidence and messages use this. */
  file: string;
  path: string;
  ledger: DatasetLedger;
  exists: boolean;
}

/** The ledger entry of a dataset; one absent from the manifest counts as missing. */
function ledgerOf(m: Manifest, dataset: string): DatasetLedger {
  return m.datasets[dataset] ?? { status: 'missing', reason: 'not in the manifest' };
}

function loadSource(path: string, folder: string, display: string): SourceFolder {
  const mpath = join(path, 'manifest.json');
  const mname = `${display}/manifest.json`;
  let text: string;
  try {
    text = readFileSync(mpath, 'utf8');
  } catch (e) {
    throw new InputError(`${mname}: cannot read (${(e as NodeJS.ErrnoException).code})`, { file: mname });
  }
  const manifest = parseManifest(text, mname);
  return {
    path,
    name: display,
    folder,
    manifest,
    manifestText: text,
    source: manifest.source,
    sourceKey: SOURCES.sourceKey(manifest.source, manifest.tenant),
  };
}

/**
 * Open `dir` as a collection. `dir` may also be one source folder (it holds manifest.json).
 * Folders without manifest.json are an error, never skipped; hidden folders are ignored.
 */
export function openCollection(dir: string): Collection {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new InputError(`${dir}: not a folder (expected a collection: one folder per source, each with manifest.json)`, {
      file: dir,
    });
  }
  if (existsSync(join(root, 'manifest.json'))) {
    const folder = basename(root);
    return { root: dirname(root), sources: [loadSource(root, folder, folder)] };
  }
  const sources: SourceFolder[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const p = join(root, entry.name);
    if (!existsSync(join(p, 'manifest.json'))) {
      throw new InputError(
        `${relative(process.cwd(), p) || p}: source folder without manifest.json (every folder of a collection is a source; remove it or add its manifest)`,
        { file: `${entry.name}/manifest.json` },
      );
    }
    sources.push(loadSource(p, entry.name, entry.name));
  }
  if (sources.length === 0) {
    const folders = SOURCES.kinds().map((k) => `${k}/`);
    throw new InputError(`${dir}: no source folders (expected ${folders.slice(0, -1).join(', ')} or ${folders.at(-1)} folders with manifest.json)`, { file: dir });
  }
  return { root, sources };
}

/** Whether a source folder is a delta collection (its manifest names the collection it extends). */
export function isDeltaFolder(src: SourceFolder): boolean {
  const d = (src.manifest as { delta?: { base?: unknown } }).delta;
  return !!d && typeof d === 'object' && !!d.base;
}

/** Every dataset of a source the format knows, present or not. */
export function datasetFiles(src: SourceFolder): DatasetFile[] {
  return datasetsOf(src.source).map((dataset) => {
    const path = join(src.path, `${dataset}.jsonl`);
    return {
      source: src,
      dataset,
      file: `${src.name}/${dataset}.jsonl`,
      path,
      ledger: ledgerOf(src.manifest, dataset),
      exists: existsSync(path),
    };
  });
}

/** `.jsonl` files in a source folder that the format does not know (reported, not read). */
export function unknownFiles(src: SourceFolder): string[] {
  return readdirSync(src.path)
    .filter((f) => f.endsWith('.jsonl') && !isDataset(src.source, f.slice(0, -6)))
    .map((f) => `${src.name}/${f}`);
}

export interface ValidLine {
  line: number;
  value: Record<string, unknown>;
  /** The line's text as read. */
  text: string;
  /** Its bytes as read (readJsonl's `lineText` of them is `text`). */
  bytes: Buffer;
}

/**
 * Stream the validated lines of one dataset. A listed dataset whose file is absent is read as
 * empty only when its count is 0; a missing dataset is not read. When the stream ends, the
 * object count is checked against the manifest, and `stats` is filled in.
 */
export async function* readDataset(df: DatasetFile, stats?: JsonlStats, skip?: (text: string) => boolean): AsyncGenerator<ValidLine> {
  for await (const batch of readDatasetBatches(df, stats, skip)) yield* batch;
}

/**
 * readDataset a chunk of lines at a time (readJsonlBatches): what a load iterates, one async step
 * per ~1 MiB instead of per line. A bad line ends the stream after the valid lines before it.
 */
export async function* readDatasetBatches(df: DatasetFile, stats?: JsonlStats, skip?: (text: string) => boolean): AsyncGenerator<ValidLine[]> {
  const { source: src, dataset, ledger } = df;
  if (ledger.status === 'missing') return;
  if (!df.exists) {
    if ((ledger.count ?? 0) === 0) return;
    throw new InputError(
      `${df.file}: file not found, but ${src.name}/manifest.json lists ${ledger.count} objects for ${dataset}`,
      { file: df.file, field: `datasets.${dataset}.count` },
    );
  }
  const st: JsonlStats = stats ?? { objects: 0, bytes: 0, sha256: '' };
  const idField = idFieldOf(src.source, dataset);
  const tombstones = isDeltaFolder(src);
  const check = ({ line, value, text, bytes }: JsonlLine): ValidLine => {
    if (tombstones && value && typeof value === 'object' && isTombstone(value as Record<string, unknown>)) {
      // A delta collection's removed object: it needs only what names it.
      if (!recordSpec(src.source, dataset)?.key(value as Record<string, unknown>)) {
        throw InputError.at(df.file, line, undefined, 'a removed object ("@removed") must carry the fields that name it (its id, and its parent\'s id for a wrapped line)');
      }
      return { line, value: value as Record<string, unknown>, text, bytes };
    }
    const bad = validateLine(src.source, dataset, value);
    if (bad) throw InputError.at(df.file, line, bad.field, bad.problem);
    const v = value as Record<string, unknown>;
    if (idField && typeof v[idField] === 'string' && (v[idField]).trim() === '') {
      throw InputError.at(df.file, line, idField, 'must not be empty');
    }
    return { line, value: v, text, bytes };
  };
  for await (const lines of readJsonlBatches(df.path, df.file, st, skip)) {
    const out: ValidLine[] = [];
    try {
      for (const l of lines) out.push(check(l));
    } catch (e) {
      // The valid lines before the bad one first, as a line-by-line reader would give them.
      if (out.length) yield out;
      throw e;
    }
    yield out;
  }
  if (ledger.count !== undefined && ledger.count !== null && st.objects !== ledger.count) {
    const mline = lineOfDatasetField(src.manifestText, dataset, 'count');
    throw InputError.at(
      `${src.name}/manifest.json`,
      mline,
      `datasets.${dataset}.count`,
      `is ${ledger.count} but ${df.file} holds ${st.objects} object${st.objects === 1 ? '' : 's'}`,
    );
  }
}
