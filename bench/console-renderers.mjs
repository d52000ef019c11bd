#!/usr/bin/env node
/**
 * How the console's graph renderer was chosen (a measurement, not a test): the same blast-radius
 * shaped graphs (a principal → groups → applications → credentials → service principals →
 * privileges; 60, 150, 400 and 2,000 nodes) drawn in Debian's headless chromium with the project's
 * flags (`--disable-gpu`, as CI and most servers run it) by
 * - Cytoscape.js 3 with the dagre layout (left to right), canvas renderer, and
 * - sigma.js 4 on a graphology graph, positions from ForceAtlas2 (200 iterations), WebGL renderer,
 * each bundled with esbuild as the console is. Measured: gzipped bundle size, time from script
 * start to the first frame drawn (layout included), and whether the renderer works at all there.
 *
 * sigma is not a dependency of the project; install it for this run only:
 *   npm install --no-save sigma@4 graphology-layout-forceatlas2
 * usage: node bench/console-renderers.mjs   (results: bench/results/console-renderers.json)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.REVENANT_CHROMIUM ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'revenant-renderers-'));

/** A blast-radius shaped DAG of about n nodes. */
function graph(n) {
  const nodes = [{ id: 'root', kind: 'EntraUser' }];
  const edges = [];
  const layers = ['EntraGroup', 'EntraApplication', 'PasswordCredential', 'EntraServicePrincipal', 'EntraAppRoleAssignment'];
  let prev = ['root'];
  let i = 0;
  const per = Math.max(2, Math.round((n - 1) / layers.length));
  for (const kind of layers) {
    const cur = [];
    for (let k = 0; k < per; k++) {
      const id = `${kind}-${i++}`;
      nodes.push({ id, kind });
      edges.push({ source: prev[k % prev.length], target: id });
      if (k % 3 === 0 && prev.length > 1) edges.push({ source: prev[(k + 1) % prev.length], target: id });
      cur.push(id);
    }
    prev = cur;
  }
  return { nodes, edges };
}

const CYTO = `
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
cytoscape.use(dagre);
const g = window.GRAPH;
const t0 = performance.now();
const cy = cytoscape({ container: document.getElementById('c'), elements: [...g.nodes.map((n) => ({ data: { id: n.id, label: n.id } })), ...g.edges.map((e, i) => ({ data: { id: 'e' + i, source: e.source, target: e.target } }))],
  style: [{ selector: 'node', style: { label: 'data(label)', 'font-size': 8 } }, { selector: 'edge', style: { 'curve-style': 'bezier', 'target-arrow-shape': 'triangle' } }],
  layout: { name: 'dagre', rankDir: 'LR' } });
cy.one('render', () => requestAnimationFrame(() => { window.RESULT = { ms: performance.now() - t0, drawn: cy.nodes().length }; }));
`;
const SIGMA = `
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import Sigma from 'sigma';
const g0 = window.GRAPH;
const t0 = performance.now();
try {
  const g = new Graph();
  g0.nodes.forEach((n, i) => g.addNode(n.id, { label: n.id, x: Math.cos(i), y: Math.sin(i), size: 4 }));
  g0.edges.forEach((e) => g.mergeEdge(e.source, e.target));
  forceAtlas2.assign(g, { iterations: 200, settings: forceAtlas2.inferSettings(g) });
  const s = new Sigma(g, document.getElementById('c'));
  s.once('afterRender', () => requestAnimationFrame(() => { window.RESULT = { ms: performance.now() - t0, drawn: g.order }; }));
  s.refresh();
} catch (e) { window.RESULT = { error: String(e && e.message || e) }; }
`;

const bundles = {};
for (const [name, src] of [['cytoscape-dagre', CYTO], ['sigma-graphology', SIGMA]]) {
  writeFileSync(join(dir, `${name}.entry.js`), src);
  try {
    const r = await build({ entryPoints: [join(dir, `${name}.entry.js`)], bundle: true, minify: true, format: 'esm', write: false, nodePaths: [join(ROOT, 'node_modules')], logLevel: 'silent' });
    const js = r.outputFiles[0].contents;
    writeFileSync(join(dir, `${name}.js`), js);
    bundles[name] = { kb: +(js.byteLength / 1024).toFixed(1), gzipKB: +(gzipSync(js).byteLength / 1024).toFixed(1) };
  } catch (e) {
    bundles[name] = { error: `not built: ${e.message.split('\n')[0]} (npm install --no-save sigma@4 graphology-layout-forceatlas2)` };
  }
}

const server = http.createServer((req, res) => {
  if (req.url === '/favicon.ico') {
    res.statusCode = 204;
    res.end();
    return;
  }
  const [, name, size] = /^\/(.+)\/(\d+)$/.exec(req.url) ?? [];
  if (name) {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><div id="c" style="width:1200px;height:800px;position:relative"></div><script>window.GRAPH=${JSON.stringify(graph(Number(size)))}</script><script type="module" src="/${name}.js"></script>`);
    return;
  }
  try {
    res.setHeader('content-type', 'text/javascript');
    res.end(readFileSync(join(dir, req.url.slice(1))));
  } catch {
    res.statusCode = 404;
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const runs = {};
for (const name of Object.keys(bundles)) {
  runs[name] = {};
  if (bundles[name].error) continue;
  for (const size of [60, 150, 400, 2000]) {
    const times = [];
    let error = null;
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`${base}/${name}/${size}`, { waitUntil: 'commit' });
      const r = await page
        .waitForFunction(() => window.RESULT, null, { timeout: 120_000, polling: 50 })
        .then((h) => h.jsonValue())
        .catch((e) => ({ error: e.message.split('\n')[0] }));
      await page.close();
      if (r.error || errors.length) {
        error = r.error ?? errors[0];
        break;
      }
      times.push(r.ms);
    }
    runs[name][size] = error ? { error } : { ms: times.map((t) => Math.round(t)), median: Math.round(times.sort((a, b) => a - b)[1]) };
  }
}
await browser.close();
server.close();
rmSync(dir, { recursive: true, force: true });
const result = { at: new Date().toISOString(), chromium: CHROMIUM, flags: '--headless --disable-gpu (as in CI)', note: 'shared 2-core machine, contended', bundles, firstFrameMs: runs };
writeFileSync(join(ROOT, 'bench', 'results', 'console-renderers.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
