/**
 * Deterministic synthetic tenants for the fakes (tests and the collector benchmark): a Graph tenant
 * and an Okta org of N users with groups, memberships, apps, owners, credentials, role
 * assignments, grants, tokens and log events in realistic proportions. Same seed, same data.
 * The shapes are those of the APIs (and of the scenarios); only the volume is invented.
 */
import { type GraphTenantData, emptyTenant } from './GraphFake.js';
import { type OktaOrgData, emptyOrg } from './OktaFake.js';

type Raw = Record<string, unknown>;

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guidFrom(rand: () => number): string {
  const h = () => Math.floor(rand() * 0x10000).toString(16).padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

const OKTA_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function oktaId(prefix: string, rand: () => number): string {
  let s = prefix;
  while (s.length < 20) s += OKTA_ID_CHARS[Math.floor(rand() * OKTA_ID_CHARS.length)];
  return s;
}

export interface GraphShape {
  users: number;
  /** Users per group on average (groups = users / groupSize). */
  groupSize?: number;
  /** Group memberships per user on average. */
  membershipsPerUser?: number;
  /** Users per application (applications = users / usersPerApp). */
  usersPerApp?: number;
  seed?: number;
}

export function syntheticGraphTenant(shape: GraphShape): GraphTenantData {
  const rand = prng(shape.seed ?? 42);
  const t = emptyTenant('6b1f0d2c-3a4e-4f5a-9b8c-7d6e5f4a3b2c');
  const n = shape.users;
  const groupSize = shape.groupSize ?? 100;
  const perUser = shape.membershipsPerUser ?? 5;
  const nGroups = Math.max(10, Math.round((n * perUser) / groupSize));
  const nApps = Math.max(5, Math.round(n / (shape.usersPerApp ?? 100)));
  const created = '2023-02-01T09:00:00Z';
  for (let i = 0; i < n; i++) {
    const disabled = rand() < 0.02;
    t.users.push({
      id: guidFrom(rand),
      userPrincipalName: `user${i}@contoso.com`,
      displayName: `User ${i}`,
      mail: `user${i}@contoso.com`,
      accountEnabled: !disabled,
      userType: 'Member',
      employeeId: `E${100000 + i}`,
      employeeLeaveDateTime: null,
      onPremisesSyncEnabled: rand() < 0.3 ? true : null,
      signInSessionsValidFromDateTime: disabled && rand() < 0.5 ? '2026-10-01T00:00:00Z' : null,
      createdDateTime: created,
      identities: [{ signInType: 'userPrincipalName', issuer: 'contoso.com', issuerAssignedId: `user${i}@contoso.com` }],
      externalUserState: null,
    });
  }
  for (let i = 0; i < Math.max(1, Math.round(n / 200)); i++) {
    t.deletedUsers.push({ ...t.users[i], id: guidFrom(rand), deletedDateTime: '2026-10-10T00:00:00Z', userPrincipalName: `deleted${i}@contoso.com` });
  }
  for (let g = 0; g < nGroups; g++) {
    const id = guidFrom(rand);
    t.groups.push({
      id,
      displayName: `Group ${g}`,
      description: null,
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      isAssignableToRole: g % 50 === 0,
      createdDateTime: created,
    });
    t.groupMembers.set(id, []);
    t.groupOwners.set(id, [{ '@odata.type': '#microsoft.graph.user', id: t.users[Math.floor(rand() * n)].id }]);
  }
  const groupIds = t.groups.map((g) => String(g.id));
  for (const u of t.users) {
    const k = Math.max(1, Math.round(perUser * (0.5 + rand())));
    for (let j = 0; j < k; j++) {
      const gid = groupIds[Math.floor(rand() * groupIds.length)];
      t.groupMembers.get(gid)!.push({ '@odata.type': '#microsoft.graph.user', id: u.id });
    }
  }
  const graphSp = {
    id: guidFrom(rand),
    appId: '00000003-0000-0000-c000-000000000000',
    displayName: 'Microsoft Graph',
    servicePrincipalType: 'Application',
    accountEnabled: true,
    appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    appRoleAssignmentRequired: false,
    appRoles: [
      { id: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9', value: 'Application.ReadWrite.All', displayName: 'Application.ReadWrite.All', allowedMemberTypes: ['Application'], isEnabled: true },
      { id: 'df021288-bdef-4463-88db-98f22de89214', value: 'User.Read.All', displayName: 'User.Read.All', allowedMemberTypes: ['Application'], isEnabled: true },
    ],
    passwordCredentials: [],
    keyCredentials: [],
  };
  t.servicePrincipals.push(graphSp);
  for (let a = 0; a < nApps; a++) {
    const id = guidFrom(rand);
    const appId = guidFrom(rand);
    const secrets = Math.floor(rand() * 3);
    t.applications.push({
      id,
      appId,
      displayName: `app-${a}`,
      signInAudience: 'AzureADMyOrg',
      createdDateTime: created,
      passwordCredentials: Array.from({ length: secrets }, () => ({
        customKeyIdentifier: null,
        displayName: 'secret',
        endDateTime: '2027-06-01T00:00:00Z',
        hint: 'abc',
        keyId: guidFrom(rand),
        secretText: null,
        startDateTime: '2026-06-01T00:00:00Z',
      })),
      keyCredentials: [],
    });
    t.applicationOwners.set(
      id,
      Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({ '@odata.type': '#microsoft.graph.user', id: t.users[Math.floor(rand() * n)].id })),
    );
    if (rand() < 0.05) {
      t.federatedIdentityCredentials.set(id, [
        { '@odata.type': '#microsoft.graph.federatedIdentityCredential', id: guidFrom(rand), name: 'gh', issuer: 'https://token.actions.githubusercontent.com', subject: `repo:org/app-${a}:ref:refs/heads/main`, audiences: ['api://AzureADTokenExchange'], description: null },
      ]);
    }
    const spId = guidFrom(rand);
    t.servicePrincipals.push({
      id: spId,
      appId,
      displayName: `app-${a}`,
      servicePrincipalType: 'Application',
      accountEnabled: true,
      appOwnerOrganizationId: t.tenantId,
      appRoleAssignmentRequired: false,
      appRoles: [],
      passwordCredentials: [],
      keyCredentials: [],
    });
    if (rand() < 0.3) {
      t.appRoleAssignments.push({
        id: `ara${guidFrom(rand).replace(/-/g, '')}`,
        appRoleId: 'df021288-bdef-4463-88db-98f22de89214',
        createdDateTime: created,
        principalDisplayName: `app-${a}`,
        principalId: spId,
        principalType: 'ServicePrincipal',
        resourceDisplayName: 'Microsoft Graph',
        resourceId: graphSp.id,
      });
    }
  }
  const appSps = t.servicePrincipals.slice(1);
  for (let i = 0; i < n / 10; i++) {
    const u = t.users[Math.floor(rand() * n)];
    const sp = appSps[Math.floor(rand() * appSps.length)];
    t.appRoleAssignments.push({
      id: `ara${guidFrom(rand).replace(/-/g, '')}`,
      appRoleId: '00000000-0000-0000-0000-000000000000',
      createdDateTime: created,
      principalDisplayName: u.displayName,
      principalId: u.id,
      principalType: 'User',
      resourceDisplayName: sp.displayName,
      resourceId: sp.id,
    });
  }
  for (let i = 0; i < n / 20; i++) {
    const u = t.users[Math.floor(rand() * n)];
    t.oauth2PermissionGrants.push({
      id: `grant${guidFrom(rand).replace(/-/g, '')}`,
      clientId: appSps[Math.floor(rand() * appSps.length)].id,
      consentType: 'Principal',
      principalId: u.id,
      resourceId: graphSp.id,
      scope: 'User.Read offline_access',
    });
  }
  const roleIds = ['62e90394-69f5-4237-9190-012177145e10', '729827e3-9c14-49f7-bb1b-9608f156bbb8', 'f2ef992c-3afb-46b9-b7cf-a126ee74c451'];
  for (const r of roleIds) t.roleDefinitions.push({ id: r, displayName: `Role ${r.slice(0, 4)}`, templateId: r, isBuiltIn: true, isEnabled: true });
  for (let i = 0; i < Math.max(5, n / 1000); i++) {
    t.roleAssignments.push({ id: `ra${guidFrom(rand).replace(/-/g, '')}`, principalId: t.users[Math.floor(rand() * n)].id, roleDefinitionId: roleIds[i % 3], directoryScopeId: '/' });
    t.roleEligibilitySchedules.push({
      id: guidFrom(rand),
      principalId: t.users[Math.floor(rand() * n)].id,
      roleDefinitionId: roleIds[i % 3],
      directoryScopeId: '/',
      appScopeId: null,
      memberType: 'Direct',
      status: 'Provisioned',
      scheduleInfo: { startDateTime: '2025-01-05T10:00:00Z', recurrence: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
    });
  }
  for (const u of t.users.filter((x) => x.accountEnabled === false)) {
    t.directoryAudits.push({
      id: `Directory_${guidFrom(rand).replace(/-/g, '').slice(0, 20)}`,
      category: 'UserManagement',
      result: 'success',
      activityDisplayName: 'Disable account',
      activityDateTime: '2026-10-15T09:00:00Z',
      loggedByService: 'Core Directory',
      initiatedBy: { app: null, user: { id: t.users[0].id, userPrincipalName: 'user0@contoso.com' } },
      targetResources: [{ id: u.id, type: 'User', modifiedProperties: [{ displayName: 'AccountEnabled', oldValue: '[true]', newValue: '[false]' }] }],
    });
  }
  return t;
}

export interface OktaShape {
  users: number;
  /** Users per group on average (groups = users / groupSize). */
  groupSize?: number;
  apps?: number;
  oauthApps?: number;
  /** Share of users assigned to each app. */
  appShare?: number;
  seed?: number;
}

export function syntheticOktaOrg(shape: OktaShape): OktaOrgData {
  const rand = prng(shape.seed ?? 7);
  const o = emptyOrg();
  const n = shape.users;
  const created = '2023-01-15T09:00:00.000Z';
  for (let i = 0; i < n; i++) {
    const r = rand();
    const status = r < 0.02 ? 'DEPROVISIONED' : r < 0.03 ? 'SUSPENDED' : 'ACTIVE';
    o.users.push({
      id: oktaId('00u', rand),
      status,
      created,
      activated: created,
      statusChanged: status === 'ACTIVE' ? created : '2026-10-01T10:00:00.000Z',
      lastLogin: '2026-09-30T08:12:00.000Z',
      lastUpdated: '2026-10-10T12:00:00.000Z',
      passwordChanged: '2026-03-01T10:00:00.000Z',
      type: { id: 'otyfake' },
      profile: { firstName: 'User', lastName: String(i), login: `user${i}@example.com`, email: `user${i}@example.com`, employeeNumber: `E${100000 + i}` },
      credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    });
  }
  const everyone = oktaId('00g', rand);
  o.groups.push({ id: everyone, created, lastUpdated: created, lastMembershipUpdated: created, objectClass: ['okta:user_group'], type: 'BUILT_IN', profile: { name: 'Everyone', description: null } });
  o.groupMembers.set(everyone, o.users.map((u) => String(u.id)));
  const nGroups = Math.max(5, Math.round(n / (shape.groupSize ?? 50)));
  for (let g = 0; g < nGroups; g++) {
    const id = oktaId('00g', rand);
    o.groups.push({ id, created, lastUpdated: created, lastMembershipUpdated: created, objectClass: ['okta:user_group'], type: 'OKTA_GROUP', profile: { name: `Group ${g}`, description: null } });
    o.groupMembers.set(id, []);
  }
  const own = o.groups.slice(1);
  for (const u of o.users) {
    for (let k = 0; k < 2; k++) o.groupMembers.get(String(own[Math.floor(rand() * own.length)].id))!.push(String(u.id));
  }
  for (let g = 0; g < own.length; g += 100) {
    o.groupRoles.set(String(own[g].id), [{ id: oktaId('ra1', rand), label: 'Help Desk Administrator', type: 'HELP_DESK_ADMIN', status: 'ACTIVE', created, lastUpdated: created, assignmentType: 'GROUP' }]);
  }
  const nApps = shape.apps ?? 12;
  const nOauth = shape.oauthApps ?? 4;
  const share = shape.appShare ?? 0.1;
  for (let a = 0; a < nApps; a++) {
    const id = oktaId('0oa', rand);
    const oauth = a < nOauth;
    o.apps.push(
      oauth
        ? {
            id,
            name: `svc_${a}`,
            label: `svc-${a}`,
            status: 'ACTIVE',
            signOnMode: 'OPENID_CONNECT',
            features: [],
            created,
            credentials: { oauthClient: { client_id: id, token_endpoint_auth_method: 'client_secret_basic' } },
            settings: { oauthClient: { application_type: a % 2 ? 'web' : 'service', grant_types: ['client_credentials'] } },
          }
        : {
            id,
            name: `app_${a}`,
            label: `App ${a}`,
            status: 'ACTIVE',
            signOnMode: a % 3 ? 'SAML_2_0' : 'AUTO_LOGIN',
            features: a % 2 ? ['PUSH_NEW_USERS', 'PUSH_USER_DEACTIVATION'] : [],
            created,
            credentials: { scheme: a % 3 ? undefined : 'EDIT_USERNAME_AND_PASSWORD', revealPassword: false },
            settings: {},
          },
    );
    const users: Raw[] = [];
    for (const u of o.users) {
      if (rand() < share) {
        users.push({ id: u.id, externalId: a % 2 ? `ext-${u.id}` : null, created, scope: rand() < 0.5 ? 'USER' : 'GROUP', status: 'ACTIVE', credentials: { userName: (u.profile as Raw).login } });
      }
    }
    o.appUsers.set(id, users);
    o.appGroups.set(id, [{ id: String(own[a % own.length].id), priority: 0, lastUpdated: created }]);
    if (!oauth && a % 2) {
      o.appFeatures.set(id, [{ name: 'USER_PROVISIONING', status: 'ENABLED', capabilities: { update: { lifecycleDeactivate: { status: 'ENABLED' } } } }]);
    }
    if (oauth) {
      o.appSecrets.set(id, [{ id: oktaId('ocs', rand), status: 'ACTIVE', created, lastUpdated: created }]);
      o.appJwks.set(id, []);
      o.appGrants.push({ id: oktaId('oag', rand), status: 'ACTIVE', created, issuer: 'https://example.okta.com', clientId: id, scopeId: 'okta.users.read', source: 'ADMIN' });
      if (a % 2 === 0) o.clientRoles.set(id, [{ id: oktaId('irb', rand), label: 'Read-only Administrator', type: 'READ_ONLY_ADMIN', status: 'ACTIVE', created, assignmentType: 'CLIENT' }]);
      for (let k = 0; k < Math.min(50, n / 100); k++) {
        const u = o.users[Math.floor(rand() * n)];
        o.refreshTokens.push({ id: oktaId('oar', rand), status: 'ACTIVE', created, expiresAt: null, issuer: 'https://example.okta.com/oauth2/default', clientId: id, userId: u.id, scopes: ['openid', 'offline_access'] });
      }
    }
  }
  for (let i = 0; i < Math.max(3, n / 2000); i++) {
    const u = o.users[Math.floor(rand() * n)];
    o.userRoles.set(String(u.id), [{ id: oktaId('ra1', rand), label: 'Organization Administrator', type: 'ORG_ADMIN', status: 'ACTIVE', created, assignmentType: 'USER' }]);
    o.apiTokens.push({ name: `token-${i}`, userId: u.id, tokenWindow: 'P30D', id: oktaId('00T', rand), clientName: 'Okta API', expiresAt: '2026-12-20T00:00:00.000Z', created });
  }
  o.idps.push({ id: oktaId('0oa', rand), type: 'SAML2', name: 'Partner', status: 'ACTIVE', policy: { provisioning: { conditions: { deprovisioned: { action: 'NONE' }, suspended: { action: 'NONE' } } } } });
  for (let i = 0; i < Math.max(10, n / 500); i++) {
    const u = o.users[Math.floor(rand() * n)];
    o.logs.push({
      uuid: guidFrom(rand),
      published: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
      eventType: i % 3 === 0 ? 'app.oauth2.client.read_client_secret' : 'user.session.start',
      version: '0',
      severity: 'INFO',
      actor: { id: u.id, type: 'User', alternateId: (u.profile as Raw).login },
      outcome: { result: 'SUCCESS' },
      target: [{ id: o.apps[0].id, type: 'AppInstance' }],
    });
  }
  return o;
}
