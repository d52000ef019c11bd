/**
 * Unit tests for the Okta rules: suspended vs deactivated, password apps, downstream accounts,
 * the "pushes deactivation" test, tokens, service-app credentials, IdPs, dormant rules, and the
 * precedence between app rules; plus the what-if effects of a deactivation.
 */
import { describe, expect, it } from 'vitest';
import { type Raw, analyseSpec, appUser, oktaApp, oktaUser, summary } from '../support/tenant.js';

const u = '00uSUSPENDED000000001';
const d = '00uDEPROVISIONED00001';
const act = '00uACTIVE00000000001';

const pwdApp = oktaApp('0oaPASSWORD000000001', { signOnMode: 'BROWSER_PLUGIN', credentials: { scheme: 'EDIT_USERNAME_AND_PASSWORD' } });
const sharedApp = oktaApp('0oaSHARED00000000001', { signOnMode: 'AUTO_LOGIN', credentials: { scheme: 'SHARED_USERNAME_AND_PASSWORD', revealPassword: true } });
const pushApp = oktaApp('0oaPUSH0000000000001', { features: ['PUSH_USER_DEACTIVATION'] });
const noPushApp = oktaApp('0oaNOPUSH00000000001', { features: ['PUSH_NEW_USERS'] });

describe('Okta app rules and their precedence', () => {
  it('suspended: known password (live), downstream (unverified), plain assignment (dormant) — one finding per app', async () => {
    const doc = await analyseSpec({
      okta: {
        users: [oktaUser(u, 'SUSPENDED')],
        apps: [pwdApp, pushApp, noPushApp],
        appUsers: [appUser(pwdApp.id as string, u, { externalId: 'x1' }), appUser(pushApp.id as string, u, { externalId: 'x2' }), appUser(noPushApp.id as string, u)],
      },
    });
    expect(summary(doc)).toEqual([
      `okta.app-password-known ${u}→0oaPASSWORD000000001 live medium`,
      `okta.dormant-app-assignment ${u}→0oaNOPUSH00000000001 dormant low`,
      `okta.downstream-account-not-deprovisioned ${u}→0oaPUSH0000000000001 unverified medium`,
    ]);
  });
  it('deactivated: no password finding when the app pushes deactivation; downstream only where it does not; never dormant assignments', async () => {
    const pwdPush = oktaApp('0oaPWDPUSH0000000001', { signOnMode: 'AUTO_LOGIN', features: ['PUSH_USER_DEACTIVATION'], credentials: { scheme: 'EDIT_PASSWORD_ONLY' } });
    const doc = await analyseSpec({
      okta: {
        users: [oktaUser(d, 'DEPROVISIONED')],
        apps: [pwdPush, pushApp, noPushApp, sharedApp],
        appUsers: [appUser(pwdPush.id as string, d), appUser(pushApp.id as string, d, { externalId: 'x' }), appUser(noPushApp.id as string, d, { externalId: 'y' }), appUser(sharedApp.id as string, d, { scope: 'GROUP', externalId: 'z' })],
      },
    });
    expect(summary(doc)).toEqual([
      `okta.downstream-account-not-deprovisioned ${d}→0oaNOPUSH00000000001 unverified medium`,
      `okta.shared-app-password ${d}→0oaSHARED00000000001 live medium`,
    ]);
  });
  it('USER_PROVISIONING with lifecycleDeactivate DISABLED means the app does not push deactivation', async () => {
    const doc = await analyseSpec({
      okta: {
        users: [oktaUser(d, 'DEPROVISIONED')],
        apps: [pushApp],
        appUsers: [appUser(pushApp.id as string, d, { externalId: 'x' })],
        appFeatures: [{ appId: pushApp.id, feature: { name: 'USER_PROVISIONING', status: 'ENABLED', capabilities: { update: { lifecycleDeactivate: { status: 'DISABLED' } } } } }],
      },
    });
    expect(summary(doc)).toEqual([`okta.downstream-account-not-deprovisioned ${d}→0oaPUSH0000000000001 unverified medium`]);
  });
  it('what-if deactivation removes direct assignments, direct roles and API tokens but keeps group-derived ones', async () => {
    const grp = '00gOKTAGROUP00000001';
    const doc = await analyseSpec(
      {
        okta: {
          users: [oktaUser(act, 'ACTIVE')],
          groups: [{ id: grp, type: 'OKTA_GROUP', profile: { name: 'ops' } }],
          groupMembers: [{ groupId: grp, user: { id: act } }],
          apps: [pwdApp, sharedApp],
          appUsers: [appUser(pwdApp.id as string, act), appUser(sharedApp.id as string, act, { scope: 'GROUP' })],
          userRoles: [{ userId: act, role: { id: 'ra1DIRECT', type: 'SUPER_ADMIN', status: 'ACTIVE' } }],
          groupRoles: [{ groupId: grp, role: { id: 'ra1GROUP', type: 'HELP_DESK_ADMIN', status: 'ACTIVE' } }],
          apiTokens: [{ id: '00Ttoken', name: 't', userId: act, expiresAt: '2026-12-01T00:00:00.000Z' }],
        },
      },
      { assumeDeparted: [act] },
    );
    expect(summary(doc)).toEqual([
      `okta.dormant-membership ${act}→${grp} dormant low`,
      `okta.dormant-role ${act}→ra1GROUP dormant low`,
      `okta.shared-app-password ${act}→0oaSHARED00000000001 live medium`,
    ]);
  });
});

