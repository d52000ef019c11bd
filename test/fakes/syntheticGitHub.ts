/**
 * A deterministic GitHub organisation for collector tests: members (admins and members, some
 * with verified-domain emails), outside collaborators, teams, repositories with collaborators
 * and deploy keys (the public key included, as GitHub returns it), SSO credential authorizations
 * (with `token_last_eight`, which the collector must not write), fine-grained PATs, an Entra SAML
 * provider with identities, SCIM users, app installations and apps — sized so that every list
 * spans several pages.
 */
import { type GitHubOrgData, emptyOrg } from './GitHubFake.js';

export interface GitHubShape {
  members?: number;
  outside?: number;
  repos?: number;
  teams?: number;
  tenantId?: string;
}

export function syntheticGitHubOrg(shape: GitHubShape = {}): GitHubOrgData {
  const nMembers = shape.members ?? 230;
  const nOutside = shape.outside ?? 120;
  const nRepos = shape.repos ?? 140;
  const nTeams = shape.teams ?? 5;
  const tenant = shape.tenantId ?? '0b3f6c4e-8a71-4f0e-9a8e-1c2d3e4f5a6b';
  const d = emptyOrg('acme', 9001);
  for (let i = 1; i <= nMembers + nOutside; i++) {
    d.users.push({ id: 100 + i, login: `dev${i}`, type: 'User', verifiedDomainEmails: i % 3 === 0 ? [`dev${i}@acme.example`] : [] });
  }
  for (let i = 1; i <= nMembers; i++) d.members.push({ userId: 100 + i, role: i <= 3 ? 'admin' : 'member' });
  for (let i = nMembers + 1; i <= nMembers + nOutside; i++) d.outsideCollaborators.push(100 + i);
  for (let t = 1; t <= nTeams; t++) d.teams.push({ id: 500 + t, slug: `team-${t}`, name: `Team ${t}`, members: d.members.slice(t * 10, t * 10 + 40).map((m) => m.userId) });
  for (let i = 1; i <= nRepos; i++) {
    d.repos.push({
      id: 70000 + i,
      name: `repo-${i}`,
      collaborators: [
        { userId: 101, role_name: 'admin' },
        { userId: 100 + ((i % nMembers) + 1), role_name: i % 2 ? 'write' : 'maintain' },
      ],
      keys: i % 10 === 0 ? [{ id: 880000 + i, key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake', title: `deploy ${i}`, added_by: 'dev4', read_only: i % 20 !== 0, enabled: true, verified: true, created_at: '2025-01-01T00:00:00Z', last_used: null }] : [],
    });
  }
  d.credentialAuthorizations = [];
  for (let i = 1; i <= Math.max(130, Math.round(nMembers / 2)); i++) {
    d.credentialAuthorizations.push({
      login: `dev${i}`,
      credential_id: 440000 + i,
      credential_type: i % 4 === 0 ? 'SSH key' : 'personal access token',
      token_last_eight: 'abcd1234',
      credential_authorized_at: '2025-06-01T00:00:00Z',
      credential_accessed_at: '2026-10-01T00:00:00Z',
      authorized_credential_id: 990000 + i,
      authorized_credential_title: `token ${i}`,
      authorized_credential_note: null,
      authorized_credential_expires_at: i % 5 === 0 ? '2027-01-01T00:00:00Z' : null,
      scopes: ['repo', 'read:org'],
      fingerprint: i % 4 === 0 ? 'SHA256:fakefingerprint' : undefined,
    });
  }
  for (let i = 1; i <= 40; i++) {
    d.personalAccessTokens.push({
      id: 25000 + i,
      owner: { login: `dev${i}`, id: 100 + i, type: 'User' },
      repository_selection: 'subset',
      repositories_url: 'https://api.github.com/organizations/9001/personal-access-token-requests/1/repositories',
      permissions: { repository: { contents: 'write' } },
      access_granted_at: '2025-01-01T00:00:00Z',
      token_id: 7000 + i,
      token_name: `fg ${i}`,
      token_expired: false,
      token_expires_at: '2027-03-01T00:00:00Z',
      token_last_used_at: null,
    });
  }
  d.saml = {
    issuer: `https://sts.windows.net/${tenant}/`,
    ssoUrl: `https://login.microsoftonline.com/${tenant}/saml2`,
    identities: d.members.slice(0, Math.max(150, nMembers)).map((m, i) => ({
      guid: `guid-${m.userId}`,
      samlIdentity: { nameId: `dev${i + 1}@acme.example`, username: null },
      scimIdentity: { username: `dev${i + 1}@acme.example` },
      user: { databaseId: m.userId, login: `dev${i + 1}` },
    })),
  };
  d.scimUsers = d.members.slice(0, Math.max(150, nMembers)).map((m, i) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: `scim-${m.userId}`,
    externalId: `ext-${m.userId}`,
    userName: `dev${i + 1}@acme.example`,
    displayName: `Dev ${i + 1}`,
    active: i % 7 !== 0,
    emails: [{ value: `dev${i + 1}@acme.example`, primary: true, type: 'work' }],
    meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z', location: 'x' },
  }));
  d.installations = [1, 2, 3].map((i) => ({
    id: 3300 + i,
    app_id: 600 + i,
    app_slug: `app-${i}`,
    client_id: `Iv1.${i}`,
    target_type: 'Organization',
    account: { login: 'acme', id: 9001, type: 'Organization' },
    permissions: i === 1 ? { administration: 'write', members: 'read' } : { contents: 'read' },
    repository_selection: 'all',
    created_at: '2024-01-01T00:00:00Z',
    suspended_at: null,
  }));
  d.apps = [1, 2, 3].map((i) => ({
    id: 600 + i,
    slug: `app-${i}`,
    name: `App ${i}`,
    client_secret: 'must-never-be-written',
    owner: i === 1 ? { login: 'dev5', id: 105, type: 'User' } : { login: 'acme', id: 9001, type: 'Organization' },
    permissions: d.installations[i - 1].permissions,
    created_at: '2024-01-01T00:00:00Z',
  }));
  return d;
}
