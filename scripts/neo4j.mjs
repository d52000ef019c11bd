#!/usr/bin/env node
/**
 * Starts and stops the Neo4j that development and CI run against (npm run neo4j:start /
 * neo4j:stop). With a working Docker engine it runs `docker compose up -d neo4j`; without one it
 * builds neo4j-launcher/ (an embedded Neo4j Community DBMS, Maven) when its jar is missing or
 * older than its sources, starts it detached with `java`, and records it in .neo4j/state.json.
 * `start` succeeds only once the driver's verifyConnectivity() answers; its stdout is exactly
 * one line, the Bolt URI (progress and errors go to stderr), so
 *   export NEO4J_URI="$(npm run -s neo4j:start)"
 * works. `start` is idempotent; `stop` SIGTERMs the server (SIGKILL after a timeout) and removes
 * the state file and the data directory.
 *
 * Environment:
 *   REVENANT_NEO4J_MODE    auto (default) | java | docker
 *   NEO4J_BOLT_PORT        port for the java launcher; default 7687 if free, else a free port
 *   NEO4J_JAVA_OPTS        JVM options, replacing DEFAULT_JAVA_OPTS below
 *   NEO4J_PAGECACHE, NEO4J_TX_TOTAL_MAX, NEO4J_TX_MAX   passed to the launcher (128m/384m/256m)
 *   NEO4J_START_TIMEOUT    seconds to wait for Bolt (120)
 *   NEO4J_USER, NEO4J_PASSWORD   credentials for the docker server if you set NEO4J_AUTH there
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE_DIR = path.join(ROOT, '.neo4j');
const STATE_FILE = path.join(STATE_DIR, 'state.json');
const LAUNCHER_DIR = path.join(ROOT, 'neo4j-launcher');
const JAR = path.join(LAUNCHER_DIR, 'target', 'neo4j-launcher.jar');
const DOCKER_URI = 'bolt://127.0.0.1:7687';
const DEFAULT_JAVA_OPTS = [
  '-Xms256m',
  '-Xmx768m',
  // 2 cores and a small heap: the serial collector has the smallest footprint and no GC threads.
  '-XX:+UseSerialGC',
  // C1 only: C2 compiler threads compete with Neo4j for the 2 cores while it starts; measured
  // start 5-10 s instead of 16-24 s on a loaded 2-core box, and ~30 MB less RSS. Test queries
  // are short; for benchmarks drop it via NEO4J_JAVA_OPTS.
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Dfile.encoding=UTF-8',
];
const START_TIMEOUT_MS = seconds(process.env.NEO4J_START_TIMEOUT, 120) * 1000;
const STOP_TIMEOUT_MS = 30_000;

class Failure extends Error {}

const log = (msg) => process.stderr.write(`neo4j: ${msg}\n`);

function seconds(text, fallback) {
  const n = Number(text);
  return text && Number.isFinite(n) && n > 0 ? n : fallback;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------- state

function readState() {
  let text;
  try {
    text = fs.readFileSync(STATE_FILE, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch {
    log(`ignoring unreadable ${path.relative(ROOT, STATE_FILE)}`);
    return undefined;
  }
}

function writeState(state) {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const tmp = `${STATE_FILE}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, STATE_FILE);
}

function removeState() {
  fs.rmSync(STATE_FILE, { force: true });
}

function removeDataDir(dir) {
  // Only ever delete directories we created inside .neo4j/.
  if (!dir) return;
  const resolved = path.resolve(dir);
  if (path.dirname(resolved) !== STATE_DIR || !path.basename(resolved).startsWith('data-')) {
    log(`not removing ${resolved}: not a data directory under ${STATE_DIR}`);
    return;
  }
  fs.rmSync(resolved, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

function tail(file, lines = 40) {
  try {
    const all = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ------------------------------------------------------------------------------ processes

/** Alive and not a zombie (a detached child exits into a zombie until its new parent reaps it). */
function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const stateChar = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return stateChar !== 'Z' && stateChar !== 'X';
  } catch {
    return true; // no procfs (macOS): kill(0) is all we have
  }
}

/**
 * Whether pid runs this checkout's launcher jar (guards against a recycled pid). Without procfs
 * (macOS) the answer is `withoutProcfs`: trust the state file, but never go hunting.
 */
