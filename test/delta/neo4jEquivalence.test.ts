/**
 * Delta equivalence on Neo4j: the chain of equivalence.test.ts (test/delta/chain.ts), shorter
 * (9 steps of 3 generated changes), and at every step the delta snapshot goes into Neo4j the way
 * the server publishes an event refresh (read through its overlay on its base) and the Neo4j
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

  beforeAll(async () => {
    driver = openTestDriver();
    neo = new Neo4jStore(driver, neo4jUri());
    await neo.ensureSchema();
    await chain.start(150, 21);
  }, 300_000);

  afterAll(async () => {
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
      await pushSnapshot(neo, chain.deltaStore.dir, s.dl.id);
      pushed.push(s.dl.id);
      const snap = await neo.open(s.dl.id);
      expect(chain.compare(await runResidualNeo4j(snap, { all: true }), s), `Neo4j sweep, ${why}`).toEqual([]);
      expect(chain.compare(await neo.storedFindings(s.dl.id), s), `Neo4j stored findings, ${why}`).toEqual([]);
    }
    expect(changes).toBeGreaterThanOrEqual(20);
    expect(kinds.size).toBeGreaterThanOrEqual(20);
  }, 1_800_000);
});
