/**
 * The query engine a command runs on (queries/QueryEngine.ts, the interface the API uses too):
 * Neo4j when `--neo4j` or NEO4J_URI selects it (src/store/neo4jTarget.ts), else the embedded
 * store's snapshot or `--collection` folders loaded in memory, read compactly for a tenant-wide
 * sweep — or that sweep taken from the document the load stored, on either engine, when it is exactly
 * what the sweep would give (REVENANT_RECOMPUTE=1: always sweep). Heavy modules load only for the engine
 * chosen; `close` releases the snapshot (and, on Neo4j, the driver and any ephemeral snapshot of
 * `--collection`).
 */
import type { QueryEngine } from '../../queries/QueryEngine.js';
import { neo4jTarget } from '../store/neo4jTarget.js';
import type { SourceOptions } from './options.js';

export interface OpenedEngine {
  engine: QueryEngine;
  close(): Promise<void>;
}

export async function openEngine(o: SourceOptions): Promise<OpenedEngine> {
  const target = neo4jTarget(o);
  if (target) {
    const [{ openNeo4jSnapshot }, { Neo4jEngine }] = await Promise.all([import('../store/neo4jOpen.js'), import('../../queries/Neo4jEngine.js')]);
    const opened = await openNeo4jSnapshot(target, { collections: o.collection, snapshot: o.snapshot });
    return { engine: new Neo4jEngine(opened.snap, { storedSweeps: process.env.REVENANT_RECOMPUTE !== '1' }), close: () => opened.close() };
  }
  const [{ openSnapshotDb }, { EmbeddedEngine }] = await Promise.all([import('../store/openGraph.js'), import('../../queries/QueryEngine.js')]);
  const { db, id } = await openSnapshotDb({ collections: o.collection, snapshot: o.snapshot, store: o.store });
  const engine = new EmbeddedEngine(db, id, { compactSweeps: true, storedSweeps: process.env.REVENANT_RECOMPUTE !== '1' });
  return { engine, close: async () => engine.close() };
}

/** Run `query` on the command's engine and close it, whatever happens. */
export async function withEngine<T>(o: SourceOptions, query: (engine: QueryEngine) => Promise<T>): Promise<T> {
  const opened = await openEngine(o);
  try {
    return await query(opened.engine);
  } finally {
    await opened.close();
  }
}
