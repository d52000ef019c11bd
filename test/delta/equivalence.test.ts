/**
 * Delta equivalence on the embedded engine: on a synthetic tenant served by the Graph and Okta
 * fakes, a chain of generated changes (joiners, leavers, disables, re-enables, credentials added
 * and removed, owners, memberships, role and app role assignments, consents, Okta suspensions and
 * deactivations, assignments and admin roles, HR terminations; beside it a GitHub organisation
 * whose members the IdP asserts are Entra users — links added, removed and moved, joiners, leavers,
 * borrowed departures — and Azure role assignments and eligibilities of Entra users, added, removed
 * and moved) is read two ways at every step —
 * `collect --delta` on the previous step's collection and a delta load on the previous snapshot,
 * and a full collection and a full load — and the stored findings documents are identical: byte
 * for byte once each evidence reference (`file:line`, which names the collection a line was read
 * from) is replaced by the line it names, and the snapshot id put aside (test/delta/chain.ts).
 * Reading the delta snapshot (a sweep, and one subject at a time) gives the same answer as its
 * stored document. The same chain on Neo4j: neo4jEquivalence.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runResidual } from '../../queries/residual.js';
import { CompactGraph } from '../../src/store/CompactGraph.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { tempDir } from '../collect/helpers.js';
import { CHANGE_KINDS } from '../support/tenantChanges.js';
import { SIDE_CHANGE_KINDS } from '../support/sideSources.js';
import { DeltaChain } from './chain.js';

const STEPS = 22;

describe('delta collection and delta load equal full collection and full load, step by step', () => {
  const chain = new DeltaChain(tempDir());

  beforeAll(async () => {
    await chain.start(300, 12, { sides: true });
  }, 300_000);

  afterAll(async () => {
    await chain.stop();
  });

  test(`a chain of ${STEPS} steps of generated changes`, async () => {
    const seen = new Set<string>();
    const sideSeen = new Set<string>();
    let reanalysed = 0;
    let units = 0;
    let githubFindings = 0;
    let azureFindings = 0;
    for (let i = 1; i <= STEPS; i++) {
      const s = await chain.step(i);
      for (const k of s.kinds) seen.add(k);
      for (const k of s.sideKinds) sideSeen.add(k);
      reanalysed += s.dl.reanalysed;
      githubFindings += s.fd.findings.filter((f) => f.subject.source === 'github').length;
      azureFindings += s.fd.findings.filter((f) => f.rule.startsWith('azure.')).length;
      units += s.dl.units;
      expect(chain.compare(s.dd, s), `step ${i}: ${s.done.join('; ')}`).toEqual([]);
      // Reading the delta snapshot: a sweep and single subjects give what it stored.
      const db = new SnapshotDb(chain.deltaStore.pathOf(s.dl.id));
      try {
        expect(JSON.stringify(runResidual(new CompactGraph(db, s.dl.id), { all: true }))).toBe(JSON.stringify(s.dd));
        for (const subj of s.dd.subjects.filter((x) => x.departed).slice(0, 3)) {
          const one = runResidual(new LazyGraph(db, s.dl.id), { subjects: [`${subj.source}:${subj.id}`] });
          expect(one.findings.map((x) => x.id).sort()).toEqual(s.dd.findings.filter((x) => x.subject.id === subj.id && x.subject.source === subj.source).map((x) => x.id).sort());
        }
      } finally {
        db.close();
      }
    }
    expect([...seen].sort()).toEqual([...CHANGE_KINDS].sort());
    expect([...sideSeen].sort()).toEqual([...SIDE_CHANGE_KINDS].sort());
    // GitHub accounts borrowed a departure and Azure roles were found along the way.
    expect(githubFindings).toBeGreaterThan(0);
    expect(azureFindings).toBeGreaterThan(0);
    // Only what changed was analysed again.
    expect(reanalysed).toBeLessThan(units / 4);
    expect(chain.base.departed).toBeGreaterThan(0);
  }, 1_800_000);
});
