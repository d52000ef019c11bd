#!/usr/bin/env node
/**
 * Builds the analyst console (src/console) into dist/console during `npm ci` / `npm run build`:
 * esbuild bundles src/console/main.tsx (Preact) and its stylesheet into content-hashed files
 * under assets/, with the graph explorer (Cytoscape.js + dagre) split into chunks loaded only
 * when that view opens, so the first view loads a small script; each file gets a gzip and a
 * brotli copy for the server to send when the browser accepts them. index.html (the page shell:
 * no inline script or style, so the server's strict CSP holds) and manifest.json (entry names,
 * sizes) name them. Fails if the gzipped bundle (every file) grows past the 400 KB budget.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src', 'console');
const OUT = path.join(ROOT, 'dist', 'console');
const BUDGET_GZIP = 400 * 1024;

const result = await build({
  entryPoints: [path.join(SRC, 'main.tsx'), path.join(SRC, 'styles.css')],
  absWorkingDir: ROOT,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  write: false,
  splitting: true,
  outdir: path.join(OUT, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

rmSync(OUT, { recursive: true, force: true });
mkdirSync(path.join(OUT, 'assets'), { recursive: true });
const manifest = { js: '', css: '', bytes: { js: 0, css: 0, jsGzip: 0, cssGzip: 0, allGzip: 0 }, files: {} };
for (const f of result.outputFiles) {
  const name = path.basename(f.path);
  writeFileSync(f.path, f.contents);
  const gz = gzipSync(f.contents, { level: 9 });
  writeFileSync(`${f.path}.gz`, gz);
  writeFileSync(`${f.path}.br`, brotliCompressSync(f.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  manifest.files[name] = { bytes: f.contents.byteLength, gzip: gz.byteLength };
  manifest.bytes.allGzip += gz.byteLength;
  const entry = result.metafile.outputs[path.relative(ROOT, f.path)]?.entryPoint ?? '';
  if (entry.endsWith('main.tsx')) {
    manifest.js = name;
    manifest.bytes.js = f.contents.byteLength;
    manifest.bytes.jsGzip = gz.byteLength;
  } else if (entry.endsWith('styles.css')) {
    manifest.css = name;
    manifest.bytes.css = f.contents.byteLength;
    manifest.bytes.cssGzip = gz.byteLength;
  }
}
if (!manifest.js || !manifest.css) throw new Error('build-console: no entry script or stylesheet in the output');
const gzipTotal = manifest.bytes.allGzip;
if (gzipTotal > BUDGET_GZIP) {
  process.stderr.write(`build-console: the bundle is ${(gzipTotal / 1024).toFixed(1)} KB gzipped, over the ${BUDGET_GZIP / 1024} KB budget\n`);
  process.exit(1);
}
const html = readFileSync(path.join(SRC, 'index.html'), 'utf8').replace('%CSS%', `/assets/${manifest.css}`).replace('%JS%', `/assets/${manifest.js}`);
writeFileSync(path.join(OUT, 'index.html'), html);
writeFileSync(path.join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stderr.write(
  `build-console: first view ${manifest.js} ${(manifest.bytes.jsGzip / 1024).toFixed(1)} KB + ${manifest.css} ${(manifest.bytes.cssGzip / 1024).toFixed(1)} KB, every file ${(gzipTotal / 1024).toFixed(1)} KB gzipped\n`,
);
