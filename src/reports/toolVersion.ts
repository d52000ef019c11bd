/** The versions a report's method appendix names: revenant itself (package.json), Node, and the chart renderer. */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // src/reports (tests) and dist/src/reports (built) sit at different depths below the package root.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'revenant' && pkg.version) return pkg.version;
    } catch {
      // try the next depth
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = readVersion();
