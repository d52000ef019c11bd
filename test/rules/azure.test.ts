/**
 * The azure rules on variants of the azure-roles scenario (embedded engine; parity is
 * test/parity/azureScenarios.test.ts): tenant pairing (an azure folder without its tenant's Entra
 * folder leaves both rules uncovered and calls nobody closed), closure reading the paired folder's
 * coverage (a disabled Entra account with nothing left is closed only while the azure rules are
 * covered), the what-if (an enabled holder assumed departed), a disabled guest (dormant-role, not
 * the guest rule), and the role grading of sources-azure.md (tier 0 only at the root without a
 * condition; assigning custom roles), and the Azure roles in the reach of the Entra rules (an
 * owned app's service principal's, a leaver's, a group's: Azure's extension of `entraObject`).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coversRoleAssignmentWrite, gradeAzureRole, isRootScope, roleGuid } from '../../ingest/azure/tiers.js';
import { ROOT } from '../support/scenarios.js';
import { analyse, summary } from '../support/tenant.js';
import { AZURE_TENANT, GUEST_SUBSCRIPTION, NINA, NINA_CORP, NINA_ROOT, NINA_SUB2, PAT, REACH_SECRET, azureReachVariant, editLines, scheduledReachVariant, timeBoundVariant, variant, withHomeTenant } from '../support/azureVariants.js';
import { blastRadius } from '../../queries/blast-radius.js';
import { findPaths } from '../../queries/paths.js';
import { runResidual } from '../../queries/residual.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';

const TENANT = AZURE_TENANT;
const QUINN = 'e7e82189-6222-5bd0-bb9e-6f4d75287b38';
const RULES = ['azure.dormant-role', 'azure.role-held-by-departed-guest'];
const AT = Date.parse('2026-11-01T00:00:00Z');

/** nina's twin with no Azure role and no group: nothing left after the disable. */
const ROB = '0d7c1f6e-2b2f-4a43-9d43-6b1f0f3c0a01';
const addRob = (dir: string) => editLines(dir, 'entra', 'users', (ls) => [...ls, { ...ls.find((l) => l.id === NINA)!, id: ROB, userPrincipalName: 'rob@acme.example', displayName: 'Rob', mail: 'rob@acme.example' }]);

