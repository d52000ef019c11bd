/** Edits of a collection folder the delta suites make between loads: a dataset's lines read, and rewritten with its manifest count. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Raw = Record<string, unknown>;

/** The objects of a JSONL file. */
export function lines(path: string): Raw[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Raw);
}

/** Rewrite `<dir>/<source>/<dataset>.jsonl` with `f` of its objects, and its count in the source's manifest. */
export function rewrite(dir: string, source: string, dataset: string, f: (rows: Raw[]) => Raw[]): void {
  const path = join(dir, source, `${dataset}.jsonl`);
  const rows = f(lines(path));
  writeFileSync(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const mpath = join(dir, source, 'manifest.json');
  const m = JSON.parse(readFileSync(mpath, 'utf8')) as { datasets: Record<string, { count?: number }> };
  m.datasets[dataset].count = rows.length;
  writeFileSync(mpath, JSON.stringify(m, null, 2));
}
