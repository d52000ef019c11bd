/**
 * Removing Neo4j snapshots: one snapshot (its findings, relationships, nodes, then its record, in
 * transactions small enough that a hub with a hundred thousand incoming relationships never
 * lands in one), and the prune that keeps the newest complete ones and clears loads whose writer
 * died (their heartbeat is old).
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { asNeo4jConnectionError, retryTimeFor, withRetries } from './neo4jDriver.js';
import type { Neo4jSnapshotRow } from './neo4jRecords.js';
import { Neo4jLabel } from './neo4jSchema.js';

const N = Neo4jLabel.node;
const S = Neo4jLabel.snapshot;
const DELETE_BATCH = 5_000;
/** A loading snapshot whose loader has not written for this long is considered dead. */
const STALE_MS = 10 * 60_000;

/** What removal needs of the store (Neo4jStore). */
export interface Neo4jPruneTarget {
  readonly driver: Driver;
  readonly uri: string;
  readonly database?: string;
  q(query: string, params?: Record<string, unknown>, write?: boolean): Promise<Record<string, unknown>[]>;
}

/**
 * Run one auto-commit query (`CALL … IN TRANSACTIONS` needs one) on the leader, in the driver's
 * bookmark chain, retried on transient failures (every such query here is an idempotent delete).
 */
async function autoCommit(store: Neo4jPruneTarget, query: string, params: Record<string, unknown>): Promise<void> {
  try {
    await withRetries(async () => {
      const session = store.driver.session({ database: store.database, defaultAccessMode: neo4j.session.WRITE, bookmarkManager: store.driver.executeQueryBookmarkManager });
      try {
        await session.run(query, params);
      } finally {
        await session.close();
      }
    }, retryTimeFor(store.uri));
  } catch (e) {
    throw asNeo4jConnectionError(store.uri, e);
  }
}

/**
 * Remove one snapshot: its findings, its relationships (each node's outgoing ones, a few
 * hundred nodes per transaction), its nodes, then its record.
 */
export async function removeSnapshot(store: Neo4jPruneTarget, id: string): Promise<void> {
  // A snapshot a delta moved forward (neo4jDelta.ts) has only its findings and record: its graph is the newer snapshot's.
  const rec = await store.q(`MATCH (s:${S} {id: $id}) SET s.status = 'deleting' RETURN s.movedTo AS movedTo, coalesce(s.scope, s.id) AS scope`, { id }, true);
  const moved = !!rec[0]?.movedTo;
  const scope = typeof rec[0]?.scope === 'string' ? rec[0].scope : id;
  // `key` / `id` IS NOT NULL lets the (snapshot, key) / (snapshot, id) uniqueness index find a snapshot's nodes.
  await autoCommit(
    store,
    `MATCH (f:${Neo4jLabel.finding}) WHERE f.snapshot = $id AND f.id IS NOT NULL CALL (f) { DETACH DELETE f } IN TRANSACTIONS OF ${DELETE_BATCH} ROWS`,
    { id },
  );
  if (!moved) {
    await autoCommit(store, `MATCH (n:${N}) WHERE n.snapshot = $scope AND n.key IS NOT NULL CALL (n) { MATCH (n)-[r]->() DELETE r } IN TRANSACTIONS OF 500 ROWS`, { scope });
    await autoCommit(store, `MATCH (n:${N}) WHERE n.snapshot = $scope AND n.key IS NOT NULL CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF ${DELETE_BATCH} ROWS`, { scope });
  }
  await store.q(`MATCH (s:${S} {id: $id}) DETACH DELETE s`, { id }, true);
}

/**
 * Which snapshots a prune removes, of `all` (every record, any status): complete ones beyond the
 * newest `keep` (never the latest), and unfinished ones whose heartbeat is older than STALE_MS.
 */
export function snapshotsToPrune(all: Neo4jSnapshotRow[], latest: string | undefined, keep: number, now = Date.now()): string[] {
  const complete = all.filter((s) => s.status === 'complete');
  const drop = complete.slice(0, Math.max(0, complete.length - keep)).filter((s) => s.id !== latest).map((s) => s.id);
  const stale = all.filter((s) => s.status !== 'complete' && now - s.heartbeat > STALE_MS).map((s) => s.id);
  return [...stale, ...drop];
}
