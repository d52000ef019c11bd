/**
 * One subject, fast: reads from Okta only what the residual-access rules need about one user and
 * the users correlated to it, each read started as soon as what it depends on is known (the
 * org-wide lists at once, the subject's own reads beside the search for correlated users, a
 * group's roles as soon as the group is listed, an app's features as soon as the app is read), so
 * that the time is a few round trips rather than the sum of the reads (same `profile.employeeNumber`, or the subject's email or login as
 * their email or login):
 * - the users, their groups (and the admin roles of those groups), their own admin roles, their
 *   app assignments (the user's app links `GET /users/{id}/appLinks`, then each app and its app
 *   user record, which says whether it is direct or through a group; `filter=user.id eq …` only
 *   as a fallback), the provisioning features of those apps, their
 *   grants, their refresh tokens (per client), their API tokens;
 * - the System Log events they initiated (credential events of OAuth service apps) over the
 *   window, and for each service app those events touched: its client secrets, JWKs, scope grants
 *   and admin roles;
 * - every identity provider (a short org-wide list: what decides `okta.idp-may-reactivate`).
 *
 * The manifest says what this is: top-level `scope: {kind: "subject", subject, accounts}` and
 * each dataset read `scope: "subject"` (complete for those accounts, not for the org); `appGroups`,
 * intrinsically org-wide and read by no rule, is recorded `missing` with that reason.
 */
import { NotFoundError } from '../../src/model/errors.js';
import { SourceWriter } from '../collection/SourceWriter.js';
import { OKTA_DATASETS } from './datasets.js';
import { type RequestStats, newStats, summarize } from '../collection/runDatasets.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { checkSourceFolder, prepareSourceFolder } from '../collection/sourceFolder.js';
import { type OktaSession, createOktaSession, oktaGet, oktaList } from './client.js';
import { logsUrl } from './collectLogs.js';
import type { CollectOktaOptions, CollectResult } from './index.js';
import {
  COLLECTOR_VERSION,
  LOG_FILTER,
  OKTA_PERMISSIONS,
  type OktaContext,
  PAGE,
  canHoldRoles,
  clientIdOf,
  hasFeatures,
  isOwnRole,
  isServiceApp,
  logWindow,
} from './OktaContext.js';

type Raw = Record<string, unknown>;

export interface CollectOktaSubjectOptions extends CollectOktaOptions {
  /** Login, email or user id. */
  subject: string;
  /**
   * Service apps to read as if the subject's System Log events had touched them (a verification
   * reads again what a remediation changed, even when the events are older than the log window).
   */
  alsoServiceApps?: readonly string[];
}

export interface SubjectCollectResult extends CollectResult {
  accounts: string[];
}

const NOT_READ: Record<string, string> = {
  appGroups: 'not read in a subject collection: group assignments of apps are org-wide and no rule reads them',
};

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

class Gather {
  readonly data = new Map<string, Map<string, Raw>>(OKTA_DATASETS.map((d) => [d, new Map()]));
  readonly stats = new Map<string, RequestStats>(OKTA_DATASETS.map((d) => [d, newStats()]));
  readonly errors = new Map<string, string[]>(OKTA_DATASETS.map((d) => [d, []]));
  /** Per-parent datasets: the parents whose list was read in full (an empty list included). */
  readonly parents = new Map<string, Set<string>>();
  readParent(d: string, parent: string): void {
    (this.parents.get(d) ?? this.parents.set(d, new Set()).get(d)!).add(parent);
  }
  add(d: string, key: string, line: Raw) {
    this.data.get(d)!.set(key, line);
  }
  values(d: string): Raw[] {
    return [...this.data.get(d)!.values()];
  }
  st(d: string): RequestStats {
    return this.stats.get(d)!;
  }
  /** Run a read for some datasets; a failure marks them incomplete (404 means "none"); undefined when it failed. */
  async read<T>(feeds: readonly string[], f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof SourceApiError) {
        if (e.status !== 404) for (const d of feeds) this.errors.get(d)!.push(e.reason);
        return undefined;
      }
      throw e;
    }
  }
}

/** A promise awaited later: its failure is not an unhandled rejection meanwhile (the await still throws). */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

async function all(session: OktaSession, stats: RequestStats, url: string, permission?: string): Promise<Raw[]> {
  const items: Raw[] = [];
  for await (const x of oktaList<Raw>(session, stats, url, { permission })) items.push(x);
  return items;
}

