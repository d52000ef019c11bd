/**
 * Unit tests for the Entra rules: each rule's positive case, its negative cases (the conditions
 * in the catalogue that stop it), applicability and precedence, on small tenants built in code.
 */
import { describe, expect, it } from 'vitest';
import { AT, PERM, ROLE, type Raw, analyseSpec, disableEvent, entraUser, graphSp, guid, secret, summary } from '../support/tenant.js';

const alice = guid(1);
const bob = guid(2);
const graph = guid(3);

/** A tenant where alice (disabled 2026-10-15) owns `app` whose service principal has the given Graph permission. */
function ownedApp(opts: { creds?: Raw[]; certs?: Raw[]; perm?: string; aliceProps?: Raw; events?: Raw[]; coOwner?: string } = {}) {
  const app = guid(10);
  const sp = guid(11);
  return {
    app,
    sp,
    spec: {
      entra: {
        users: [entraUser(alice, { accountEnabled: false, ...opts.aliceProps }), entraUser(bob)],
        applications: [{ id: app, appId: guid(12), displayName: 'app', passwordCredentials: opts.creds ?? [], keyCredentials: opts.certs ?? [] }],
        servicePrincipals: [{ id: sp, appId: '', displayName: 'app sp', appRoles: [] }, graphSp(graph)],
        applicationOwners: [{ applicationId: app, owner: { '@odata.type': '#microsoft.graph.user', id: alice } }, ...(opts.coOwner ? [{ applicationId: app, owner: { '@odata.type': '#microsoft.graph.user', id: opts.coOwner } }] : [])],
        appRoleAssignments: opts.perm
          ? [{ id: 'ara1', appRoleId: opts.perm, principalId: sp, principalType: 'ServicePrincipal', resourceId: graph, resourceDisplayName: 'Microsoft Graph' }]
          : [],
        directoryAudits: opts.events ?? [disableEvent(alice, '2026-10-15T09:00:00Z')],
      },
    },
  };
}
// The SP must share the app's appId to inherit its permissions.
function linked(o: ReturnType<typeof ownedApp>) {
  const appId = (o.spec.entra.applications[0] as Raw).appId;
  (o.spec.entra.servicePrincipals[0]).appId = appId;
  return o;
}

