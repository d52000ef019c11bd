/** Revenant's version, read once from package.json: for --version, the API's OpenAPI and OCSF metadata, and report appendices. */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // src/model (tests) and dist/src/model (built) sit at different depths below the package root.
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

export const VERSION = readVersion();
