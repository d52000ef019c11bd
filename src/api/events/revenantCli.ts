/**
 * The revenant CLI entry point (bin/revenant.js) of this installation, for the server's background
 * child processes (compaction, time catch-up); null when it is not built.
 */
import { existsSync } from 'node:fs';
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