describe('azure rules', () => {
  it('an azure folder without the Entra folder of its tenant leaves both rules uncovered, with the reason, and finds nothing', async () => {
    const dir = variant('azure-roles', (d) => rmSync(join(d, 'entra'), { recursive: true }));
    const doc = await analyse(dir, { all: true, at: AT });
    const cov = doc.coverage[`azure:${TENANT}`];
    expect(cov.uncoveredRules).toEqual(RULES);
    expect(cov.reasons['entra:users']).toMatch(/no entra folder of tenant/);
    expect(doc.findings.filter((f) => f.rule.startsWith('azure.'))).toEqual([]);
  });

  it('an Entra folder of another tenant does not pair', async () => {
    const dir = variant('azure-roles', (d) => {
      const mf = join(d, 'entra', 'manifest.json');
      writeFileSync(mf, readFileSync(mf, 'utf8').replace(TENANT, 'aaaaaaaa-0000-4000-8000-000000000001'));
    });
    const doc = await analyse(dir, { all: true, at: AT });
    expect(doc.coverage[`azure:${TENANT}`].uncoveredRules).toEqual(RULES);
    expect(doc.findings.filter((f) => f.rule.startsWith('azure.'))).toEqual([]);
  });

  it('closure reads the paired azure folder: a disabled account with nothing left is closed only while the azure rules are covered', async () => {
    const covered = await analyse(variant('azure-roles', addRob), { all: true, at: AT });
    expect(covered.subjects.find((s) => s.id === ROB)).toMatchObject({ departed: true, closed: true });
    const lost = await analyse(variant('azure-coverage-lost', addRob), { all: true, at: AT });
    const rob = lost.subjects.find((s) => s.id === ROB)!;
    expect(rob.closed).toBe(false);
    expect(rob.closure).toMatch(/azure\.dormant-role/);
    expect(lost.coverage[`entra:${TENANT}`].uncoveredRules).toEqual([]);
  });

  it('what-if: an enabled holder assumed departed has its Azure roles as dormant findings', async () => {
    const doc = await analyse(join(ROOT, 'test', 'scenarios', 'azure-roles'), { subjects: [`entra:${QUINN}`], assumeDeparted: [`entra:${QUINN}`], at: AT });
    expect(summary(doc, 'azure.dormant-role')).toEqual([
      `azure.dormant-role ${QUINN}→/subscriptions/1e1e8337-44c5-5a56-9f8e-45037dc84026/providers/Microsoft.Authorization/roleAssignments/${readAssignmentName(QUINN)} dormant low`,
    ]);
    const f = doc.findings.find((x) => x.rule === 'azure.dormant-role')!;
    expect(f.reaches.privileges).toEqual(['Azure: Owner on /subscriptions/1e1e8337-44c5-5a56-9f8e-45037dc84026']);
    expect(f.remediation).toEqual([`DELETE https://management.azure.com${f.via.id}?api-version=2022-04-01`]);
  });

  it('a disabled guest gets azure.dormant-role, not the guest rule', async () => {
    const dir = variant('azure-roles', (d) => editLines(d, 'entra', 'users', (ls) => ls.map((l) => (l.id === PAT ? { ...l, accountEnabled: false } : l))));
    const doc = await analyse(dir, { all: true, at: AT });
    expect(doc.findings.filter((f) => f.subject.id === PAT && f.rule.startsWith('azure.')).map((f) => `${f.rule} ${f.status}`)).toEqual(['azure.dormant-role dormant']);
  });

  it("the guest rule is dormant when the guest's home account is collected and disabled, unverified when it is enabled or not the guest's", async () => {
    const guestRule = (doc: Awaited<ReturnType<typeof analyse>>) => doc.findings.filter((f) => f.rule === 'azure.role-held-by-departed-guest').map((f) => `${f.subject.id} ${f.status} ${f.severity}`);
    expect(guestRule(await analyse(variant('azure-roles', (d) => withHomeTenant(d, false)), { all: true, at: AT }))).toEqual([`${PAT} dormant low`]);
    expect(guestRule(await analyse(variant('azure-roles', (d) => withHomeTenant(d, true)), { all: true, at: AT }))).toEqual([`${PAT} unverified medium`]);
    // The same person's account under another name is not the account pat signs in with: not its home.
    const other = variant('azure-roles', (d) => {
      withHomeTenant(d, false, 'pat.other@partner.example');
      editLines(d, 'entra-home', 'users', (ls) => ls.map((l) => ({ ...l, mail: 'pat@partner.example' })));
    });
    expect(guestRule(await analyse(other, { all: true, at: AT }))).toEqual([`${PAT} unverified medium`]);
    // A what-if on the enabled home account makes it disabled: dormant.
    const homeKey = `entra:a0a0a0a0-0000-4000-8000-0000000000b1`;
    expect(guestRule(await analyse(variant('azure-roles', (d) => withHomeTenant(d, true)), { all: true, at: AT, assumeDeparted: [homeKey] }))).toEqual([`${PAT} dormant low`]);
  });

  it('a time-bound active assignment ends when its PIM schedule instance does (either join shape); an ended one is not active; a permanent one has no end', async () => {
    const doc = await analyse(timeBoundVariant(), { all: true, at: AT });
    const nina = doc.findings.filter((f) => f.rule === 'azure.dormant-role' && f.subject.id === NINA && f.via.kind === 'AzureRoleAssignment');
    const until = Object.fromEntries(nina.map((f) => [f.via.id, f.validUntil]));
    expect(until).toEqual({ [NINA_SUB2]: '2027-03-31T00:00:00.000Z', [NINA_ROOT]: null });
    // Without the instances, every listed assignment counts and none ends by itself.
    const plain = await analyse(join(ROOT, 'test', 'scenarios', 'azure-roles'), { all: true, at: AT });
    expect(plain.findings.filter((f) => f.rule === 'azure.dormant-role' && f.subject.id === NINA && f.via.kind === 'AzureRoleAssignment').map((f) => [f.via.id, f.validUntil]).sort()).toEqual(
      [[NINA_CORP, null], [NINA_ROOT, null], [NINA_SUB2, null]].sort(),
    );
  });

  it('an assignment whose PIM schedule instances all ended is in no reach, blast radius or path; a live one, or one whose instances were not read in full, is (embedded; parity in githubScenarios)', async () => {
    const UAA_ROOT = 'Azure: User Access Administrator on /';
    const OWNER_ROOT = `Azure: Owner on /providers/Microsoft.Management/managementGroups/${TENANT}`;
    for (const [end, ledger, counted] of [
      ['2026-10-15T00:00:00Z', 'complete', false],
      ['2027-03-31T00:00:00Z', 'complete', true],
      ['2026-10-15T00:00:00Z', 'partial', true],
      ['2026-10-15T00:00:00Z', 'missing', true],
    ] as const) {
      const what = `${end} ${ledger}`;
      const db = await loadInMemory([scheduledReachVariant(end, ledger)]);
      try {
        const g = new LazyGraph(db, null);
        const br = blastRadius(g, `entra:${NINA}`);
        expect(br.privileges.map((x) => x.label).filter((l) => l === UAA_ROOT || l === OWNER_ROOT).sort(), what).toEqual(counted ? [OWNER_ROOT, UAA_ROOT] : []);
        expect(br.tier0, what).toBe(counted);
        expect(findPaths(g, `entra:${NINA}`, 'tier0').paths.length > 0, what).toBe(counted);
        const doc = runResidual(g, { all: true, at: AT });
        expect(doc.findings.find((f) => f.rule === 'entra.owned-app-secret')!.reaches.privileges, what).toEqual(counted ? [OWNER_ROOT] : []);
        expect(doc.findings.some((f) => f.rule === 'azure.dormant-role' && f.via.id === NINA_ROOT), what).toBe(counted);
        if (ledger !== 'complete') expect(doc.coverage[`azure:${TENANT}`][ledger], what).toContain('roleAssignmentScheduleInstances');
      } finally {
        db.close();
      }
    }
  });

  it('the root assignment is tier 0 and its remediation elevates first', async () => {
    const doc = await analyse(join(ROOT, 'test', 'scenarios', 'azure-roles'), { all: true, at: AT });
    const root = doc.findings.find((f) => f.rule === 'azure.dormant-role' && f.via.id.startsWith('/providers/Microsoft.Authorization/'))!;
    expect(root.reaches).toEqual({ tier0: true, privileges: ['Azure: User Access Administrator on /'] });
    expect(root.remediation[0]).toMatch(/elevateAccess/);
    const pim = doc.findings.find((f) => f.via.kind === 'AzureRoleEligibility')!;
    expect(pim.remediation[0]).toMatch(/roleEligibilityScheduleRequests\/\{new-guid\}.*"requestType":"AdminRemove"/);
  });
  it("Entra rules reach Azure roles: an owned app's secret reaches its service principal's Owner (high at a subscription, tier 0 and critical at the root group)", async () => {
    const sub = '/subscriptions/1e1e8337-44c5-5a56-9f8e-45037dc84026';
    const low = await analyse(azureReachVariant(sub), { all: true, at: AT });
    const secret = low.findings.find((f) => f.rule === 'entra.owned-app-secret' && f.subject.id === NINA)!;
    expect(secret.via.id).toBe(REACH_SECRET);
    expect(secret).toMatchObject({ status: 'live', severity: 'high', reaches: { tier0: false, privileges: [`Azure: Owner on ${sub}`] } });
    const root = `/providers/Microsoft.Management/managementGroups/${TENANT}`;
    const high = await analyse(azureReachVariant(root), { all: true, at: AT });
    expect(high.findings.find((f) => f.rule === 'entra.owned-app-secret' && f.subject.id === NINA)).toMatchObject({ severity: 'critical', reaches: { tier0: true, privileges: [`Azure: Owner on ${root}`] } });
    // The enabled HR leaver reaches its own Azure Owner; the group's Owner is in the dormant membership's reach.
    expect(low.findings.find((f) => f.rule === 'hr.leaver-account-enabled' && f.subject.id === PAT)!.reaches.privileges).toEqual([`Azure: Owner on ${GUEST_SUBSCRIPTION}`]);
    expect(low.findings.find((f) => f.rule === 'entra.dormant-membership')!.reaches.privileges).toEqual(['Azure: Owner on /subscriptions/b51ad847-ebd8-5776-a2c2-f0f9337c1901']);
  });

  it('without the azure folder the same Entra findings reach no Azure role', async () => {
    const dir = variant('azure-roles', (d) => rmSync(join(d, 'azure'), { recursive: true }));
    const doc = await analyse(dir, { all: true, at: AT });
    expect(doc.findings.find((f) => f.rule === 'entra.dormant-membership')!.reaches).toEqual({ tier0: false, privileges: [] });
  });
});

