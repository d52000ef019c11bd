/**
 * Parity on the GitHub scenarios the engines analyse (test/scenarios/github-*): the embedded and
 * the Neo4j engine give the same residual-access answer — the sweep, every Entra and GitHub
 * account alone and assumed departed (a what-if on an IdP account reaches the GitHub account it
 * is asserted to be) — and both match the hand-checked expected findings. Real Neo4j; never skips.
 */
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubKind } from '../../src/model/githubSchema.js';
import { NodeKind } from '../../src/model/schema.js';
import { openTestDriver } from '../support/neo4j.js';
import { ANALYSED_GITHUB_SCENARIOS } from '../support/githubScenarios.js';
import { ROOT, expectedOf } from '../support/scenarios.js';
import { RulesSeen, expectResidualParity, pair } from './support.js';

const HERE = join(ROOT, 'test', 'scenarios');

let driver: Driver;
beforeAll(() => {
  driver = openTestDriver();
});
afterAll(async () => {
  await driver?.close();
});

describe('parity on the GitHub scenarios', () => {
  const seen = new RulesSeen();
  for (const name of ANALYSED_GITHUB_SCENARIOS) {
    it(`${name}: residual access and what-ifs agree and match the expected findings`, async () => {
      const exp = expectedOf(name, HERE);
      const p = await pair(driver, [join(HERE, name)]);
      try {
        const accounts = [NodeKind.EntraUser, GitHubKind.GitHubUser].flatMap((k) => [...p.db.nodesOfKind(k)]).filter((a) => !a.props.stub);
        expect(accounts.some((a) => a.kind === GitHubKind.GitHubUser)).toBe(true);
        await expectResidualParity(p, name, exp, accounts, seen);
      } finally {
        await p.close();
      }
    });
  }

  it('no github rule passes vacuously (EMU is refused; the outside collaborator rule has no analysed scenario yet)', () => {
    expect(seen.vacuous(['github'])).toEqual(['github.outside-collaborator-departed']);
  });
});
