/**
 * A deterministic Azure tenant for collector tests: a management group tree under the tenant
 * root group (root → platform, landing-zones → corp, online), subscriptions under each (enough
 * for paging), role definitions (the privileged built-ins and one custom assigning role), role
 * assignments at `/`, the root group, management groups, subscriptions and a resource group (one
 * to a group, one with a condition), PIM eligibilities and time-bound active schedules, and
 * user-assigned identities with federated credentials trusted by GitHub Actions.
 */
import { type AzureTenantData, emptyAzure } from './AzureFake.js';

export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const USER_ACCESS_ADMIN = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
export const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

const guid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function syntheticAzureTenant(opts: { tenantId?: string; subscriptions?: number } = {}): AzureTenantData {
  const tenantId = opts.tenantId ?? '0b3f6c4e-8a71-4f0e-9a8e-1c2d3e4f5a6b';
  const d = emptyAzure(tenantId);
  d.managementGroups.push({ name: 'platform', parent: tenantId }, { name: 'landing-zones', parent: tenantId }, { name: 'corp', parent: 'landing-zones' }, { name: 'online', parent: 'landing-zones' });
  const parents = ['platform', 'corp', 'online', tenantId];
  const n = Math.max(12, opts.subscriptions ?? 130); // the planted assignments use the first 11
  for (let i = 0; i < n; i++) d.subscriptions.push({ id: guid(0x5000 + i), parent: parents[i % parents.length], displayName: `sub-${i}` });
  d.roleDefinitions.push(
    { name: OWNER, roleName: 'Owner', type: 'BuiltInRole', scope: '/', actions: ['*'] },
    { name: CONTRIBUTOR, roleName: 'Contributor', type: 'BuiltInRole', scope: '/', actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] },
    { name: USER_ACCESS_ADMIN, roleName: 'User Access Administrator', type: 'BuiltInRole', scope: '/', actions: ['*/read', 'Microsoft.Authorization/*'] },
    { name: READER, roleName: 'Reader', type: 'BuiltInRole', scope: '/', actions: ['*/read'] },
    { name: guid(0xc0), roleName: 'Role Assigner (custom)', type: 'CustomRole', scope: `/providers/Microsoft.Management/managementGroups/corp`, actions: ['Microsoft.Authorization/roleAssignments/write'] },
  );
  const user = (i: number) => guid(0x1000 + i);
  const mg = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;
  const sub = (i: number) => `/subscriptions/${d.subscriptions[i].id}`;
  let k = 0;
  const ra = (scope: string, role: string, principalId: string, principalType = 'User', extra: Record<string, unknown> = {}) =>
    d.roleAssignments.push({ name: guid(0xa000 + k++), scope, roleDefinitionName: role, principalId, principalType, ...extra });
  ra('/', USER_ACCESS_ADMIN, user(1));
  ra(mg(tenantId), OWNER, user(2));
  ra(mg('corp'), CONTRIBUTOR, user(3));
  ra(mg('landing-zones'), OWNER, guid(0x2000), 'Group');
  d.groupsOf.set(user(4), [guid(0x2000)]);
  for (let i = 0; i < d.subscriptions.length; i++) ra(sub(i), i % 2 ? READER : CONTRIBUTOR, user(10 + (i % 40)));
  ra(`${sub(5)}/resourceGroups/app-rg`, OWNER, user(5));
  ra(sub(6), USER_ACCESS_ADMIN, user(6), 'User', { condition: "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})))" });
  ra(sub(7), OWNER, guid(0x3001), 'ServicePrincipal');
  d.eligibilities.push(
    { name: guid(0xe001), scope: mg('platform'), roleDefinitionName: OWNER, principalId: user(7), principalType: 'User', endDateTime: '2027-06-30T00:00:00Z' },
    { name: guid(0xe002), scope: sub(8), roleDefinitionName: CONTRIBUTOR, principalId: user(8), principalType: 'User', endDateTime: null },
    { name: guid(0xe003), scope: sub(9), roleDefinitionName: OWNER, principalId: guid(0x2000), principalType: 'Group', endDateTime: '2027-01-01T00:00:00Z', memberType: 'Group' },
  );
  d.activeSchedules.push({ name: guid(0xf001), scope: sub(10), roleDefinitionName: OWNER, principalId: user(9), principalType: 'User', endDateTime: '2026-12-31T00:00:00Z', assignmentType: 'Activated' });
  for (let i = 0; i < Math.min(3, d.subscriptions.length); i++) {
    d.identities.push({
      subscriptionId: d.subscriptions[i].id,
      resourceGroup: 'deploy-rg',
      name: `deploy-id-${i}`,
      principalId: guid(0x4000 + i),
      clientId: guid(0x4100 + i),
      credentials: [
        { name: 'gh-prod', issuer: 'https://token.actions.githubusercontent.com', subject: i === 0 ? 'repo:acme/repo-7:environment:prod' : `repo:acme@9001/repo-${i}@7000${i}:ref:refs/heads/main` },
        { name: 'k8s', issuer: 'https://oidc.prod-aks.azure.com/x/', subject: 'system:serviceaccount:ns:sa' },
      ],
    });
    ra(sub(i), OWNER, guid(0x4000 + i), 'ServicePrincipal');
  }
  return d;
}
