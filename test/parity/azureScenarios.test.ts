/**
 * Parity on the Azure scenarios (test/scenarios with an `azure` folder): the embedded and the
 * Neo4j engine give the same residual-access answer — the sweep, every Entra and GitHub account
 * alone and assumed departed (a what-if on an enabled holder makes its Azure roles
 * `azure.dormant-role` findings) — both match the hand-checked expected findings, and blast radius
 * and paths (to tier 0 and the tenant) agree from every account, Azure roles included. Every
 * azure rule is exercised with a finding in both engines. Real Neo4j; never skips.
 */
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubKind } from '../../src/model/githubSchema.js';
import { NodeKind } from '../../src/model/schema.js';
import { openTestDriver } from '../support/neo4j.js';
import { AZURE_SCENARIOS } from '../support/githubScenarios.js';
import { ROOT, expectedOf } from '../support/scenarios.js';
import { blastRadius } from '../../queries/blast-radius.js';
import { blastRadiusNeo4j } from '../../queries/blast-radius.cypher.js';
import { findPaths } from '../../queries/paths.js';
import { findPathsNeo4j } from '../../queries/paths.cypher.js';
import { RulesSeen, blastDifferences, both, expectResidualParity, pair, pathDifferences } from './support.js';

const HERE = join(ROOT, 'test', 'scenarios');

let driver: Driver;
beforeAll(() => {
  driver = openTestDriver();
});
afterAll(async () => {
  await driver?.close();
});

describe('parity on the Azure scenarios', () => {
  const seen = new RulesSeen();
  for (const name of AZURE_SCENARIOS) {
    it(`${name}: residual access, what-ifs, blast radius and paths agree and match the expected findings`, async () => {
      const exp = expectedOf(name, HERE);
      const p = await pair(driver, [join(HERE, name)]);
      try {
        const accounts = [NodeKind.EntraUser, GitHubKind.GitHubUser].flatMap((k) => [...p.db.nodesOfKind(k)]).filter((a) => !a.props.stub);
        await expectResidualParity(p, name, exp, accounts, seen);
        for (const x of accounts) {
          const ref = `${x.sourceKey.split(':')[0]}:${x.id}`;
          const br = await both(() => blastRadius(p.graph, ref), () => blastRadiusNeo4j(p.snap, ref));
          expect(br.mismatch, ref).toBeUndefined();
          if (br.e && br.n) expect(blastDifferences(br.e, br.n), ref).toEqual([]);
          for (const to of ['tier0', 'tenant']) {
            const ps = await both(() => findPaths(p.graph, ref, to), () => findPathsNeo4j(p.snap, ref, to));
            expect(ps.mismatch, `${ref} → ${to}`).toBeUndefined();
            if (ps.e && ps.n) expect(pathDifferences(ps.e, ps.n), `${ref} → ${to}`).toEqual([]);
          }
        }
      } finally {
        await p.close();
      }
    });
  }

  it('no azure rule passes vacuously', () => {
    expect(seen.vacuous(['azure'])).toEqual([]);
  });
});
