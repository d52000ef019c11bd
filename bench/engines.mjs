#!/usr/bin/env node
/**
 * Embedded engine vs Neo4j engine, in one run (a benchmark, not a test). For each size (default
 * 1k, 10k and 50k people) it synthesizes a tenant and, through the real CLI:
 *   - embedded: `load --store` and `residual --all --store` (twice: cold, then warm);
 *   - Neo4j:    `load --store --neo4j` (the SQLite snapshot as always, then the push into Neo4j;
 *               the push's own time is reported too) and `residual --all --neo4j` (twice: the
 *               first run after a load re-plans the queries, the second is warm);
 *   `residual --all` on both is what a user gets: the findings document the load stored (read from
 *   SQLite, or from the snapshot's findings in Neo4j), not a sweep; unless `--sweep off`, the sweep
 *   itself (REVENANT_RECOMPUTE=1) is timed once more on each engine, warm (`residualAllSweep`);
 * then the query phases of issue 13 item 2 on both engines, each the median of --runs process
 * runs (process start included, as a user sees it; wall time and the client's CPU time, with the
 * load average, since on a shared machine wall time is mostly waiting for a core): one subject (`residual <subject>`, the
 * departed subject with the most findings) and the blast radius of a tier-0 principal
 * (`blast-radius <principal>`, the subject of a finding that reaches tier 0);
 * and, unless `--import off`, the offline first load of a new database (`neo4j import` of the
 * embedded snapshot through neo4j-launcher/neo4j-admin into a launcher Neo4j of its own, started by
 * --neo4j-start with $NEO4J_JAVA_OPTS, else the JVM options IMPORT_SERVER_JAVA_OPTS below; the
 * import tool's JVM takes $NEO4J_ADMIN_JAVA_OPTS) — its ingest is the embedded load plus the import
 * without the plan warm-up, its server CPU the imported server's whole CPU time, and its
 * `residual --all` must print what the embedded engine prints;
 * with `--push off` the online push is skipped (at 250k it takes far longer than the rest) and the
 * Neo4j side of every query phase is the imported database (its server kept running until the
 * size's queries are done), so no other Neo4j is needed;
 * checks that both engines print the same JSON, and records every time and the Neo4j/embedded
 * ratios, with the Neo4j server's version and memory settings and the machine. Beside every wall
 * time it records CPU seconds (the CLI process's and, when the server is the local launcher's, the
 * Neo4j server's from /proc) and the load average, since on a shared machine wall time is mostly
 * waiting for a core; `ingest` is the Neo4j load without its plan warm-up (queries/warmPlans.ts). Prints JSON and
 * writes bench/results/engines-<date>.json (`--out FILE` to name it). The pushed snapshots are
 * removed afterwards.
 *
 *   NEO4J_URI=bolt://127.0.0.1:7687 node bench/engines.mjs [--sizes 1000,10000,50000] [--seed 1] [--runs 5] [--import off | --push off] [--sweep off] [--out FILE]
 * (without NEO4J_URI it uses the server `npm run neo4j:start` recorded in .neo4j/state.json)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { BIN, ROOT, arg, childrenCpu, localNeo4j, procCpu, round } from './support.mjs';

const sizes = arg('sizes', '1000,10000,50000').split(',').map(Number);
const seed = arg('seed', '1');
const runs = Number(arg('runs', '5'));
const withImport = arg('import', 'on') !== 'off';
const withPush = arg('push', 'on') !== 'off';
const withSweep = arg('sweep', 'on') !== 'off';
if (!withPush && !withImport) throw new Error('bench/engines: --push off needs the import (the Neo4j side is then the imported database)');
/** The imported database's server: the launcher with these JVM options (scripts/neo4j.mjs's, C2 allowed). */
const IMPORT_SERVER_JAVA_OPTS = process.env.NEO4J_JAVA_OPTS || '-Xms256m -Xmx768m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8';
const LAUNCHER_JAR = join(ROOT, 'neo4j-launcher', 'target', 'neo4j-launcher.jar');
const ADMIN = join(ROOT, 'neo4j-launcher', 'neo4j-admin');

