/**
 * `collect okta --delta`: Okta has no delta API, so the System Log since the base collection
 * (minus an overlap: events reach the log with a delay) says what changed, and only the users,
 * groups and apps it names are read again:
 * - users named by lifecycle, profile, privilege and membership events: their user objects (one
 *   search for up to 20 ids, every status), a user no longer found being removed with its lines;
 * - memberships (`group.user_membership.*`): the user's groups, replacing its lines;
 * - admin roles (`user.account.privilege.*`, and every lifecycle change: deactivation takes them):
 *   the user's roles; a group's (`group.privilege.*`): the group's roles;
 * - app assignments (`application.user_membership.*`, and the apps of users whose lifecycle
 *   changed, suspensions excepted: Okta keeps a suspended user's app assignments): each app user
 *   record, a 404 removing it; an app (`application.lifecycle.*`): the app and its small lists
 *   (groups, features, grants, secrets, JWKs, client roles), and for a new app or one a group was
 *   assigned to (`group.application_assignment.*`), all its app users;
 * - client credentials (`app.oauth2.credentials.*`, `app.oauth2.client.read_client_secret`): the
 *   app's secrets and JWKs; those events are also appended to `logs`;
 * - API tokens, identity providers and refresh tokens are read again in full (short lists; not the
 *   refresh tokens of an OAuth app not granted `refresh_token` that held none in the base).
 * What is read again replaces the base's lines of that owner or parent (what is gone becomes a
 * tombstone); the manifest names the base and each dataset's `mode` and `via`.
 *
 * Cost rule (requests are what the per-minute buckets ration; reads run side by side, the
 * request executor paces each bucket from Okta's rate-limit headers):
 * - app users: per app, the records to read one by one (`GET /apps/{id}/users/{userId}`) against
 *   the pages of the app's whole list (`GET /apps/{id}/users`, 500 a page, estimated from the
 *   base's count for that app); the app is listed whole when that is no more requests, and its
 *   lines then replace the base's. A lifecycle user's apps are its base lines plus its app links
 *   (one request, `appLinks.ts`), never one read per app; a user only deactivated needs no app
 *   links (a deactivation takes assignments away; one made in the window has its own event);
 * - app users of a user only deactivated (by the cost rule): its app links (one request in the
 *   users bucket, not the apps one) against its base lines: a line through a group on an app it
 *   still links is kept as it was (Okta keeps group-based assignments through a deactivation; a
 *   change to the record has its own event, which names it); a direct line on an ACTIVE app that
 *   keeps no password, no longer linked, is removed — only when the links are shown to answer
 *   for this deactivated user (they list each of its group lines on active apps, one at least).
 *   Every other line is read as before (a direct line still linked, a group line not linked, an
 *   inactive app, an app that keeps a password: Okta may suspend such an app user rather than
 *   remove it), and so is every line of a user whose links are refused or fail;
 * - admin roles of users: one read per named user, or — when fewer requests — the role assignees
 *   (`GET /api/v1/iam/assignees/users`, 100 a page, estimated from the base's holders) and a read
 *   only for named users it lists: the others hold no role, as in a full collection;
 * - everything else named one by one is one request per object, sent concurrently.
 * Schedule: the apps bucket (100 a minute) is the delta's busiest, and its work waits on other
 * buckets' (the app links). So an app user record goes out as soon as it is known to be needed
 * (named by an event, a lifecycle user's base line read whatever its links say, or one its links
 * leave to be read) if its app is certainly read record by record (its whole list takes more pages
 * than it can have records: see `appUsers`); the links of users only deactivated and of the other
 * lifecycle users are read side by side. Same requests, the apps bucket busy from the start.
 * `plan` forces one side of each choice (tests read both ways); the ledger's `via` says which.
 */
import { text } from '../../src/model/text.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/model/errors.js';
import { type ChainFolder, chainOf, currentLines, tombstonesOf } from '../collection/collectionChain.js';
import type { Manifest } from '../collection/manifest.js';
import { recordSpec } from '../collection/records.js';
import { type CollectResult, type DatasetOutput, type DatasetResult, type DatasetTask, runDatasets } from '../collection/runDatasets.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { SourceWriter } from '../collection/SourceWriter.js';
import { pipe, prepareSourceFolder } from '../collection/sourceFolder.js';
import { type OktaSession, createOktaSession, oktaGet, oktaList } from './client.js';
import { collectApiTokens, collectIdps } from './collectDirectory.js';
import { assignedAppIds } from './appLinks.js';
import {
  APP_FEATURES,
  APP_GRANTS,
  APP_GROUPS,
  APP_JWKS,
  APP_SECRETS,
  APP_TOKENS,
  APP_USERS,
  CLIENT_ROLES,
  GROUP_ROLES,
  type PerParentSpec,
  perParent,
  roleAssigneeIds,
} from './collectRelationships.js';
import type { CollectOktaOptions } from './index.js';
import { ALL_USERS_SEARCH, COLLECTOR_VERSION, LOG_EVENT_TYPES, LOG_FILTER, OKTA_PERMISSIONS, type OktaContext, PAGE, isOwnRole, logWindow } from './OktaContext.js';

type Raw = Record<string, unknown>;

export interface CollectOktaDeltaOptions extends CollectOktaOptions {
  /** The collection this one extends: a collection folder holding `okta/`, or the source folder itself. */
  base: string;
  /** Minutes the System Log window reaches back before the base's collection time (default 30). */
  overlapMinutes?: number;
  /**
   * How app users and user roles are read again: by the cost rule (default), always one object at
   * a time, or always through the parent's whole list (tests read both ways).
   */
  plan?: DeltaPlan;
}

