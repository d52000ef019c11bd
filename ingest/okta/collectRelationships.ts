/**
 * Okta collectors for per-object lists, each read for the parents that can have one (parents come
 * from the parent dataset already written, so `--resume` works):
 * - per group: `groupMembers` (every group), `groupRoles` (Okta-mastered groups: only they can
 *   hold admin roles);
 * - per app: `appUsers` (direct and group-derived, `scope` says which), `appGroups`,
 *   `appFeatures` (apps with provisioning features only; an app without provisioning answers an
 *   error that means "none"), and for OAuth client apps `appGrants`, `appSecrets`, `appJwks`,
 *   `refreshTokens` (`/api/v1/apps/{id}/tokens`: every user's refresh tokens for that client, one
 *   list per app instead of two per user) and, for service apps, `clientRoles`;
 * - `userRoles`: only the users `/api/v1/iam/assignees/users` names as holding admin roles;
 * - `userGrants` (opt-in: Okta lists them only per user, one request per user; no rule reads them).
 * Lines that wrap a child keep the parent id (`{"groupId", "user": {"id"}}`). A parent whose list
 * still fails is reported with `out.incomplete`, so the dataset ends partial with the reason.
 */
import { type DatasetOutput, type RequestStats, readWritten } from '../collection/runDatasets.js';
import type { SourceApiError } from '../collection/SourceApiError.js';
import { type OktaSession, oktaList, oktaPerParent } from './client.js';
import {
  OKTA_PERMISSIONS,
  type OktaContext,
  PAGE,
  canHoldRoles,
  clientIdOf,
  hasFeatures,
  isOAuthApp,
  isOwnRole,
  isServiceApp,
} from './OktaContext.js';

type Raw = Record<string, unknown>;

export interface PerParentSpec {
  /** Dataset holding the parents. */
  parent: string;
  noun: string;
  /** Which parents have this list. */
  applies?(p: Raw): boolean;
  url: (p: Raw) => string;
  line(p: Raw, child: Raw): Raw;
  /** Which listed children are lines of this dataset (default: all). */
  keep?(child: Raw): boolean;
  /** Statuses that mean "no such list" for this parent. */
  emptyOn?: readonly number[];
  permission: string;
}

/**
 * Read one list per parent; group failures by cause into the dataset's reasons. `failed`, when
 * given, receives the parents whose list failed (a delta keeps their lines rather than replace them).
 */
export async function* perParent(ctx: OktaContext, out: DatasetOutput, parents: readonly Raw[], spec: PerParentSpec, failed?: Set<Raw>): AsyncGenerator<Raw> {
  const failures = new Map<string, number>();
  out.progress(0, parents.length);
  for await (const { parent, item } of oktaPerParent(ctx.session, out.stats, {
    parents,
    url: spec.url,
    emptyOn: spec.emptyOn,
    permission: spec.permission,
    onFailure: (p: Raw, e: SourceApiError) => {
      failures.set(e.reason, (failures.get(e.reason) ?? 0) + 1);
      failed?.add(p);
    },
    onDone: (n, total) => out.progress(n, total),
  })) {
    if (!spec.keep || spec.keep(item)) yield spec.line(parent, item);
  }
  if (failures.size === 1 && [...failures.values()][0] === parents.length && parents.length > 0) {
    const [reason] = failures.keys();
    throw new Error(`${reason} for all ${parents.length} ${spec.noun}`);
  }
  for (const [reason, n] of failures) out.incomplete(`${reason} for ${n} ${spec.noun}`);
}

async function* fromParents(ctx: OktaContext, out: DatasetOutput, spec: PerParentSpec): AsyncGenerator<Raw> {
  const parents: Raw[] = [];
  for await (const p of readWritten(out.dir, spec.parent)) if (!spec.applies || spec.applies(p)) parents.push(p);
  yield* perParent(ctx, out, parents, spec);
}

const idOf = (o: Raw) => String(o.id);
const ref = (o: Raw) => ({ id: o.id });

const GROUP_MEMBERS: PerParentSpec = {
  parent: 'groups',
  noun: 'groups',
  url: (g) => `/api/v1/groups/${idOf(g)}/users?limit=${PAGE.groupUsers}`,
  line: (g, u) => ({ groupId: g.id, user: ref(u) }),
  permission: OKTA_PERMISSIONS.groupMembers,
};

export const GROUP_ROLES: PerParentSpec = {
  parent: 'groups',
  noun: 'groups',
  applies: canHoldRoles,
  url: (g) => `/api/v1/groups/${idOf(g)}/roles`,
  line: (g, role) => ({ groupId: g.id, role }),
  permission: OKTA_PERMISSIONS.groupRoles,
};

export const APP_USERS: PerParentSpec = {
  parent: 'apps',
  noun: 'apps',
  url: (a) => `/api/v1/apps/${idOf(a)}/users?limit=${PAGE.appUsers}`,
  line: (a, appUser) => ({ appId: a.id, appUser }),
  permission: OKTA_PERMISSIONS.appUsers,
};

