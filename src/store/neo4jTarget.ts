/**
 * Which engine a command uses. `--neo4j URI` selects Neo4j; so does `NEO4J_URI` in the
 * environment unless the command names an embedded store with `--store` (an explicit choice wins
 * over the environment). `NEO4J_USER` / `NEO4J_PASSWORD` give basic auth. `REVENANT_NEO4J_STORE`
 * names the store inside the database (default `default`), so that several stores — each with
 * its snapshots and its own latest — can share one Neo4j. No I/O, no driver: commands ask this
 * before loading either engine. `--neo4j-database NAME` / `NEO4J_DATABASE` picks the database
 * on the server (a cluster or Aura may host several; default: the server's default database).
 */
import { InputError } from '../model/errors.js';
import type { Neo4jConnectionOptions } from './neo4jDriver.js';

export interface EngineChoice {
  /** `--neo4j URI` */
  neo4j?: string;
  /** `--store PATH` */
  store?: string;
  /** `--neo4j-database NAME` */
  neo4jDatabase?: string;
}

export interface Neo4jTarget extends Neo4jConnectionOptions {
  /** The store inside the database (REVENANT_NEO4J_STORE; default `default`). */
  storeName?: string;
  /** The database on the server (`--neo4j-database` or NEO4J_DATABASE; default: the server's default). */
  database?: string;
}

/** Neo4j database names: 3 to 63 characters, ASCII letters, digits, dots and dashes, starting with a letter. */
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9.-]{2,62}$/;

/** The Neo4j server a command should use, or null for the embedded store. */
export function neo4jTarget(o: EngineChoice, env: NodeJS.ProcessEnv = process.env): Neo4jTarget | null {
  let uri = o.neo4j?.trim();
  if (o.neo4j !== undefined && !uri) throw new InputError('--neo4j: give the Bolt URI of a Neo4j 5 server, such as bolt://localhost:7687');
  if (!uri && o.store === undefined) uri = env.NEO4J_URI?.trim() || undefined;
  if (!uri) return null;
  const user = env.NEO4J_USER?.trim() || undefined;
  const storeName = env.REVENANT_NEO4J_STORE?.trim() || undefined;
  const database = (o.neo4jDatabase ?? env.NEO4J_DATABASE)?.trim() || undefined;
  if (database !== undefined && !DATABASE_NAME.test(database)) {
    throw new InputError(
      `${o.neo4jDatabase !== undefined ? '--neo4j-database' : 'NEO4J_DATABASE'}: ${JSON.stringify(database)} is not a Neo4j database name (3 to 63 letters, digits, dots or dashes, starting with a letter)`,
      { field: o.neo4jDatabase !== undefined ? '--neo4j-database' : 'NEO4J_DATABASE' },
    );
  }
  return { uri, user, password: user ? (env.NEO4J_PASSWORD ?? '') : undefined, storeName, database };
}