describe('okta.api-token-of-departed and okta.refresh-token-active', () => {
  const tokens = (owner: string, expiresAt: string | null) => [{ id: `00T${owner.slice(3, 8)}`, name: 't', userId: owner, expiresAt }];
  it('suspended owner: dormant (high with an org admin role); deactivated owner: live; expired: nothing', async () => {
    const doc = await analyseSpec({
      okta: {
        users: [oktaUser(u, 'SUSPENDED'), oktaUser(d, 'DEPROVISIONED')],
        apiTokens: [...tokens(u, '2026-11-20T00:00:00.000Z'), ...tokens(d, null), { id: '00Texpired', userId: d, expiresAt: '2026-10-31T00:00:00.000Z' }],
        userRoles: [{ userId: u, role: { id: 'ra1ORG', type: 'ORG_ADMIN', status: 'ACTIVE' } }],
      },
    });
    expect(summary(doc, 'okta.api-token-of-departed')).toEqual([
      `okta.api-token-of-departed ${d}→00TDEPRO live medium`,
      `okta.api-token-of-departed ${u}→00TSUSPE dormant high until 2026-11-20T00:00:00.000Z`,
    ]);
  });
  it('active owner departed only per HR: live', async () => {
    const doc = await analyseSpec({
      okta: { users: [oktaUser(act, 'ACTIVE', {}, { employeeNumber: 'E9' })], apiTokens: tokens(act, '2026-12-01T00:00:00.000Z') },
      hr: { people: [{ employeeId: 'E9', email: null, displayName: 'X', status: 'terminated', terminationDate: null }] },
    });
    expect(summary(doc, 'okta.api-token-of-departed')).toEqual([`okta.api-token-of-departed ${act}→00TACTIV live medium until 2026-12-01T00:00:00.000Z`]);
  });
  it('refresh tokens: ACTIVE and unexpired only', async () => {
    const doc = await analyseSpec({
      okta: {
        users: [oktaUser(d, 'DEPROVISIONED')],
        refreshTokens: [
          { id: 'oarA', status: 'ACTIVE', expiresAt: null, clientId: '0oaC', userId: d },
          { id: 'oarB', status: 'REVOKED', expiresAt: null, clientId: '0oaC', userId: d },
          { id: 'oarC', status: 'ACTIVE', expiresAt: '2026-10-01T00:00:00.000Z', clientId: '0oaC', userId: d },
        ],
      },
    });
    expect(summary(doc)).toEqual([`okta.refresh-token-active ${d}→oarA unverified medium`]);
  });
});

