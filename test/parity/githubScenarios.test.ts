/**
 * Parity on the GitHub and Azure scenarios the engines analyse (test/scenarios/github-*, azure-*):
 * the embedded and the Neo4j engine give the same residual-access answer — the sweep, every Entra
 * and GitHub account alone and assumed departed (a what-if on an IdP account reaches the GitHub
 * account it is asserted to be; on an enabled Azure role holder, its roles become
 * `azure.dormant-role` findings) — and both match the hand-checked expected findings; blast radius
 * and paths agree from every account (the workload path and Azure roles are part of the privilege
 * graph), and the Entra rules' reach gains Azure roles the same way. No github or azure rule
 * passes vacuously. Real Neo4j; never skips.
 */
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureEdge, AzureKind } from '../../src/model/azureSchema.js';
import { GitHubKind } from '../../src/model/githubSchema.js';
import { NodeKind } from '../../src/model/schema.js';
import { openTestDriver } from '../support/neo4j.js';
import { ANALYSED_SOURCE_SCENARIOS } from '../support/githubScenarios.js';
import { ROOT, expectedOf } from '../support/scenarios.js';
import { blastRadius } from '../../queries/blast-radius.js';
import { blastRadiusNeo4j } from '../../queries/blast-radius.cypher.js';
import { neighbourhood } from '../../queries/explore.js';
import { neighbourhoodNeo4j } from '../../queries/explore.cypher.js';
import { findPaths } from '../../queries/paths.js';
import { findPathsNeo4j } from '../../queries/paths.cypher.js';
import { runResidual } from '../../queries/residual.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { GLOBAL_ADMINISTRATOR, JACK, emuTenant, saml, workloadTenant } from '../support/githubTenants.js';
import { AZURE_TENANT, GUEST_SUBSCRIPTION, NINA, NINA_ROOT, azureReachVariant, scheduledReachVariant, timeBoundVariant, variant, withHomeTenant } from '../support/azureVariants.js';
import { AT, type TenantSpec, writeTenant } from '../support/tenant.js';
import { RulesSeen, blastDifferences, both, docDifferences, expectResidualParity, pair, pathDifferences } from './support.js';

const HERE = join(ROOT, 'test', 'scenarios');

let driver: Driver;
beforeAll(() => {
  driver = openTestDriver();
});
afterAll(async () => {
  await driver?.close();
});

