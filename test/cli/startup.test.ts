/**
 * What a command loads before it answers (issue 13 item 2: one subject ≤ 300 ms including process
 * start). The CLI is run as a user runs it, with a preload (test/support/moduleTrace.cjs) that
 * records every module the process loads; the test fails when a command pulls in a library it
 * does not use: `@azure/identity` (~0.3 s) on every command, the embedded engine's SQLite and
 * compact graph on a Neo4j query, the Neo4j driver or the write path (collections, line validation
 * with ajv, derivation) on an embedded one. bin/revenant.js runs the CLI's bundle
 * (scripts/build-cli.mjs): its files are mapped back to the modules they hold (the bundle's
 * meta.json), so the checks name modules either way. The one-subject commands run from the
 * bundle's code-cached script (bin/cliScript.js), one file that the trace does not see: there the
 * checks see the npm packages a command loads (require and import still load them), and the same
 * commands with REVENANT_CODE_CACHE=off show which of our modules the bundle loads (the script
 * holds the same modules and the same lazy imports). Timing itself belongs in bench/subject.mjs
 * and bench/engines.mjs; this checks the cause.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { BIN } from '../support/cli.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';
import { ROOT, SCENARIOS, expectedOf } from '../support/scenarios.js';

const TRACE = join(ROOT, 'test', 'support', 'moduleTrace.cjs');
const BUNDLE = join(ROOT, 'dist', 'bundle', 'cli');
const BUNDLE_URL = `${pathToFileURL(BUNDLE).href}/`;
const ROOT_URL = `${pathToFileURL(ROOT).href}/`;
const DIST_URL = `${ROOT_URL}dist/`;
/** Which modules (paths below the package root) each file of the bundle holds. */
const BUNDLED = (JSON.parse(readFileSync(join(BUNDLE, 'meta.json'), 'utf8')) as { files: Record<string, string[]> }).files;
const OWNED = join(SCENARIOS, 'entra-owned-apps');
const STORE = `test-startup-${process.pid}`;
const SUBJECT = `entra:${expectedOf('entra-owned-apps').findings[0].subject}`;
const AT = expectedOf('entra-owned-apps').at;
const tmp: string[] = [];
const pushed: string[] = [];

afterAll(async () => {
  if (pushed.length) {
    const driver = openTestDriver();
    try {
      const store = new Neo4jStore(driver, neo4jUri(), undefined, STORE);
      for (const id of pushed) await store.remove(id).catch(() => undefined);
      await driver.executeQuery('MATCH (s:RevenantStore {name: $name}) DELETE s', { name: STORE });
    } finally {
      await driver.close();
    }
  }
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

/** Run the CLI; its exit status, stdout and every module it loaded (as file URLs). */
function traced(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; modules: string[]; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'revenant-startup-'));
  tmp.push(dir);
  const file = join(dir, 'modules.txt');
  const r = spawnSync(process.execPath, ['--require', TRACE, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NEO4J_URI: '', ...env, REVENANT_MODULE_TRACE: file },
  });
  let files: string[] = [];
  try {
    files = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    // nothing recorded: the assertions below say so
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules: files.flatMap(unbundled), files };
}

/** A loaded file as the modules it holds: a file of the bundle as the modules it was made of, any other as itself. */
function unbundled(url: string): string[] {
  if (!url.startsWith(BUNDLE_URL)) return [url];
  const inputs = BUNDLED[url.slice(BUNDLE_URL.length)];
  if (!inputs) throw new Error(`${url} is not in the bundle's meta.json (rebuild: npm run build)`);
  return inputs.map((m) => ROOT_URL + m);
}

const loaded = (modules: string[], what: RegExp) => [...new Set(modules.filter((m) => what.test(m)))];
const AZURE_IDENTITY = /\/node_modules\/@azure\/identity\//;
const WRITE_PATH = /\/node_modules\/ajv\/|\/dist\/src\/store\/(writeSnapshot|deriveGraph|delta\/writeDelta)\.js$|\/dist\/ingest\/collection\/(openCollection|validateLine)\.js$/;
/** Run the ES bundle, not the code-cached script (bin/cliScript.js). */
const NO_SCRIPT = { REVENANT_CODE_CACHE: 'off' };
const EMBEDDED = /\/node_modules\/better-sqlite3\/|\/dist\/src\/store\/(SnapshotDb|CompactGraph|LazyGraph|SnapshotWriter)\.js$/;

