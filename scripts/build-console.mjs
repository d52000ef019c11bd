#!/usr/bin/env node
/**
 * Builds the analyst console (src/console) into dist/console during `npm ci` / `npm run build`:
 * esbuild bundles src/console/main.tsx (Preact, Cytoscape.js + dagre) and its stylesheet into
 * content-hashed files under assets/, each with a gzip and a brotli copy for the server to send
 * when the browser accepts them; index.html (the page shell: no inline script or style, so the
 * server's strict CSP holds) and manifest.json (file names and sizes) name them. Fails if the
 * gzipped bundle grows past the 400 KB budget.
 */
import { createHash } from 'node:crypto';
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
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  write: false,
  outdir: OUT,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

rmSync(OUT, { recursive: true, force: true });
mkdirSync(path.join(OUT, 'assets'), { recursive: true });
const manifest = { js: '', css: '', bytes: { js: 0, css: 0, jsGzip: 0, cssGzip: 0 } };
for (const f of result.outputFiles) {
  const ext = path.extname(f.path);
  const base = path.basename(f.path, ext);
  const hash = createHash('sha256').update(f.contents).digest('hex').slice(0, 12);
  const name = `${base}-${hash}${ext}`;
  const file = path.join(OUT, 'assets', name);
  writeFileSync(file, f.contents);
  const gz = gzipSync(f.contents, { level: 9 });
  writeFileSync(`${file}.gz`, gz);
  writeFileSync(`${file}.br`, brotliCompressSync(f.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  const kind = ext === '.js' ? 'js' : 'css';
  manifest[kind] = name;
  manifest.bytes[kind] = f.contents.byteLength;
  manifest.bytes[`${kind}Gzip`] = gz.byteLength;
}
const gzipTotal = manifest.bytes.jsGzip + manifest.bytes.cssGzip;
if (gzipTotal > BUDGET_GZIP) {
  process.stderr.write(`build-console: the bundle is ${(gzipTotal / 1024).toFixed(1)} KB gzipped, over the ${BUDGET_GZIP / 1024} KB budget\n`);
  process.exit(1);
}
const html = readFileSync(path.join(SRC, 'index.html'), 'utf8').replace('%CSS%', `/assets/${manifest.css}`).replace('%JS%', `/assets/${manifest.js}`);
writeFileSync(path.join(OUT, 'index.html'), html);
writeFileSync(path.join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stderr.write(`build-console: ${manifest.js} ${(manifest.bytes.jsGzip / 1024).toFixed(1)} KB + ${manifest.css} ${(manifest.bytes.cssGzip / 1024).toFixed(1)} KB gzipped\n`);
