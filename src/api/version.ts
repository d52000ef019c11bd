/** The package version, read once from package.json (for OCSF `metadata.product.version` and the OpenAPI document). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // src/api (tests) and dist/src/api (built) sit at different depths below the package root.
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

export const API_VERSION = readVersion();
