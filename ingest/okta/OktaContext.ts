/**
 * What every Okta dataset collector receives (session, log window, options), the page sizes
 * (Okta's maxima per endpoint), the scope each dataset needs (named in `missing` reasons), and
 * how apps are classified: OAuth clients (grants, secrets, JWKs, refresh tokens), service apps
 * (admin roles of clients) and apps with provisioning features.
 */
import { InputError } from '../../src/model/errors.js';
import type { OktaSession } from './client.js';

export const COLLECTOR_VERSION = 'revenant-collect-okta/1';

export interface OktaContext {
  session: OktaSession;
  /** System Log window (ISO). */
  since: string;
  until: string;
}

/** Page sizes: Okta's documented maxima (larger values are capped by Okta or refused). */
export const PAGE = {
  users: 200,
  groups: 10000,
  groupUsers: 1000,
  apps: 200,
  appUsers: 500,
  appGroups: 200,
  appTokens: 200,
  userGrants: 200,
  idps: 200,
  apiTokens: 200,
  assignees: 100,
  logs: 1000,
} as const;

/** Every status a user can have: a search on them returns DEPROVISIONED users, which a plain list omits. */
const USER_STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED'];
export const ALL_USERS_SEARCH = USER_STATUSES.map((s) => `status eq "${s}"`).join(' or ');

/** System Log event types the rules read (credentials of OAuth service apps created or read). */
export const LOG_EVENT_TYPES = ['app.oauth2.credentials.lifecycle.create', 'app.oauth2.credentials.lifecycle.activate', 'app.oauth2.client.read_client_secret'];
export const LOG_FILTER = LOG_EVENT_TYPES.map((t) => `eventType eq "${t}"`).join(' or ');

export const OKTA_PERMISSIONS: Record<string, string> = {
  users: 'okta.users.read',
  groups: 'okta.groups.read',
  groupMembers: 'okta.groups.read',
  apps: 'okta.apps.read',
  appUsers: 'okta.apps.read',
  appGroups: 'okta.apps.read',
  appFeatures: 'okta.apps.read',
  appGrants: 'okta.appGrants.read',
  appSecrets: 'okta.apps.read',
  appJwks: 'okta.apps.read',
  apiTokens: 'okta.apiTokens.read',
  userGrants: 'okta.users.read',
  refreshTokens: 'okta.apps.read',
  userRoles: 'okta.roles.read',
  groupRoles: 'okta.roles.read',
  clientRoles: 'okta.roles.read',
  idps: 'okta.idps.read',
  logs: 'okta.logs.read',
};

type Raw = Record<string, unknown>;
const obj = (o: unknown, k: string): Raw | undefined => {
  const v = (o as Raw | undefined)?.[k];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined;
};

/** An OIDC / OAuth 2.0 client app: it can have grants, client secrets, JWKs and refresh tokens. */
export function isOAuthApp(app: Raw): boolean {
  return app.signOnMode === 'OPENID_CONNECT' || !!obj(obj(app, 'settings'), 'oauthClient') || !!obj(obj(app, 'credentials'), 'oauthClient');
}

/** An OAuth service app (client credentials): admin roles can be assigned to it. */
export function isServiceApp(app: Raw): boolean {
  const type = obj(obj(app, 'settings'), 'oauthClient')?.application_type;
  return isOAuthApp(app) && (type === 'service' || type === undefined);
}

/** The OAuth client id of an app (`credentials.oauthClient.client_id`, else the app id). */
export function clientIdOf(app: Raw): string {
  const cid = obj(obj(app, 'credentials'), 'oauthClient')?.client_id;
  return typeof cid === 'string' && cid ? cid : String(app.id);
}

/** An app with provisioning features: only these have `/features`. */
export function hasFeatures(app: Raw): boolean {
  return Array.isArray(app.features) && app.features.length > 0;
}

/** Admin roles can be assigned only to Okta-mastered groups. */
export function canHoldRoles(group: Raw): boolean {
  return group.type === 'OKTA_GROUP';
}

/**
 * A role a user holds itself. `GET /api/v1/users/{id}/roles` also lists the roles the user holds
 * through a group (`assignmentType: "GROUP"`); those are the group's (`groupRoles`, with the
 * membership), so `userRoles` keeps only the others (a role without `assignmentType`, the older
 * shape, is the user's own).
 */
export function isOwnRole(role: Raw): boolean {
  return role.assignmentType !== 'GROUP';
}

const DAY = 86_400_000;

/** The System Log window: `since` defaults to 90 days before `until`, which defaults to now. */
export function logWindow(since: string | undefined, until: string | undefined, now = new Date()): { since: string; until: string } {
  const u = until ? new Date(until) : now;
  if (Number.isNaN(u.getTime())) throw new InputError(`collect okta: --until must be an ISO-8601 date (got ${JSON.stringify(until)})`);
  const s = since ? new Date(since) : new Date(u.getTime() - 90 * DAY);
  if (Number.isNaN(s.getTime())) throw new InputError(`collect okta: --since must be an ISO-8601 date (got ${JSON.stringify(since)})`);
  if (s >= u) throw new InputError(`collect okta: --since (${s.toISOString()}) must be before --until (${u.toISOString()})`);
  return { since: s.toISOString(), until: u.toISOString() };
}