export type DeltaPlan = 'auto' | 'per-object' | 'per-parent';

/** Event type families that say something the datasets hold changed. */
export const CHANGE_EVENT_PREFIXES = [
  'user.lifecycle.',
  'user.account.',
  'group.user_membership.',
  'group.lifecycle.',
  'group.profile.',
  'group.privilege.',
  'group.application_assignment.',
  'application.lifecycle.',
  'application.user_membership.',
  'app.oauth2.',
  'system.api_token.',
  'system.idp.',
];

export function changeFilter(): string {
  return CHANGE_EVENT_PREFIXES.map((p) => `eventType sw "${p}"`).join(' or ');
}

export function oktaSourceFolder(base: string): string {
  const r = resolve(base);
  if (existsSync(join(r, 'manifest.json'))) return r;
  if (existsSync(join(r, 'okta', 'manifest.json'))) return join(r, 'okta');
  throw new InputError(`collect okta --delta: --base ${base}: no Okta collection there (expected manifest.json or okta/manifest.json)`, { file: base });
}

interface Signals {
  users: Set<string>;
  userGroups: Set<string>;
  userRoles: Set<string>;
  /** Users whose lifecycle changed in a way that can change their app assignments (not a suspension). */
  lifecycle: Set<string>;
  /** Of those, users whose change can also add assignments (not only a deactivation): their app links are read. */
  lifecycleLinks: Set<string>;
  appUsers: Set<string>;
  apps: Set<string>;
  appAllUsers: Set<string>;
  appCredentials: Set<string>;
  groups: Set<string>;
  groupRoles: Set<string>;
}

interface Shared {
  session: OktaSession;
  chain: ChainFolder[];
  base: Manifest;
  s: Signals;
  /** Users read again (id → object), and those not found any more. */
  users: Map<string, Raw>;
  goneUsers: Set<string>;
  apps: Map<string, Raw>;
  goneApps: Set<string>;
  goneGroups: Set<string>;
  newApps: Set<string>;
  plan: DeltaPlan;
}

/** Okta keeps a suspended user's app and group memberships: these lifecycle events change no app user. */
const KEEPS_ASSIGNMENTS = new Set(['user.lifecycle.suspend', 'user.lifecycle.unsuspend']);
/** A deactivation only takes assignments away (assignments made in the window have their own events). */
const ONLY_REMOVES_ASSIGNMENTS = new Set(['user.lifecycle.deactivate']);

const ids = (ev: Raw, type: string): string[] =>
  ((Array.isArray(ev.target) ? ev.target : []) as Raw[]).filter((t) => t?.type === type && typeof t.id === 'string').map((t) => String(t.id));

/** What one System Log event names for reading again. */
export function noteEvent(s: Signals, ev: Raw): void {
  const type = text(ev.eventType);
  const users = ids(ev, 'User');
  const groups = ids(ev, 'UserGroup');
  const apps = ids(ev, 'AppInstance');
  const add = (set: Set<string>, list: string[]) => list.forEach((x) => set.add(x));
  if (type.startsWith('user.lifecycle.')) {
    add(s.users, users);
    if (!KEEPS_ASSIGNMENTS.has(type)) add(s.lifecycle, users);
    if (!KEEPS_ASSIGNMENTS.has(type) && !ONLY_REMOVES_ASSIGNMENTS.has(type)) add(s.lifecycleLinks, users);
    add(s.userRoles, users);
  } else if (type.startsWith('user.account.privilege.')) {
    add(s.users, users);
    add(s.userRoles, users);
  } else if (type.startsWith('user.account.')) add(s.users, users);
  else if (type.startsWith('group.user_membership.')) {
    add(s.userGroups, users);
    add(s.groups, groups);
  } else if (type.startsWith('group.privilege.')) add(s.groupRoles, groups);
  else if (type.startsWith('group.lifecycle.') || type.startsWith('group.profile.')) add(s.groups, groups);
  else if (type.startsWith('group.application_assignment.')) {
    add(s.apps, apps);
    add(s.appAllUsers, apps);
  } else if (type.startsWith('application.lifecycle.')) add(s.apps, apps);
  else if (type.startsWith('application.user_membership.')) for (const u of users) for (const a of apps) s.appUsers.add(`${a}|${u}`);
  else if (type.startsWith('app.oauth2.')) add(s.appCredentials, apps);
}