describe('Azure role grading (sources-azure.md "Reach, tier 0 and severity")', () => {
  const a = (guid: string, scope: string, condition: string | null = null) => ({ name: 'x', roleDefinitionId: guid, principalId: 'p', principalType: 'User', scope, condition });
  const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
  const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
  const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
  const root = `/providers/Microsoft.Management/managementGroups/${TENANT}`;

  it('Owner at / or the tenant root group without a condition is tier 0; with a condition, or below, an admin role', () => {
    expect(gradeAzureRole(a(OWNER, '/'), undefined, TENANT)).toMatchObject({ name: 'Owner', privileged: true, tier0: true });
    expect(gradeAzureRole(a(OWNER, root.toUpperCase()), undefined, TENANT).tier0).toBe(true);
    expect(gradeAzureRole(a(OWNER, '/', "@Resource[x] == 'y'"), undefined, TENANT)).toMatchObject({ privileged: true, tier0: false });
    expect(gradeAzureRole(a(OWNER, '/subscriptions/s'), undefined, TENANT)).toMatchObject({ privileged: true, tier0: false });
  });

  it('Contributor is an admin role, never tier 0; Reader is app access', () => {
    expect(gradeAzureRole(a(CONTRIBUTOR, '/'), undefined, TENANT)).toMatchObject({ privileged: true, tier0: false });
    expect(gradeAzureRole(a(READER, '/'), { name: 'Reader', roleType: 'BuiltInRole', assigning: false }, TENANT)).toEqual({ name: 'Reader', privileged: false, tier0: false });
  });

  it('a custom role whose actions minus notActions cover roleAssignments/write is assigning: tier 0 at the root', () => {
    expect(coversRoleAssignmentWrite([{ actions: ['Microsoft.Authorization/*'] }])).toBe(true);
    expect(coversRoleAssignmentWrite([{ actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] }])).toBe(false);
    expect(coversRoleAssignmentWrite([{ actions: ['*/read'] }])).toBe(false);
    const custom = { name: 'Delegator', roleType: 'CustomRole', assigning: true };
    expect(gradeAzureRole(a('11111111-0000-4000-8000-000000000000', '/'), custom, TENANT)).toEqual({ name: 'Delegator', privileged: true, tier0: true });
  });

  it('a role definition id is recognised by its last segment, lower-cased; the root scope by / or the tenant root group', () => {
    expect(roleGuid(`/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${OWNER.toUpperCase()}`)).toBe(OWNER);
    expect(isRootScope('/', TENANT)).toBe(true);
    expect(isRootScope('/providers/Microsoft.Management/managementGroups/corp', TENANT)).toBe(false);
  });
});

function readAssignmentName(principal: string): string {
  const lines = readFileSync(join(ROOT, 'test', 'scenarios', 'azure-roles', 'azure', 'roleAssignments.jsonl'), 'utf8').split('\n').filter(Boolean);
  const l = lines.map((x) => JSON.parse(x) as { name: string; properties: { principalId: string } }).find((x) => x.properties.principalId === principal)!;
  return l.name;
}
