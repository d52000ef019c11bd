/**
 * Where the tests' real Neo4j is, and a driver for it. The server is started outside the test
 * run (`npm run neo4j:start`, see scripts/neo4j.mjs); tests never start one themselves and never
 * skip when there is none: `neo4jUri()` throws, so a missing server is a loud failure.
 * REVENANT_TEST_NEO4J_URI (set by `npm test`), then NEO4J_URI, win over .neo4j/state.json;
 * NEO4J_USER/NEO4J_PASSWORD give basic auth if set. `pushSnapshot` pushes a snapshot of an
 * embedded store into a Neo4j store (as `load --neo4j` does).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, Driver } from 'neo4j-driver';
import { openNeo4jDriver } from '../../src/store/neo4jDriver.js';
import type { Neo4jStore } from '../../src/store/neo4jStore.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STATE_FILE = path.join(ROOT, '.neo4j', 'state.json');
const HOW_TO = 'run `npm run neo4j:start` first (or set NEO4J_URI to a running Neo4j 5)';

/** The Bolt URI of the test Neo4j. Throws a clear Error when there is none. */
export function neo4jUri(): string {
  const fromEnv = (process.env.REVENANT_TEST_NEO4J_URI || process.env.NEO4J_URI)?.trim();
  if (fromEnv) return fromEnv;
  let text: string;
  try {
    text = fs.readFileSync(STATE_FILE, 'utf8');
  } catch {
    throw new Error(`test Neo4j: NEO4J_URI is not set and ${path.relative(ROOT, STATE_FILE)} does not exist: ${HOW_TO}`);
  }
  let state: { uri?: unknown; status?: unknown };
  try {
    state = JSON.parse(text) as { uri?: unknown; status?: unknown };
  } catch {
    throw new Error(`test Neo4j: ${STATE_FILE} is not valid JSON: ${HOW_TO}`);
  }
  if (typeof state.uri !== 'string' || state.uri === '' || (state.status !== undefined && state.status !== 'ready')) {
    throw new Error(`test Neo4j: ${path.relative(ROOT, STATE_FILE)} records no ready server: ${HOW_TO}`);
  }
  return state.uri;
}

/** A driver for the test Neo4j with the product's fail-fast settings (and any `extra` ones). Close it in afterAll. */
export function openTestDriver(extra: Config = {}): Driver {
  const user = process.env.NEO4J_USER || undefined;
  return openNeo4jDriver({ uri: neo4jUri(), user, password: user ? (process.env.NEO4J_PASSWORD ?? '') : undefined }, extra);
}

/** Push snapshot `id` of the embedded store in `storeDir` into `neo`. */
export async function pushSnapshot(neo: Neo4jStore, storeDir: string, id: string): Promise<Awaited<ReturnType<Neo4jStore['push']>>> {
  const sdb = new SnapshotDb(new Store(storeDir).pathOf(id));
  try {
    return await neo.push(sdb, id);
  } finally {
    sdb.close();
  }
}
