#!/usr/bin/env node
// Entry point of the `revenant` command: runs the compiled CLI (built by `npm ci` / `npm run build`):
// its bundle (dist/bundle/cli, scripts/build-cli.mjs: a few files instead of ~230 modules, so a
// command starts faster), else TypeScript's output as compiled (also with REVENANT_UNBUNDLED=1).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/bundle/cli/main.js', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const main = !process.env.REVENANT_UNBUNDLED && existsSync(fileURLToPath(bundle)) ? bundle : compiled;
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('revenant: the CLI is not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
