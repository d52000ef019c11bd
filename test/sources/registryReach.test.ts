/**
 * Reach and tier 0 through the source registry, on both engines: the badge test source with
 * privileges of its own (test/sources/badge/privileges.ts: one folder, one registration, nothing
 * outside test/ names it) gives the cross-source rules' findings on its accounts its reach (the
 * server room is tier 0), and blast radius, `paths --to tier0` and the explorer's tier-0 badge
 * include its doors — with the same answer on the embedded engine and on Neo4j. Runs against the
 * real test Neo4j; never skips.
 */
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../ingest/sources.js';
import { blastRadius } from '../../queries/blast-radius.js';
import { blastRadiusNeo4j } from '../../queries/blast-radius.cypher.js';
import { summaryOf } from '../../queries/explore.js';
import { findPaths } from '../../queries/paths.js';
import { findPathsNeo4j } from '../../queries/paths.cypher.js';
import { runResidual } from '../../queries/residual.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { blastDifferences, docDifferences, pair, pathDifferences } from '../parity/support.js';
import { openTestDriver } from '../support/neo4j.js';
import { AT, entraUser, guid, summary } from '../support/tenant.js';
import { DOORS, badgeCollection, holder } from './badge/collection.js';
import { BADGE_WITH_REACH } from './badge/privileges.js';
import { BadgeDoor } from './badge/source.js';

let driver: Driver;
const at = Date.parse(AT);

beforeAll(() => {
  driver = openTestDriver();
  SOURCES.register(BADGE_WITH_REACH);
});
afterAll(async () => {
  await driver?.close();
});

describe('a registered source declares its reach and tier 0', () => {
  it('its reach is in the findings, blast radius, paths and explorer of both engines', async () => {
    const e2 = guid(2);
    const dir = badgeCollection(
      {
        holders: [holder('H2', 'active', { employeeNumber: 'E2' }), holder('H7', 'active', { employeeNumber: 'E7' })],
        doors: DOORS,
        grants: [
          { holderId: 'H2', doorId: 'D1' },
          { holderId: 'H2', doorId: 'D2' },
          { holderId: 'H7', doorId: 'D2' },
        ],
      },
      [entraUser(e2, { employeeId: 'E2', accountEnabled: false })],
      [{ employeeId: 'E7', email: null, displayName: 'Pat', status: 'terminated', terminationDate: '2026-10-01' }],
    );
    const p = await pair(driver, [dir]);
    try {
      const sweep = { all: true, at };
      const e = runResidual(p.graph, sweep);
      const n = await runResidualNeo4j(p.snap, sweep);
      expect(docDifferences(e, n)).toEqual([]);
      expect(summary(n)).toContain(`person.other-account-active ${e2}→H2 live critical`);
      // The badge still opens the server room: the finding on it carries the badge's reach, tier 0.
      const other = n.findings.find((f) => f.rule === 'person.other-account-active')!;
      expect(other.reaches).toEqual({ tier0: true, privileges: ['Badge door: Server room', 'Badge door: Lobby'] });
      const leaver = n.findings.find((f) => f.rule === 'hr.leaver-account-enabled')!;
      expect(leaver.reaches).toEqual({ tier0: false, privileges: ['Badge door: Lobby'] });

      // Blast radius and paths to tier 0 from the badge, in both engines.
      const br = blastRadius(p.graph, 'badge:H2');
      expect(blastDifferences(br, await blastRadiusNeo4j(p.snap, 'badge:H2'))).toEqual([]);
      expect(br.tier0).toBe(true);
      expect(br.privileges.map((x) => [x.label, x.tier0])).toEqual([
        ['Badge door: Server room', true],
        ['Badge door: Lobby', false],
      ]);
      expect(br.objects.map((o) => o.name).sort()).toEqual(['Lobby', 'Server room']);
      const paths = findPaths(p.graph, 'badge:H2', 'tier0');
      expect(pathDifferences(paths, await findPathsNeo4j(p.snap, 'badge:H2', 'tier0'))).toEqual([]);
      expect(paths.paths.map((x) => x.steps.map((s) => ('edge' in s ? s.edge : s.name)))).toEqual([['Holder H2', 'MEMBER_OF', 'Server room']]);
      expect(findPaths(p.graph, 'badge:H7', 'tier0').paths).toEqual([]);

      // The explorer's tier-0 badge.
      const door = (id: string) => [...p.db.nodesOfKind(BadgeDoor)].find((d) => d.id === id)!;
      expect(summaryOf(p.graph, door('D1')).tier0).toBe(true);
      expect(summaryOf(p.graph, door('D2')).tier0).toBeUndefined();
    } finally {
      await p.close();
    }
  });
});
