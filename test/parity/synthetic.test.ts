/**
 * Parity on synthetic tenants (ingest/synth: `revenant synth`), 400 people with a GitHub
 * organisation and the Azure resource plane (`--github --azure`), and 2,000 people: the sweep
 * of every departed subject, named subjects, a what-if over active accounts, and blast radius and
 * paths from a sample of principals of every kind give the same answers on both engines.
 * Runs against the real test Neo4j; never skips.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { blastRadius } from '../../queries/blast-radius.js';
import { blastRadiusNeo4j } from '../../queries/blast-radius.cypher.js';
import { findPaths } from '../../queries/paths.js';
import { findPathsNeo4j } from '../../queries/paths.cypher.js';
import { runResidual } from '../../queries/residual.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { AzureKind } from '../../src/model/azureSchema.js';
import { GitHubKind } from '../../src/model/githubSchema.js';
import { NodeKind } from '../../src/model/schema.js';
import type { GraphNode } from '../../src/model/types.js';
import { openTestDriver } from '../support/neo4j.js';
import { type Pair, RulesSeen, blastDifferences, both, docDifferences, pair, pathDifferences } from './support.js';

const AT = '2026-11-01T00:00:00Z';

/** Every `step`-th element, up to `max`. */
function sample<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]);
}

const ref = (n: GraphNode) => `${n.sourceKey.split(':')[0]}:${n.id}`;

let driver: Driver;
const dirs: string[] = [];
const seen = new RulesSeen();
beforeAll(() => {
  driver = openTestDriver();
});
afterAll(async () => {
  await driver?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

for (const { users, seed, resources } of [
  { users: 400, seed: 11, resources: true },
  { users: 2000, seed: 7, resources: false },
]) {
  describe(`parity on a synthetic tenant of ${users} people${resources ? ' with GitHub and Azure' : ''}`, () => {
    let p: Pair;
    beforeAll(async () => {
      const out = mkdtempSync(join(tmpdir(), `revenant-parity-${users}-`));
      dirs.push(out);
      await synthesize({ users, seed, out, at: AT, ...(resources ? { githubMembers: 60, subscriptions: 12 } : {}) });
      p = await pair(driver, [out]);
    }, 300_000);
    afterAll(async () => {
      await p?.close();
    });

    it('residual --all: the same findings, closure, persons and coverage', async () => {
      const opts = { all: true, at: Date.parse(AT) };
      const e = runResidual(p.graph, opts);
      const n = await runResidualNeo4j(p.snap, opts);
      expect(e.findings.length).toBeGreaterThan(users / 10);
      expect(docDifferences(e, n)).toEqual([]);
      seen.add(e, n);
    });

    it('named subjects and a what-if over active accounts', async () => {
      const at = Date.parse(AT);
      const accounts = [...p.db.nodesOfKind(NodeKind.EntraUser), ...p.db.nodesOfKind(NodeKind.OktaUser)].filter((a) => !a.props.stub);
      const active = accounts.filter((a) => a.props.accountEnabled === true || a.props.status === 'ACTIVE');
      const departed = runResidual(p.graph, { all: true, at }).subjects.map((s) => `${s.source}:${s.id}`);
      const named = { subjects: [...sample(departed, 15), ...sample(active, 15).map(ref)], at };
      expect(docDifferences(runResidual(p.graph, named), await runResidualNeo4j(p.snap, named))).toEqual([]);
      const whatIf = { all: true, at, assumeDeparted: sample(active, 25).map(ref) };
      expect(docDifferences(runResidual(p.graph, whatIf), await runResidualNeo4j(p.snap, whatIf))).toEqual([]);
    });

    it('blast radius and paths from principals of every kind', async () => {
      const kinds = [
        NodeKind.EntraUser,
        NodeKind.OktaUser,
        NodeKind.EntraGroup,
        NodeKind.EntraServicePrincipal,
        NodeKind.EntraApplication,
        NodeKind.PasswordCredential,
        NodeKind.KeyCredential,
        NodeKind.OktaApp,
        NodeKind.OktaClientSecret,
        NodeKind.OktaApiToken,
        NodeKind.OktaGroup,
        GitHubKind.GitHubUser,
        GitHubKind.GitHubRepository,
        AzureKind.AzureManagedIdentity,
      ];
      let compared = 0;
      for (const k of kinds) {
        const nodes = sample([...p.db.nodesOfKind(k)].filter((x) => !x.props.stub), 8);
        for (const x of nodes) {
          const br = await both(() => blastRadius(p.graph, ref(x)), () => blastRadiusNeo4j(p.snap, ref(x)));
          expect(br.mismatch, ref(x)).toBeUndefined();
          if (br.e && br.n) {
            expect(blastDifferences(br.e, br.n), ref(x)).toEqual([]);
            compared++;
          }
          for (const to of ['tier0', 'tenant']) {
            const ps = await both(() => findPaths(p.graph, ref(x), to), () => findPathsNeo4j(p.snap, ref(x), to));
            expect(ps.mismatch, `${ref(x)} → ${to}`).toBeUndefined();
            if (ps.e && ps.n) expect(pathDifferences(ps.e, ps.n), `${ref(x)} → ${to}`).toEqual([]);
          }
        }
      }
      expect(compared).toBeGreaterThan(40);
    });
  });
}

describe('parity on synthetic tenants, all sizes', () => {
  it('no rule passes vacuously: every rule has a finding in both engines on a synthetic tenant', () => {
    expect(seen.vacuous(['entra', 'okta', 'cross', 'github', 'azure'])).toEqual([]);
  });
});