describe('entra.owned-app-secret / -certificate', () => {
  it('reports a valid secret on an owned app as live, critical when the app holds a tier-0 permission', async () => {
    const o = linked(ownedApp({ creds: [secret('aaaaaaaa-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')], perm: PERM.applicationReadWriteAll }));
    const doc = await analyseSpec(o.spec);
    expect(summary(doc, 'entra.owned-app-secret')).toEqual([
      `entra.owned-app-secret ${alice}→aaaaaaaa-0000-4000-8000-000000000001 live critical until 2027-01-01T00:00:00.000Z`,
    ]);
    const f = doc.findings.find((x) => x.rule === 'entra.owned-app-secret')!;
    expect(f.reaches).toEqual({ tier0: true, privileges: ['Microsoft Graph: Application.ReadWrite.All'] });
    expect(f.remediation[0]).toContain(`POST /applications/${o.app}/removePassword`);
    expect(f.path.map((s) => ('edge' in s ? s.edge : s.kind))).toEqual(['EntraUser', 'OWNS', 'EntraApplication', 'HAS_CREDENTIAL', 'PasswordCredential', 'AUTHENTICATES_AS', 'EntraServicePrincipal']);
  });

  it('is high with a non-tier-0 application permission and medium with none', async () => {
    const k = 'aaaaaaaa-0000-4000-8000-000000000002';
    const high = await analyseSpec(linked(ownedApp({ creds: [secret(k, '2026-01-01T00:00:00Z', null)], perm: PERM.userReadAll })).spec);
    expect(summary(high, 'entra.owned-app-secret')).toEqual([`entra.owned-app-secret ${alice}→${k} live high`]);
    const medium = await analyseSpec(linked(ownedApp({ creds: [secret(k, '2026-01-01T00:00:00Z', null)] })).spec);
    expect(summary(medium, 'entra.owned-app-secret')).toEqual([`entra.owned-app-secret ${alice}→${k} live medium`]);
  });

  it('ignores expired, not-yet-valid and post-departure secrets', async () => {
    const o = linked(
      ownedApp({
        creds: [
          secret('bbbbbbbb-0000-4000-8000-000000000001', '2025-01-01T00:00:00Z', '2026-10-31T00:00:00Z'),
          secret('bbbbbbbb-0000-4000-8000-000000000002', '2026-12-01T00:00:00Z', '2027-12-01T00:00:00Z'),
          secret('bbbbbbbb-0000-4000-8000-000000000003', '2026-10-16T00:00:00Z', '2027-10-16T00:00:00Z'),
          secret('bbbbbbbb-0000-4000-8000-000000000004', '2026-10-15T09:00:00Z', '2027-10-16T00:00:00Z'),
        ],
      }),
    );
    const doc = await analyseSpec(o.spec);
    expect(summary(doc, 'entra.owned-app-secret').map((s) => s.split(' ')[1])).toEqual([`${alice}→bbbbbbbb-0000-4000-8000-000000000004`]);
  });

  it('counts a post-departure secret when D is unknown (no disable event)', async () => {
    const o = linked(ownedApp({ creds: [secret('cccccccc-0000-4000-8000-000000000001', '2026-10-20T00:00:00Z', null)], events: [] }));
    const doc = await analyseSpec(o.spec);
    expect(summary(doc, 'entra.owned-app-secret')).toHaveLength(1);
  });

  it('reports certificates under entra.owned-app-certificate, on owned service principals too', async () => {
    const o = ownedApp({ certs: [{ ...secret('dddddddd-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'), type: 'AsymmetricX509Cert' }] });
    // alice also owns the Graph-permissioned SP directly, with its own secret.
    (o.spec.entra.servicePrincipals[0]).passwordCredentials = [secret('dddddddd-0000-4000-8000-000000000002', '2026-01-01T00:00:00Z', null)];
    (o.spec.entra as Record<string, Raw[]>).servicePrincipalOwners = [{ servicePrincipalId: o.sp, owner: { '@odata.type': '#microsoft.graph.user', id: alice } }];
    const doc = await analyseSpec(o.spec);
    expect(summary(doc, 'entra.owned-app-certificate')).toEqual([`entra.owned-app-certificate ${alice}→dddddddd-0000-4000-8000-000000000001 live medium until 2027-01-01T00:00:00.000Z`]);
    expect(summary(doc, 'entra.owned-app-secret')).toEqual([`entra.owned-app-secret ${alice}→dddddddd-0000-4000-8000-000000000002 live medium`]);
    expect(doc.findings.find((f) => f.rule === 'entra.owned-app-secret')!.remediation[0]).toContain(`/servicePrincipals/${o.sp}/removePassword`);
  });

  it('applies to an enabled account departed through its leave date (beside hr.leaver-account-enabled)', async () => {
    const o = linked(ownedApp({ creds: [secret('eeeeeeee-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z', null)], aliceProps: { accountEnabled: true, employeeLeaveDateTime: '2026-10-01T00:00:00Z' }, events: [] }));
    const doc = await analyseSpec(o.spec);
    expect(doc.findings.map((f) => f.rule).sort()).toEqual(['entra.owned-app-secret', 'hr.leaver-account-enabled']);
  });
});