const { uri, serverCpu } = withPush ? localNeo4j('engines') : { uri: null, serverCpu: () => null };
const auth = process.env.NEO4J_USER ? neo4j.auth.basic(process.env.NEO4J_USER, process.env.NEO4J_PASSWORD ?? '') : neo4j.auth.none();
const load = () => loadavg().map((x) => round(x));

/**
 * One CLI run: wall seconds, the process's CPU seconds (user + system, /proc cutime + cstime),
 * the local Neo4j server's CPU seconds meanwhile (null when the server is not the launcher's),
 * and the 1-minute load average at its end.
 */
function run(args, serverCpuOf = serverCpu, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const c0 = childrenCpu();
  const s0 = serverCpuOf();
  // The engine is chosen by the arguments alone.
  const env = { ...process.env, NEO4J_URI: '', ...extraEnv };
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, env });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = childrenCpu();
  const s1 = serverCpuOf();
  if (r.status !== 0 && r.status !== 3) throw new Error(`revenant ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return {
    seconds: round(seconds, 3),
    cpu: c0 === null || c1 === null ? null : round(c1 - c0),
    serverCpu: s0 === null || s1 === null ? null : round(s1 - s0),
    load1: round(loadavg()[0]),
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * The offline first load: `neo4j import` of the embedded store's snapshot into a new database of
 * a launcher Neo4j of its own (its home under `work`), then `residual --all` on it. The server
 * keeps running: the caller stops it with the returned `stop()` (by its pid).
 */
async function offlineImport(store, work) {
  const home = join(work, 'neo4j-home');
  mkdirSync(home);
  const port = await freePort();
  const importUri = `bolt://127.0.0.1:${port}`;
  const start = `java ${IMPORT_SERVER_JAVA_OPTS} -jar '${LAUNCHER_JAR}' '${home}' ${port} > '${home}/stdout.log' 2> '${home}/stderr.log' & echo $! > '${home}/pid'`;
  let pid;
  const stop = () => {
    if (!pid && existsSync(join(home, 'pid'))) pid = Number(readFileSync(join(home, 'pid'), 'utf8'));
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
        for (let i = 0; i < 300; i++) {
          process.kill(pid, 0);
          spawnSync('sleep', ['0.1']);
        }
      } catch {
        // exited
      }
    }
  };
  try {
    const r = run(['neo4j', 'import', '--store', store, '--neo4j', importUri, '--neo4j-home', home, '--neo4j-admin', ADMIN, '--neo4j-start', start]);
    pid = Number(readFileSync(join(home, 'pid'), 'utf8'));
    const serverCpu = procCpu(`/proc/${pid}/stat`, [11, 12]);
    const m = /in ([\d.]+) s \(stop ([\d.]+) s, csv ([\d.]+) s, neo4j-admin ([\d.]+) s, start ([\d.]+) s, schema and finish ([\d.]+) s\)/.exec(r.stderr);
    const warm = Number(/(?:plans warm in|warming Neo4j query plans after) ([\d.]+) s/.exec(r.stderr)?.[1] ?? 0);
    const serverCpuOf = () => procCpu(`/proc/${pid}/stat`, [11, 12]);
    const all = run(['residual', '--all', '--neo4j', importUri, '--format', 'json'], serverCpuOf);
    return {
      uri: importUri,
      id: r.stdout.trim(),
      serverCpuOf,
      stop,
      seconds: r.seconds,
      warm,
      phases: m ? { total: Number(m[1]), csv: Number(m[3]), neo4jAdmin: Number(m[4]), start: Number(m[5]), schemaAndFinish: Number(m[6]) } : null,
      fixups: Number(/\((\d+) values set over Bolt\)/.exec(r.stderr)?.[1] ?? 0),
      cpu: { client: r.cpu, server: serverCpu },
      load1: r.load1,
      residualAll: all.seconds,
      residualAllCpu: { client: all.cpu, server: all.serverCpu },
      residualAllStdout: all.stdout,
    };
  } catch (e) {
    stop();
    throw e;
  }
}