/**
 * The apps assigned to a user, directly or through a group. The documented form is the user's
 * app links (`GET /api/v1/users/{id}/appLinks`, one per app link, several per app possible), each
 * app then read by id; the newest Management API no longer lists `user.id` among the filterable
 * properties of `GET /api/v1/apps`, so `filter=user.id eq "…"` is kept only as the fallback for an
 * org that refuses app links (400, 404, 405, 501). `via` says which form answered (the ledger
 * records it).
 */
export async function assignedApps(session: OktaSession, stats: RequestStats, userId: string): Promise<{ apps: Raw[]; via: string }> {
  let links: Raw[];
  try {
    links = await all(session, stats, `/api/v1/users/${encodeURIComponent(userId)}/appLinks`, OKTA_PERMISSIONS.apps);
  } catch (e) {
    if (!(e instanceof SourceApiError && [400, 404, 405, 501].includes(e.status))) throw e;
    const apps = await all(session, stats, `/api/v1/apps?filter=${encodeURIComponent(`user.id eq ${quote(userId)}`)}&limit=${PAGE.apps}`, OKTA_PERMISSIONS.apps);
    return { apps, via: 'filter user.id (appLinks refused)' };
  }
  const ids = [...new Set(links.map((l) => l.appInstanceId).filter((x): x is string => typeof x === 'string' && x.length > 0))];
  const apps: Raw[] = [];
  await Promise.all(
    ids.map(async (id) => {
      try {
        const app = (await oktaGet(session, stats, `/api/v1/apps/${encodeURIComponent(id)}`, OKTA_PERMISSIONS.apps)).body as Raw;
        if (app) apps.push(app);
      } catch (e) {
        if (!(e instanceof SourceApiError && e.status === 404)) throw e; // removed since the links were read
      }
    }),
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  apps.sort((x, y) => (order.get(String(x.id)) ?? 0) - (order.get(String(y.id)) ?? 0));
  return { apps, via: 'appLinks' };
}

export async function collectOktaSubject(opts: CollectOktaSubjectOptions): Promise<SubjectCollectResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const window = logWindow(opts.since, opts.until);
  const session = createOktaSession({ ...opts, signal });
  const ctx: OktaContext = { session, ...window };
  // Refuse an existing collection before reading anything.
  checkSourceFolder(opts.out, 'okta', session.orgUrl, { force: opts.force });
  const g = new Gather();
  const started = performance.now();
  const subject = opts.subject.trim();

  // 0. Org-wide short lists, started at once so that they are off the subject's critical path:
  //    every API token (the newest Management API takes no filter on `GET /api/v1/api-tokens`;
  //    the accounts' tokens are kept once the accounts are known) and every identity provider.
  const accounts = new Map<string, Raw>();
  /** Which form answered the app assignments, and whether groups' roles were read (the ledger records both). */
  const appsVia = new Set<string>();
  const groupRolesVia = new Set<string>();
  let settleAccounts!: () => void;
  const accountsKnown = new Promise<void>((r) => (settleAccounts = r));
  const tokensRead = g.read(['apiTokens'], async () => {
    const tokens = await all(session, g.st('apiTokens'), `/api/v1/api-tokens?limit=${PAGE.apiTokens}`, OKTA_PERMISSIONS.apiTokens);
    await accountsKnown;
    for (const t of tokens) if (accounts.has(String(t.userId))) g.add('apiTokens', String(t.id), t);
  });
  const idpsRead = g.read(['idps'], async () => {
    for (const idp of await all(session, g.st('idps'), `/api/v1/idps?limit=${PAGE.idps}`, OKTA_PERMISSIONS.idps)) g.add('idps', String(idp.id), idp);
  });
  const orgWide = handled(Promise.all([tokensRead, idpsRead]));
  try {
    // 1. The subject, by id, login or email (a search: DEPROVISIONED users included).
    let me: Raw | undefined;
    if (/^00u[0-9A-Za-z]{17}$/.test(subject)) {
      try {
        me = (await oktaGet(session, g.st('users'), `/api/v1/users/${subject}`, OKTA_PERMISSIONS.users)).body as Raw;
      } catch (e) {
        if (!(e instanceof SourceApiError && e.status === 404)) throw e;
      }
    } else {
      const search = `profile.login eq ${quote(subject)} or profile.email eq ${quote(subject)}`;
      me = (await all(session, g.st('users'), `/api/v1/users?search=${encodeURIComponent(search)}&limit=${PAGE.users}`, OKTA_PERMISSIONS.users))[0];
    }
    if (!me) throw new NotFoundError(`collect okta: no user ${subject} in ${session.orgUrl}`);
    accounts.set(String(me.id), me);

    // 2. Everything about each account (3.), the subject's own reads side by side with the search
    //    for correlated users (same employee number, or its email or login as theirs).
    const apps = new Map<string, Raw>();
    const serviceAppIds = new Set<string>();
    /** Group → its role read (a group shared by two accounts is read once). */
    const groupRoleReads = new Map<string, Promise<void>>();
    const groupRoleIds = new Map<string, string[]>();
    const readGroupRoles = (grp: Raw): Promise<void> => {
      const gid = String(grp.id);
      let p = groupRoleReads.get(gid);
      if (!p) {
        p = g.read(['groupRoles'], async () => {
          const roles = await all(session, g.st('groupRoles'), `/api/v1/groups/${gid}/roles`, OKTA_PERMISSIONS.groupRoles);
          for (const role of roles) g.add('groupRoles', `${gid}|${String(role.id)}`, { groupId: grp.id, role });
          groupRoleIds.set(gid, roles.map((r) => String(r.id)));
          g.readParent('groupRoles', gid);
        });
        groupRoleReads.set(gid, p);
      }
      return p;
    };
    const appReads = new Map<string, Promise<void>>();
    /** An app's provisioning features (once per app), as soon as the app is known. */
    const readAppFeatures = (app: Raw): Promise<void> => {
      const aid = String(app.id);
      let p = appReads.get(aid);
      if (!p) {
        p = hasFeatures(app)
          ? g.read(['appFeatures'], async () => {
              try {
                for (const feature of await all(session, g.st('appFeatures'), `/api/v1/apps/${aid}/features`, OKTA_PERMISSIONS.appFeatures)) {
                  g.add('appFeatures', `${aid}|${String(feature.name)}`, { appId: app.id, feature });
                }
                g.readParent('appFeatures', aid);
              } catch (e) {
                if (!(e instanceof SourceApiError && e.status === 400)) throw e;
              }
            })
          : Promise.resolve();
        appReads.set(aid, p);
      }
      return p;
    };
    const readAccount = (a: string): Promise<unknown> =>
      Promise.all([
        // Groups and the account's roles side by side; then the admin roles of its groups that can
        // hold one — only when its role list says it holds one through a group (Okta lists those
        // with `assignmentType: "GROUP"`), or cannot say (the list failed, or a role in it has no
        // `assignmentType`: the older shape). A list that names no group role says that none of
        // the account's groups holds one: those groups are recorded as read, with no role.
        (async () => {
          const [groups, roles] = await Promise.all([
            g.read(['groups', 'groupMembers', 'groupRoles'], async () => {
              const list = await all(session, g.st('groupMembers'), `/api/v1/users/${a}/groups`, OKTA_PERMISSIONS.groups);
              for (const grp of list) {
                g.add('groups', String(grp.id), grp);
                g.add('groupMembers', `${String(grp.id)}|${a}`, { groupId: grp.id, user: { id: a } });
              }
              return list;
            }),
            g.read(['userRoles'], () => all(session, g.st('userRoles'), `/api/v1/users/${a}/roles`, OKTA_PERMISSIONS.userRoles)),
          ]);
          const holders = (groups ?? []).filter(canHoldRoles);
          const throughGroup = !roles || roles.some((r) => r.assignmentType === 'GROUP' || typeof r.assignmentType !== 'string');
          if (throughGroup) {
            groupRolesVia.add(roles ? 'per group (a role held through a group, or a role without assignmentType)' : "per group (the user's roles unread)");
            await Promise.all(holders.map(readGroupRoles));
          } else {
            for (const grp of holders) g.readParent('groupRoles', String(grp.id));
          }
          // The account's own roles: not those held through a group (by type, or — a role without
          // assignmentType — by being one of its groups' role assignments).
          const ofGroups = new Set(holders.flatMap((grp) => groupRoleIds.get(String(grp.id)) ?? []));
          for (const role of roles ?? []) if (isOwnRole(role) && !ofGroups.has(String(role.id))) g.add('userRoles', `${a}|${String(role.id)}`, { userId: a, role });
        })(),
                g.read(['apps', 'appUsers'], async () => {
          const { apps: assigned, via } = await assignedApps(session, g.st('apps'), a);
          appsVia.add(via);
          await Promise.all(
            assigned.flatMap((app) => {
              apps.set(String(app.id), app);
              return [
                readAppFeatures(app),
                g.read(['appUsers'], async () => {
                  const appUser = (await oktaGet(session, g.st('appUsers'), `/api/v1/apps/${String(app.id)}/users/${a}`, OKTA_PERMISSIONS.appUsers)).body as Raw;
                  if (appUser) g.add('appUsers', `${String(app.id)}|${a}`, { appId: app.id, appUser });
                }),
              ];
            }),
          );
        }),
        g.read(['userGrants'], async () => {
          for (const grant of await all(session, g.st('userGrants'), `/api/v1/users/${a}/grants?limit=${PAGE.userGrants}`, OKTA_PERMISSIONS.userGrants)) {
            g.add('userGrants', String(grant.id), grant);
          }
        }),
        g.read(['refreshTokens'], async () => {
          const clients = await all(session, g.st('refreshTokens'), `/api/v1/users/${a}/clients`, OKTA_PERMISSIONS.users);
          await Promise.all(
            clients.map(async (c) => {
              const cid = String(c.client_id ?? c.clientId ?? c.id);
              for (const tok of await all(session, g.st('refreshTokens'), `/api/v1/users/${a}/clients/${encodeURIComponent(cid)}/tokens`)) {
                g.add('refreshTokens', String(tok.id), tok);
              }
            }),
          );
        }),
        g.read(['logs'], async () => {
          for (const ev of await all(session, g.st('logs'), logsUrl(ctx, `actor.id eq ${quote(a)}`), OKTA_PERMISSIONS.logs)) {
            g.add('logs', String(ev.uuid), ev);
            for (const t of (Array.isArray(ev.target) ? ev.target : []) as Raw[]) {
              if (t?.type === 'AppInstance' && typeof t.id === 'string') serviceAppIds.add(t.id);
            }
          }
        }),
      ]);

    const meId = String(me.id);
    const profile = (me.profile ?? {}) as Raw;
    const clauses: string[] = [];
    if (typeof profile.employeeNumber === 'string' && profile.employeeNumber) clauses.push(`profile.employeeNumber eq ${quote(profile.employeeNumber)}`);
    for (const m of new Set([profile.email, profile.login].filter((x): x is string => typeof x === 'string' && x.length > 0))) {
      clauses.push(`profile.email eq ${quote(m)}`, `profile.login eq ${quote(m)}`);
    }
    const reads: Promise<unknown>[] = [handled(readAccount(meId))];
    await g.read(['users'], async () => {
      if (!clauses.length) return;
      for (const u of await all(session, g.st('users'), `/api/v1/users?search=${encodeURIComponent(clauses.join(' or '))}&limit=${PAGE.users}`)) {
        if (!accounts.has(String(u.id))) reads.push(handled(readAccount(String(u.id))));
        accounts.set(String(u.id), u);
      }
    });
    settleAccounts();
    for (const [id, u] of accounts) g.add('users', id, u);
    await Promise.all(reads);

    for (const id of opts.alsoServiceApps ?? []) serviceAppIds.add(id);

    // 4. Service apps touched by the subject's credential events (and the org-wide lists).
    await Promise.all([
      orgWide,
      ...[...serviceAppIds]
        .filter((id) => !apps.has(id))
        .map((id) =>
          g.read(['apps'], async () => {
            const app = (await oktaGet(session, g.st('apps'), `/api/v1/apps/${id}`, OKTA_PERMISSIONS.apps)).body as Raw;
            if (app) apps.set(String(app.id), app);
          }),
        ),
    ]);
    for (const [id, app] of apps) g.add('apps', id, app);

    // 5. Per service app touched: its credentials, grants and roles (and features, if not read).
    const touched = [...serviceAppIds].map((id) => apps.get(id)).filter((x): x is Raw => !!x);
    await Promise.all([
      ...touched.map(readAppFeatures),
      ...touched.flatMap((app) => [
        g.read(['appSecrets'], async () => {
          for (const secret of await all(session, g.st('appSecrets'), `/api/v1/apps/${String(app.id)}/credentials/secrets`, OKTA_PERMISSIONS.appSecrets)) {
            g.add('appSecrets', String(secret.id), { appId: app.id, secret });
          }
          g.readParent('appSecrets', String(app.id));
        }),
        g.read(['appJwks'], async () => {
          for (const jwk of await all(session, g.st('appJwks'), `/api/v1/apps/${String(app.id)}/credentials/jwks`, OKTA_PERMISSIONS.appJwks)) {
            g.add('appJwks', String(jwk.id), { appId: app.id, jwk });
          }
          g.readParent('appJwks', String(app.id));
        }),
        g.read(['appGrants'], async () => {
          for (const grant of await all(session, g.st('appGrants'), `/api/v1/apps/${String(app.id)}/grants`, OKTA_PERMISSIONS.appGrants)) {
            g.add('appGrants', String(grant.id), grant);
          }
          g.readParent('appGrants', String(app.id));
        }),
        ...(isServiceApp(app)
          ? [
              g.read(['clientRoles'], async () => {
                const cid = clientIdOf(app);
                for (const role of await all(session, g.st('clientRoles'), `/oauth2/v1/clients/${encodeURIComponent(cid)}/roles`, OKTA_PERMISSIONS.clientRoles)) {
                  g.add('clientRoles', `${cid}|${String(role.id)}`, { clientId: cid, role });
                }
                g.readParent('clientRoles', cid);
              }),
            ]
          : []),
      ]),
    ]);
  } finally {
    // A subject not found (or a read that threw) leaves no org-wide read pending.
    settleAccounts();
    await orgWide.catch(() => undefined);
  }
  const ids = [...accounts.keys()];

  // 6. Write.
  const dir = prepareSourceFolder(opts.out, 'okta', session.orgUrl, { force: opts.force });
  const accountsList = [...accounts.values()].map((u) => ({ id: u.id, login: ((u.profile ?? {}) as Raw).login ?? null, status: u.status }));
  const writer = new SourceWriter(dir, {
    source: 'okta',
    tenant: session.orgUrl,
    collectedAt: opts.collectedAt,
    extra: { collector: COLLECTOR_VERSION, scope: { kind: 'subject', subject, accounts: accountsList } },
  });
  const results = [];
  for (const name of OKTA_DATASETS) {
    opts.onEvent?.({ type: 'start', source: 'okta', dataset: name });
    if (NOT_READ[name]) {
      writer.skip(name, NOT_READ[name]);
      const r = { dataset: name, status: 'missing' as const, count: 0, reason: NOT_READ[name], requests: 0, objects: 0, seconds: 0 };
      results.push(r);
      opts.onEvent?.({ type: 'finish', source: 'okta', ...r });
      continue;
    }
    const w = writer.dataset(name);
    for (const line of g.values(name)) await w.write(line);
    const errs = g.errors.get(name)!;
    const stats = g.st(name);
    await writer.finish(name, errs.length ? 'partial' : 'complete', {
      reason: errs.length ? summarize(errs) : undefined,
      requests: stats.requests,
      objects: stats.objects,
    });
    const entry = writer.manifest.datasets[name];
    entry.scope = 'subject';
    const read = g.parents.get(name);
    if (read) entry.parents = [...read].sort();
    if (name === 'logs') Object.assign(entry, { filter: `(${LOG_FILTER}) and actor.id is one of the accounts`, window });
    if (name === 'apps' && appsVia.size) entry.assignments = [...appsVia].sort().join(', ');
    if (name === 'groupRoles') entry.read = groupRolesVia.size ? [...groupRolesVia].sort().join(', ') : "none: the accounts' role lists name no role held through a group";
    if (stats.throttled) entry.throttled = stats.throttled;
    if (stats.retries) entry.retries = stats.retries;
    const r = { dataset: name, status: entry.status, count: entry.count ?? 0, reason: entry.reason, requests: stats.requests, objects: stats.objects, seconds: 0 };
    results.push(r);
    opts.onEvent?.({ type: 'finish', source: 'okta', ...r });
  }
  writer.manifest.seconds = Math.round(performance.now() - started) / 1000;
  writer.writeManifest();
  return { dir, manifest: writer.manifest, results, accounts: ids };
}
