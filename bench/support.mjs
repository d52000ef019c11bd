/**
 * What the benchmarks share (not a benchmark itself): the repository's paths, `--name value`
 * arguments, the local Neo4j the launcher recorded (`npm run neo4j:start`: .neo4j/state.json) and
 * its server CPU from /proc, this process's and its children's CPU seconds, and rounding.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'revenant.js');

/** The value after `--name` on the command line, else `def`. */
export const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};

/** `x` rounded to `digits` decimals (null stays null). */
export const round = (x, digits = 2) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

const TICKS = 100; // USER_HZ on Linux
/** The sum of `fields` (0-based after the command name) of a /proc stat file, in seconds, or null. */
export const procCpu = (file, fields) => {
  if (!existsSync(file)) return null;
  const f = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return fields.reduce((a, i) => a + Number(f[i]), 0) / TICKS;
};

/**
 * The Neo4j to measure: NEO4J_URI, else the ready launcher's; `serverCpu()` is its CPU seconds so
 * far when it is that local launcher's process, else null. Throws, naming `bench`, without one.
 */
export function localNeo4j(bench) {
  const state = join(ROOT, '.neo4j', 'state.json');
  const launcher = existsSync(state) ? JSON.parse(readFileSync(state, 'utf8')) : null;
  const uri = process.env.NEO4J_URI || (launcher?.status === 'ready' ? launcher.uri : undefined);
  if (!uri) throw new Error(`bench/${bench}: set NEO4J_URI or run \`npm run neo4j:start\` first`);
  const pid = !process.env.NEO4J_URI || process.env.NEO4J_URI === launcher?.uri ? launcher?.pid : undefined;
  return { uri, serverCpu: () => (pid ? procCpu(`/proc/${pid}/stat`, [11, 12]) : null) };
}

/** This process's CPU seconds so far. */
export const ownCpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

/** The CPU seconds of this process's waited-for children so far (/proc cutime + cstime). */
export const childrenCpu = () => procCpu('/proc/self/stat', [13, 14]);
