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
 */
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
