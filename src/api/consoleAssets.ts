/**
 * The analyst console's built files (src/console, bundled by scripts/build-console.mjs during
 * `npm ci` into dist/console): the page shell `index.html`, hashed assets under `assets/` (each
 * with .gz and .br beside it) and `manifest.json` naming the entry script and stylesheet. Read
 * once at start; a server whose package was installed without the console build says so instead
 * of serving a broken page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleAssets {
  /** The folder holding index.html, manifest.json and assets/. */
  dir: string;
  assetsDir: string;
  indexHtml: string;
  manifest: { js: string; css: string; bytes: { js: number; css: number; jsGzip: number; cssGzip: number } };
}

/** dist/console of this package (this file is dist/src/api/consoleAssets.js once built; src/api/consoleAssets.ts under the tests). */
export function consoleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = resolve(here, '..', '..', 'console');
  return existsSync(join(built, 'manifest.json')) ? built : resolve(here, '..', '..', 'dist', 'console');
}

export function loadConsoleAssets(dir = consoleDir()): ConsoleAssets | null {
  const index = join(dir, 'index.html');
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(index) || !existsSync(manifest)) return null;
  return {
    dir,
    assetsDir: join(dir, 'assets'),
    indexHtml: readFileSync(index, 'utf8'),
    manifest: JSON.parse(readFileSync(manifest, 'utf8')) as ConsoleAssets['manifest'],
  };
}