export async function collectOktaDelta(opts: CollectOktaDeltaOptions): Promise<CollectResult & { base: string }> {
  const signal = opts.signal ?? new AbortController().signal;
  const baseDir = oktaSourceFolder(opts.base);
  const chain = chainOf(baseDir);
  const base = chain[0].manifest;
  if (base.source !== 'okta') throw new InputError(`collect okta --delta: --base ${opts.base} is a ${base.source} collection`, { file: join(baseDir, 'manifest.json') });
  if ((base.scope as { kind?: string } | undefined)?.kind === 'subject') {
    throw new InputError(`collect okta --delta: --base ${opts.base} is a per-subject collection; a delta extends an org collection`, { file: join(baseDir, 'manifest.json') });
  }
  const session = createOktaSession({ ...opts, signal });
  if (session.orgUrl.toLowerCase() !== String(base.tenant).replace(/\/+$/, '').toLowerCase()) {
    throw new InputError(`collect okta --delta: --base ${opts.base} is org ${base.tenant}, not ${session.orgUrl}`, { file: join(baseDir, 'manifest.json'), field: 'tenant' });
  }
  const collectedAt = opts.collectedAt ?? new Date().toISOString();
  const overlap = (opts.overlapMinutes ?? 30) * 60_000;
  const since = new Date(Math.min(Date.parse(base.collectedAt) - overlap, opts.since ? Date.parse(opts.since) : Infinity)).toISOString();
  const window = logWindow(since, opts.until ?? collectedAt);
  const dir = prepareSourceFolder(opts.out, 'okta', session.orgUrl, { force: opts.force });
  if (resolve(dir) === resolve(baseDir)) throw new InputError(`collect okta --delta: --out must not be the base collection (${baseDir})`);
  const writer = new SourceWriter(dir, {
    source: 'okta',
    tenant: session.orgUrl,
    collectedAt,
    extra: { collector: COLLECTOR_VERSION, scope: { kind: 'tenant' }, delta: { base: { path: baseDir, collectedAt: base.collectedAt }, window } },
  });
  const sh: Shared = {
    session,
    chain,
    base,
    s: { users: new Set(), userGroups: new Set(), userRoles: new Set(), lifecycle: new Set(), lifecycleLinks: new Set(), appUsers: new Set(), apps: new Set(), appAllUsers: new Set(), appCredentials: new Set(), groups: new Set(), groupRoles: new Set() },
    users: new Map(),
    goneUsers: new Set(),
    apps: new Map(),
    goneApps: new Set(),
    goneGroups: new Set(),
    newApps: new Set(),
    plan: opts.plan ?? 'auto',
  };
  const ctx: OktaContext = { session, ...window };
  const skip = new Map<string, string>();
  if (base.datasets.userGrants?.status !== 'complete') skip.set('userGrants', base.datasets.userGrants?.reason ?? 'not collected in the base collection');
  let results: DatasetResult[];
  try {
    results = await runDatasets({ writer, source: 'okta', tasks: oktaDeltaTasks(sh, ctx), skip, parallel: opts.parallelDatasets ?? 6, signal, onEvent: opts.onEvent });
  } catch (e) {
    await writer.abort(`collection failed: ${(e as Error)?.message ?? e}`);
    throw e;
  }
  return { dir, manifest: writer.manifest, results, base: baseDir };
}

function oktaDeltaTasks(sh: Shared, ctx: OktaContext): DatasetTask[] {
  const L = (via: string): Record<string, unknown> => ({ mode: 'delta', via });
  const full = (name: string, run: (out: DatasetOutput) => AsyncIterable<Raw>, after?: string[]): DatasetTask => ({
    name,
    after,
    ledger: { mode: 'full', via: 're-read in full (short list)' },
    run: (out) => pipe(run(out), out),
  });
  // Filled in by the run: which way each part was read (the cost rule's choices).
  const appUsersLedger = L('System Log: app user records read again');
  const userRolesLedger = L("System Log: the named users' admin roles read again");
  const refreshTokensLedger: Record<string, unknown> = { mode: 'full', via: "re-read in full (short list), but for OAuth apps that can hold none: not granted refresh_token, none in the base" };
  const logsLedger = { ...L('events of the rules since the base, appended'), filter: LOG_FILTER, window: { since: (sh.base.datasets.logs as { window?: { since?: string } })?.window?.since ?? ctx.since, until: ctx.until } };
  return [
    { name: 'logs', ledger: logsLedger, run: (out) => readLog(sh, ctx, out) },
    { name: 'users', after: ['logs'], ledger: L('System Log: users named by events, read again'), run: (out) => rereadUsers(sh, out) },
    { name: 'groups', after: ['logs'], ledger: L('System Log: groups named by events, read again'), run: (out) => rereadObjects(sh, out, 'groups', sh.s.groups, sh.goneGroups) },
    { name: 'apps', after: ['logs'], ledger: L('System Log: apps named by events, read again'), run: (out) => rereadObjects(sh, out, 'apps', new Set([...sh.s.apps, ...sh.s.appCredentials]), sh.goneApps) },
    { name: 'groupMembers', after: ['users', 'groups'], ledger: L("System Log: each named user's groups read again"), run: (out) => groupMembers(sh, out) },
    { name: 'appUsers', after: ['users', 'apps'], ledger: appUsersLedger, run: (out) => appUsers(sh, ctx, out, appUsersLedger) },
    ...(['appGroups', 'appFeatures', 'appGrants', 'appSecrets', 'appJwks', 'clientRoles'] as const).map(
      (name): DatasetTask => ({ name, after: ['apps'], ledger: L("System Log: the named apps' lists read again"), run: (out) => appLists(sh, ctx, out, name) }),
    ),
    { name: 'userRoles', after: ['users'], ledger: userRolesLedger, run: (out) => userRoles(sh, out, userRolesLedger) },
    { name: 'groupRoles', after: ['groups'], ledger: L("System Log: the named groups' admin roles read again"), run: (out) => groupRoles(sh, ctx, out) },
    full('apiTokens', (o) => collectApiTokens(ctx, o)),
    full('idps', (o) => collectIdps(ctx, o)),
    { name: 'refreshTokens', after: ['apps'], ledger: refreshTokensLedger, run: (out) => pipe(refreshTokens(sh, ctx, out, refreshTokensLedger), out) },
    { name: 'userGrants', after: ['users'], ledger: L("the named users' grants read again"), run: (out) => userGrants(sh, out) },
  ];
}

const CRED_EVENTS = new Set(LOG_EVENT_TYPES);

