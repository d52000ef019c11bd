#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/src/cli/main.js, TypeScript's output) into dist/bundle/cli
 * during `npm ci` / `npm run build`, the files bin/revenant.js runs. Node 20 resolves, reads,
 * compiles and links every ES module separately, and a one-subject query loads about 230 of
 * ours (issue 13: ≤ 300 ms including process start): esbuild joins them into a few files. Each
 * command's dynamic `import()`s stay separate chunks, so a command still loads only what it
 * runs. npm packages stay external (loaded from node_modules as before; better-sqlite3 is a
 * native module), except neo4j-driver: pure JavaScript, but about 370 CommonJS files with RxJS,
 * which cost a Neo4j query about 0.1 s to load one by one (bench/subject.mjs); bundled, it still
 * loads only on the Neo4j path; and commander, which every command loads (seven CommonJS files,
 * each resolved through node_modules on every start). Its `require` of Node's built-ins needs a `require` in ES
 * modules (the banner). The input is tsc's JavaScript, not the TypeScript, so the bundle has
 * exactly the compiled semantics. The bundle sits two folders below dist/, as dist/src/cli does, so
 * paths resolved from `import.meta.url` (package.json, dist/console, bin/) still resolve.
 * A full load's record index worker is a second entry (recordIndexWorker.js), `neo4j import`'s
 * CSV worker a third (importCsvWorker.js), the server's snapshot warm-up a fourth (warmWorker.js). meta.json records
 * which modules went into which file (test/cli/startup.test.ts reads it).
 *
 * The same CLI is also built as one CommonJS-shaped script (main.script.js, this file's
 * second build) that bin/revenant.js runs through `vm.Script` with a V8 code cache
 * (bin/cliScript.js): Node 20 has no compile cache for ES modules, and compiling the modules a
 * one-subject query loads was a quarter to a third of its CPU (issue 13, session 14). Only the commands in
 * SCRIPT_COMMANDS run that way; the build checks that none of them can reach a module with a
 * top-level await (CommonJS has none: those modules are stand-ins that throw in the script).
 * Finally the build runs the script once (`revenant residual --help`) so that dist/ ships with a
 * code cache for every command's start (a container's user may not write dist/).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
// A full load's record index worker (src/store/records/RecordIndexThread.ts starts it from the
// file beside its own module: in the bundle, this entry's output beside the chunks).
const WORKER = path.join(ROOT, 'dist', 'src', 'store', 'records', 'recordIndexWorker.js');
// `neo4j import`'s CSV worker (src/store/writeImportCsv.ts starts it likewise from beside its module).
const IMPORT_WORKER = path.join(ROOT, 'dist', 'src', 'store', 'importCsvWorker.js');
// The server's warm-up of a snapshot for refreshes (src/api/events/warmUp.ts starts it likewise).
const WARM_WORKER = path.join(ROOT, 'dist', 'src', 'api', 'events', 'warmWorker.js');
const OUT = path.join(ROOT, 'dist', 'bundle', 'cli');
const BUNDLED_PACKAGES = ['neo4j-driver', 'commander'];
/** The commands bin/revenant.js runs from the code-cached script (the one-subject questions of issue 13, and the help). */
const SCRIPT_COMMANDS = ['residual', 'paths', 'blast-radius', 'snapshots', 'diff'];
/** Modules with a top-level await (CommonJS cannot hold one): stand-ins in the script; no script command may reach them. */
const AWAITING = ['dist/src/remediate/remediationSources.js'];
/** Command → the module that registers it (src/cli/<camelCase>.ts). */
const registrar = (command) => `dist/src/cli/${command.replace(/-(.)/g, (_, c) => c.toUpperCase())}.js`;

/**
 * neo4j-driver's reactive API (`session.rxSession()`, unused by revenant) requires RxJS when the
 * driver loads: about 0.015 s of a one-subject query's CPU to evaluate. Every use of RxJS in the
 * driver is inside a function, none at load time, so the driver gets RxJS through a stand-in that
 * loads the real module on first use (never, for revenant).
 */
