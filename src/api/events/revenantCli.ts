/**
 * The revenant CLI entry point (bin/revenant.js) of this installation, for the server's background
 * child processes (compaction, time catch-up); null when it is not built. `spawnBackground` starts
 * one at the lowest CPU priority and keeps the tail of its stderr for the log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function revenantCli(): string | null {
  // src/api/events (tests) and dist/src/api/events (built) sit at different depths below the package root.
  for (const rel of ['../../../bin/revenant.js', '../../../../bin/revenant.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path) && existsSync(join(path, '..', '..', 'dist', 'src', 'cli', 'main.js'))) return path;
  }
  return null;
}

/** Run the CLI `cli` with `args` at the lowest CPU priority (refreshes and the server come first); `stderr()` is its last ~2-4 KB. */
export function spawnBackground(cli: string, args: string[]): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()).length > 4000 && (err = err.slice(-2000)));
  try {
    if (child.pid) setPriority(child.pid, 19);
  } catch {
    // not allowed here: it runs at the server's priority
  }
  return { child, stderr: () => err };
}