export const APP_GROUPS: PerParentSpec = {
  parent: 'apps',
  noun: 'apps',
  url: (a) => `/api/v1/apps/${idOf(a)}/groups?limit=${PAGE.appGroups}`,
  line: (a, appGroup) => ({ appId: a.id, appGroup }),
  permission: OKTA_PERMISSIONS.appGroups,
};

export const APP_FEATURES: PerParentSpec = {
  parent: 'apps',
  noun: 'apps',
  applies: hasFeatures,
  url: (a) => `/api/v1/apps/${idOf(a)}/features`,
  line: (a, feature) => ({ appId: a.id, feature }),
  // "Provisioning is not supported" (E0000011, 400) / not found: the app has no features.
  emptyOn: [400],
  permission: OKTA_PERMISSIONS.appFeatures,
};

export const APP_GRANTS: PerParentSpec = {
  parent: 'apps',
  noun: 'OAuth apps',
  applies: isOAuthApp,
  url: (a) => `/api/v1/apps/${idOf(a)}/grants`,
  line: (_a, grant) => grant,
  permission: OKTA_PERMISSIONS.appGrants,
};

export const APP_SECRETS: PerParentSpec = {
  parent: 'apps',
  noun: 'OAuth apps',
  applies: isOAuthApp,
  url: (a) => `/api/v1/apps/${idOf(a)}/credentials/secrets`,
  line: (a, secret) => ({ appId: a.id, secret }),
  permission: OKTA_PERMISSIONS.appSecrets,
};

export const APP_JWKS: PerParentSpec = {
  parent: 'apps',
  noun: 'OAuth apps',
  applies: isOAuthApp,
  url: (a) => `/api/v1/apps/${idOf(a)}/credentials/jwks`,
  line: (a, jwk) => ({ appId: a.id, jwk }),
  permission: OKTA_PERMISSIONS.appJwks,
};

export const APP_TOKENS: PerParentSpec = {
  parent: 'apps',
  noun: 'OAuth apps',
  applies: isOAuthApp,
  url: (a) => `/api/v1/apps/${idOf(a)}/tokens?limit=${PAGE.appTokens}`,
  line: (_a, token) => token,
  permission: OKTA_PERMISSIONS.refreshTokens,
};

export const CLIENT_ROLES: PerParentSpec = {
  parent: 'apps',
  noun: 'service apps',
  applies: isServiceApp,
  url: (a) => `/oauth2/v1/clients/${encodeURIComponent(clientIdOf(a))}/roles`,
  line: (a, role) => ({ clientId: clientIdOf(a), role }),
  permission: OKTA_PERMISSIONS.clientRoles,
};

const USER_ROLES: PerParentSpec = {
  parent: 'users',
  noun: 'users with admin roles',
  url: (u) => `/api/v1/users/${idOf(u)}/roles`,
  line: (u, role) => ({ userId: u.id, role }),
  keep: isOwnRole,
  permission: OKTA_PERMISSIONS.userRoles,
};

const USER_GRANTS: PerParentSpec = {
  parent: 'users',
  noun: 'users',
  url: (u) => `/api/v1/users/${idOf(u)}/grants?limit=${PAGE.userGrants}`,
  line: (_u, grant) => grant,
  permission: OKTA_PERMISSIONS.userGrants,
};

export const collectGroupMembers = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, GROUP_MEMBERS);
export const collectGroupRoles = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, GROUP_ROLES);
export const collectAppUsers = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, APP_USERS);
export const collectAppGroups = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, APP_GROUPS);
export const collectAppFeatures = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, APP_FEATURES);
export const collectAppGrants = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, APP_GRANTS);
export const collectAppSecrets = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, APP_SECRETS);
export const collectAppJwks = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, APP_JWKS);
export const collectRefreshTokens = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, APP_TOKENS);
export const collectClientRoles = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, CLIENT_ROLES);
export const collectUserGrants = (ctx: OktaContext, out: DatasetOutput) => fromParents(ctx, out, USER_GRANTS);

/** The ids of the users Okta lists as holding admin roles (`GET /api/v1/iam/assignees/users`, paged in the body), each once. */
export async function* roleAssigneeIds(session: OktaSession, stats: RequestStats): AsyncGenerator<string> {
  const seen = new Set<string>();
  for await (const a of oktaList<Raw>(session, stats, `/api/v1/iam/assignees/users?limit=${PAGE.assignees}`, {
    permission: OKTA_PERMISSIONS.userRoles,
    itemsOf: (b) => ((b as { value?: unknown })?.value as unknown[] | undefined) ?? undefined,
  })) {
    const id = typeof a.id === 'string' ? a.id : undefined;
    if (id && !seen.has(id)) {
      seen.add(id);
      yield id;
    }
  }
}

/** `userRoles`: the users Okta lists as role assignees, then each one's roles. */
export async function* collectUserRoles(ctx: OktaContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const assignees: Raw[] = [];
  for await (const id of roleAssigneeIds(ctx.session, out.stats)) assignees.push({ id });
  yield* perParent(ctx, out, assignees, USER_ROLES);
}