const lazyRxjs = {
  name: 'lazy-rxjs',
  setup(b) {
    b.onResolve({ filter: /^rxjs(\/operators)?$/ }, (a) =>
      /[\\/]node_modules[\\/]neo4j-driver[\\/]/.test(a.importer) ? { path: a.path, namespace: 'lazy-rxjs' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-rxjs' }, (a) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require(${JSON.stringify(a.path)}))[k] });`,
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const external = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies]
  .flatMap((d) => Object.keys(d ?? {}))
  .filter((name) => !BUNDLED_PACKAGES.includes(name));

if (!existsSync(ENTRY)) {
  process.stderr.write('build-cli: dist/src/cli/main.js is missing; run tsc first (npm run build does)\n');
  process.exit(1);
}
rmSync(OUT, { recursive: true, force: true });
const result = await build({
  entryPoints: [ENTRY, WORKER, IMPORT_WORKER, WARM_WORKER],
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  splitting: true,
  outdir: OUT,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  // Names of functions and classes stay as written (errors take their name from their class).
  keepNames: true,
  banner: { js: "import { createRequire as __revenantRequire } from 'node:module'; const require = __revenantRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
  plugins: [lazyRxjs],
});

// For each output file, the modules it holds (paths relative to the package root).
const files = {};
for (const [out, o] of Object.entries(result.metafile.outputs)) files[path.basename(out)] = Object.keys(o.inputs);
writeFileSync(path.join(OUT, 'meta.json'), `${JSON.stringify({ entry: 'main.js', files }, null, 1)}\n`);
const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
process.stdout.write(`build-cli: dist/bundle/cli: ${Object.keys(files).length} files, ${(bytes / 1024).toFixed(0)} KB\n`);

// ---------------------------------------------------------------- the code-cached script

/** The modules `from` can load, by any kind of import (the bundle's input graph). */
function reachable(inputs, from) {
  const seen = new Set([from]);
  for (const m of seen) for (const i of inputs[m]?.imports ?? []) if (!i.external) seen.add(i.path);
  return seen;
}
for (const command of SCRIPT_COMMANDS) {
  const reach = reachable(result.metafile.inputs, registrar(command));
  if (reach.size === 1) throw new Error(`build-cli: ${registrar(command)} (command ${command}) is not in the bundle`);
  const bad = AWAITING.filter((m) => reach.has(m));
  if (bad.length) throw new Error(`build-cli: the script command ${command} can reach ${bad.join(', ')} (top-level await): take it out of SCRIPT_COMMANDS`);
}

/** In the script, `import()` of a package or built-in goes through the ES module loader: bin/cliScript.js passes it in. */
const IMPORT_MARK = '__revenant_import__:';
const scriptPlugin = {
  name: 'cli-script',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) =>
      a.kind === 'dynamic-import' && (a.path.startsWith('node:') || external.some((e) => a.path === e || a.path.startsWith(`${e}/`)))
        ? { path: IMPORT_MARK + a.path, external: true }
        : undefined,
    );
    b.onLoad({ filter: /\.js$/ }, (a) =>
      AWAITING.includes(path.relative(ROOT, a.path).split(path.sep).join('/'))
        ? { contents: "throw new Error('revenant: internal: this command cannot run from the CLI script (a top-level await); run it with REVENANT_CODE_CACHE=off');", loader: 'js' }
        : undefined,
    );
  },
};
const script = await build({
  entryPoints: [ENTRY],
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  write: false,
  legalComments: 'none',
  keepNames: true,
  // No comments (they hold non-ASCII text, and the file is a third smaller).
  minifyWhitespace: true,
  charset: 'ascii',
  define: { 'import.meta.url': '__revenantMetaUrl' },
  // The stand-ins export nothing (the ES bundle's build reports real undefined imports).
  logOverride: { 'import-is-undefined': 'silent' },
  logLevel: 'warning',
  plugins: [lazyRxjs, scriptPlugin],
});
// esbuild escapes non-ASCII characters except in template and regular expression literals; there
// a \u escape means the same (no code of the script reads a template's raw text), and an ASCII
// file reads as a one-byte string: about 5 ms less per start than decoding UTF-8.
const body = script.outputFiles[0].text
  .replaceAll(`import("${IMPORT_MARK}`, '__revenantImport("')
  .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (body.includes(IMPORT_MARK)) throw new Error('build-cli: the CLI script still has an import() it cannot run');
// Node's own CommonJS wrapper, plus the loader for import() and what import.meta.url stood for.
const source = `(function (exports, require, module, __filename, __dirname, __revenantImport, __revenantMetaUrl) {${body}\n})`;
const ascii = !/[\u0080-\uffff]/.test(source);
writeFileSync(path.join(OUT, 'main.script.js'), source);
writeFileSync(
  path.join(OUT, 'main.script.json'),
  `${JSON.stringify({ sha256: createHash('sha256').update(source).digest('hex'), encoding: ascii ? 'latin1' : 'utf8', commands: SCRIPT_COMMANDS })}\n`,
);
// The code cache every start uses (bin/cliScript.js writes it; later runs add what their command compiles).
const warm = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'revenant.js'), 'residual', '--help'], { encoding: 'utf8', env: { ...process.env, REVENANT_CODE_CACHE: 'write' } });
if (warm.status !== 0) throw new Error(`build-cli: the CLI script does not run: ${warm.stderr}`);
process.stdout.write(`build-cli: dist/bundle/cli/main.script.js: ${(source.length / 1024).toFixed(0)} KB${ascii ? '' : ' (not ASCII)'}, code cache ${existsSync(path.join(OUT, 'main.script.cache')) ? 'written' : 'NOT written'}\n`);
