/**
 * Suites that run the built CLI call `ensureBuilt()` first: when dist/ is older than the
 * sources (a developer running vitest directly after an edit) it rebuilds, once, under a lock
 * shared by parallel test workers. `npm test` builds before running, so this is usually a no-op.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './scenarios.js';

function newestMtime(dir: string): number {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The built files the suites run (the CLI entry, the collectors, the generator). */
const OUTPUTS = [join('src', 'cli', 'main.js'), join('ingest', 'entra', 'index.js'), join('ingest', 'synth', 'synthesize.js')].map((p) => join(ROOT, 'dist', p));

export function ensureBuilt(): void {
  const fresh = () => {
    const src = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'ingest')), newestMtime(join(ROOT, 'queries')));
    return OUTPUTS.every((o) => existsSync(o) && statSync(o).mtimeMs >= src);
  };
  if (fresh()) return;
  const lock = join(tmpdir(), 'revenant-test-build.lock');
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) throw new Error('ensureBuilt: build lock held for too long');
      execFileSync('sleep', ['0.5']);
    }
  }
  try {
    if (fresh()) return;
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
    } catch {
      // Type errors elsewhere in the tree still emit (noEmitOnError is off).
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