async function readLog(sh: Shared, ctx: OktaContext, out: DatasetOutput): Promise<void> {
  const params = new URLSearchParams({ since: ctx.since, until: ctx.until, filter: changeFilter(), sortOrder: 'ASCENDING', limit: String(PAGE.logs) });
  for await (const ev of oktaList<Raw>(sh.session, out.stats, `/api/v1/logs?${params.toString().replace(/\+/g, '%20')}`, { permission: OKTA_PERMISSIONS.logs })) {
    noteEvent(sh.s, ev);
    if (CRED_EVENTS.has(String(ev.eventType))) await out.write(ev);
  }
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Ids in one user search (`id eq "…" or …`): a short query string. */
const USER_SEARCH_IDS = 20;

async function rereadUsers(sh: Shared, out: DatasetOutput): Promise<void> {
  const want = [...new Set([...sh.s.users, ...sh.s.userGroups, ...sh.s.userRoles])];
  const chunks: string[][] = [];
  for (let i = 0; i < want.length; i += USER_SEARCH_IDS) chunks.push(want.slice(i, i + USER_SEARCH_IDS));
  await Promise.all(
    chunks.map(async (chunk) => {
      const search = `(${chunk.map((id) => `id eq ${quote(id)}`).join(' or ')}) and (${ALL_USERS_SEARCH})`;
      for await (const u of oktaList<Raw>(sh.session, out.stats, `/api/v1/users?search=${encodeURIComponent(search)}&limit=${PAGE.users}`, { permission: OKTA_PERMISSIONS.users })) {
        sh.users.set(String(u.id), u);
      }
    }),
  );
  for (const id of want) {
    if (sh.users.has(id)) await out.write(sh.users.get(id)!);
    else sh.goneUsers.add(id);
  }
  for await (const t of tombstonesOf(sh.chain, 'okta', 'users', 'owner', sh.goneUsers)) await out.write(t);
}

async function rereadObjects(sh: Shared, out: DatasetOutput, dataset: 'groups' | 'apps', named: ReadonlySet<string>, gone: Set<string>): Promise<void> {
  const base = new Set<string>();
  for await (const l of currentLines(sh.chain, 'okta', dataset, (x) => named.has(String(x.id)))) base.add(String(l.id));
  const got = new Map<string, Raw>();
  await Promise.all(
    [...named].map(async (id) => {
      try {
        const o = (await oktaGet(sh.session, out.stats, `/api/v1/${dataset}/${encodeURIComponent(id)}`, OKTA_PERMISSIONS[dataset])).body as Raw;
        if (o) got.set(id, o);
      } catch (e) {
        if (!(e instanceof SourceApiError && e.status === 404)) throw e;
        gone.add(id);
      }
    }),
  );
  for (const id of named) {
    const o = got.get(id);
    if (!o) continue;
    if (dataset === 'apps') {
      sh.apps.set(id, o);
      if (!base.has(id)) sh.newApps.add(id);
    }
    await out.write(o);
  }
  const spec = recordSpec('okta', dataset)!;
  for await (const l of currentLines(sh.chain, 'okta', dataset, (x) => gone.has(String(spec.key(x))))) await out.write({ ...l, '@removed': { reason: 'deleted' } });
}

/**
 * One list per named object (`list(id)`), concurrently (the executor bounds and paces them);
 * results in the order of `ids`. An object whose list fails is reported to `failed` (a
 * SourceApiError: the dataset is partial and that object's lines stay as they were), or with
 * `notFoundIsEmpty`, a 404 is an empty list.
 */
async function listEach(ids: readonly string[], list: (id: string) => AsyncIterable<Raw>, failed: (id: string, e: SourceApiError) => void, notFoundIsEmpty = false): Promise<Map<string, Raw[]>> {
  const got = new Map<string, Raw[]>();
  await Promise.all(
    ids.map(async (id) => {
      const items: Raw[] = [];
      try {
        for await (const x of list(id)) items.push(x);
        got.set(id, items);
      } catch (e) {
        if (!(e instanceof SourceApiError)) throw e;
        if (notFoundIsEmpty && e.status === 404) got.set(id, []);
        else failed(id, e);
      }
    }),
  );
  return new Map(ids.filter((id) => got.has(id)).map((id) => [id, got.get(id)!]));
}

/** Per-user lists read again replace the user's lines (and a removed user's or group's lines go). */
async function groupMembers(sh: Shared, out: DatasetOutput): Promise<void> {
  const users = [...sh.s.userGroups].filter((u) => !sh.goneUsers.has(u));
  const keep = new Set<string>();
  const read = await listEach(
    users,
    (u) => oktaList<Raw>(sh.session, out.stats, `/api/v1/users/${encodeURIComponent(u)}/groups`, { permission: OKTA_PERMISSIONS.groups }),
    (_u, e) => out.incomplete(`${e.reason} for the groups of a user named by the System Log`),
  );
  for (const [u, groups] of read) {
    for (const g of groups) {
      keep.add(`${text(g.id)}|${u}`);
      await out.write({ groupId: g.id, user: { id: u } });
    }
  }
  const owners = new Set([...read.keys(), ...sh.goneUsers]);
  for await (const t of tombstonesOf(sh.chain, 'okta', 'groupMembers', 'owner', owners, keep)) await out.write(t);
  for await (const t of tombstonesOf(sh.chain, 'okta', 'groupMembers', 'parent', sh.goneGroups, keep)) await out.write(t);
}

/** Requests of an app's whole user list, from its count in the base (a full last page is followed by one more request). */
const appUserPages = (count: number) => Math.floor(count / PAGE.appUsers) + 1;

type Line = { appId: string; scope: string };
/** One app user record read (`GET /apps/{id}/users/{userId}`): never rejects, the caller sorts the outcome. */
type RecordRead = { au?: Raw; gone?: true; failed?: SourceApiError; thrown?: Error };

function readRecord(sh: Shared, out: DatasetOutput, a: string, u: string): Promise<RecordRead> {
  return oktaGet(sh.session, out.stats, `/api/v1/apps/${encodeURIComponent(a)}/users/${encodeURIComponent(u)}`, OKTA_PERMISSIONS.appUsers).then(
    (r) => ({ au: (r.body as Raw) ?? undefined }),
    (e: unknown) => (e instanceof SourceApiError ? (e.status === 404 ? { gone: true as const } : { failed: e }) : { thrown: e as Error }),
  );
}

async function appUsers(sh: Shared, ctx: OktaContext, out: DatasetOutput, ledger: Record<string, unknown>): Promise<void> {
  const life = [...sh.s.lifecycle].filter((u) => !sh.goneUsers.has(u));
  const lifeSet = new Set(life);
  // One pass over the base: a lifecycle user's apps (deactivation removes direct assignments), and each app's size.
  const baseCount = new Map<string, number>();
  const lifeLines = new Map<string, Line[]>();
  if (sh.s.appUsers.size || life.length) {
    for await (const l of currentLines(sh.chain, 'okta', 'appUsers', (x) => {
      baseCount.set(text(x.appId), (baseCount.get(text(x.appId)) ?? 0) + 1);
      return lifeSet.has(text((x.appUser as Raw | undefined)?.id));
    })) {
      const u = text((l.appUser as Raw).id);
      (lifeLines.get(u) ?? lifeLines.set(u, []).get(u)!).push({ appId: text(l.appId), scope: text((l.appUser as Raw).scope) });
    }
  }
  const whole = new Set([...sh.newApps, ...sh.s.appAllUsers].filter((a) => !sh.goneApps.has(a)));
  const withLinks = life.filter((u) => sh.s.lifecycleLinks.has(u));
  // Users only deactivated whose app links decide what their base lines need (see the cost rule).
  const deactivated = sh.plan === 'auto' ? life.filter((u) => deactivatedOnly(sh, u) && (lifeLines.get(u)?.length ?? 0) > 0) : [];
  const apps = deactivated.length ? await appsNow(sh) : new Map<string, Raw>();
  const deactivatedSet = new Set(deactivated);

  // The apps each other lifecycle user has now: its app links (one request per user, another
  // bucket), never a read per app. A user only deactivated gains none (an assignment made in the
  // window is named by its own event). These come first: they are few, and they bound every app's pairs.
  const linked = new Map<string, string[]>();
  const via = new Set<string>();
  await Promise.all(
    withLinks.map(async (u) => {
      try {
        const r = await assignedAppIds(sh.session, out.stats, u);
        via.add(r.via);
        linked.set(u, r.ids);
      } catch (e) {
        if (!(e instanceof SourceApiError)) throw e;
        out.incomplete(`${e.reason} for the apps of a user named by the System Log`);
      }
    }),
  );

  // The schedule: the apps bucket is the delta's busiest, so an app user record is read as soon as
  // it is known to be needed — while the app links of the users only deactivated (another bucket)
  // are still being read — when its app is certainly read record by record: its whole list takes
  // more pages than the pairs it can have (the event pairs, the lifecycle users' base lines and
  // their links). The other apps wait for every pair, as the cost rule needs; the requests are the same.
  const bound = new Map<string, Set<string>>();
  const candidate = (p: string) => {
    const a = p.slice(0, p.indexOf('|'));
    (bound.get(a) ?? bound.set(a, new Set()).get(a)!).add(p);
  };
  sh.s.appUsers.forEach(candidate);
  for (const [u, ls] of lifeLines) for (const l of ls) candidate(`${l.appId}|${u}`);
  for (const [u, as] of linked) for (const a of as) candidate(`${a}|${u}`);
  // An app's pairs still possible shrink as links settle lines (kept or removed, unread); once its
  // whole list takes more pages than that, it is read record by record whatever comes.
  const byRecords = (a: string) => sh.plan === 'per-object' || (sh.plan === 'auto' && appUserPages(baseCount.get(a) ?? 0) > (bound.get(a)?.size ?? 0));
  const reads = new Map<string, Promise<RecordRead>>();
  const waiting = new Map<string, Set<string>>();
  const start = (a: string) => {
    if (!byRecords(a)) return;
    for (const p of waiting.get(a) ?? []) {
      const u = p.slice(p.indexOf('|') + 1);
      if (!reads.has(p) && !sh.goneUsers.has(u)) reads.set(p, readRecord(sh, out, a, u));
    }
    waiting.delete(a);
  };
  const need = (p: string) => {
    const a = p.slice(0, p.indexOf('|'));
    if (reads.has(p) || whole.has(a) || sh.goneApps.has(a)) return;
    (waiting.get(a) ?? waiting.set(a, new Set()).get(a)!).add(p);
    start(a);
  };
  const settle = (p: string) => {
    const a = p.slice(0, p.indexOf('|'));
    bound.get(a)?.delete(p);
    start(a);
  };
  sh.s.appUsers.forEach(need);
  for (const [u, as] of linked) for (const a of as) need(`${a}|${u}`);
  for (const [u, ls] of lifeLines) {
    for (const l of ls) if (!deactivatedSet.has(u) || isReadWhateverLinks(sh, u, l, apps)) need(`${l.appId}|${u}`);
  }
  const startedBeforeLinks = reads.size;
  // The users only deactivated: their links say which base lines stay, go, or are read (each user's as its links come in).
  const byLinks = await deactivatedByLinks(sh, out, deactivated, lifeLines, apps, (u, read, settled) => {
    settled.forEach((l) => settle(`${l.appId}|${u}`));
    read.forEach((l) => need(`${l.appId}|${u}`));
  });
  byLinks.via.forEach((v) => via.add(v));
  const pairs = new Set(sh.s.appUsers);
  for (const [u, ls] of lifeLines) {
    for (const { appId } of ls) {
      const p = `${appId}|${u}`;
      if (!byLinks.kept.has(p) && !byLinks.removed.has(p)) pairs.add(p);
    }
  }
  for (const u of withLinks) for (const a of linked.get(u) ?? []) pairs.add(`${a}|${u}`);
  const byApp = new Map<string, string[]>();
  for (const p of pairs) {
    const [a, u] = p.split('|');
    if (whole.has(a) || sh.goneApps.has(a) || sh.goneUsers.has(u)) continue;
    (byApp.get(a) ?? byApp.set(a, []).get(a)!).push(u);
  }
  // The cost rule: an app is listed whole when that takes no more requests than its records one by one.
  const listed = new Set<string>();
  const records: [string, string][] = [];
  for (const [a, us] of byApp) {
    if (sh.plan === 'per-parent' || (sh.plan === 'auto' && appUserPages(baseCount.get(a) ?? 0) <= us.length)) listed.add(a);
    else for (const u of us) records.push([a, u]);
  }
  ledger.plan = {
    linksVia: [...via].sort().join(', ') || undefined,
    usersWithLinks: withLinks.length,
    usersReRead: life.length,
    deactivatedLinksRead: byLinks.asked,
    deactivatedByLinks: byLinks.users,
    linesKept: byLinks.kept.size,
    linesRemoved: byLinks.removed.size,
    linksRefused: byLinks.refused || undefined,
    appsListed: listed.size + whole.size,
    recordsRead: records.length,
    recordsStartedEarly: reads.size ? { beforeDeactivatedLinks: startedBeforeLinks, asLinksCameIn: reads.size - startedBeforeLinks } : undefined,
  };
  const keep = new Set<string>();
  const gonePairs = new Set<string>(byLinks.removed);
  const got = await Promise.all(records.map(([a, u]) => reads.get(`${a}|${u}`) ?? readRecord(sh, out, a, u)));
  for (let i = 0; i < records.length; i++) {
    const [a, u] = records[i];
    const r = got[i];
    if (r.thrown !== undefined) throw r.thrown;
    if (r.gone) gonePairs.add(`${a}|${u}`);
    else if (r.failed) out.incomplete(`${r.failed.reason} for an app user named by the System Log`);
    if (!r.au) continue;
    keep.add(`${a}|${u}`);
    await out.write({ appId: a, appUser: r.au });
  }
  // Apps read whole: their lines replace the base's (an app whose list failed keeps its lines).
  const parents = [...whole, ...listed].map((id) => sh.apps.get(id) ?? { id });
  const failed = new Set<Raw>();
  for await (const line of perParent(ctx, out, parents, APP_USERS, failed)) {
    keep.add(`${text(line.appId)}|${text((line.appUser as Raw).id)}`);
    await out.write(line);
  }
  const replaced = new Set([...parents.filter((p) => !failed.has(p)).map((p) => String(p.id)), ...sh.goneApps]);
  for await (const t of tombstonesOf(sh.chain, 'okta', 'appUsers', 'parent', replaced, keep)) await out.write(t);
  for await (const t of tombstonesOf(sh.chain, 'okta', 'appUsers', 'owner', sh.goneUsers)) await out.write(t);
  if (gonePairs.size) {
    for await (const l of currentLines(sh.chain, 'okta', 'appUsers', (x) => gonePairs.has(`${text(x.appId)}|${text((x.appUser as Raw | undefined)?.id)}`))) {
      if (!replaced.has(text(l.appId))) await out.write({ ...l, '@removed': { reason: 'deleted' } });
    }
  }
}

/**
 * Apps whose app user records Okta may suspend rather than remove when the user is deactivated:
 * those that keep a password for the user (support article "Why event type
 * application.user_membership.restore is triggered"). Their records are always read.
 */
const PASSWORD_SIGN_ON_MODES = new Set(['AUTO_LOGIN', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'BASIC_AUTH']);
const PASSWORD_SCHEMES = new Set(['EDIT_USERNAME_AND_PASSWORD', 'EDIT_PASSWORD_ONLY', 'EXTERNAL_PASSWORD_SYNC', 'SHARED_USERNAME_AND_PASSWORD', 'ADMIN_SETS_CREDENTIALS']);
const keepsPassword = (app: Raw | undefined): boolean =>
  PASSWORD_SIGN_ON_MODES.has(text(app?.signOnMode)) || PASSWORD_SCHEMES.has(text((app?.credentials as Raw | undefined)?.scheme));

type LinksDecision = { kept: Set<string>; removed: Set<string>; asked: number; users: number; refused: number; via: Set<string> };

/** A user only deactivated: read again, DEPROVISIONED with no transition under way, and no other lifecycle change in the window. */
const deactivatedOnly = (sh: Shared, u: string): boolean => {
  const o = sh.users.get(u);
  return !sh.s.lifecycleLinks.has(u) && o?.status === 'DEPROVISIONED' && !o.transitioningToStatus;
};

/** The apps as they stand now: the base's, and those read again. */
async function appsNow(sh: Shared): Promise<Map<string, Raw>> {
  const apps = new Map<string, Raw>();
  for await (const a of currentLines(sh.chain, 'okta', 'apps')) apps.set(String(a.id), a);
  for (const [id, a] of sh.apps) apps.set(id, a);
  return apps;
}

/**
 * What the app links of a user only deactivated make of one of its base lines, once they are
 * shown to answer for it: a group line on an active app it still links is kept as it was; a direct
 * line on an active app that keeps no password, no longer linked, is removed; every other line is read.
 */
/** An app that still exists and is active, by the apps as they stand now. */
const activeApp = (sh: Shared, apps: ReadonlyMap<string, Raw>, id: string): boolean => !sh.goneApps.has(id) && apps.get(id)?.status === 'ACTIVE';

function linkedFate(sh: Shared, l: Line, isLinked: boolean, apps: ReadonlyMap<string, Raw>): 'kept' | 'removed' | 'read' {
  if (!activeApp(sh, apps, l.appId)) return 'read';
  if (l.scope === 'GROUP' && isLinked) return 'kept';
  if (l.scope === 'USER' && !isLinked && !keepsPassword(apps.get(l.appId))) return 'removed';
  return 'read';
}

/** A base line of a user only deactivated that is read whatever its links say (named by an event, or read by both fates). */
const isReadWhateverLinks = (sh: Shared, u: string, l: Line, apps: ReadonlyMap<string, Raw>): boolean =>
  sh.s.appUsers.has(`${l.appId}|${u}`) || (linkedFate(sh, l, true, apps) === 'read' && linkedFate(sh, l, false, apps) === 'read');

/**
 * The users only deactivated, each with its app links: which of its base app user lines stay as
 * they were (`kept`) and which are gone (`removed`), by the cost rule's conditions; every other
 * line is read; `onLinks` hears of each user's lines read and settled as soon as its links are in. A user whose links
 * are refused or fail decides nothing here (all its lines are read); so does one whose links do
 * not list each of its group lines on active apps.
 */
async function deactivatedByLinks(
  sh: Shared,
  out: DatasetOutput,
  users: readonly string[],
  lifeLines: ReadonlyMap<string, Line[]>,
  apps: ReadonlyMap<string, Raw>,
  onLinks: (u: string, read: Line[], settled: Line[]) => void,
): Promise<LinksDecision> {
  const kept = new Set<string>();
  const removed = new Set<string>();
  const via = new Set<string>();
  let decided = 0;
  let refused = 0;
  await Promise.all(
    users.map(async (u) => {
      let linked: Set<string>;
      try {
        const r = await assignedAppIds(sh.session, out.stats, u, { linksOnly: true });
        linked = new Set(r.ids);
        via.add(r.via);
      } catch (e) {
        if (!(e instanceof SourceApiError)) throw e;
        refused++;
        onLinks(u, lifeLines.get(u)!, []);
        return;
      }
      // Lines an event names are read whatever the links say.
      const lines = lifeLines.get(u)!.filter((l) => !sh.s.appUsers.has(`${l.appId}|${u}`));
      const groupLines = lines.filter((l) => l.scope === 'GROUP' && activeApp(sh, apps, l.appId));
      if (!groupLines.length || !groupLines.every((l) => linked.has(l.appId))) {
        onLinks(u, lifeLines.get(u)!, []);
        return;
      }
      decided++;
      const read: Line[] = [];
      const settled: Line[] = [];
      for (const l of lines) {
        const fate = linkedFate(sh, l, linked.has(l.appId), apps);
        if (fate === 'kept') kept.add(`${l.appId}|${u}`);
        else if (fate === 'removed') removed.add(`${l.appId}|${u}`);
        (fate === 'read' ? read : settled).push(l);
      }
      onLinks(u, read, settled);
    }),
  );
  return { kept, removed, asked: users.length, users: decided, refused, via };
}

const APP_SPECS: Record<string, PerParentSpec> = {
  appGroups: APP_GROUPS,
  appFeatures: APP_FEATURES,
  appGrants: APP_GRANTS,
  appSecrets: APP_SECRETS,
  appJwks: APP_JWKS,
  clientRoles: CLIENT_ROLES,
};

async function appLists(sh: Shared, ctx: OktaContext, out: DatasetOutput, dataset: keyof typeof APP_SPECS): Promise<void> {
  const spec = APP_SPECS[dataset];
  const named = dataset === 'appSecrets' || dataset === 'appJwks' ? new Set([...sh.s.apps, ...sh.s.appCredentials]) : sh.s.apps;
  const apps = [...named].filter((id) => sh.apps.has(id)).map((id) => sh.apps.get(id)!);
  const parents = apps.filter((a) => !spec.applies || spec.applies(a));
  const rs = recordSpec('okta', dataset)!;
  const keep = new Set<string>();
  const failed = new Set<Raw>();
  for await (const line of perParent(ctx, out, parents, spec, failed)) {
    const k = rs.key(line);
    if (k) keep.add(k);
    await out.write(line);
  }
  // The parent of a client role line is the client id; of the others, the app id. An app whose list failed keeps its lines.
  const parentIds = new Set(
    dataset === 'clientRoles' ? parents.filter((a) => !failed.has(a)).map((a) => spec.line(a, {}).clientId as string) : apps.filter((a) => !failed.has(a)).map((a) => String(a.id)),
  );
  for (const id of sh.goneApps) parentIds.add(id);
  for await (const t of tombstonesOf(sh.chain, 'okta', dataset, 'parent', parentIds, keep)) await out.write(t);
}

/**
 * Admin roles of the named users. A full collection reads roles only for the users Okta lists as
 * role assignees; so does this, when the assignee pages (estimated from the base's holders) cost
 * less than one read per named user: a named user it does not list holds no role.
 */
async function userRoles(sh: Shared, out: DatasetOutput, ledger: Record<string, unknown>): Promise<void> {
  const named = [...sh.s.userRoles].filter((u) => !sh.goneUsers.has(u));
  let toRead = named;
  if (named.length && sh.plan !== 'per-object') {
    const holders = new Set<string>();
    for await (const l of currentLines(sh.chain, 'okta', 'userRoles')) holders.add(text(l.userId));
    if (sh.plan === 'per-parent' || Math.floor(holders.size / PAGE.assignees) + 1 < named.length) {
      const assignees = new Set<string>();
      for await (const id of roleAssigneeIds(sh.session, out.stats)) assignees.add(id);
      toRead = named.filter((u) => assignees.has(u));
      ledger.plan = { assigneesListed: true, rolesRead: toRead.length, named: named.length };
    }
  }
  if (toRead === named) ledger.plan = { assigneesListed: false, rolesRead: named.length, named: named.length };
  const read = await listEach(
    toRead,
    (u) => oktaList<Raw>(sh.session, out.stats, `/api/v1/users/${encodeURIComponent(u)}/roles`, { permission: OKTA_PERMISSIONS.userRoles }),
    (_u, e) => out.incomplete(`${e.reason} for the roles of a user named by the System Log`),
    true,
  );
  const keep = new Set<string>();
  for (const [u, roles] of read) {
    for (const role of roles) {
      if (!isOwnRole(role)) continue; // held through a group: the group's roles (groupRoles)
      keep.add(`${u}|${text(role.id)}`);
      await out.write({ userId: u, role });
    }
  }
  // Replaced: the users read, and the named users the assignees do not list (no role, as in a full collection).
  const unread = new Set(toRead.filter((u) => !read.has(u)));
  const done = new Set([...named.filter((u) => !unread.has(u)), ...sh.goneUsers]);
  for await (const t of tombstonesOf(sh.chain, 'okta', 'userRoles', 'owner', done, keep)) await out.write(t);
}

async function groupRoles(sh: Shared, ctx: OktaContext, out: DatasetOutput): Promise<void> {
  const groups: Raw[] = [];
  for (const id of sh.s.groupRoles) if (!sh.goneGroups.has(id)) groups.push({ id, type: 'OKTA_GROUP' });
  const keep = new Set<string>();
  const failed = new Set<Raw>();
  for await (const line of perParent(ctx, out, groups, GROUP_ROLES, failed)) {
    keep.add(`${text(line.groupId)}|${text((line.role as Raw).id)}`);
    await out.write(line);
  }
  const replaced = new Set([...[...sh.s.groupRoles].filter((id) => !groups.some((g) => failed.has(g) && g.id === id)), ...sh.goneGroups]);
  for await (const t of tombstonesOf(sh.chain, 'okta', 'groupRoles', 'parent', replaced, keep)) await out.write(t);
}

/** Whether an OAuth app's grant types (as it stands now) leave out `refresh_token`: Okta then issues it no refresh token. */
const grantsNoRefreshToken = (a: Raw): boolean => {
  const grants = ((a.settings as Raw | undefined)?.oauthClient as Raw | undefined)?.grant_types;
  return Array.isArray(grants) && !grants.includes('refresh_token');
};

/**
 * Refresh tokens are listed per OAuth app (a short list of apps): read in full, from the apps as
 * they stand now — except an app that can hold none (its grant types, read again when an event
 * names the app, leave out `refresh_token`: Okta issues refresh tokens only to apps granted it)
 * and held none in the base: its list is still empty. An app that held tokens is always read.
 */
async function* refreshTokens(sh: Shared, ctx: OktaContext, out: DatasetOutput, ledger: Record<string, unknown>): AsyncGenerator<Raw> {
  const apps: Raw[] = [];
  for await (const a of currentLines(sh.chain, 'okta', 'apps', (x) => !sh.goneApps.has(String(x.id)))) apps.push(sh.apps.get(String(a.id)) ?? a);
  for (const [id, a] of sh.apps) if (!apps.some((x) => x.id === id)) apps.push(a);
  const held = new Set<string>();
  for await (const t of currentLines(sh.chain, 'okta', 'refreshTokens')) held.add(text(t.clientId));
  const oauth = apps.filter((a) => !APP_TOKENS.applies || APP_TOKENS.applies(a));
  const clientId = (a: Raw) => text(((a.credentials as Raw | undefined)?.oauthClient as Raw | undefined)?.client_id);
  const read = oauth.filter((a) => !grantsNoRefreshToken(a) || held.has(text(a.id)) || held.has(clientId(a)));
  ledger.plan = { appsRead: read.length, appsWithoutRefreshGrant: oauth.length - read.length };
  yield* perParent(ctx, out, read, APP_TOKENS);
}

async function userGrants(sh: Shared, out: DatasetOutput): Promise<void> {
  const users = [...sh.s.users].filter((u) => !sh.goneUsers.has(u));
  const keep = new Set<string>();
  const failures: SourceApiError[] = [];
  const read = await listEach(
    users,
    (u) => oktaList<Raw>(sh.session, out.stats, `/api/v1/users/${encodeURIComponent(u)}/grants?limit=${PAGE.userGrants}`, { permission: OKTA_PERMISSIONS.userGrants }),
    (_u, e) => failures.push(e),
  );
  if (failures.length) throw failures[0];
  for (const grants of read.values()) {
    for (const g of grants) {
      keep.add(String(g.id));
      await out.write(g);
    }
  }
  for await (const t of tombstonesOf(sh.chain, 'okta', 'userGrants', 'owner', new Set([...users, ...sh.goneUsers]), keep)) await out.write(t);
}
