/**
 * Query plans of the Neo4j engine's hot queries: every Cypher statement that `residual --all`,
 * one-subject residual, blast radius, paths and the console's search, person view and
 * neighbourhood send is captured as it runs on a synthetic tenant
 * in the real test Neo4j, then run again under PROFILE; a plan that scans a whole label
 * (NodeByLabelScan) or every node (AllNodesScan) fails the test — each query must start from an
 * index (the (snapshot, key) and (snapshot, id) indexes of neo4jSchema.ts, or a relationship
 * index). Several snapshots share the database, as in production, so a label scan is never the
 * cheap plan it would be on a lone small graph.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver, ManagedTransaction } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { blastRadiusNeo4j } from '../../queries/blast-radius.cypher.js';
import { neighbourhoodNeo4j, personNeo4j, searchNeo4j } from '../../queries/explore.cypher.js';
import { findPathsNeo4j } from '../../queries/paths.cypher.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';

const AT = '2026-11-01T00:00:00Z';
const FULL_SCANS = new Set(['NodeByLabelScan', 'AllNodesScan']);

interface Plan {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: Plan[];
}

/** Operators of a plan tree, with their details (`n:RevenantNode`, …). */
function operators(p: Plan, out: { op: string; details: string }[] = []): { op: string; details: string }[] {
  out.push({ op: p.operatorType.replace(/@.*$/, ''), details: String(p.arguments?.Details ?? '') });
  for (const c of p.children ?? []) operators(c, out);
  return out;
}

let driver: Driver;
let store: Neo4jStore;
const ids: string[] = [];
const dirs: string[] = [];
/** Statements the engine sent, with their parameters (deduplicated by text). */
const captured = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  driver = openTestDriver();
  store = new Neo4jStore(driver, neo4jUri());
  // Two snapshots side by side; queries run on the second.
  for (const seed of [3, 4]) {
    const out = mkdtempSync(join(tmpdir(), 'revenant-plans-'));
    dirs.push(out);
    await synthesize({ users: 300, seed, out, at: AT });
    const db = await loadInMemory([out]);
    const id = `plans-${seed}-${Date.now()}`;
    await store.push(db, id, { ephemeral: true });
    db.close();
    ids.push(id);
  }
  const snap = await store.openScope(ids[1], null);
  const capture = (query: string, params?: Record<string, unknown>) => {
    if (!captured.has(query)) captured.set(query, { ...(params ?? {}) });
  };
  // The engine's reads are auto-commit queries of a session (Neo4jSnapshot.rows) or queries of a
  // read transaction (Neo4jSnapshot.inReadTransaction: named subjects, batched reach); the store's
  // go through executeQuery.
  const original = driver.executeQuery.bind(driver);
  driver.executeQuery = ((query: string, params?: Record<string, unknown>, config?: unknown) => {
    capture(query, params);
    return original(query, params, config as never);
  }) as typeof driver.executeQuery;
  const originalSession = driver.session.bind(driver);
  driver.session = ((config?: Parameters<Driver['session']>[0]) => {
    const session = originalSession(config);
    const run = session.run.bind(session);
    session.run = ((query: string, params?: Record<string, unknown>, cfg?: unknown) => {
      capture(query, params);
      return run(query, params, cfg as never);
    }) as typeof session.run;
    const executeRead = session.executeRead.bind(session);
    session.executeRead = (<T>(work: (tx: ManagedTransaction) => Promise<T>, cfg?: unknown) =>
      executeRead((tx) => {
        const txRun = tx.run.bind(tx);
        tx.run = ((query: string, params?: Record<string, unknown>) => {
          capture(query, params);
          return txRun(query, params);
        }) as typeof tx.run;
        return work(tx);
      }, cfg as never)) as typeof session.executeRead;
    return session;
  }) as typeof driver.session;
  try {
    const all = await runResidualNeo4j(snap, { all: true });
    const subject = all.findings[0];
    await runResidualNeo4j(snap, { subjects: [`${subject.subject.source}:${subject.subject.id}`] });
    const user = `${subject.subject.source}:${subject.subject.id}`;
    await blastRadiusNeo4j(snap, user, {});
    await findPathsNeo4j(snap, user, 'tier0', {});
    // The console: search as one types, the person view, and a node's neighbourhood by name and by key.
    for (const q of ['a', subject.subject.name.slice(0, 3), subject.subject.id]) await searchNeo4j(snap, q, 8);
    await personNeo4j(snap, user);
    const nb = await neighbourhoodNeo4j(snap, user, { limit: 12 });
    await neighbourhoodNeo4j(snap, nb.node.key, { dir: 'in', edges: ['MEMBER_OF', 'BELONGS_TO'], offset: 1, limit: 2 });
  } finally {
    driver.executeQuery = original;
    driver.session = originalSession;
  }
}, 300_000);

afterAll(async () => {
  for (const id of ids) await store?.remove(id).catch(() => undefined);
  await driver?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('query plans of the hot Neo4j queries', () => {
  it('captured the engine queries', () => {
    expect(captured.size).toBeGreaterThan(10);
  });

  it('no hot query scans a whole label or every node', async () => {
    const offenders: string[] = [];
    for (const [query, params] of captured) {
      const { summary } = await driver.executeQuery(`PROFILE ${query}`, params);
      const plan = summary.profile as unknown as Plan | false;
      expect(plan, query).toBeTruthy();
      for (const o of operators(plan as Plan)) {
        if (FULL_SCANS.has(o.op)) offenders.push(`${o.op} ${o.details} in:\n${query.trim().slice(0, 400)}`);
      }
    }
    expect(offenders, offenders.join('\n\n')).toEqual([]);
  }, 300_000);

  it('recognises a full scan when there is one', async () => {
    const { summary } = await driver.executeQuery('PROFILE MATCH (n:RevenantNode) WHERE n.kind = $k RETURN count(n) AS c', { k: 'EntraUser' });
    expect(operators(summary.profile as unknown as Plan).some((o) => FULL_SCANS.has(o.op))).toBe(true);
  });
});
