// Runs the CLI from its code-cached script (dist/bundle/cli/main.script.js, built by
// scripts/build-cli.mjs): the whole CLI as one CommonJS-shaped script compiled by vm.Script with
// V8's cached data, so a command skips parsing and compiling the code it ran before (Node 20 has
// no compile cache for ES modules; issue 13: one subject ≤ 300 ms including process start).
// The cache (main.script.cache beside the script) holds the script's SHA-256 and Node's version
// and architecture; a cache for another script or Node, or one V8 rejects, is not used and is
// written again after the command. A command whose kind (command, engine) the cache has not seen
// yet adds what it compiled, once. Writing is atomic (a temporary file renamed) and never fails a
// command: where dist/ is read-only (a container's user) the CLI runs with the cache it has, or none.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const DIR = new URL('../dist/bundle/cli/', import.meta.url);
const SCRIPT = fileURLToPath(new URL('main.script.js', DIR));
const CACHE = fileURLToPath(new URL('main.script.cache', DIR));
/** What the script's import.meta.url stands for: the ES bundle's entry beside it, so relative paths resolve alike. */
const ENTRY = new URL('main.js', DIR);

/** The script's description (main.script.json: its hash, how to read it, its commands), or null without one. */
export function cliScript() {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL('main.script.json', DIR)), 'utf8'));
  } catch {
    return null;
  }
}

/** The cache file: a 4-byte length, that many bytes of JSON header, then V8's cached data. */
function readCache(meta) {
  try {
    const buf = readFileSync(CACHE);
    const n = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + n).toString('utf8'));
    if (header.sha256 !== meta.sha256 || header.node !== process.version || header.arch !== process.arch) return null;
    return { covers: Array.isArray(header.covers) ? header.covers : [], data: buf.subarray(4 + n) };
  } catch {
    return null;
  }
}

function writeCache(meta, script, covers) {
  const tmp = `${CACHE}.${process.pid}.tmp`;
  let fd;
  try {
    // Opened first: where dist/ is read-only, no time goes into serialising the cache.
    fd = openSync(tmp, 'wx');
  } catch {
    return;
  }
  try {
    const header = Buffer.from(JSON.stringify({ sha256: meta.sha256, node: process.version, arch: process.arch, covers }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length);
    writeFileSync(fd, Buffer.concat([len, header, script.createCachedData()]));
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, CACHE);
  } catch {
    // a full disk, a cache file that cannot be replaced: run with the cache there is
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
  }
}

/** Which kind of run this is, for the cache: the command and the engine its options choose. */
function kindOf(argv) {
  const command = argv[2] && !argv[2].startsWith('-') ? argv[2] : 'help';
  const neo4j = argv.includes('--neo4j') || (!!process.env.NEO4J_URI && !argv.includes('--store'));
  return `${command}:${neo4j ? 'neo4j' : 'embedded'}`;
}

/** Run the CLI's `run(argv)` from the script; its exit code. */
export async function runCliScript(meta, argv) {
  const source = readFileSync(SCRIPT, meta.encoding === 'latin1' ? 'latin1' : 'utf8');
  const mode = process.env.REVENANT_CODE_CACHE;
  const cache = mode === 'write' ? null : readCache(meta);
  const script = new vm.Script(source, { filename: SCRIPT, cachedData: cache?.data });
  const kind = mode === 'write' ? 'build' : kindOf(argv);
  const accepted = cache && !script.cachedDataRejected;
  if (!accepted || !cache.covers.includes(kind)) {
    const covers = [...(accepted ? cache.covers : []), kind];
    process.once('exit', () => writeCache(meta, script, covers));
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(ENTRY), module, SCRIPT, fileURLToPath(DIR), (s) => import(s), ENTRY.href);
  return module.exports.run(argv);
}
