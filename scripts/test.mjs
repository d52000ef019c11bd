#!/usr/bin/env node
/**
 * The test command (`npm test`): makes sure a real Neo4j is there for the Neo4j suites — uses
 * REVENANT_TEST_NEO4J_URI or NEO4J_URI when set, else starts one with scripts/neo4j.mjs (and
 * stops it afterwards) — then
 * runs the whole vitest suite. If Neo4j cannot start, the run fails; no suite is ever skipped.
 * Extra arguments go to vitest (`npm test -- test/rules`).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const run = (args, opts = {}) => spawnSync(node, args, { cwd: ROOT, stdio: 'inherit', ...opts });

// The Neo4j suites find the server through REVENANT_TEST_NEO4J_URI; NEO4J_URI itself is not
// passed on, or every CLI test would run on Neo4j (NEO4J_URI selects that engine) instead of
// testing the embedded default. The Neo4j suites set it where they mean to.
let uri = process.env.REVENANT_TEST_NEO4J_URI || process.env.NEO4J_URI;
delete process.env.NEO4J_URI;
let started = false;
if (!uri) {
  const r = spawnSync(node, [path.join(ROOT, 'scripts', 'neo4j.mjs'), 'start'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write('test: Neo4j did not start (see above); the Neo4j suites cannot run, so the test run fails\n');
    process.exit(r.status ?? 1);
  }
  uri = r.stdout.trim().split('\n').pop();
  started = true;
}
process.env.REVENANT_TEST_NEO4J_URI = uri;
process.stderr.write(`test: Neo4j at ${uri}\n`);
const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const result = run([vitest, 'run', ...process.argv.slice(2)], { env: process.env });
if (started) run([path.join(ROOT, 'scripts', 'neo4j.mjs'), 'stop']);
process.exit(result.status ?? 1);
