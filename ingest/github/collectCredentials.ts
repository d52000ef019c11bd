/**
 * GitHub collectors for credentials that outlive an IdP disable: `credentialAuthorizations`
 * (PATs and SSH keys authorised for SAML SSO; GitHub Enterprise Cloud with SAML, org owner;
 * `login=` for a subject) and `personalAccessTokens` (fine-grained PATs with access to the org;
 * only a GitHub App can list them, `owner[]=` for a subject). The token fragment GitHub returns
 * (`token_last_eight`) is not written: no part of a token value touches disk.
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import { GITHUB_PERMISSIONS, type GitHubContext, userRef } from './GitHubContext.js';
import { restList } from './githubPages.js';

type Raw = Record<string, unknown>;

export async function* collectCredentialAuthorizations(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const params: Raw = { org: ctx.org };
  if (ctx.subject) params.login = ctx.subject;
  const all = restList<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/credential-authorizations', params, {
    permission: GITHUB_PERMISSIONS.credentialAuthorizations,
  });
  for await (const c of all) {
    const { token_last_eight: _fragment, ...rest } = c;
    yield rest;
  }
}

export async function* collectPersonalAccessTokens(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const params: Raw = { org: ctx.org };
  if (ctx.subject) params['owner[]'] = ctx.subject;
  const all = restList<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/personal-access-tokens', params, {
    permission: GITHUB_PERMISSIONS.personalAccessTokens,
  });
  for await (const t of all) {
    yield {
      id: t.id,
      owner: userRef(t.owner as Raw),
      repository_selection: t.repository_selection,
      permissions: t.permissions,
      access_granted_at: t.access_granted_at,
      token_id: t.token_id,
      token_name: t.token_name,
      token_expired: t.token_expired,
      token_expires_at: t.token_expires_at,
      token_last_used_at: t.token_last_used_at,
    };
  }
}
