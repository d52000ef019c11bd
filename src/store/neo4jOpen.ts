/**
 * Opening the Neo4j engine for a command (neo4jTarget.ts decides whether to): proves the server
 * answers (within seconds, as one clear line if it does not), then resolves the snapshot — the
 * latest, a named one, or, for `--collection`, the collections loaded as an ephemeral snapshot
 * that is removed again when the command ends.
 */
import type { Driver } from 'neo4j-driver';
import { closeInBackground, connectNeo4j } from './neo4jDriver.js';
import type { Neo4jTarget } from './neo4jTarget.js';
import type { Neo4jSnapshot } from './neo4jGraph.js';
import { type PushProgress, Neo4jStore } from './neo4jStore.js';
import type { LoadProgress } from './writeSnapshot.js';

/** Connect (failing fast with a clear message) and return the snapshot store on that server. */
export async function openNeo4jStore(target: Neo4jTarget): Promise<{ store: Neo4jStore; driver: Driver }> {
  const driver = await connectNeo4j(target);
  return { store: new Neo4jStore(driver, target.uri.replace(/^([a-z0-9+]+:\/\/)[^@/]*@/i, '$1'), target.database, target.storeName), driver };
}

export interface OpenedNeo4j {
  snap: Neo4jSnapshot;
  store: Neo4jStore;
  close(): Promise<void>;
}

/**
 * Open the snapshot a query runs on: `--collection` dirs are loaded as an ephemeral snapshot
 * (reported as snapshot null, as the embedded engine reports collections analysed directly),
 * else the named or latest complete snapshot.
 */
export async function openNeo4jSnapshot(
  target: Neo4jTarget,
  opts: { collections?: string[]; snapshot?: string; onProgress?: (p: LoadProgress) => void; onPush?: (p: PushProgress) => void },
): Promise<OpenedNeo4j> {
  const { store, driver } = await openNeo4jStore(target);
  try {
    if (opts.collections && opts.collections.length > 0) {
      // Only `--collection` needs the embedded loader: a query on a stored snapshot never loads it.
      const { loadInMemory } = await import('./openGraph.js');
      const db = await loadInMemory(opts.collections, opts.onProgress);
      const id = `${Neo4jStore.newId()}-ephemeral-${process.pid}`;
      try {
        await store.push(db, id, { ephemeral: true, onProgress: opts.onPush });
      } finally {
        db.close();
      }
      const snap = await store.openScope(id, null);
      // Keep it from looking abandoned to a concurrent `snapshots --prune` while the query runs.
      const beat = setInterval(() => void store.touch(id).catch(() => undefined), 60_000);
      beat.unref();
      return {
        snap,
        store,
        close: async () => {
          clearInterval(beat);
          try {
            await store.remove(id);
          } finally {
            await driver.close();
          }
        },
      };
    }
    const snap = await store.open(opts.snapshot);
    // A query on a stored snapshot has nothing left to do on the server once its result is in:
    // the command prints it while the driver closes (GOODBYE and the socket closes are
    // best-effort), instead of waiting for the close before its first byte of output.
    return { snap, store, close: async () => closeInBackground(driver) };
  } catch (e) {
    await driver.close().catch(() => undefined);
    throw e;
  }
}
