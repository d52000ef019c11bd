#!/usr/bin/env node
/**
 * One subject, process start included (issue 13: ≤ 300 ms on either engine; a benchmark, not a
 * test). Runs `revenant residual SUBJECT --format json` through the real CLI --runs times on the
 * embedded store (`--store DIR`) and, with `--neo4j URI`, on Neo4j (`--snapshot ID`, default
 * the latest), each as the bundled CLI (what bin/revenant.js runs) and as TypeScript's output
 * module by module (REVENANT_UNBUNDLED=1), the variants interleaved run by run so that a change
 * in the machine's load hits them alike; beside them the floor: `node` on an empty module and
 * `revenant --version`. For each: median and minimum of wall time and of the process's CPU
 * seconds (user + system, /proc cutime + cstime), the local Neo4j server's CPU meanwhile, and
 * the load average (on a shared machine wall time is mostly waiting for a core: compare CPU).
 * Checks that every variant prints the same JSON. `--profile DIR` also writes one V8 CPU profile
 * per variant (`node --cpu-prof`) and reports where its samples fall: Node's module loader and
 * bootstrap, our code, each npm package, garbage collection. The bundled CLI runs from its
 * code-cached script (bin/cliScript.js); a variant beside it runs the ES bundle
 * (REVENANT_CODE_CACHE=off), and `--baseline FILE` adds another build's bin/revenant.js (e.g. a
 * checkout of main, or the previous bin/revenant.js beside this one) to each engine, interleaved.
 *
 *   node bench/subject.mjs --store DIR [--subject NAME] [--neo4j URI [--snapshot ID]] [--runs 11] [--profile DIR] [--baseline FILE] [--out FILE]
 * The default subject is the departed one with the most findings (one `residual --all` first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, arg, childrenCpu, localNeo4j, round } from './support.mjs';

const store = arg('store');
const neo4jUri = arg('neo4j');
const runs = Number(arg('runs', '11'));
const profileDir = arg('profile');
const baseline = arg('baseline');
if (!store) {
  process.stderr.write('usage: node bench/subject.mjs --store DIR [--subject NAME] [--neo4j URI [--snapshot ID]] [--runs 11] [--profile DIR] [--baseline FILE] [--out FILE]\n');
  process.exit(2);
}
/** The launcher's local Neo4j (its server CPU is read from /proc when it is the one measured). */
const server = (() => {
  try {
    return neo4jUri ? localNeo4j('subject') : null;
  } catch {
    return null;
  }
})();
const serverCpu = () => (server && server.uri === neo4jUri ? server.serverCpu() : null);

/** One process: wall and CPU seconds, the Neo4j server's CPU meanwhile, the 1-minute load average after. */
function once(argv, env = {}) {
  const c0 = childrenCpu();
  const s0 = serverCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NEO4J_URI: '', ...env } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = childrenCpu();
  const s1 = serverCpu();
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return { seconds, cpu: c1 - c0, serverCpu: s0 === null || s1 === null ? null : s1 - s0, load1: loadavg()[0], stdout: r.stdout };
}