function isOurLauncher(pid, withoutProcfs = true) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(JAR);
  } catch (e) {
    return e.code === 'ENOENT' && !fs.existsSync('/proc/self') ? withoutProcfs : false;
  }
}

/** Launcher processes of this checkout that no state file knows about (Linux only). */
function strayLaunchers(exceptPid) {
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== exceptPid && pid !== process.pid && isAlive(pid) && isOurLauncher(pid, false));
}

async function waitForExit(pid, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

async function terminate(pid) {
  if (!isAlive(pid)) return;
  log(`stopping pid ${pid}`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
  if (await waitForExit(pid, STOP_TIMEOUT_MS)) return;
  log(`pid ${pid} still running after ${STOP_TIMEOUT_MS / 1000} s; sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
  if (!(await waitForExit(pid, 10_000))) throw new Failure(`pid ${pid} survived SIGKILL`);
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
}

// ---------------------------------------------------------------------------------- bolt

/** neo4j-driver, imported only when needed (`stop` does not need it). */
let driverModule;
async function neo4jDriver() {
  driverModule ??= (await import('neo4j-driver')).default;
  return driverModule;
}

function authToken(neo4j) {
  const user = process.env.NEO4J_USER;
  return user ? neo4j.auth.basic(user, process.env.NEO4J_PASSWORD ?? '') : neo4j.auth.none();
}

/**
 * Resolves when Bolt at uri answers verifyConnectivity(); rejects once ms have passed (after at
 * least one attempt) or as soon as alive() turns false.
 */
async function waitForBolt(uri, ms, alive = () => true) {
  const neo4j = await neo4jDriver();
  const deadline = Date.now() + ms;
  let lastError;
  for (;;) {
    if (!alive()) throw new Failure('the Neo4j process exited before Bolt answered');
    const driver = neo4j.driver(uri, authToken(neo4j), {
      connectionTimeout: 3000,
      connectionAcquisitionTimeout: 3000,
      maxTransactionRetryTime: 0,
      disableLosslessIntegers: true,
    });
    try {
      await driver.verifyConnectivity();
      return;
    } catch (e) {
      lastError = e;
    } finally {
      await driver.close().catch(() => {});
    }
    if (Date.now() + 500 >= deadline) break;
    await sleep(500);
  }
  throw new Failure(`Neo4j at ${uri} did not answer within ${Math.max(1, Math.round(ms / 1000))} s: ${lastError?.message}`);
}

async function answers(uri) {
  try {
    await waitForBolt(uri, 1);
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------ docker

/** `docker compose` (plugin) or `docker-compose` (standalone), whichever works; undefined if neither. */
function composeCommand() {
  if (run('docker', ['compose', 'version'], { timeout: 15_000 }).status === 0) return ['docker', ['compose']];
  if (run('docker-compose', ['version'], { timeout: 15_000 }).status === 0) return ['docker-compose', []];
  return undefined;
}

function compose(args, opts = {}) {
  const [cmd, pre] = composeCommand() ?? ['docker', ['compose']];
  return run(cmd, [...pre, ...args], { cwd: ROOT, ...opts });
}

/** Whether to use Docker: a daemon answers `docker info` and compose is installed. */
function dockerUsable() {
  const mode = process.env.REVENANT_NEO4J_MODE ?? 'auto';
  if (!['auto', 'java', 'docker'].includes(mode)) throw new Failure(`REVENANT_NEO4J_MODE must be auto, java or docker, got '${mode}'`);
  if (mode === 'java') return false;
  const info = run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 });
  const engine = info.status === 0 && info.stdout.trim() !== '';
  const composeOk = engine && composeCommand() !== undefined;
  if (mode === 'docker' && !composeOk) {
    const why = engine ? 'neither `docker compose` nor `docker-compose` works' : `\`docker info\` failed: ${(info.stderr || info.error?.message || '').trim()}`;
    throw new Failure(`REVENANT_NEO4J_MODE=docker but ${why}`);
  }
  if (engine && !composeOk) log('a Docker engine answers but Docker Compose is not installed; using the Java launcher');
  return composeOk;
}

async function startDocker() {
  log('Docker engine found: docker compose up -d neo4j');
  // compose's stdout goes to our stderr: stdout carries nothing but the URI.
  const up = compose(['up', '-d', 'neo4j'], { stdio: ['ignore', 2, 2] });
  if (up.status !== 0) throw new Failure('`docker compose up -d neo4j` failed (set REVENANT_NEO4J_MODE=java to use the embedded launcher)');
  writeState({ mode: 'docker', status: 'starting', uri: DOCKER_URI, startedAt: new Date().toISOString() });
  try {
    await waitForBolt(DOCKER_URI, START_TIMEOUT_MS);
  } catch (e) {
    const logs = compose(['logs', '--tail', '40', 'neo4j']);
    throw new Failure(`${e.message}\n--- docker compose logs neo4j (tail) ---\n${(logs.stdout || '') + (logs.stderr || '')}`);
  }
  writeState({ mode: 'docker', status: 'ready', uri: DOCKER_URI, startedAt: new Date().toISOString() });
  return DOCKER_URI;
}

// -------------------------------------------------------------------------------------- java

function newestMtime(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function launcherIsStale() {
  if (!fs.existsSync(JAR) || !fs.existsSync(path.join(LAUNCHER_DIR, 'target', 'lib'))) return true;
  const sources = Math.max(newestMtime(path.join(LAUNCHER_DIR, 'pom.xml')), newestMtime(path.join(LAUNCHER_DIR, 'src')));
  return fs.statSync(JAR).mtimeMs < sources;
}

function checkJava() {
  const v = run('java', ['-version']);
  if (v.error) throw new Failure('`java` not found: install a JDK 17+ (or start a Docker engine)');
  const m = /version "(\d+)(?:\.(\d+))?/.exec(v.stderr);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major < 17) throw new Failure(`Java 17+ is required, found: ${v.stderr.split('\n')[0]}`);
}

function buildLauncher() {
  if (!launcherIsStale()) return;
  log('building neo4j-launcher (mvn -q -B package -DskipTests; the first build downloads Neo4j into ~/.m2)');
  const t0 = Date.now();
  const mvn = run('mvn', ['-q', '-B', 'package', '-DskipTests'], { cwd: LAUNCHER_DIR });
  if (mvn.error) throw new Failure('`mvn` not found: install Maven 3.8+ (or start a Docker engine)');
  if (mvn.status !== 0 || !fs.existsSync(JAR)) {
    const out = `${mvn.stdout}\n${mvn.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Failure(`building neo4j-launcher failed (exit ${mvn.status}):\n${out}`);
  }
  log(`built ${path.relative(ROOT, JAR)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function choosePort() {
  const wanted = process.env.NEO4J_BOLT_PORT;
  if (wanted !== undefined && wanted !== '') {
    const port = Number(wanted);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Failure(`NEO4J_BOLT_PORT must be 0..65535, got '${wanted}'`);
    if (port !== 0 && !(await portIsFree(port))) throw new Failure(`NEO4J_BOLT_PORT ${port} is already in use on 127.0.0.1`);
    return port;
  }
  if (await portIsFree(7687)) return 7687;
  log('port 7687 is busy; letting the launcher pick a free port');
  return 0; // the launcher binds a free port and reports it in its READY line
}

async function startJava() {
  checkJava();
  buildLauncher();
  const port = await choosePort();

  fs.mkdirSync(STATE_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(STATE_DIR, 'data-'));
  const stdoutFile = path.join(dataDir, 'stdout.log');
  const stderrFile = path.join(dataDir, 'stderr.log');
  const logFile = path.join(dataDir, 'launcher.log');
  const javaOpts = process.env.NEO4J_JAVA_OPTS ? process.env.NEO4J_JAVA_OPTS.split(/\s+/).filter(Boolean) : DEFAULT_JAVA_OPTS;

  const out = fs.openSync(stdoutFile, 'a');
  const err = fs.openSync(stderrFile, 'a');
  const child = spawn('java', [...javaOpts, '-jar', JAR, dataDir, String(port)], {
    cwd: dataDir,
    detached: true, // own process group: survives this script and the terminal's Ctrl-C
    stdio: ['ignore', out, err],
  });
  fs.closeSync(out);
  fs.closeSync(err);
  let exited = false;
  let exitInfo = '';
  child.on('exit', (code, signal) => {
    exited = true;
    exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.on('error', () => {
    exited = true;
    exitInfo = 'spawn failed';
  });
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Failure('could not spawn java');
  const state = { mode: 'java', status: 'starting', pid, port, dataDir, logFile, stdoutFile, stderrFile, startedAt: new Date().toISOString() };
  writeState(state);
  log(`started java pid ${pid} (data ${path.relative(ROOT, dataDir)}), waiting for Bolt`);

  const abort = async (signal) => {
    log(`${signal} received: stopping the half-started Neo4j`);
    await terminate(pid).catch(() => {});
    removeState();
    removeDataDir(dataDir);
    process.exit(130);
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);

  const alive = () => !exited && isAlive(pid);
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let uri;
    while (!uri) {
      const ready = /^READY (bolt:\/\/\S+)$/m.exec(fs.readFileSync(stdoutFile, 'utf8'));
      if (ready) uri = ready[1];
      else if (!alive()) throw new Failure(`the launcher exited (${exitInfo || 'unknown status'}) before it was ready`);
      else if (Date.now() > deadline) throw new Failure(`the launcher did not report READY within ${START_TIMEOUT_MS / 1000} s`);
      else await sleep(100);
    }
    await waitForBolt(uri, Math.max(deadline - Date.now(), 5000), alive);
    writeState({ ...state, status: 'ready', uri });
    return uri;
  } catch (e) {
    const details = [
      `--- ${path.relative(ROOT, stderrFile)} ---\n${tail(stderrFile, 20)}`,
      `--- ${path.relative(ROOT, logFile)} (tail) ---\n${tail(logFile, 40)}`,
    ].join('\n');
    await terminate(pid).catch(() => {});
    removeState();
    throw new Failure(`${e.message}\n${details}\n(full logs kept in ${path.relative(ROOT, dataDir)}; \`npm run neo4j:stop\` removes them)`);
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

// ---------------------------------------------------------------------------------- commands

async function start() {
  const state = readState();
  if (state) {
    if (state.mode === 'docker') {
      if (await answers(state.uri)) return state.uri;
      log('state file points to a docker Neo4j that does not answer; starting it again');
    } else if (isAlive(state.pid) && isOurLauncher(state.pid)) {
      if (state.uri && (await answers(state.uri))) return state.uri;
      if (state.status === 'starting') {
        // Another `start` is bringing it up; wait for it rather than starting a second one.
        log(`pid ${state.pid} is starting; waiting for it`);
        const deadline = Date.now() + START_TIMEOUT_MS;
        while (Date.now() < deadline && isAlive(state.pid)) {
          const s = readState();
          if (s?.pid !== state.pid) break;
          if (s.status === 'ready' && (await answers(s.uri))) return s.uri;
          await sleep(500);
        }
      }
      log(`pid ${state.pid} is running but Bolt does not answer; replacing it`);
      await terminate(state.pid);
      removeDataDir(state.dataDir);
    } else {
      log('removing stale state (its process is gone)');
      removeDataDir(state.dataDir);
    }
    removeState();
  }
  return dockerUsable() ? startDocker() : startJava();
}

async function stop() {
  const t0 = Date.now();
  const state = readState();
  if (state?.mode === 'docker') {
    const r = compose(['stop', 'neo4j'], { stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Failure('`docker compose stop neo4j` failed');
    removeState();
  } else if (state) {
    if (isAlive(state.pid) && !isOurLauncher(state.pid)) {
      log(`pid ${state.pid} is no longer the Neo4j launcher; not signalling it`);
    } else {
      await terminate(state.pid);
    }
    removeState();
    removeDataDir(state.dataDir);
  } else {
    log('no .neo4j/state.json: nothing recorded as running');
  }
  // Launchers from this checkout that lost their state file (e.g. a killed `start`).
  for (const pid of strayLaunchers(state?.pid)) {
    log(`found an unrecorded launcher, pid ${pid}`);
    await terminate(pid);
  }
  // Data directories left behind by failed starts.
  if (fs.existsSync(STATE_DIR) && !readState()) {
    for (const name of fs.readdirSync(STATE_DIR)) {
      if (name.startsWith('data-')) removeDataDir(path.join(STATE_DIR, name));
    }
  }
  log(`stopped (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function main() {
  const command = process.argv[2];
  if (command === 'start') {
    const t0 = Date.now();
    const uri = await start();
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    process.stdout.write(`${uri}\n`);
  } else if (command === 'stop') {
    await stop();
  } else {
    throw new Failure('usage: node scripts/neo4j.mjs start|stop');
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`neo4j: ${e instanceof Failure ? e.message : e?.stack ?? e}\n`);
    process.exit(1);
  },
);
