/**
 * Parity on every hand-checked scenario (test/support/scenarios.ts): the embedded engine and the
 * Neo4j engine, on the same snapshot, give the same residual-access answer — findings with
 * status, severity and validUntil, closure, persons, uncovered rules — for the sweep at the
 * scenario's time (with its what-if), for each account named alone, and for what-ifs on every
 * account; and the same blast radius and paths (to tier 0, to the tenant, and between
 * principals) from every principal; and the same console answers (search by every prefix of every
 * name, the person view of every account and HR record, the neighbourhood of every node, whole
 * and paged). Runs against the real test Neo4j; never skips.
 */
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blastRadius } from '../../queries/blast-radius.js';
import { blastRadiusNeo4j } from '../../queries/blast-radius.cypher.js';
import { findPaths } from '../../queries/paths.js';
import { findPathsNeo4j } from '../../queries/paths.cypher.js';
import { EmbeddedEngine, Neo4jEngine } from '../../queries/QueryEngine.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { openTestDriver } from '../support/neo4j.js';
import { SCENARIOS, expectedOf, scenarioNames } from '../support/scenarios.js';
import { RulesSeen, blastDifferences, both, expectResidualParity, pair, pathDifferences } from './support.js';

const PRINCIPAL_KINDS: NodeKind[] = [
  NodeKind.EntraUser,
  NodeKind.OktaUser,
  NodeKind.EntraGroup,
  NodeKind.OktaGroup,
  NodeKind.EntraApplication,
  NodeKind.EntraServicePrincipal,
  NodeKind.OktaApp,
  NodeKind.PasswordCredential,
  NodeKind.KeyCredential,
  NodeKind.FederatedIdentityCredential,
  NodeKind.OktaClientSecret,
  NodeKind.OktaJwk,
  NodeKind.OktaApiToken,
  NodeKind.OktaRefreshToken,
];

function assumeArgs(args: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === '--assume-departed') out.push(args[++i]);
  return out;
}

/** An answer or the error message it failed with (both engines must fail alike). */
async function outcome<T>(run: () => Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await run() };
  } catch (x) {
    return { error: (x as Error).message };
  }
}

let driver: Driver;
beforeAll(() => {
  driver = openTestDriver();
});
afterAll(async () => {
  await driver?.close();
});

describe('parity on the scenarios', () => {
  const seen = new RulesSeen();
  it('covers all seven scenarios', () => {
    expect(scenarioNames().length).toBe(7);
  });

  for (const name of scenarioNames()) {
    it(`${name}: residual access, what-ifs, blast radius and paths agree`, async () => {
      const exp = expectedOf(name);
      const p = await pair(driver, [join(SCENARIOS, name)]);
      try {
        // The sweep (as check-scenarios runs it), every account alone and assumed departed, all active accounts assumed departed.
        const accounts = [...p.db.nodesOfKind(NodeKind.EntraUser), ...p.db.nodesOfKind(NodeKind.OktaUser)].filter((a) => !a.props.stub);
        await expectResidualParity(p, name, exp, accounts, seen, assumeArgs(exp.args));

        // Blast radius and paths from every principal.
        const principals = PRINCIPAL_KINDS.flatMap((k) => [...p.db.nodesOfKind(k)]).filter((x) => !x.props.stub);
        expect(principals.length).toBeGreaterThan(0);
        for (const x of principals) {
          const ref = `${x.sourceKey.split(':')[0]}:${x.id}`;
          const br = await both(() => blastRadius(p.graph, ref), () => blastRadiusNeo4j(p.snap, ref));
          expect(br.mismatch, ref).toBeUndefined();
          if (br.e && br.n) expect(blastDifferences(br.e, br.n), ref).toEqual([]);
          for (const to of ['tier0', 'tenant', ...principals.slice(0, 6).map((y) => `${y.sourceKey.split(':')[0]}:${y.id}`)]) {
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

  it('no rule passes vacuously: every rule has a finding in both engines on some scenario', () => {
    // The github.* rules are exercised on the GitHub scenarios (githubScenarios.test.ts).
    expect(seen.vacuous(['entra', 'okta', 'cross'])).toEqual([]);
  });

  for (const name of scenarioNames()) {
    it(`${name}: the console's search, person view and neighbourhood agree`, async () => {
      const p = await pair(driver, [join(SCENARIOS, name)]);
      const e = new EmbeddedEngine(p.db, p.id);
      const n = new Neo4jEngine(p.snap);
      try {
        const nodes = (p.db.db.prepare('SELECT key FROM nodes ORDER BY nid').all() as { key: string }[]).map((r) => p.db.node(r.key)!);
        expect(nodes.length).toBeGreaterThan(5);

        // Search: every prefix (1–3 characters, and whole) of every indexed name.
        const names = (p.db.db.prepare('SELECT DISTINCT name FROM names').all() as { name: string }[]).map((r) => r.name);
        const queries = new Set<string>(['zz-nothing', '  ']);
        for (const nm of names) for (const len of [1, 2, 3, nm.length]) queries.add(nm.slice(0, len));
        let hits = 0;
        for (const q of queries) {
          // Short prefixes also with a small page (the cut must fall in the same place).
          for (const limit of q.length <= 2 ? [3, 25] : [25]) {
            const want = await e.search(q, limit);
            expect(await n.search(q, limit), `search ${JSON.stringify(q)} limit ${limit}`).toEqual(want);
            hits += want.length;
          }
        }
        expect(hits).toBeGreaterThan(queries.size);

        // The person view of every account and HR record, by id (with its source), and of unknown names.
        const subjects = nodes.filter((x) => ([NodeKind.EntraUser, NodeKind.OktaUser, NodeKind.HrPerson] as NodeKind[]).includes(x.kind) && !x.props.stub);
        expect(subjects.length).toBeGreaterThan(0);
        for (const x of [...subjects.map((y) => `${y.sourceKey.split(':')[0]}:${y.id}`), 'nobody@nowhere.test']) {
          expect(await outcome(() => n.person(x)), `person ${x}`).toEqual(await outcome(() => e.person(x)));
        }

        // The neighbourhood of every node by key, whole and a page of each group; of some, one direction or a few edge kinds.
        const variants = [{ dir: 'in' as const, limit: 2 }, { dir: 'out' as const, edges: [EdgeKind.BELONGS_TO, EdgeKind.MEMBER_OF, EdgeKind.HAS_APP_ROLE] }];
        for (const [i, x] of nodes.entries()) {
          for (const opts of [{}, { offset: 1, limit: 1 }, ...(i < 25 ? variants : [])]) {
            expect(await n.neighbourhood(x.key, opts), `neighbourhood ${x.key} ${JSON.stringify(opts)}`).toEqual(await e.neighbourhood(x.key, opts));
          }
        }
        // By principal name, as the explorer's URL names it.
        for (const x of nodes.filter((y) => PRINCIPAL_KINDS.includes(y.kind) && !y.props.stub)) {
          const ref = `${x.sourceKey.split(':')[0]}:${x.id}`;
          expect(await outcome(() => n.neighbourhood(ref, {})), ref).toEqual(await outcome(() => e.neighbourhood(ref, {})));
        }
      } finally {
        await p.close();
      }
    });
  }
});
