/**
 * Variants of the Azure test scenarios (test/scenarios/azure-*): a copy of a scenario with its
 * lines edited (manifest counts follow), and the reach variant of azure-roles — an application
 * nina (disabled) owns, with a live secret, whose service principal holds Owner at a scope, and
 * the enabled HR-leaver guest made Owner of its subscription — for the contract's "Reach gains
 * Azure roles" (sources-azure.md) in both engines.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './scenarios.js';

export type Raw = Record<string, unknown>;

export const AZURE_TENANT = '095a915d-6b64-537f-8483-10ff0a87f370';
export const NINA = '56300dd0-f5a4-5a70-aa45-4e60b5631668';
export const PAT = '838686af-2a0a-5640-8e11-950389d17211';
export const OWNER_GUID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
/** The reach variant's application, its service principal, its secret, and the subscription of the guest's role. */
export const REACH_APP = 'a11ce000-0000-4000-8000-000000000001';
export const REACH_SP = 'a11ce000-0000-4000-8000-000000000002';
export const REACH_SECRET = 'a11ce000-0000-4000-8000-0000000000c1';
export const GUEST_SUBSCRIPTION = '/subscriptions/b30c3085-ab6b-5bbb-8342-cdf75a427b30';

/** A copy of a scenario, with `edit` applied to its folders' lines (manifest counts follow). */
export function variant(name: string, edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'revenant-azure-'));
  cpSync(join(ROOT, 'test', 'scenarios', name), dir, { recursive: true });
  rmSync(join(dir, 'expected.json'));
  rmSync(join(dir, 'README.md'));
  edit(dir);
  return dir;
}

/** Rewrite one dataset's lines of a variant, keeping its manifest's count true. */
export function editLines(dir: string, source: string, dataset: string, f: (lines: Raw[]) => Raw[]): void {
  const file = join(dir, source, `${dataset}.jsonl`);
  const lines = f(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Raw),
  );
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
  const mf = join(dir, source, 'manifest.json');
  const m = JSON.parse(readFileSync(mf, 'utf8')) as { datasets: Record<string, { count?: number }> };
  m.datasets[dataset].count = lines.length;
  writeFileSync(mf, JSON.stringify(m, null, 2));
}