describe('what a command loads', () => {
  it('runs the code-cached script and the bundle, which print what the compiled modules print (REVENANT_UNBUNDLED=1)', () => {
    const store = mkdtempSync(join(tmpdir(), 'revenant-startup-store-'));
    tmp.push(store);
    const load = traced(['load', OWNED, '--store', store]);
    expect(load.status, load.stderr).toBe(0);
    const args = ['residual', SUBJECT, '--at', AT, '--store', store, '--format', 'json'];
    const script = traced(args);
    const bundled = traced(args, NO_SCRIPT);
    const compiled = traced(args, { REVENANT_UNBUNDLED: '1' });
    expect(script.status, script.stderr).toBe(0);
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(JSON.parse(bundled.stdout).findings.length).toBeGreaterThan(0);
    expect(script.stdout).toBe(compiled.stdout);
    expect(bundled.stdout).toBe(compiled.stdout);
    // The script ran: none of the bundle's files nor the compiled modules were loaded as modules.
    expect(script.files.filter((f) => f.startsWith(DIST_URL))).toEqual([]);
    expect(script.stderr).toBe('');
    // The bundle ran (a few files), not the ~230 compiled modules; and the other way round.
    expect(bundled.files).toContain(`${BUNDLE_URL}main.js`);
    expect(bundled.files.filter((f) => f.startsWith(`${DIST_URL}src/`))).toEqual([]);
    expect(compiled.files.filter((f) => f.startsWith(BUNDLE_URL))).toEqual([]);
    expect(bundled.files.filter((f) => f.startsWith(BUNDLE_URL)).length * 3).toBeLessThan(compiled.files.filter((f) => f.startsWith(DIST_URL)).length);
    // Bad input keeps its exit code and message through the bundle (errors are the same classes).
    for (const env of [{}, NO_SCRIPT]) {
      const bad = traced(['residual', '--store', store], env);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^revenant: residual: name one or more subjects/);
    }
  });

  it('--help loads no vendor SDK (the Graph credentials only load when a collector needs them)', () => {
    for (const env of [{}, NO_SCRIPT]) {
      const r = traced(['--help'], env);
      expect(r.status).toBe(0);
      if (env === NO_SCRIPT) expect(r.modules.some((m) => m.endsWith('/dist/src/cli/main.js')), 'the trace recorded the CLI').toBe(true);
      expect(loaded(r.modules, AZURE_IDENTITY)).toEqual([]);
      expect(loaded(r.modules, /\/node_modules\/(@okta|@octokit|@microsoft|neo4j-driver)/)).toEqual([]);
    }
  });

  it('one subject on the embedded store loads no Azure SDK and no Neo4j driver', () => {
    const store = mkdtempSync(join(tmpdir(), 'revenant-startup-store-'));
    tmp.push(store);
    const load = traced(['load', OWNED, '--store', store]);
    expect(load.status, load.stderr).toBe(0);
    for (const env of [{}, NO_SCRIPT]) {
      const r = traced(['residual', SUBJECT, '--at', AT, '--store', store, '--format', 'json'], env);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
      // SQLite is there: the trace sees the packages the script loads.
      expect(loaded(r.modules, /\/node_modules\/better-sqlite3\//).length).toBeGreaterThan(0);
      expect(loaded(r.modules, AZURE_IDENTITY)).toEqual([]);
      expect(loaded(r.modules, /\/node_modules\/neo4j-driver/)).toEqual([]);
      // Nor the write path: reading collections (line validation with ajv), deriving, writing a snapshot or a delta.
      expect(loaded(r.modules, WRITE_PATH)).toEqual([]);
      // Nor the graph library blast radius and paths build on (the one-subject graph is plain maps).
      expect(loaded(r.modules, /\/node_modules\/graphology|\/dist\/(src\/analysis\/privilegeGraph|queries\/blast-radius|queries\/paths)\.js$/)).toEqual([]);
    }
    // The load did load it (the trace sees it when it is there).
    expect(loaded(load.modules, WRITE_PATH).length).toBeGreaterThan(0);
  });

  it('one subject on Neo4j loads the driver only: no SQLite, no embedded engine, no Azure SDK', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-startup-neo4j-'));
    tmp.push(dir);
    const env = { REVENANT_NEO4J_STORE: STORE };
    const load = traced(['load', OWNED, '--store', dir, '--neo4j', neo4jUri()], env);
    expect(load.status, load.stderr).toBe(0);
    pushed.push(load.stdout.trim());
    const embedded = traced(['residual', SUBJECT, '--at', AT, '--store', dir, '--format', 'json']);
    expect(JSON.parse(embedded.stdout).findings.length).toBeGreaterThan(0);
    for (const script of [true, false]) {
      const r = traced(['residual', SUBJECT, '--at', AT, '--neo4j', neo4jUri(), '--format', 'json'], script ? env : { ...env, ...NO_SCRIPT });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(embedded.stdout);
      // The script holds the driver (bundled), so only the ES bundle's trace shows it loading.
      if (!script) expect(loaded(r.modules, /\/node_modules\/neo4j-driver\//).length).toBeGreaterThan(0);
      expect(loaded(r.modules, EMBEDDED)).toEqual([]);
      expect(loaded(r.modules, AZURE_IDENTITY)).toEqual([]);
    }
  });
});