describe('entra.owned-app-federated-credential', () => {
  it('reports a federated credential of an owned application; nothing once ownership is gone', async () => {
    const o = linked(ownedApp({ perm: PERM.userReadAll }));
    (o.spec.entra as Record<string, Raw[]>).federatedIdentityCredentials = [
      { applicationId: o.app, credential: { id: 'fic-1', name: 'gh', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:x/y:ref:refs/heads/main' } },
    ];
    expect(summary(await analyseSpec(o.spec), 'entra.owned-app-federated-credential')).toEqual([`entra.owned-app-federated-credential ${alice}→fic-1 live high`]);
    o.spec.entra.applicationOwners = [];
    expect(summary(await analyseSpec(o.spec), 'entra.owned-app-federated-credential')).toEqual([]);
  });
});

describe('entra.credential-added-by-subject', () => {
  const other = guid(20);
  const spec = (mods: Raw[], ownedByAlice = false) => {
    const key = '7596b1f9-6d60-56a8-85e8-3fee0899a039';
    return {
      entra: {
        users: [entraUser(alice, { accountEnabled: false }), entraUser(bob)],
        applications: [{ id: other, appId: guid(21), displayName: 'legacy', passwordCredentials: [secret(key, '2026-09-01T14:00:00Z', '2027-09-01T14:00:00Z')] }],
        applicationOwners: [{ applicationId: other, owner: { '@odata.type': '#microsoft.graph.user', id: ownedByAlice ? alice : bob } }],
        directoryAudits: [
          {
            id: 'ev1',
            activityDisplayName: 'Update application – Certificates and secrets management ',
            activityDateTime: '2026-09-01T14:00:05Z',
            initiatedBy: { user: { id: alice } },
            targetResources: [{ id: other, type: 'Application', modifiedProperties: mods }],
          },
        ],
      },
    };
  };
  it('reports a credential whose keyId appears in newValue and not in oldValue (case-insensitive, en dash)', async () => {
    const doc = await analyseSpec(spec([{ displayName: 'KeyDescription', oldValue: '[]', newValue: '["[KeyIdentifier=7596B1F9-6D60-56A8-85E8-3FEE0899A039,KeyType=Password]"]' }]));
    expect(summary(doc, 'entra.credential-added-by-subject')).toEqual([`entra.credential-added-by-subject ${alice}→7596b1f9-6d60-56a8-85e8-3fee0899a039 live medium until 2027-09-01T14:00:00.000Z`]);
  });
  it('does not report a keyId already in oldValue, nor on an app the subject owns (owned-app rules report it)', async () => {
    const both = '["[KeyIdentifier=7596b1f9-6d60-56a8-85e8-3fee0899a039]"]';
    expect(summary(await analyseSpec(spec([{ displayName: 'KeyDescription', oldValue: both, newValue: both }])), 'entra.credential-added-by-subject')).toEqual([]);
    const owned = await analyseSpec(spec([{ displayName: 'KeyDescription', oldValue: '[]', newValue: both }], true));
    expect(owned.findings.map((f) => f.rule)).toEqual(expect.not.arrayContaining(['entra.credential-added-by-subject']));
    expect(owned.findings.map((f) => f.rule)).toContain('entra.owned-app-secret');
  });
});

describe('entra.synced-disable-may-revert and entra.sessions-not-revoked', () => {
  it('flags a cloud-only disable of a synced user as unverified', async () => {
    const doc = await analyseSpec({ entra: { users: [entraUser(alice, { accountEnabled: false, onPremisesSyncEnabled: true, signInSessionsValidFromDateTime: '2026-10-20T00:00:00Z' })] } });
    expect(summary(doc)).toEqual([`entra.synced-disable-may-revert ${alice}→${alice} unverified medium`]);
  });
  it('is window until D+28h inside the token window, dormant after, and absent when sessions were revoked after D', async () => {
    const users = (sv: string | null) => [entraUser(alice, { accountEnabled: false, signInSessionsValidFromDateTime: sv })];
    const win = await analyseSpec({ entra: { users: users(null), directoryAudits: [disableEvent(alice, '2026-10-31T12:00:00Z')] } });
    expect(summary(win)).toEqual([`entra.sessions-not-revoked ${alice}→${alice} window medium until 2026-11-01T16:00:00.000Z`]);
    const dormant = await analyseSpec({ entra: { users: users('2026-10-01T00:00:00Z'), directoryAudits: [disableEvent(alice, '2026-10-15T00:00:00Z')] } });
    expect(summary(dormant)).toEqual([`entra.sessions-not-revoked ${alice}→${alice} dormant low`]);
    const revoked = await analyseSpec({ entra: { users: users('2026-10-15T00:00:01Z'), directoryAudits: [disableEvent(alice, '2026-10-15T00:00:00Z')] } });
    expect(summary(revoked)).toEqual([]);
    expect(revoked.subjects[0].closed).toBe(true);
  });
  it('with D unknown fires only when the timestamp is null', async () => {
    expect(summary(await analyseSpec({ entra: { users: [entraUser(alice, { accountEnabled: false })] } }))).toHaveLength(1);
    expect(summary(await analyseSpec({ entra: { users: [entraUser(alice, { accountEnabled: false, signInSessionsValidFromDateTime: '2020-01-01T00:00:00Z' })] } }))).toEqual([]);
  });
  it('uses a disable event only at or before `at` for D', async () => {
    const doc = await analyseSpec({ entra: { users: [entraUser(alice, { accountEnabled: false, signInSessionsValidFromDateTime: '2026-10-01T00:00:00Z' })], directoryAudits: [disableEvent(alice, '2026-11-05T00:00:00Z')] } });
    expect(summary(doc)).toEqual([]);
    expect(doc.subjects[0].departedAt).toBeNull();
  });
});

describe('entra dormant rules and nhi.ownerless', () => {
  const grp = guid(30);
  const base = () => ({
    users: [entraUser(alice, { accountEnabled: false, signInSessionsValidFromDateTime: '2026-10-20T00:00:00Z' }), entraUser(bob)],
    groups: [{ id: grp, displayName: 'admins', isAssignableToRole: true }],
    groupMembers: [{ groupId: grp, member: { '@odata.type': '#microsoft.graph.user', id: alice } }],
    roleAssignments: [
      { id: 'ra-direct', principalId: alice, roleDefinitionId: ROLE.helpdesk, directoryScopeId: '/' },
      { id: 'ra-group', principalId: grp, roleDefinitionId: ROLE.globalAdmin, directoryScopeId: '/' },
      { id: 'ra-scoped', principalId: alice, roleDefinitionId: ROLE.globalAdmin, directoryScopeId: '/administrativeUnits/x' },
    ],
    roleEligibilitySchedules: [
      { id: 'el-live', principalId: alice, roleDefinitionId: ROLE.appAdmin, directoryScopeId: '/', scheduleInfo: { expiration: { endDateTime: null } } },
      { id: 'el-expired', principalId: alice, roleDefinitionId: ROLE.globalAdmin, directoryScopeId: '/', scheduleInfo: { expiration: { endDateTime: AT } } },
    ],
    directoryAudits: [disableEvent(alice, '2026-10-15T00:00:00Z')],
  });
  it('reports direct, group-derived and eligible roles with tier-0 severity, not expired eligibilities', async () => {
    const doc = await analyseSpec({ entra: base() });
    expect(summary(doc, 'entra.dormant-role')).toEqual([
      `entra.dormant-role ${alice}→el-live dormant high`,
      `entra.dormant-role ${alice}→ra-direct dormant low`,
      `entra.dormant-role ${alice}→ra-group dormant high`,
      `entra.dormant-role ${alice}→ra-scoped dormant low`,
    ]);
    expect(summary(doc, 'entra.dormant-membership')).toEqual([`entra.dormant-membership ${alice}→${grp} dormant high`]);
  });
  it('does not apply dormant rules to an enabled account departed only through HR', async () => {
    const b = base();
    b.users[0] = entraUser(alice, { accountEnabled: true, employeeId: 'E1' });
    const doc = await analyseSpec({ entra: b, hr: { people: [{ employeeId: 'E1', email: null, displayName: 'A', status: 'terminated', terminationDate: '2026-10-01' }] } });
    expect(doc.findings.map((f) => f.rule)).toEqual(['hr.leaver-account-enabled']);
    expect(doc.findings[0].severity).toBe('critical');
    expect(doc.findings[0].reaches.tier0).toBe(true);
  });
  it('reports ownership, app assignments and principal consents; not AllPrincipals consents', async () => {
    const o = ownedApp({ coOwner: bob });
    Object.assign(o.spec.entra, {
      appRoleAssignments: [{ id: 'ara-user', appRoleId: '00000000-0000-0000-0000-000000000000', principalId: alice, principalType: 'User', resourceId: o.sp }],
      oauth2PermissionGrants: [
        { id: 'g-principal', clientId: o.sp, consentType: 'Principal', principalId: alice, resourceId: graph, scope: 'Mail.Read' },
        { id: 'g-all', clientId: o.sp, consentType: 'AllPrincipals', principalId: null, resourceId: graph, scope: 'User.Read' },
      ],
    });
    const doc = await analyseSpec(o.spec);
    expect(summary(doc).filter((s) => !s.startsWith('entra.sessions'))).toEqual([
      `entra.dormant-app-assignment ${alice}→ara-user dormant low`,
      `entra.dormant-consent-grant ${alice}→g-principal dormant low`,
      `entra.dormant-ownership ${alice}→${o.app} dormant low`,
    ]);
  });
  it('nhi.ownerless: only when every owner is departed, once per departed owner', async () => {
    const carol = guid(40);
    const o = ownedApp({ coOwner: bob });
    expect(summary(await analyseSpec(o.spec), 'nhi.ownerless')).toEqual([]);
    o.spec.entra.users[1] = entraUser(bob, { accountEnabled: false });
    o.spec.entra.users.push(entraUser(carol, { accountEnabled: false }));
    o.spec.entra.applicationOwners.push({ applicationId: o.app, owner: { '@odata.type': '#microsoft.graph.user', id: carol } });
    expect(summary(await analyseSpec(o.spec), 'nhi.ownerless')).toEqual([
      `nhi.ownerless ${alice}→${o.app} dormant low`,
      `nhi.ownerless ${bob}→${o.app} dormant low`,
      `nhi.ownerless ${carol}→${o.app} dormant low`,
    ]);
  });
  it('what-if: an enabled account assumed departed gets dormant findings and D = at', async () => {
    const b = base();
    b.users[0] = entraUser(alice, { accountEnabled: true, signInSessionsValidFromDateTime: '2026-01-01T00:00:00Z' });
    const doc = await analyseSpec({ entra: b }, { assumeDeparted: [alice], at: Date.parse(AT) });
    expect(doc.subjects[0]).toMatchObject({ assumed: true, departedAt: '2026-11-01T00:00:00.000Z' });
    expect(summary(doc, 'entra.sessions-not-revoked')).toEqual([`entra.sessions-not-revoked ${alice}→${alice} window critical until 2026-11-02T04:00:00.000Z`]);
    expect(summary(doc, 'entra.dormant-role')).toHaveLength(4);
  });
});
