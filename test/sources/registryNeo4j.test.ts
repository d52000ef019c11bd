/**
 * The source registry on the Neo4j engine: the badge test source (test/sources/badge), registered
 * after the rules and their Cypher were imported, is in the account predicates of the rules'
 * queries (built per registry version, never fixed at import), and a collection with it is
 * loaded, pushed into the test Neo4j and swept there with the same answer as the embedded engine:
 * its own rule, and the catalogue's cross-source rules in both directions (a badge as the
 * departed subject, and as the still-usable other account). Runs against the real test Neo4j;
 * never skips.
 */
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../ingest/sources.js';
import { runResidual } from '../../queries/residual.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { RULES } from '../../queries/residual-access/index.js';
import { nodeLabel } from '../../src/store/neo4jSchema.js';
import { docDifferences, pair } from '../parity/support.js';
import { openTestDriver } from '../support/neo4j.js';
import { AT, entraUser, guid, summary } from '../support/tenant.js';
import { DOORS, badgeCollection, holder } from './badge/collection.js';
import { BADGE_SOURCE, BadgeHolder } from './badge/source.js';

let driver: Driver;
const at = Date.parse(AT);

beforeAll(() => {
  driver = openTestDriver();
});
afterAll(async () => {
  await driver?.close();
});

describe('a registered source on Neo4j', () => {
  it("a source registered after the rules loaded is in their queries' account predicates", () => {
    const query = (id: string) => RULES.find((r) => r.id === id)!.cypher.query;
    const before = ['hr.leaver-account-enabled', 'person.other-account-active', 'nhi.ownerless'].map(query);
    SOURCES.register(BADGE_SOURCE);
    const label = nodeLabel(BadgeHolder);
    for (const q of before) expect(q).not.toContain(label);
    for (const id of ['hr.leaver-account-enabled', 'person.other-account-active', 'nhi.ownerless']) expect(query(id), id).toContain(label);
  });

  it('loads, pushes and sweeps the badge source on Neo4j with the embedded answer', async () => {
    if (!SOURCES.has('badge')) SOURCES.register(BADGE_SOURCE);
    const e1 = guid(1);
    const e2 = guid(2);
    const dir = badgeCollection(
      {
        holders: [
          holder('H1', 'revoked', { employeeNumber: 'E1', revokedAt: '2026-10-20T00:00:00Z' }),
          holder('H2', 'active', { employeeNumber: 'E2' }),
          holder('H7', 'active', { employeeNumber: 'E7' }),
        ],
        doors: DOORS,
        grants: [
          { holderId: 'H1', doorId: 'D1' },
          { holderId: 'H1', doorId: 'D2' },
          { holderId: 'H2', doorId: 'D2' },
        ],
      },
      [entraUser(e1, { employeeId: 'E1' }), entraUser(e2, { employeeId: 'E2', accountEnabled: false })],
      [{ employeeId: 'E7', email: null, displayName: 'Pat', status: 'terminated', terminationDate: '2026-10-01' }],
    );
    const p = await pair(driver, [dir]);
    try {
      const sweep = { all: true, at };
      const e = runResidual(p.graph, sweep);
      const n = await runResidualNeo4j(p.snap, sweep);
      expect(docDifferences(e, n)).toEqual([]);
      expect(summary(n)).toEqual(
        [
          'badge.door-of-revoked-badge H1→D1 live medium',
          'badge.door-of-revoked-badge H1→D2 live medium',
          `person.other-account-active H1→${e1} live high`,
          `person.other-account-active ${e2}→H2 live high`,
          `entra.sessions-not-revoked ${e2}→${e2} dormant low`,
          'hr.leaver-account-enabled H7→H7 live critical',
        ].sort(),
      );
      // A what-if on a badge and one subject by name agree too.
      for (const opts of [{ assumeDeparted: ['badge:H2'], at }, { subjects: ['badge:H1'], at }]) {
        const eo = runResidual(p.graph, opts);
        const no = await runResidualNeo4j(p.snap, opts);
        expect(docDifferences(eo, no), JSON.stringify(opts)).toEqual([]);
        expect(no.findings.length, JSON.stringify(opts)).toBeGreaterThan(0);
      }
    } finally {
      await p.close();
    }
  });
});
