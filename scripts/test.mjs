#!/usr/bin/env node
/**
 * The test command (`npm test`): makes sure a real Neo4j is there for the Neo4j suites — uses
 * NEO4J_URI when set, else starts one with scripts/neo4j.mjs (and stops it afterwards) — then
 * runs the whole vitest suite. If Neo4j cannot start, the run fails; no suite is ever skipped.
 * Extra arguments go to vitest (`npm test -- test/rules`).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const run = (args, opts = {}) => spawnSync(node, args, { cwd: ROOT, stdio: 'inherit', ...opts });

let started = false;
if (!process.env.NEO4J_URI) {
  const r = spawnSync(node, [path.join(ROOT, 'scripts', 'neo4j.mjs'), 'start'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write('test: Neo4j did not start (see above); the Neo4j suites cannot run, so the test run fails\n');
    process.exit(r.status ?? 1);
  }
  process.env.NEO4J_URI = r.stdout.trim().split('\n').pop();
  started = true;
  process.stderr.write(`test: Neo4j at ${process.env.NEO4J_URI}\n`);
}
const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const result = run([vitest, 'run', ...process.argv.slice(2)], { env: process.env });
if (started) run([path.join(ROOT, 'scripts', 'neo4j.mjs'), 'stop']);
process.exit(result.status ?? 1);
