/**
 * Small GitHub + Entra tenants the github rule tests and the GitHub parity suite share: an org
 * `acme` with two members linked by their SAML identities to Entra accounts (ann disabled, ben
 * enabled), and a variant where ann is admin of a repository whose GitHub Actions workflows sign
 * in as an application holding a directory role (the workload path).
 */
import { ENTRA_TENANT, type Raw, type TenantSpec } from './tenant.js';

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

const ISSUER = `https://sts.windows.net/${ENTRA_TENANT}/`;
// Sessions revoked after the disable: no entra.sessions-not-revoked finding beside the github ones.
const user = (id: string, upn: string, enabled: boolean): Raw => ({ id, userPrincipalName: upn, displayName: upn, mail: upn, accountEnabled: enabled, userType: 'Member', signInSessionsValidFromDateTime: '2026-10-31T20:05:00Z' });
const disable = (id: string, when: string): Raw => ({
  id: `d-${id}`,
  activityDisplayName: 'Disable account',
  activityDateTime: when,
  result: 'success',
  targetResources: [{ id, type: 'User', modifiedProperties: [] }],
});
export const saml = (userId: number, login: string, nameId: string, issuer = ISSUER): Raw => ({ issuer, samlIdentity: { nameId }, scimIdentity: { username: nameId }, user: { databaseId: userId, login } });

export function tenant(enforcement: string, extra: Partial<Record<string, Raw[]>> = {}): TenantSpec {
  return {
    entra: {
      users: [user('aaaaaaaa-0000-0000-0000-000000000001', 'ann@x.com', false), user('aaaaaaaa-0000-0000-0000-000000000002', 'ben@x.com', true)],
      directoryAudits: [disable('aaaaaaaa-0000-0000-0000-000000000001', '2026-10-31T20:00:00Z')],
    },
    github: {
      organization: [{ id: 9, login: 'acme' }],
      settings: [{ samlEnforcement: enforcement, emu: false }],
      members: [
        { role: 'MEMBER', user: { id: 1, login: 'ann-gh' } },
        { role: 'ADMIN', user: { id: 2, login: 'ben-gh' } },
      ],
      samlIdentities: [saml(1, 'ann-gh', 'ann@x.com'), saml(2, 'ben-gh', 'ben@x.com')],
      ...extra,
    },
  };
}

/** ann (departed) is admin of acme/infra, whose workflows sign in as application `deploy`, which holds `role` at `/`. */
export function workloadTenant(role: string): TenantSpec {
  const app = 'bbbbbbbb-0000-0000-0000-000000000001';
  const appId = 'cccccccc-0000-0000-0000-000000000001';
  const sp = 'dddddddd-0000-0000-0000-000000000001';
  const t = tenant('configured', {
    repositories: [{ id: 70, full_name: 'acme/infra' }],
    repoCollaborators: [{ repoId: 70, collaborator: { id: 1, login: 'ann-gh', role_name: 'admin' } }],
  });
  t.entra!.applications = [{ id: app, appId, displayName: 'deploy' }];
  t.entra!.servicePrincipals = [{ id: sp, appId, displayName: 'deploy', servicePrincipalType: 'Application', accountEnabled: true }];
  t.entra!.federatedIdentityCredentials = [{ applicationId: app, credential: { id: 'fic-1', name: 'gh', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/infra:ref:refs/heads/main' } }];
  t.entra!.roleAssignments = [{ id: 'ra-1', principalId: sp, roleDefinitionId: role, directoryScopeId: '/' }];
  return t;
}

export const JACK = 'eeeeeeee-0000-0000-0000-000000000001';
export const LIAM = 'eeeeeeee-0000-0000-0000-000000000002';

/**
 * An Enterprise Managed Users org `acme-emu` (enterprise short code `acme`): jack_acme (401, SCIM
 * suspended at 10-10 08:05, Entra disabled at 08:00) and liam_acme (403, active, Entra enabled);
 * no SAML identities: each SCIM identity is joined by the login GitHub made from its userName,
 * and its externalId is the Entra user's id. Options: jack's SCIM `active`, his Entra account
 * enabled, and whether the audit log holds his `user.suspend`.
 */
export function emuTenant(o: { jackActive?: boolean; jackEnabled?: boolean; suspendEvent?: boolean } = {}, extra: Partial<Record<string, Raw[]>> = {}): TenantSpec {
  return {
    entra: {
      users: [user(JACK, 'jack@acme.example', o.jackEnabled ?? false), user(LIAM, 'liam@acme.example', true)],
      directoryAudits: o.jackEnabled ? [] : [disable(JACK, '2026-10-10T08:00:00Z')],
    },
    github: {
      organization: [{ id: 9101, login: 'acme-emu' }],
      settings: [{ samlEnforcement: 'enforced', emu: true }],
      members: [
        { role: 'MEMBER', user: { id: 401, login: 'jack_acme' } },
        { role: 'MEMBER', user: { id: 403, login: 'liam_acme' } },
      ],
      scimIdentities: [
        { id: 'scim-jack', externalId: JACK, userName: 'jack@acme.example', active: o.jackActive ?? false },
        { id: 'scim-liam', externalId: LIAM, userName: 'liam@acme.example', active: true },
      ],
      auditLog: o.suspendEvent === false ? [] : [{ '@timestamp': Date.parse('2026-10-10T08:05:00Z'), action: 'user.suspend', actor: 'scim', user: 'jack_acme', user_id: 401, _document_id: 'doc-1' }],
      ...extra,
    },
  };
}
