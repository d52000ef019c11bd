/**
 * Opening the folder a collector writes (`<collection>/entra`, `<collection>/okta`): refuses to
 * overwrite an existing collection unless asked (`force`), and for `resume` checks that the
 * folder holds the same source and tenant. Also the default collection folder name and the
 * helper that pipes a collector's AsyncIterable into its dataset. Provider-neutral.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/model/errors.js';
import type { CollectedSourceKind } from '../../src/model/schema.js';
import type { Manifest } from './manifest.js';
import { SOURCES } from '../sources.js';
import type { DatasetOutput } from './runDatasets.js';

/** `./collection-2026-11-01`: sources collected the same day land in one collection by default. */
export function defaultCollectionDir(now = new Date()): string {
  return `collection-${now.toISOString().slice(0, 10)}`;
}

export interface PrepareOptions {
  resume?: boolean;
  force?: boolean;
}

/**
 * The source folder `<out>/<source>`, ready for a SourceWriter. Throws InputError when it already
 * holds a collection and neither `resume` nor `force` is set, or when `resume` meets another
 * source or tenant.
 */
export function prepareSourceFolder(out: string, source: CollectedSourceKind, tenant: string, opts: PrepareOptions): string {
  const dir = checkSourceFolder(out, source, tenant, opts);
  if (opts.force && existsSync(dir)) {
    for (const f of readdirSync(dir)) if (f.endsWith('.jsonl') || f === 'manifest.json') rmSync(join(dir, f), { force: true });
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The checks of prepareSourceFolder without touching anything (to refuse before reading a tenant). */
export function checkSourceFolder(out: string, source: CollectedSourceKind, tenant: string, opts: PrepareOptions): string {
  const dir = resolve(out, source);
  const mpath = join(dir, 'manifest.json');
  if (existsSync(mpath)) {
    if (opts.resume) {
      let prev: Manifest;
      try {
        prev = JSON.parse(readFileSync(mpath, 'utf8')) as Manifest;
      } catch (e) {
        throw new InputError(`${mpath}: cannot resume: the manifest is not valid JSON (${(e as Error).message})`, { file: mpath });
      }
      if (prev.source !== source) throw new InputError(`${mpath}: cannot resume: it is a ${prev.source} collection, not ${source}`, { file: mpath });
      if (SOURCES.sourceKey(source, prev.tenant) !== SOURCES.sourceKey(source, tenant)) {
        throw new InputError(`${mpath}: cannot resume: it holds tenant ${prev.tenant}, not ${tenant}`, { file: mpath, field: 'tenant' });
      }
      return dir;
    }
    if (!opts.force) {
      throw new InputError(`${dir} already holds a ${source} collection; pass --resume to continue it or --force to replace it`, {
        file: mpath,
      });
    }
  }
  return dir;
}

/** Write every object of a collector's AsyncIterable into its dataset. */
export async function pipe(items: AsyncIterable<Record<string, unknown>>, out: DatasetOutput): Promise<void> {
  for await (const o of items) await out.write(o);
}
