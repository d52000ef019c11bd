/**
 * Delta equivalence on Neo4j: the chain of equivalence.test.ts (test/delta/chain.ts, with its
 * GitHub and Azure folders), shorter (9 steps of 3 generated changes), and at every step the delta
 * snapshot goes into Neo4j the way the server publishes an event refresh — applied in place on its
 * base's graph, only what changed, in one transaction (src/store/neo4jDelta.ts): the base keeps its
 * stored findings but its graph is refused to queries, Neo4j holds as many nodes and
 * relationships as a full load of the same data — and the Neo4j
 * engine's sweep of it (Cypher) gives the findings document of the full collection's full load,
 * normalized the same way; the findings it stored there are the same document too.
 */
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { tempDir } from '../collect/helpers.js';
import { neo4jUri, openTestDriver, pushSnapshot } from '../support/neo4j.js';
import { DeltaChain } from './chain.js';

const STEPS = 9;
const PER_STEP = 3;

describe('on Neo4j, a delta snapshot answers what a full load of the same data answers', () => {
  const chain = new DeltaChain(tempDir());
  let driver: Driver;
  let neo: Neo4jStore;
  const pushed: string[] = [];
  const timings: { step: number; ms: number; delta: boolean }[] = [];

  beforeAll(async () => {
    driver = openTestDriver();
    neo = new Neo4jStore(driver, neo4jUri());
    await neo.ensureSchema();
    await chain.start(150, 21, { sides: true });
    // The first snapshot goes in whole; every delta after it is applied in place.
    await pushSnapshot(neo, chain.deltaStore.dir, chain.base.id);
    pushed.push(chain.base.id);
  }, 300_000);

  afterAll(async () => {
    // Oldest first: a moved snapshot leaves the graph to the newest, which removes it.
    for (const id of pushed) await neo.remove(id).catch(() => undefined);
    await driver?.close();
    await chain.stop();
  });

  test(`a chain of ${STEPS} steps of ${PER_STEP} generated changes`, async () => {
    let changes = 0;
    const kinds = new Set<string>();
    for (let i = 1; i <= STEPS; i++) {
      const s = await chain.step(i, PER_STEP);
      changes += s.done.length;
      for (const k of s.kinds) kinds.add(k);
      const why = `step ${i}: ${s.done.join('; ')}`;
      expect(chain.compare(s.dd, s), why).toEqual([]);
      const prev = pushed.at(-1) ?? chain.base.id;
      const t0 = performance.now();
      const r = await pushSnapshot(neo, chain.deltaStore.dir, s.dl.id);
      timings.push({ step: i, ms: Math.round(performance.now() - t0), delta: !!r.delta });
      pushed.push(s.dl.id);
      // Applied in place on its base's graph, in one transaction: only what changed was written.
      expect(r.delta, why).toMatchObject({ base: prev });
      const full = chain.fullStore.info(s.fl.id);
      expect(r.delta!.nodesWritten, why).toBeLessThan(full.nodes / 4);
      // The base keeps its stored findings, but its graph is the new snapshot's now.
      expect(JSON.stringify((await neo.storedFindings(prev)).findings), `stored findings of ${prev} kept, ${why}`).toBe(JSON.stringify(chain.stored(chain.deltaStore, prev).findings));
      await expect(neo.open(prev)).rejects.toThrow(/became snapshot .* \(a delta applied in place\)/);
      // Neo4j holds the graph a full load of the same data holds: as many nodes and relationships.
      const [counts] = await neo.q(`MATCH (s:RevenantSnapshot {id: $id}) MATCH (n:RevenantNode {snapshot: s.scope}) WITH s, count(n) AS nodes OPTIONAL MATCH (:RevenantNode {snapshot: s.scope})-[e]->() WHERE e.snapshot = s.scope RETURN nodes, count(e) AS edges`, { id: s.dl.id });
      expect({ nodes: Number(counts.nodes), edges: Number(counts.edges) }, why).toEqual({ nodes: full.nodes, edges: full.edges });
      const snap = await neo.open(s.dl.id);
      expect(chain.compare(await runResidualNeo4j(snap, { all: true }), s), `Neo4j sweep, ${why}`).toEqual([]);
      expect(chain.compare(await neo.storedFindings(s.dl.id), s), `Neo4j stored findings, ${why}`).toEqual([]);
    }
    expect(changes).toBeGreaterThanOrEqual(20);
    expect(kinds.size).toBeGreaterThanOrEqual(20);
    process.stderr.write(`delta pushes (ms): ${JSON.stringify(timings)}\n`);
  }, 1_800_000);
});
