/**
 * Blast radius and paths over the privilege graph: memberships (nested, cycle-safe), ownership,
 * credentials, app permissions, roles, and the derived tenant-wide privilege edges — with a
 * depth limit and the whole-tenant summary.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { blastRadius } from '../../queries/blast-radius.js';
import { findPaths } from '../../queries/paths.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import { SCENARIOS } from '../support/scenarios.js';
import { PERM, ROLE, entraUser, graphSp, guid, writeTenant } from '../support/tenant.js';

async function graphOf(dir: string) {
  return new LazyGraph(await loadInMemory([dir]), null);
}

describe('blast radius', () => {
  it('follows ownership to the service principal and its tier-0 Graph permission, and summarises the tenant', async () => {
    const g = await graphOf(join(SCENARIOS, 'entra-owned-apps'));
    const r = blastRadius(g, 'alice@contoso.com');
    expect(r.tier0).toBe(true);
    expect(r.privileges.map((p) => `${p.tier0 ? 'T0 ' : ''}${p.label}`)).toEqual(['T0 Microsoft Graph: Application.ReadWrite.All', 'Microsoft Graph: Mail.Read']);
    expect(r.wholeTenant).toHaveLength(1);
    expect(r.wholeTenant[0].via).toBe('CAN_ADD_CREDENTIALS');
    const steps = r.privileges[0].path.map((s) => ('edge' in s ? s.edge : s.kind));
    expect(steps).toEqual(['EntraUser', 'OWNS', 'EntraApplication', 'INSTANCE_OF', 'EntraServicePrincipal', 'HAS_APP_ROLE', 'EntraAppRoleAssignment']);
  });

  it('from a credential: what it signs in as; nested groups are cycle-safe; the depth limit cuts', async () => {
    const u = guid(1);
    const [g1, g2, g3] = [guid(2), guid(3), guid(4)];
    const graph = guid(5);
    const sp = guid(6);
    const app = guid(7);
    const dir = writeTenant({
      entra: {
        users: [entraUser(u)],
        groups: [g1, g2, g3].map((id) => ({ id, displayName: `g${id.slice(-2)}` })),
        groupMembers: [
          { groupId: g1, member: { '@odata.type': '#microsoft.graph.user', id: u } },
          { groupId: g2, member: { '@odata.type': '#microsoft.graph.group', id: g1 } },
          { groupId: g3, member: { '@odata.type': '#microsoft.graph.group', id: g2 } },
          { groupId: g1, member: { '@odata.type': '#microsoft.graph.group', id: g3 } },
        ],
        roleAssignments: [{ id: 'ra-g3', principalId: g3, roleDefinitionId: ROLE.globalAdmin, directoryScopeId: '/' }],
        applications: [{ id: app, appId: 'f0000000-0000-4000-8000-000000000001', displayName: 'app', passwordCredentials: [{ keyId: 'c0000000-0000-4000-8000-000000000001', startDateTime: null, endDateTime: null }] }],
        servicePrincipals: [{ id: sp, appId: 'f0000000-0000-4000-8000-000000000001', displayName: 'app' }, graphSp(graph)],
        appRoleAssignments: [{ id: 'ara', appRoleId: PERM.userReadAll, principalId: sp, principalType: 'ServicePrincipal', resourceId: graph }],
      },
    });
    const g = await graphOf(dir);
    const viaGroups = blastRadius(g, u);
    expect(viaGroups.privileges.map((p) => p.label)).toEqual(['Entra role: Global Administrator']);
    expect(viaGroups.privileges[0].depth).toBe(4);
    expect(viaGroups.wholeTenant.map((w) => w.via)).toEqual(['CONTROLS_TENANT']);
    const shallow = blastRadius(g, u, { maxDepth: 2 });
    expect(shallow.privileges).toEqual([]);
    expect(shallow.truncated).toBe(true);
    const cred = blastRadius(g, 'c0000000-0000-4000-8000-000000000001');
    expect(cred.privileges.map((p) => p.label)).toEqual(['Microsoft Graph: User.Read.All']);
    expect(cred.tier0).toBe(false);
  });
});

describe('terminal arrivals', () => {
  it('expands a node reached first as an app permission resource and later as a principal', async () => {
    const u = guid(11);
    const grp = guid(12);
    const x = guid(13);
    const app = guid(14);
    const dir = writeTenant({
      entra: {
        users: [entraUser(u)],
        groups: [{ id: grp, displayName: 'owners' }],
        groupMembers: [{ groupId: grp, member: { '@odata.type': '#microsoft.graph.user', id: u } }],
        applications: [{ id: app, appId: 'f1000000-0000-4000-8000-000000000001', displayName: 'x-app' }],
        applicationOwners: [{ applicationId: app, owner: { '@odata.type': '#microsoft.graph.group', id: grp } }],
        servicePrincipals: [{ id: x, appId: 'f1000000-0000-4000-8000-000000000001', displayName: 'x-sp' }],
        // u's own app access to X reaches X at depth 2 as a resource (terminal) …
        appRoleAssignments: [{ id: 'ara-u', appRoleId: '00000000-0000-0000-0000-000000000000', principalId: u, principalType: 'User', resourceId: x }],
        // … and X holds Global Administrator, which u controls through the group-owned application (depth 3).
        roleAssignments: [{ id: 'ra-x', principalId: x, roleDefinitionId: ROLE.globalAdmin, directoryScopeId: '/' }],
      },
    });
    const g = await graphOf(dir);
    const r = blastRadius(g, u);
    expect(r.privileges.map((p) => p.label)).toEqual(['Entra role: Global Administrator']);
    expect(r.privileges[0].path.map((s) => ('edge' in s ? s.edge : s.name))).toEqual([
      `${u.slice(-4)}@contoso.com`, 'MEMBER_OF', 'owners', 'OWNS', 'x-app', 'INSTANCE_OF', 'x-sp', 'HAS_ROLE', 'Global Administrator',
    ]);
    expect(r.reached.EntraServicePrincipal).toBe(1);
    const p = findPaths(g, u, 'x-sp');
    // Both arrivals are access paths: app access (ends there) and control through ownership.
    expect(p.paths.map((x) => x.length)).toEqual([2, 3]);
  });
});

describe('paths', () => {
  it('finds the shortest paths to tier 0 and to the tenant', async () => {
    const g = await graphOf(join(SCENARIOS, 'entra-hybrid-and-alt-accounts'));
    const t0 = findPaths(g, 'frank.adm@northwind.com', 'tier0');
    expect(t0.paths.map((p) => p.steps.map((s) => ('edge' in s ? s.edge : s.name)).join(' '))).toEqual(['frank.adm@northwind.com HAS_ROLE Global Administrator']);
    expect(findPaths(g, 'frank.adm@northwind.com', 'tenant').paths[0].length).toBe(2);
    expect(findPaths(g, 'ivan@northwind.com', 'tier0').paths).toEqual([]);
  });
  it('refuses unknown and ambiguous names with a clear message', async () => {
    const g = await graphOf(join(SCENARIOS, 'entra-owned-apps'));
    expect(() => findPaths(g, 'nobody@x', 'tier0')).toThrow(/from "nobody@x" not found/);
    // payroll-sync names an application and its own service principal: the application wins.
    expect(findPaths(g, 'payroll-sync', 'tier0').from.kind).toBe('EntraApplication');
  });
});
