/**
 * A source folder and the folders it extends: a delta collection's manifest names its base
 * (`delta.base.path`), which may be a delta too, down to a full collection. `chainOf` lists them
 * newest first; `currentLines` streams the lines of one dataset as they stand at the newest
 * folder — a later folder's line replaces an earlier one with the same key (records.ts), a
 * tombstone removes it, and a folder that read the dataset in full (`mode: "full"`, or a full
 * collection) ends the descent. Delta collectors use it to know the base's objects (to patch
 * partial objects, and to remove what was under a removed or re-read parent). Provider-neutral.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/model/errors.js';
import type { SourceKind } from '../../src/model/schema.js';
import type { Manifest } from './manifest.js';
import { readJsonl } from './readJsonl.js';
import { isTombstone, recordSpec } from './records.js';

type Raw = Record<string, unknown>;

export interface ChainFolder {
  dir: string;
  manifest: Manifest;
  /** The manifest's delta section, when the folder is a delta collection. */
  delta?: { base: { path: string; collectedAt?: string } };
}

export function readManifestOf(dir: string): Manifest {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) throw new InputError(`${dir}: not a source folder (no manifest.json)`, { file: p });
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Manifest;
  } catch (e) {
    throw new InputError(`${p}: invalid JSON (${(e as Error).message})`, { file: p });
  }
}

/** The folder and its bases, newest first. */
export function chainOf(dir: string, max = 1000): ChainFolder[] {
  const out: ChainFolder[] = [];
  let cur: string | undefined = resolve(dir);
  while (cur) {
    if (out.length >= max) throw new InputError(`${dir}: the chain of delta collections is longer than ${max} (or loops)`);
    const manifest = readManifestOf(cur);
    const delta = (manifest as { delta?: ChainFolder['delta'] }).delta;
    out.push({ dir: cur, manifest, delta: delta?.base?.path ? delta : undefined });
    cur = delta?.base?.path ? resolve(cur, delta.base.path) : undefined;
  }
  return out;
}

/**
 * The lines of a dataset as they stand at the newest folder of `chain`, filtered by `want`
 * (applied before anything is kept, so memory stays small for a selective filter).
 */
export async function* currentLines(chain: readonly ChainFolder[], source: SourceKind, dataset: string, want: (line: Raw) => boolean = () => true): AsyncGenerator<Raw> {
  const spec = recordSpec(source, dataset);
  if (!spec) return;
  const decided = new Set<string>();
  for (let i = 0; i < chain.length; i++) {
    const f = chain[i];
    const ledger = f.manifest.datasets[dataset];
    // A dataset read in full and completely at this folder holds everything; a partial full read keeps what it missed below.
    const last = !f.delta || ((ledger as { mode?: string } | undefined)?.mode === 'full' && ledger?.status === 'complete') || i === chain.length - 1;
    if (!ledger || ledger.status === 'missing') {
      if (last && !f.delta) return;
      continue;
    }
    const path = join(f.dir, `${dataset}.jsonl`);
    if (existsSync(path)) {
      for await (const { value } of readJsonl(path, `${dataset}.jsonl`)) {
        const line = value as Raw;
        const key = spec.key(line);
        if (!key) continue;
        if (decided.has(key)) continue;
        if (!last) decided.add(key);
        if (isTombstone(line)) continue;
        if (want(line)) yield line;
      }
    }
    if (last) return;
  }
}

/**
 * Tombstones for the current lines of a dataset whose owner (or parent) is one of `ids`, except
 * those whose key is in `keep` (lines read again): what a re-read of an owner's or a parent's
 * list no longer has. A tombstone is the removed line with `"@removed"` added.
 */
export async function* tombstonesOf(
  chain: readonly ChainFolder[],
  source: SourceKind,
  dataset: string,
  by: 'owner' | 'parent',
  ids: ReadonlySet<string>,
  keep: ReadonlySet<string> = new Set(),
): AsyncGenerator<Raw> {
  if (!ids.size) return;
  const spec = recordSpec(source, dataset);
  if (!spec) return;
  const of = by === 'owner' ? spec.owner : spec.parent;
  if (!of) return;
  for await (const line of currentLines(chain, source, dataset, (l) => ids.has(of(l) ?? ''))) {
    const k = spec.key(line);
    if (k && keep.has(k)) continue;
    yield { ...line, '@removed': { reason: 'deleted' } };
  }
}