describe('parity on the GitHub and Azure scenarios', () => {
  const seen = new RulesSeen();
  for (const name of ANALYSED_SOURCE_SCENARIOS) {
    it(`${name}: residual access, what-ifs, blast radius and paths agree and match the expected findings`, async () => {
      const exp = expectedOf(name, HERE);
      const p = await pair(driver, [join(HERE, name)]);
      try {
        const accounts = [NodeKind.EntraUser, GitHubKind.GitHubUser].flatMap((k) => [...p.db.nodesOfKind(k)]).filter((a) => !a.props.stub);
        await expectResidualParity(p, name, exp, accounts, seen);

        // Blast radius and paths from every account (the workload path and Azure roles are part of the privilege graph).
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

  it('a repository admin whose workflows sign in with tier 0 is tier 0 in both engines (the workload path in reach)', async () => {
    const p = await pair(driver, [writeTenant(workloadTenant(GLOBAL_ADMINISTRATOR))]);
    try {
      const opts = { all: true, at: Date.parse(AT) };
      const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
      expect(r.mismatch).toBeUndefined();
      expect(docDifferences(r.e!, r.n!)).toEqual([]);
      expect(r.n!.findings.find((f) => f.rule === 'github.departed-member')!.reaches.tier0).toBe(true);
      seen.add(r.e!, r.n!);
    } finally {
      await p.close();
    }
  });

  it('EMU: SCIM suspension, D from the audit log, an unsuspended credential and an unjoined account agree in both engines', async () => {
    const unjoined = emuTenant({ jackActive: true, jackEnabled: true }, { samlIdentities: [{ ...saml(401, 'jack_acme', 'jack@acme.example'), scimIdentity: null }] });
    unjoined.entra!.users = unjoined.entra!.users!.map((u) => (u.id === JACK ? { ...u, employeeLeaveDateTime: '2026-10-15T00:00:00Z' } : u));
    unjoined.github!.scimIdentities = [{ id: 'scim-jack', externalId: JACK, userName: 'jack.renamed@acme.example', active: true }];
    const credential = { credentialAuthorizations: [{ login: 'jack_acme', credential_id: 5, credential_type: 'SSH key', authorized_credential_expires_at: null }] };
    const variants: [TenantSpec, string[]][] = [
      [emuTenant({}, { members: [{ role: 'MEMBER', user: { id: 403, login: 'liam_acme' } }], outsideCollaborators: [{ id: 401, login: 'jack_acme' }], ...credential }), ['dormant', 'dormant']],
      [emuTenant({ jackEnabled: true, suspendEvent: false }), ['dormant']],
      [emuTenant({ jackActive: true }, credential), ['dormant', 'live']],
      [unjoined, ['unverified']],
    ];
    for (const [spec, statuses] of variants) {
      const p = await pair(driver, [writeTenant(spec)]);
      try {
        const opts = { all: true, at: Date.parse(AT) };
        const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
        expect(r.mismatch).toBeUndefined();
        expect(docDifferences(r.e!, r.n!)).toEqual([]);
        expect(r.n!.findings.filter((f) => f.rule.startsWith('github.')).map((f) => f.status).sort()).toEqual([...statuses].sort());
        const jack = r.n!.subjects.find((x) => x.source === 'github' && x.id === '401')!;
        expect(jack.departedAt).toBe(r.e!.subjects.find((x) => x.source === 'github' && x.id === '401')!.departedAt);
        seen.add(r.e!, r.n!);
      } finally {
        await p.close();
      }
    }
  });

  it("the guest rule's dormant branch (home account collected and disabled) and its negative agree in both engines", async () => {
    for (const [enabled, assume, status] of [
      [false, false, 'dormant'],
      [true, false, 'unverified'],
      [true, true, 'dormant'],
    ] as const) {
      const p = await pair(driver, [variant('azure-roles', (d) => withHomeTenant(d, enabled))]);
      try {
        const opts = { all: true, at: Date.parse('2026-11-01T00:00:00Z'), assumeDeparted: assume ? ['entra:a0a0a0a0-0000-4000-8000-0000000000b1'] : [] };
        const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
        expect(r.mismatch).toBeUndefined();
        expect(docDifferences(r.e!, r.n!)).toEqual([]);
        expect(r.n!.findings.filter((f) => f.rule === 'azure.role-held-by-departed-guest').map((f) => f.status)).toEqual([status]);
        seen.add(r.e!, r.n!);
      } finally {
        await p.close();
      }
    }
  });

  it('time-bound active assignments (PIM schedule instances, both join shapes) end identically in both engines', async () => {
    const p = await pair(driver, [timeBoundVariant()]);
    try {
      const opts = { all: true, at: Date.parse('2026-11-01T00:00:00Z') };
      const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
      expect(r.mismatch).toBeUndefined();
      expect(docDifferences(r.e!, r.n!)).toEqual([]);
      const ends = r.n!.findings.filter((f) => f.rule === 'azure.dormant-role' && f.via.kind === 'AzureRoleAssignment').map((f) => f.validUntil);
      expect(ends).toContain('2027-03-31T00:00:00.000Z');
      expect(r.n!.findings.some((f) => f.via.id.includes('/managementGroups/corp/providers/Microsoft.Authorization/roleAssignments/'))).toBe(false);
      seen.add(r.e!, r.n!);
    } finally {
      await p.close();
    }
  });

  it("the Entra rules' reach gains Azure roles identically in both engines (Azure extends entraObject)", async () => {
    for (const scope of ['/subscriptions/1e1e8337-44c5-5a56-9f8e-45037dc84026', `/providers/Microsoft.Management/managementGroups/${AZURE_TENANT}`]) {
      const p = await pair(driver, [azureReachVariant(scope)]);
      try {
        const opts = { all: true, at: Date.parse('2026-11-01T00:00:00Z') };
        const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
        expect(r.mismatch).toBeUndefined();
        expect(docDifferences(r.e!, r.n!)).toEqual([]);
        const secret = r.n!.findings.find((f) => f.rule === 'entra.owned-app-secret')!;
        expect(secret.reaches.privileges).toEqual([`Azure: Owner on ${scope}`]);
        expect(secret.severity).toBe(scope.startsWith('/subscriptions/') ? 'high' : 'critical');
        expect(r.n!.findings.find((f) => f.rule === 'hr.leaver-account-enabled')!.reaches.privileges).toEqual([`Azure: Owner on ${GUEST_SUBSCRIPTION}`]);
        seen.add(r.e!, r.n!);
      } finally {
        await p.close();
      }
    }
  });

  it('reach, blast radius and paths do not count an assignment whose PIM schedule instances all ended (live or unread instances: counted, coverage says so), in both engines', async () => {
    const NINA_REF = `entra:${NINA}`;
    const UAA_ROOT = 'Azure: User Access Administrator on /';
    const OWNER_ROOT = `Azure: Owner on /providers/Microsoft.Management/managementGroups/${AZURE_TENANT}`;
    const cases = [
      { name: 'ended', dir: scheduledReachVariant('2026-10-15T00:00:00Z'), counted: false, ledger: 'complete' },
      { name: 'live', dir: scheduledReachVariant('2027-03-31T00:00:00Z'), counted: true, ledger: 'complete' },
      { name: 'ended, instances read in part', dir: scheduledReachVariant('2026-10-15T00:00:00Z', 'partial'), counted: true, ledger: 'partial' },
      { name: 'ended, instances not read', dir: scheduledReachVariant('2026-10-15T00:00:00Z', 'missing'), counted: true, ledger: 'missing' },
    ];
    for (const c of cases) {
      const p = await pair(driver, [c.dir]);
      try {
        // Blast radius of the departed nina: her UAA at "/" and, through the app she owns, its
        // service principal's Owner at the tenant root group.
        const br = await both(() => blastRadius(p.graph, NINA_REF), () => blastRadiusNeo4j(p.snap, NINA_REF));
        expect(br.mismatch, c.name).toBeUndefined();
        expect(blastDifferences(br.e!, br.n!), c.name).toEqual([]);
        const labels = br.n!.privileges.map((x) => x.label);
        expect(labels.includes(UAA_ROOT), c.name).toBe(c.counted);
        expect(labels.includes(OWNER_ROOT), c.name).toBe(c.counted);
        expect(br.n!.tier0, c.name).toBe(c.counted);
        const ps = await both(() => findPaths(p.graph, NINA_REF, 'tier0'), () => findPathsNeo4j(p.snap, NINA_REF, 'tier0'));
        expect(ps.mismatch, c.name).toBeUndefined();
        expect(pathDifferences(ps.e!, ps.n!), c.name).toEqual([]);
        expect(ps.n!.paths.length > 0, c.name).toBe(c.counted);
        // The rules: the owned app's secret reaches the Owner (reach); the assignment at "/" is a finding.
        const opts = { all: true, at: Date.parse('2026-11-01T00:00:00Z') };
        const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
        expect(r.mismatch, c.name).toBeUndefined();
        expect(docDifferences(r.e!, r.n!), c.name).toEqual([]);
        expect(r.n!.findings.find((f) => f.rule === 'entra.owned-app-secret')!.reaches.privileges, c.name).toEqual(c.counted ? [OWNER_ROOT] : []);
        const root = r.n!.findings.find((f) => f.rule === 'azure.dormant-role' && f.via.id === NINA_ROOT);
        expect(root ? root.validUntil : 'none', c.name).toBe(c.counted ? (c.name === 'live' ? '2027-03-31T00:00:00.000Z' : null) : 'none');
        // Coverage names an incomplete instance list with its reason.
        const cov = r.n!.coverage[`azure:${AZURE_TENANT}`];
        expect(cov.complete.includes('roleAssignmentScheduleInstances'), c.name).toBe(c.ledger === 'complete');
        if (c.ledger !== 'complete') {
          expect(cov[c.ledger as 'partial' | 'missing'], c.name).toContain('roleAssignmentScheduleInstances');
          expect(cov.reasons.roleAssignmentScheduleInstances, c.name).toMatch(/HTTP (500|403)/);
        }
        seen.add(r.e!, r.n!);
      } finally {
        await p.close();
      }
    }
  });

  it("the explorer's tier-0 mark on Azure role assignments and their neighbours is the same in both engines (each source's tierFacts)", async () => {
    const p = await pair(driver, [azureReachVariant(`/providers/Microsoft.Management/managementGroups/${AZURE_TENANT}`)]);
    try {
      const assignments = [...p.db.nodesOfKind(AzureKind.AzureRoleAssignment)];
      expect(assignments.length).toBeGreaterThan(1);
      // Each holder's neighbourhood lists its assignments with their summaries (the tier-0 mark
      // needs the assignment's role definition, one edge beyond the neighbourhood).
      const holders = [...new Set(assignments.flatMap((a) => p.graph.in(a.key, AzureEdge.AZURE_ROLE).map((e) => e.from)))];
      expect(holders.length).toBeGreaterThan(1);
      const marks = new Set<boolean>();
      for (const h of holders) {
        const e = neighbourhood(p.graph, h);
        expect(await neighbourhoodNeo4j(p.snap, h), h).toEqual(e);
        for (const g of e.groups) for (const x of g.items) if (x.kind === AzureKind.AzureRoleAssignment) marks.add(x.tier0 === true);
      }
      // Owner at the tenant root group is tier 0; the others are not: both kinds of mark are compared.
      expect([...marks].sort()).toEqual([false, true]);
    } finally {
      await p.close();
    }
  });

  it('no github or azure rule passes vacuously', () => {
    expect(seen.vacuous(['github', 'azure'])).toEqual([]);
  });
});
