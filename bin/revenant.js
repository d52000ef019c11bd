#!/usr/bin/env node
// Entry point of the `revenant` command: runs the compiled CLI (built by `npm ci` / `npm run build`):
// for the one-subject questions, its code-cached script (bin/cliScript.js: V8 skips compiling what
// it compiled before); else its bundle (dist/bundle/cli, scripts/build-cli.mjs: a few files instead
// of ~230 modules, so a command starts faster); else TypeScript's output as compiled (also with
// REVENANT_UNBUNDLED=1). REVENANT_CODE_CACHE=off runs the bundle instead of the script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliScript, runCliScript } from './cliScript.js';

const bundle = new URL('../dist/bundle/cli/main.js', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const bundled = !process.env.REVENANT_UNBUNDLED && existsSync(fileURLToPath(bundle));
const command = process.argv[2];
const script = bundled && process.env.REVENANT_CODE_CACHE !== 'off' ? cliScript() : null;
if (script && (command === undefined || command.startsWith('-') || script.commands.includes(command))) {
  process.exitCode = await runCliScript(script, process.argv);
} else {
  const main = bundled ? bundle : compiled;
  if (!existsSync(fileURLToPath(main))) {
    process.stderr.write('revenant: the CLI is not built yet; run `npm run build` (npm ci does it for you)\n');
    process.exit(1);
  }
  const { run } = await import(main.href);
  process.exitCode = await run(process.argv);
}
