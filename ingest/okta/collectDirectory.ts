/**
 * Okta collectors for the org-wide lists: `users` (a search on every status, so DEPROVISIONED
 * users are included — a plain list omits them), `groups`, `apps`, `apiTokens` and `idps`.
 * Each is one paged list with Okta's maximum page size; objects are written as the API returned
 * them (token values are never part of these responses).
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import { oktaList } from './client.js';
import { ALL_USERS_SEARCH, OKTA_PERMISSIONS, type OktaContext, PAGE } from './OktaContext.js';

type Raw = Record<string, unknown>;

export function collectUsers(ctx: OktaContext, out: DatasetOutput): AsyncIterable<Raw> {
  return oktaList(ctx.session, out.stats, `/api/v1/users?search=${encodeURIComponent(ALL_USERS_SEARCH)}&limit=${PAGE.users}`, {
    permission: OKTA_PERMISSIONS.users,
  });
}

export function collectGroups(ctx: OktaContext, out: DatasetOutput): AsyncIterable<Raw> {
  return oktaList(ctx.session, out.stats, `/api/v1/groups?limit=${PAGE.groups}`, { permission: OKTA_PERMISSIONS.groups });
}

export function collectApps(ctx: OktaContext, out: DatasetOutput): AsyncIterable<Raw> {
  return oktaList(ctx.session, out.stats, `/api/v1/apps?limit=${PAGE.apps}`, { permission: OKTA_PERMISSIONS.apps });
}

export function collectApiTokens(ctx: OktaContext, out: DatasetOutput): AsyncIterable<Raw> {
  return oktaList(ctx.session, out.stats, `/api/v1/api-tokens?limit=${PAGE.apiTokens}`, { permission: OKTA_PERMISSIONS.apiTokens });
}

export function collectIdps(ctx: OktaContext, out: DatasetOutput): AsyncIterable<Raw> {
  return oktaList(ctx.session, out.stats, `/api/v1/idps?limit=${PAGE.idps}`, { permission: OKTA_PERMISSIONS.idps });
}