/** An active Owner assignment of `principalId` at `scope`. */
function ownerAt(scope: string, principalId: string, principalType: string, name: string): Raw {
  const prefix = scope === '/' ? '' : scope;
  return {
    id: `${prefix}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name,
    properties: { roleDefinitionId: `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${OWNER_GUID}`, principalId, principalType, scope, condition: null, createdOn: '2025-01-01T00:00:00Z', createdBy: null },
  };
}

/**
 * azure-roles with "ops-deployer" (owned by nina, a secret valid until 2027) whose service
 * principal is Owner at `appScope`, and the guest pat (an enabled HR leaver) Owner of its
 * subscription instead of Reader.
 */
export function azureReachVariant(appScope: string): string {
  return variant('azure-roles', (d) => {
    const appId = 'a11ce000-0000-4000-8000-0000000000a1';
    editLines(d, 'entra', 'applications', () => [
      {
        id: REACH_APP,
        appId,
        displayName: 'ops-deployer',
        signInAudience: 'AzureADMyOrg',
        createdDateTime: '2024-03-10T08:00:00Z',
        passwordCredentials: [{ customKeyIdentifier: null, displayName: 'deploy', endDateTime: '2027-03-01T00:00:00Z', hint: 'ops', keyId: REACH_SECRET, secretText: null, startDateTime: '2026-03-01T00:00:00Z' }],
        keyCredentials: [],
        requiredResourceAccess: [],
      },
    ]);
    editLines(d, 'entra', 'applicationOwners', () => [{ applicationId: REACH_APP, owner: { '@odata.type': '#microsoft.graph.user', id: NINA } }]);
    editLines(d, 'entra', 'servicePrincipals', () => [
      { id: REACH_SP, appId, displayName: 'ops-deployer', servicePrincipalType: 'Application', accountEnabled: true, appOwnerOrganizationId: AZURE_TENANT, appRoles: [], passwordCredentials: [], keyCredentials: [] },
    ]);
    editLines(d, 'azure', 'roleAssignments', (ls) => [
      ...ls.map((l) => (l.properties as Raw).principalId === PAT ? ownerAt(GUEST_SUBSCRIPTION, PAT, 'User', String(l.name)) : l),
      ownerAt(appScope, REACH_SP, 'ServicePrincipal', 'a11ce000-0000-4000-8000-0000000000d1'),
    ]);
  });
}

/** The Entra tenant the azure-roles guest (pat) is invited from, in the home-tenant variant. */
export const HOME_TENANT = 'a0a0a0a0-0000-4000-8000-00000000a0a0';

/**
 * Add the guest pat's home tenant to a copy of azure-roles: an `entra` folder of another tenant
 * holding only `pat@partner.example` (the name pat was invited as: its `mail`, and its UPN before
 * `#EXT#`), enabled or not.
 */
export function withHomeTenant(dir: string, enabled: boolean, upn = 'pat@partner.example'): void {
  const home = join(dir, 'entra-home');
  cpSync(join(dir, 'entra'), home, { recursive: true });
  const mf = join(home, 'manifest.json');
  const m = JSON.parse(readFileSync(mf, 'utf8')) as { tenant: string; datasets: Record<string, { count?: number }> };
  m.tenant = HOME_TENANT;
  for (const [name, d] of Object.entries(m.datasets)) {
    d.count = 0;
    writeFileSync(join(home, `${name}.jsonl`), '');
  }
  writeFileSync(mf, JSON.stringify(m, null, 2));
  editLines(dir, 'entra-home', 'users', () => [
    { id: 'a0a0a0a0-0000-4000-8000-0000000000b1', userPrincipalName: upn, displayName: 'Pat', mail: upn, accountEnabled: enabled, userType: 'Member', signInSessionsValidFromDateTime: '2026-10-20T00:00:00Z', createdDateTime: '2024-01-01T09:00:00Z' },
  ]);
}

/** nina's active assignments in azure-roles: Contributor on subscription 2, Owner on management group `corp`, and User Access Administrator at `/`. */
export const NINA_SUB2 = '/subscriptions/05f6f0d1-ae21-5425-90b6-8ba8047cf104/providers/Microsoft.Authorization/roleAssignments/c782097a-10c2-5037-bc11-683c96c170a0';
export const NINA_CORP = '/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/roleAssignments/9af8018a-487f-51af-a693-57074068fec6';
export const NINA_ROOT = '/providers/Microsoft.Authorization/roleAssignments/b4f087b7-ddfb-5b2e-9346-5c1b3294ae2b';

/**
 * A PIM role assignment schedule instance as ARM lists it (Authorization 2020-10-01): `origin`
 * is `originRoleAssignmentId` (the assignment's ARM id in Microsoft's example; a bare GUID or
 * null to test the other shapes), `name` the instance's name (the assignment's GUID in the example).
 */
export function assignmentInstance(o: { scope: string; name: string; origin: string | null; end: string | null; principalId?: string }): Raw {
  const prefix = o.scope === '/' ? '' : o.scope;
  return {
    id: `${prefix}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances/${o.name}`,
    type: 'Microsoft.Authorization/roleAssignmentScheduleInstances',
    name: o.name,
    properties: {
      ...(o.origin === null ? {} : { originRoleAssignmentId: o.origin }),
      scope: o.scope,
      principalId: o.principalId ?? NINA,
      principalType: 'User',
      assignmentType: 'Assigned',
      memberType: 'Direct',
      status: 'Provisioned',
      startDateTime: '2026-01-01T00:00:00Z',
      endDateTime: o.end,
      linkedRoleEligibilityScheduleInstanceId: null,
    },
  };
}

/**
 * azure-roles with schedule instances for nina's assignments: Contributor on subscription 2 ends
 * 2027-03-31 (origin = full ARM id); Owner on `corp` ended 2026-10-15 (origin = bare GUID: no longer
 * active); User Access Administrator at `/` is permanent (no origin, matched by name; no end).
 */
export function timeBoundVariant(): string {
  return variant('azure-roles', (d) =>
    editLines(d, 'azure', 'roleAssignmentScheduleInstances', () => [
      assignmentInstance({ scope: '/subscriptions/05f6f0d1-ae21-5425-90b6-8ba8047cf104', name: 'aaaa0000-0000-4000-8000-000000000001', origin: NINA_SUB2.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'), end: '2027-03-31T00:00:00Z' }),
      assignmentInstance({ scope: '/providers/Microsoft.Management/managementGroups/corp', name: 'aaaa0000-0000-4000-8000-000000000002', origin: '9af8018a-487f-51af-a693-57074068fec6', end: '2026-10-15T00:00:00Z' }),
      assignmentInstance({ scope: '/', name: 'b4f087b7-ddfb-5b2e-9346-5c1b3294ae2b', origin: null, end: null }),
    ]),
  );
}

/** The reach variant's service principal's Owner assignment (at the scope azureReachVariant is given). */
export const REACH_ASSIGNMENT = 'a11ce000-0000-4000-8000-0000000000d1';

/**
 * The reach variant with Owner at the tenant root group for the owned app's service principal,
 * and one PIM schedule instance ending at `end` for that assignment (origin: its full ARM id) and
 * for nina's User Access Administrator at `/` (no origin: by name): both tier 0 while active.
 * `ledger`: the `roleAssignmentScheduleInstances` entry made `partial` or `missing` (with a reason).
 */
export function scheduledReachVariant(end: string | null, ledger: 'complete' | 'partial' | 'missing' = 'complete'): string {
  const root = `/providers/Microsoft.Management/managementGroups/${AZURE_TENANT}`;
  const dir = azureReachVariant(root);
  editLines(dir, 'azure', 'roleAssignmentScheduleInstances', () => [
    assignmentInstance({ scope: root, name: 'aaaa0000-0000-4000-8000-0000000000d1', origin: `${root}/providers/Microsoft.Authorization/roleAssignments/${REACH_ASSIGNMENT}`, end, principalId: REACH_SP }),
    assignmentInstance({ scope: '/', name: 'b4f087b7-ddfb-5b2e-9346-5c1b3294ae2b', origin: null, end }),
  ]);
  const mf = join(dir, 'azure', 'manifest.json');
  const m = JSON.parse(readFileSync(mf, 'utf8')) as { datasets: Record<string, Record<string, unknown>> };
  if (ledger === 'partial') m.datasets.roleAssignmentScheduleInstances = { ...m.datasets.roleAssignmentScheduleInstances, status: 'partial', reason: 'HTTP 500 InternalServerError for subscriptions' };
  if (ledger === 'missing') m.datasets.roleAssignmentScheduleInstances = { status: 'missing', reason: 'HTTP 403 AuthorizationFailed (needs Reader)' };
  writeFileSync(mf, JSON.stringify(m, null, 2));
  return dir;
}