describe('okta.service-app-credential-by-subject', () => {
  const svc = (id: string): Raw => oktaApp(id, { signOnMode: 'OPENID_CONNECT', settings: { oauthClient: { application_type: 'service' } } });
  const ev = (type: string, app: string, when: string) => ({ uuid: `${type}-${app}`, eventType: type, published: when, actor: { id: d, type: 'User' }, target: [{ id: app, type: 'AppInstance' }] });
  it('reports ACTIVE credentials created at or before the event on apps with roles or okta.* grants', async () => {
    const doc = await analyseSpec({
      okta: {
        users: [oktaUser(d, 'DEPROVISIONED')],
        apps: [svc('0oaA'), svc('0oaB'), svc('0oaC')],
        appSecrets: [
          { appId: '0oaA', secret: { id: 'ocsOld', status: 'ACTIVE', created: '2026-08-01T10:00:00.000Z' } },
          { appId: '0oaA', secret: { id: 'ocsNew', status: 'ACTIVE', created: '2026-08-02T10:00:00.000Z' } },
          { appId: '0oaA', secret: { id: 'ocsOff', status: 'INACTIVE', created: '2026-07-01T10:00:00.000Z' } },
          { appId: '0oaC', secret: { id: 'ocsNoPriv', status: 'ACTIVE', created: '2026-07-01T10:00:00.000Z' } },
        ],
        appJwks: [{ appId: '0oaB', jwk: { id: 'jwkB', kid: 'k', status: 'ACTIVE', created: '2026-07-01T10:00:00.000Z' } }],
        clientRoles: [{ clientId: '0oaA', role: { id: 'irbA', type: 'SUPER_ADMIN', status: 'ACTIVE' } }],
        appGrants: [{ id: 'oagB', scopeId: 'okta.users.read', clientId: '0oaB', status: 'ACTIVE' }],
        logs: [ev('app.oauth2.credentials.lifecycle.create', '0oaA', '2026-08-01T10:00:00.000Z'), ev('app.oauth2.client.read_client_secret', '0oaB', '2026-09-01T00:00:00.000Z'), ev('app.oauth2.credentials.lifecycle.activate', '0oaC', '2026-09-01T00:00:00.000Z')],
      },
    });
    expect(summary(doc)).toEqual([
      `okta.service-app-credential-by-subject ${d}→jwkB live high`,
      `okta.service-app-credential-by-subject ${d}→ocsOld live critical`,
    ]);
  });
});

describe('okta.idp-may-reactivate and dormant rules', () => {
  it('matches the IdP action to the subject status; federated users only', async () => {
    const idps = [
      { id: '0oaIdpUnsuspend', name: 'a', policy: { provisioning: { conditions: { deprovisioned: { action: 'NONE' }, suspended: { action: 'UNSUSPEND' } } } } },
      { id: '0oaIdpReactivate', name: 'b', policy: { provisioning: { conditions: { deprovisioned: { action: 'REACTIVATE' }, suspended: { action: 'NONE' } } } } },
    ];
    const fed = { credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } };
    const doc = await analyseSpec({ okta: { users: [oktaUser(u, 'SUSPENDED', fed), oktaUser(d, 'DEPROVISIONED', fed), oktaUser('00uLOCAL', 'DEPROVISIONED')], idps } });
    expect(summary(doc)).toEqual([`okta.idp-may-reactivate ${d}→0oaIdpReactivate unverified medium`, `okta.idp-may-reactivate ${u}→0oaIdpUnsuspend unverified medium`]);
  });
  it('dormant memberships only for OKTA_GROUP; roles through groups', async () => {
    const doc = await analyseSpec({
      okta: {
        users: [oktaUser(d, 'DEPROVISIONED')],
        groups: [
          { id: '00gOkta', type: 'OKTA_GROUP', profile: { name: 'x' } },
          { id: '00gEveryone', type: 'BUILT_IN', profile: { name: 'Everyone' } },
          { id: '00gApp', type: 'APP_GROUP', profile: { name: 'ad' } },
        ],
        groupMembers: ['00gOkta', '00gEveryone', '00gApp'].map((g) => ({ groupId: g, user: { id: d } })),
        groupRoles: [{ groupId: '00gOkta', role: { id: 'raSA', type: 'SUPER_ADMIN', status: 'ACTIVE' } }],
      },
    });
    expect(summary(doc)).toEqual([`okta.dormant-membership ${d}→00gOkta dormant high`, `okta.dormant-role ${d}→raSA dormant high`]);
  });
});