async function serverInfo(uri) {
  const driver = neo4j.driver(uri, auth);
  try {
    const c = await driver.executeQuery('CALL dbms.components() YIELD name, versions, edition RETURN versions[0] AS version, edition');
    const s = await driver.executeQuery(
      "SHOW SETTINGS YIELD name, value WHERE name IN ['server.memory.pagecache.size', 'server.memory.heap.max_size', 'db.memory.transaction.max', 'dbms.memory.transaction.total.max'] RETURN name, value",
    );
    let heapMax = null;
    let jvmArgs = null;
    try {
      const j = await driver.executeQuery('CALL dbms.queryJmx("java.lang:type=Memory") YIELD attributes RETURN attributes.HeapMemoryUsage.value.properties.max AS max');
      const v = j.records[0]?.get('max');
      heapMax = v === null || v === undefined ? null : `${Math.round(Number(v) / 2 ** 20)}MiB`;
      // The JVM's options (collector, heap, JIT): the server's CPU time depends on them.
      const r = await driver.executeQuery('CALL dbms.queryJmx("java.lang:type=Runtime") YIELD attributes RETURN attributes.InputArguments.value AS args');
      jvmArgs = r.records[0]?.get('args') ?? null;
    } catch {
      // not available on every server
    }
    return {
      uri: uri.replace(/^([a-z0-9+]+:\/\/)[^@/]*@/i, '$1'),
      jvmHeapMax: heapMax,
      jvmArgs,
      version: c.records[0]?.get('version'),
      edition: c.records[0]?.get('edition'),
      settings: Object.fromEntries(s.records.map((r) => [r.get('name'), r.get('value')])),
    };
  } finally {
    await driver.close();
  }
}

const ratio = (a, b) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
const results = [];
const pushed = [];
const server = withPush ? await serverInfo(uri) : null;
if (server) process.stderr.write(`bench/engines: Neo4j ${server.version} ${server.edition} at ${server.uri} ${JSON.stringify(server.settings)}\n`);