const subject =
  arg('subject') ??
  (() => {
    const all = JSON.parse(once([BIN, 'residual', '--all', '--store', store, '--format', 'json']).stdout).findings;
    const count = new Map();
    for (const f of all) count.set(`${f.subject.source}:${f.subject.id}`, (count.get(`${f.subject.source}:${f.subject.id}`) ?? 0) + 1);
    return [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  })();
if (!subject) throw new Error(`bench/subject: the store ${store} has no finding to pick a subject from; name one with --subject`);

const empty = join(mkdtempSync(join(tmpdir(), 'revenant-bench-subject-')), 'empty.mjs');
writeFileSync(empty, '');
const query = ['residual', subject, '--format', 'json'];
const variants = [
  { name: 'node (empty module)', argv: [empty] },
  { name: 'revenant --version', argv: [BIN, '--version'] },
  { name: 'embedded', argv: [BIN, ...query, '--store', store], same: true },
  { name: 'embedded, no code cache', argv: [BIN, ...query, '--store', store], env: { REVENANT_CODE_CACHE: 'off' }, same: true },
  { name: 'embedded, unbundled', argv: [BIN, ...query, '--store', store], env: { REVENANT_UNBUNDLED: '1' }, same: true },
];
if (baseline) variants.push({ name: 'embedded, baseline', argv: [baseline, ...query, '--store', store], same: true });
if (neo4jUri) {
  const snap = arg('snapshot') ? ['--snapshot', arg('snapshot')] : [];
  variants.push({ name: 'neo4j', argv: [BIN, ...query, '--neo4j', neo4jUri, ...snap], same: true });
  variants.push({ name: 'neo4j, no code cache', argv: [BIN, ...query, '--neo4j', neo4jUri, ...snap], env: { REVENANT_CODE_CACHE: 'off' }, same: true });
  variants.push({ name: 'neo4j, unbundled', argv: [BIN, ...query, '--neo4j', neo4jUri, ...snap], env: { REVENANT_UNBUNDLED: '1' }, same: true });
  if (baseline) variants.push({ name: 'neo4j, baseline', argv: [baseline, ...query, '--neo4j', neo4jUri, ...snap], same: true });
}

// One warm-up run each (the OS file cache, Neo4j's plan cache), then the runs interleaved.
const outputs = new Map();
for (const v of variants) outputs.set(v.name, once(v.argv, v.env).stdout);
const samples = new Map(variants.map((v) => [v.name, []]));
for (let i = 0; i < runs; i++) for (const v of variants) samples.get(v.name).push(once(v.argv, v.env));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs) => ({ median: round(median(xs), 3), min: round(Math.min(...xs), 3) });
const reference = outputs.get('embedded');
const results = variants.map((v) => {
  const s = samples.get(v.name);
  const server = s.map((x) => x.serverCpu).filter((x) => x !== null);
  return {
    name: v.name,
    wall: stats(s.map((x) => x.seconds)),
    cpu: stats(s.map((x) => x.cpu)),
    ...(server.length ? { neo4jServerCpu: stats(server) } : {}),
    loadAverage: stats(s.map((x) => x.load1)),
    ...(v.same ? { sameJson: outputs.get(v.name) === reference } : {}),
  };
});

/** Where a V8 CPU profile's samples fall, in ms: Node's loader and bootstrap, our code, each npm package, GC. */
function breakdown(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const { url, functionName } = byId.get(p.samples[i]).callFrame;
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    let g;
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url);
    if (pkg) g = `npm ${pkg[1]}`;
    else if (url.includes('/dist/')) g = 'ours (dist)';
    else if (url.startsWith('node:') || (!url && !functionName.startsWith('('))) g = 'node (module loader, bootstrap, native)';
    else g = url || functionName;
    groups.set(g, (groups.get(g) ?? 0) + dt);
  }
  const top = [...groups].sort((a, b) => b[1] - a[1]).map(([g, ms]) => [g, round(ms, 1)]);
  return { sampledMs: round(total, 1), groups: Object.fromEntries(top) };
}

let profiles;
if (profileDir) {
  profiles = {};
  for (const v of variants.filter((x) => x.same)) {
    const dir = join(profileDir, v.name.replace(/[^a-z0-9]+/gi, '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    once(['--cpu-prof', '--cpu-prof-dir', dir, ...v.argv], v.env);
    profiles[v.name] = breakdown(join(dir, readdirSync(dir)[0]));
  }
}

const out = {
  bench: 'subject',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGB: round(totalmem() / 2 ** 30, 1), node: process.version },
  store,
  neo4j: neo4jUri ?? null,
  ...(baseline ? { baseline } : {}),
  subject,
  findings: JSON.parse(reference).findings.length,
  runs,
  results,
  ...(profiles ? { profiles } : {}),
};
const file = arg('out', join(ROOT, 'bench', 'results', `subject-${out.date.slice(0, 10)}.json`));
mkdirSync(join(file, '..'), { recursive: true });
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
rmSync(join(empty, '..'), { recursive: true, force: true });
if (results.some((r) => r.sameJson === false)) {
  process.stderr.write('bench/subject: THE VARIANTS PRINT DIFFERENT JSON\n');
  process.exitCode = 1;
}