for (const users of sizes) {
  const work = mkdtempSync(join(tmpdir(), `revenant-engines-${users}-`));
  let offline = null;
  try {
    const col = join(work, 'collection');
    process.stderr.write(`bench/engines: ${users} people …\n`);
    run(['synth', '--users', String(users), '--seed', seed, '--out', col]);

    const embeddedLoad = run(['load', col, '--store', join(work, 'embedded')]);
    const nodes = Number(/(\d+) nodes/.exec(embeddedLoad.stderr)?.[1] ?? 0);
    const edges = Number(/(\d+) edges/.exec(embeddedLoad.stderr)?.[1] ?? 0);
    const neoLoad = withPush ? run(['load', col, '--store', join(work, 'neo4j'), '--neo4j', uri]) : null;
    if (neoLoad) pushed.push(neoLoad.stdout.trim());
    const push = neoLoad ? Number(/pushed snapshot .* in ([\d.]+) s/.exec(neoLoad.stderr)?.[1] ?? NaN) : null;
    const warm = neoLoad ? Number(/plans warm in ([\d.]+) s/.exec(neoLoad.stderr)?.[1] ?? 0) : null;

    // Offline: the first load of a new database from the snapshot the embedded load just wrote.
    offline = withImport ? await offlineImport(join(work, 'embedded'), work) : null;
    // The embedded engine's answer on the same snapshot (the id is part of the document).
    const offlineExpected = offline ? run(['residual', '--all', '--store', join(work, 'embedded'), '--format', 'json']).stdout : null;

    // The Neo4j side of the queries: the pushed snapshot, or with --push off the imported one (same snapshot as the embedded store's).
    const store = withPush ? join(work, 'neo4j') : join(work, 'embedded');
    const nUri = withPush ? uri : offline.uri;
    const id = withPush ? neoLoad.stdout.trim() : offline.id;
    const nServerCpu = withPush ? serverCpu : offline.serverCpuOf;
    const eCold = run(['residual', '--all', '--store', store, '--format', 'json']);
    const eWarm = run(['residual', '--all', '--store', store, '--format', 'json']);
    const nCold = run(['residual', '--all', '--neo4j', nUri, '--snapshot', id, '--format', 'json'], nServerCpu);
    const nWarm = run(['residual', '--all', '--neo4j', nUri, '--snapshot', id, '--format', 'json'], nServerCpu);
    // The sweep itself (REVENANT_RECOMPUTE=1), warm, on both engines: what the stored document stands in for.
    const recompute = { REVENANT_RECOMPUTE: '1' };
    const eSweep = withSweep ? run(['residual', '--all', '--store', store, '--format', 'json'], serverCpu, recompute) : null;
    const nSweep = withSweep ? run(['residual', '--all', '--neo4j', nUri, '--snapshot', id, '--format', 'json'], nServerCpu, recompute) : null;
    const same = eWarm.stdout === nCold.stdout && nCold.stdout === nWarm.stdout && (!withSweep || (eSweep.stdout === eWarm.stdout && nSweep.stdout === eWarm.stdout));
    const all = JSON.parse(eWarm.stdout).findings;
    const findings = all.length;

    // Query phases: the departed subject with the most findings, and a principal that reaches tier 0.
    const count = new Map();
    for (const f of all) count.set(`${f.subject.source}:${f.subject.id}`, (count.get(`${f.subject.source}:${f.subject.id}`) ?? 0) + 1);
    const subject = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    const tier0 = all.find((f) => f.reaches?.tier0);
    const principal = tier0 ? `${tier0.subject.source}:${tier0.subject.id}` : null;
    const median = (args) => {
      const times = [];
      const cpus = [];
      const server = [];
      let stdout = null;
      for (let i = 0; i < runs; i++) {
        const r = run(args, nServerCpu);
        times.push(r.seconds);
        cpus.push(r.cpu);
        server.push(r.serverCpu);
        stdout = r.stdout;
      }
      times.sort((a, b) => a - b);
      cpus.sort((a, b) => a - b);
      return { seconds: times[Math.floor(times.length / 2)], cpu: cpus[Math.floor(cpus.length / 2)], serverCpu: server.sort((a, b) => a - b)[Math.floor(server.length / 2)], all: times, stdout };
    };
    const queries = {};
    for (const [name, args] of [
      ['oneSubject', subject ? ['residual', subject, '--format', 'json'] : null],
      ['blastRadiusTier0', principal ? ['blast-radius', principal, '--format', 'json'] : null],
    ]) {
      if (!args) continue;
      const e = median([...args, '--store', store]);
      const n = median([...args, '--neo4j', nUri, '--snapshot', id]);
      queries[name] = {
        args: args.slice(0, 2),
        embedded: e.seconds,
        neo4j: n.seconds,
        ratio: ratio(n.seconds, e.seconds),
        // Client CPU seconds (median), the runs' wall times and the load average: on a shared machine wall time is mostly waiting.
        cpu: { embedded: e.cpu, neo4j: n.cpu, neo4jServer: n.serverCpu },
        runs: { embedded: e.all, neo4j: n.all },
        loadAverage: load(),
        sameJson: e.stdout === n.stdout,
      };
    }

    const r = {
      users,
      nodes,
      edges,
      findings,
      sameJson: same,
      embedded: { load: embeddedLoad.seconds, residualAllCold: eCold.seconds, residualAll: eWarm.seconds, residualAllSweep: eSweep?.seconds ?? null },
      // With --push off: no online load; the residual times are the imported database's.
      neo4jQueriesOn: withPush ? 'pushed snapshot' : 'imported database',
      neo4j: { load: neoLoad?.seconds ?? null, push, warm, ingest: neoLoad ? round(neoLoad.seconds - warm, 3) : null, residualAllCold: nCold.seconds, residualAll: nWarm.seconds, residualAllSweep: nSweep?.seconds ?? null },
      // The offline first load: ingest = the embedded load + `neo4j import` without its plan warm-up.
      neo4jImport: offline && {
        import: offline.seconds,
        warm: offline.warm,
        ingest: round(embeddedLoad.seconds + offline.seconds - offline.warm, 3),
        phases: offline.phases,
        fixups: offline.fixups,
        cpu: { embeddedLoad: embeddedLoad.cpu, importClient: offline.cpu.client, importServer: offline.cpu.server },
        load1: offline.load1,
        residualAllCold: offline.residualAll,
        residualAllColdCpu: offline.residualAllCpu,
        sameJson: offline.residualAllStdout === offlineExpected,
        ratio: {
          ingest: ratio(embeddedLoad.seconds + offline.seconds - offline.warm, embeddedLoad.seconds),
          cpu: offline.cpu.server === null ? null : ratio(embeddedLoad.cpu + offline.cpu.client + offline.cpu.server, embeddedLoad.cpu),
        },
      },
      ratio: {
        load: neoLoad ? ratio(neoLoad.seconds, embeddedLoad.seconds) : null,
        ingest: neoLoad ? ratio(neoLoad.seconds - warm, embeddedLoad.seconds) : null,
        residualAllCold: ratio(nCold.seconds, eCold.seconds),
        residualAll: ratio(nWarm.seconds, eWarm.seconds),
        residualAllSweep: withSweep ? ratio(nSweep.seconds, eSweep.seconds) : null,
      },
      // CPU seconds beside the wall times above (wall on a shared machine is mostly waiting for a core):
      // `client` is the CLI process's, `server` the local Neo4j's meanwhile; `load1` the load average at the end of each.
      cpu: {
        embedded: { load: embeddedLoad.cpu, residualAllCold: eCold.cpu, residualAll: eWarm.cpu, residualAllSweep: eSweep?.cpu ?? null },
        neo4j: {
          load: neoLoad ? { client: neoLoad.cpu, server: neoLoad.serverCpu } : null,
          residualAllCold: { client: nCold.cpu, server: nCold.serverCpu },
          residualAll: { client: nWarm.cpu, server: nWarm.serverCpu },
          residualAllSweep: nSweep ? { client: nSweep.cpu, server: nSweep.serverCpu } : null,
        },
        ratio: {
          load: !neoLoad || neoLoad.serverCpu === null ? null : ratio(neoLoad.cpu + neoLoad.serverCpu, embeddedLoad.cpu),
          residualAll: nWarm.serverCpu === null ? null : ratio(nWarm.cpu + nWarm.serverCpu, eWarm.cpu),
          residualAllSweep: !nSweep || nSweep.serverCpu === null ? null : ratio(nSweep.cpu + nSweep.serverCpu, eSweep.cpu),
        },
      },
      load1: {
        embeddedLoad: embeddedLoad.load1,
        neo4jLoad: neoLoad?.load1 ?? null,
        embeddedResidualAll: eWarm.load1,
        neo4jResidualAll: nWarm.load1,
        embeddedResidualAllSweep: eSweep?.load1 ?? null,
        neo4jResidualAllSweep: nSweep?.load1 ?? null,
      },
      queries,
    };
    results.push(r);
    process.stderr.write(`bench/engines: ${JSON.stringify(r)}\n`);
    if (!same) process.stderr.write('bench/engines: THE ENGINES DISAGREE (see test/parity)\n');
    if (offline && !r.neo4jImport.sameJson) process.stderr.write('bench/engines: THE IMPORTED DATABASE DISAGREES (see test/neo4j/import)\n');
  } finally {
    offline?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

// Remove what the benchmark pushed.
if (withPush) {
  const { Neo4jStore } = await import(join(ROOT, 'dist', 'src', 'store', 'neo4jStore.js'));
  const driver = neo4j.driver(uri, auth);
  try {
    const store = new Neo4jStore(driver, uri);
    for (const id of pushed) await store.remove(id);
  } finally {
    await driver.close();
  }
}

const out = {
  benchmark: 'engines',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  neo4j: server ?? 'none: --push off (the Neo4j side is the imported database, importServerJavaOpts)',
  push: withPush,
  sweep: withSweep,
  seed,
  runs,
  importServerJavaOpts: withImport ? IMPORT_SERVER_JAVA_OPTS : null,
  importToolJavaOpts: withImport ? process.env.NEO4J_ADMIN_JAVA_OPTS || '(JVM defaults)' : null,
  loadAverage: load(),
  results,
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const file = arg('out', join(ROOT, 'bench', 'results', `engines-${out.date.slice(0, 10)}.json`));
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
process.stderr.write(`bench/engines: wrote ${file}\n`);
