/**
 * One subject, fast: reads from Microsoft Graph only what the residual-access rules need about one
 * identity and the accounts correlated to it (same `employeeId`, or the subject's mail or UPN as
 * another account's mail or UPN), in a few parallel `$batch` rounds instead of a tenant sweep:
 * - the accounts (active or deleted), their direct group memberships, app role assignments,
 *   delegated consents, active role assignments and PIM eligibilities (also those of the
 *   role-assignable groups they are members of), and the audit events they initiated
 *   (credential changes) or that targeted them (`Disable account`);
 * - what they own (applications, service principals, groups) with every owner of it, the
 *   applications' credentials and federated credentials, the service principals of those
 *   applications with their application permissions and directory roles, and the applications
 *   and service principals targeted by their credential audit events;
 * - as context: the co-owners' user objects, the resource service principals their assignments
 *   point to (for permission names), and every role definition.
 *
 * The manifest says what this is: top-level `scope: {kind: "subject", subject, accounts}`, and
 * each dataset entry `scope: "subject"`. A dataset marked `complete` is complete *for those
 * accounts* — every object the rules read about them is there — not for the tenant; other
 * accounts that appear (co-owners) are context and must not be judged from this collection.
 * A dataset whose reads failed is `partial` or `missing` with the reason, as in a sweep.
 */
import { NotFoundError } from '../../src/model/errors.js';
import { SourceWriter } from '../collection/SourceWriter.js';
import { ENTRA_DATASETS } from './datasets.js';
import { type GraphSession, createGraphSession, resolveTenant } from './client.js';
import { AUDIT_ACTIVITY_FILTER } from './collectDirectoryAudits.js';
import {
  APPLICATION_SELECT,
  APP_ROLE_ASSIGNMENT_SELECT,
  COLLECTOR_VERSION,
  DELETED_USER_SELECT,
  ENTRA_PERMISSIONS,
  FEDERATED_CREDENTIAL_SELECT,
  GROUP_SELECT,
  ROLE_ASSIGNMENT_SELECT,
  ROLE_DEFINITION_SELECT,
  ROLE_ELIGIBILITY_SELECT,
  SERVICE_PRINCIPAL_SELECT,
  TOP,
  USER_SELECT,
  directoryRef,
} from './EntraContext.js';
import { type BatchListRequest, graphBatchLists, graphGet, graphList } from './graphPages.js';
import type { CollectEntraOptions, CollectResult } from './index.js';
import { type RequestStats, newStats, summarize } from '../collection/runDatasets.js';
import { checkSourceFolder, prepareSourceFolder } from '../collection/sourceFolder.js';
import type { SourceApiError } from '../collection/SourceApiError.js';
import { text } from '../../src/model/text.js';

type Raw = Record<string, unknown>;

export interface CollectEntraSubjectOptions extends CollectEntraOptions {
  /** UPN, mail or object id of the subject. */
  subject: string;
  /**
   * Applications and service principals to read as if the subject's audit events had touched them
   * (a verification reads again what a remediation changed, even when the events are too old to list).
   */
  alsoApplications?: readonly string[];
  alsoServicePrincipals?: readonly string[];
}

export interface SubjectCollectResult extends CollectResult {
  /** Object ids of the subject and its correlated accounts. */
  accounts: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const enc = (filter: string) => encodeURIComponent(filter);

class Gather {
  readonly data = new Map<string, Map<string, Raw>>(ENTRA_DATASETS.map((d) => [d, new Map()]));
  readonly stats = new Map<string, RequestStats>(ENTRA_DATASETS.map((d) => [d, newStats()]));
  readonly errors = new Map<string, string[]>(ENTRA_DATASETS.map((d) => [d, []]));
  /** Per-parent datasets: the parents whose list was read in full (an empty list included). */
  readonly parents = new Map<string, Set<string>>();
  readParents(d: string, keys: Iterable<string>): void {
    const set = this.parents.get(d) ?? this.parents.set(d, new Set()).get(d)!;
    for (const k of keys) set.add(k);
  }

  add(dataset: string, key: string, line: Raw): void {
    this.data.get(dataset)!.set(key, line);
  }
  has(dataset: string, key: string): boolean {
    return this.data.get(dataset)!.has(key);
  }
  fail(datasets: readonly string[], reason: string): void {
    for (const d of datasets) this.errors.get(d)!.push(reason);
  }
  values(dataset: string): Raw[] {
    return [...this.data.get(dataset)!.values()];
  }
}

/**
 * The active user a subject names. Graph's `GET /users/{id | userPrincipalName}` takes an object id
 * or a UPN, never a mail address: when it finds nothing and the name is not an object id, the user
 * whose `mail` is that address is looked up with `$filter=mail eq '…'` (a default query, no
 * advanced-query headers needed). Null when neither finds one.
 */
export async function findUser(session: GraphSession, stats: RequestStats, subject: string): Promise<Raw | null> {
  const direct = await graphGet<Raw>(session, stats, `/users/${encodeURIComponent(subject)}?$select=${USER_SELECT}`, {
    permission: ENTRA_PERMISSIONS.users,
  });
  if (direct || GUID.test(subject) || !subject.includes('@')) return direct;
  for await (const u of graphList<Raw>(session, stats, `/users?$filter=${enc(`mail eq ${q(subject)}`)}&$select=${USER_SELECT}&$top=${TOP}`, {
    permission: ENTRA_PERMISSIONS.users,
  })) {
    return u;
  }
  return null;
}

export async function collectEntraSubject(opts: CollectEntraSubjectOptions): Promise<SubjectCollectResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const session = createGraphSession({ ...opts, signal });
  const tenant = await resolveTenant(session, opts.tenant);
  // Refuse an existing collection before reading anything.
  checkSourceFolder(opts.out, 'entra', tenant, { force: opts.force });
  const g = new Gather();
  const started = performance.now();

  /** Run per-key lists (or single GETs) for one dataset's stats; failures mark `feeds` incomplete. */
  const batch = async (
    dataset: string,
    feeds: readonly string[],
    requests: BatchListRequest[],
    onItem: (key: string, item: Raw) => void,
    single = false,
    /** One list per parent: the manifest lists the parents read (a merge drops what they no longer hold). */
    perParent = false,
  ): Promise<void> => {
    if (!requests.length) return;
    const failures: string[] = [];
    const failed = new Set<string>();
    for await (const { key, item } of graphBatchLists<Raw>(session, g.stats.get(dataset)!, requests, {
      single,
      permission: ENTRA_PERMISSIONS[dataset],
      onFailure: (k: string, e: SourceApiError) => {
        failed.add(k);
        failures.push(e.reason);
      },
    })) {
      onItem(key, item);
    }
    if (failures.length) g.fail(feeds, summarize(failures));
    if (perParent) g.readParents(dataset, requests.map((r) => r.key).filter((k) => !failed.has(k)));
  };

  // 0. Every role definition (org-wide, short), started at once.
  const roleDefinitions = (async () => {
    try {
      for await (const d of graphList<Raw>(session, g.stats.get('roleDefinitions')!, `/roleManagement/directory/roleDefinitions?$select=${ROLE_DEFINITION_SELECT}`, {
        permission: ENTRA_PERMISSIONS.roleDefinitions,
      })) {
        g.add('roleDefinitions', String(d.id), d);
      }
    } catch (e) {
      g.fail(['roleDefinitions'], (e as SourceApiError).reason ?? String(e));
    }
  })();

  // 1. The subject, active or deleted.
  const subject = opts.subject.trim();
  const userStats = g.stats.get('users')!;
  const user = await findUser(session, userStats, subject);
  let deleted: Raw | null = null;
  if (!user) {
    const delStats = g.stats.get('deletedUsers')!;
    if (GUID.test(subject)) {
      deleted = await graphGet<Raw>(session, delStats, `/directory/deletedItems/${subject}?$select=${DELETED_USER_SELECT}`);
    } else {
      for await (const d of graphList<Raw>(
        session,
        delStats,
        `/directory/deletedItems/microsoft.graph.user?$filter=${enc(`endswith(userPrincipalName,${q(subject)}) or mail eq ${q(subject)}`)}&$count=true&$select=${DELETED_USER_SELECT}`,
        { headers: { ConsistencyLevel: 'eventual' } },
      )) {
        deleted = d;
        break;
      }
    }
    if (!deleted) throw new NotFoundError(`collect entra: no user ${subject} in tenant ${tenant} (neither active nor deleted)`);
  }

  // 2. Everything about the accounts, in parallel batches (one per dataset, for honest counts):
  //    the subject's own beside the search for correlated accounts (same employeeId, or the
  //    subject's mail/UPN as their mail/UPN), then the correlated accounts' ones.
  const memberOf = new Map<string, Raw>(); // group id → group
  const owned: Raw[] = [];
  const auditTargets = { applications: new Set<string>(), servicePrincipals: new Set<string>() };
  const initiatedAudit = (a: string) =>
    `/auditLogs/directoryAudits?$filter=${enc(`initiatedBy/user/id eq ${q(a)} and ${AUDIT_ACTIVITY_FILTER}`)}&$top=${TOP}`;
  const targetedAudit = (a: string) =>
    `/auditLogs/directoryAudits?$filter=${enc(`targetResources/any(t:t/id eq ${q(a)}) and activityDisplayName eq 'Disable account'`)}&$top=${TOP}`;
  /** The directory role assignments and eligibilities held by `ids` (accounts, role-assignable groups). */
  const readPrincipalRoles = (ids: string[]): Promise<void>[] => [
    batch(
      'roleAssignments',
      ['roleAssignments'],
      ids.map((id) => ({ key: id, url: `/roleManagement/directory/roleAssignments?$filter=${enc(`principalId eq ${q(id)}`)}&$select=${ROLE_ASSIGNMENT_SELECT}` })),
      (_k, x) => g.add('roleAssignments', String(x.id), x),
    ),
    batch(
      'roleEligibilitySchedules',
      ['roleEligibilitySchedules'],
      ids.map((id) => ({ key: id, url: `/roleManagement/directory/roleEligibilitySchedules?$filter=${enc(`principalId eq ${q(id)}`)}&$select=${ROLE_ELIGIBILITY_SELECT}` })),
      (_k, x) => g.add('roleEligibilitySchedules', String(x.id), x),
    ),
  ];
  const readAccounts = (active: string[], allAccounts: string[]): Promise<unknown> =>
    Promise.all([
      batch(
        'groupMembers',
        ['groups', 'groupMembers'],
        active.map((a) => ({ key: a, url: `/users/${a}/memberOf/microsoft.graph.group?$select=${GROUP_SELECT}&$top=${TOP}` })),
        (a, grp) => {
          memberOf.set(String(grp.id), grp);
          g.add('groups', String(grp.id), grp);
          g.add('groupMembers', `${String(grp.id)}|${a}`, { groupId: grp.id, member: { '@odata.type': '#microsoft.graph.user', id: a } });
        },
      ),
      batch(
        'appRoleAssignments',
        ['appRoleAssignments'],
        active.map((a) => ({ key: a, url: `/users/${a}/appRoleAssignments?$select=${APP_ROLE_ASSIGNMENT_SELECT}&$top=${TOP}` })),
        (_a, x) => g.add('appRoleAssignments', String(x.id), x),
      ),
      batch(
        'oauth2PermissionGrants',
        ['oauth2PermissionGrants'],
        active.map((a) => ({ key: a, url: `/users/${a}/oauth2PermissionGrants` })),
        (_a, x) => g.add('oauth2PermissionGrants', String(x.id), x),
      ),
      ...readPrincipalRoles(allAccounts),
      batch(
        'applicationOwners',
        ['groupOwners', 'applicationOwners', 'servicePrincipalOwners', 'applications', 'servicePrincipals', 'federatedIdentityCredentials'],
        active.map((a) => ({ key: a, url: `/users/${a}/ownedObjects?$select=id&$top=${TOP}` })),
        (a, o) => owned.push({ ...o, owner: a }),
      ),
      batch(
        'directoryAudits',
        ['directoryAudits', 'applications', 'servicePrincipals'],
        allAccounts.flatMap((a) => [
          { key: `i|${a}`, url: initiatedAudit(a) },
          { key: `t|${a}`, url: targetedAudit(a) },
        ]),
        (key, ev) => {
          g.add('directoryAudits', String(ev.id), ev);
          if (!key.startsWith('i|')) return;
          for (const t of (Array.isArray(ev.targetResources) ? ev.targetResources : []) as Raw[]) {
            if (typeof t?.id !== 'string') continue;
            if (t.type === 'Application') auditTargets.applications.add(t.id);
            if (t.type === 'ServicePrincipal') auditTargets.servicePrincipals.add(t.id);
          }
        },
      ),
    ]);
  const accounts = new Map<string, Raw>();
  const deletedAccounts = new Map<string, Raw>();
  if (user) accounts.set(String(user.id), user);
  if (deleted) deletedAccounts.set(String(deleted.id), deleted);
  const me = (user ?? deleted)!;
  const mails = [me.mail, me.userPrincipalName].filter((m): m is string => typeof m === 'string' && m.length > 0 && !m.includes('#EXT#'));
  const correlations: string[] = [];
  if (typeof me.employeeId === 'string' && me.employeeId) correlations.push(`employeeId eq ${q(me.employeeId)}`);
  for (const m of new Set(mails.map((x) => x.toLowerCase()))) correlations.push(`mail eq ${q(m)}`, `userPrincipalName eq ${q(m)}`);
  const own = readAccounts(user ? [String(user.id)] : [], [String(me.id)]);
  own.catch(() => undefined);
  await Promise.all(
    correlations.map(async (f) => {
      try {
        for await (const u of graphList<Raw>(session, userStats, `/users?$filter=${enc(f)}&$count=true&$select=${USER_SELECT}&$top=${TOP}`, {
          headers: { ConsistencyLevel: 'eventual' },
          permission: ENTRA_PERMISSIONS.users,
        })) {
          accounts.set(String(u.id), u);
        }
      } catch (e) {
        g.fail(['users'], (e as SourceApiError).reason ?? String(e));
      }
    }),
  );
  for (const [id, u] of accounts) g.add('users', id, u);
  for (const [id, u] of deletedAccounts) g.add('deletedUsers', id, u);
  const active = [...accounts.keys()];
  const allAccounts = [...active, ...deletedAccounts.keys()];

  const meId = String(me.id);
  await Promise.all([own, roleDefinitions, readAccounts(active.filter((a) => a !== meId), allAccounts.filter((a) => a !== meId))]);

  // 3. What they own, and what their audit events touched.
  const typeOf = (o: Raw) => text(o['@odata.type']);
  const ownedApps = new Set(owned.filter((o) => typeOf(o).endsWith('.application')).map((o) => String(o.id)));
  const ownedSps = new Set(owned.filter((o) => typeOf(o).endsWith('.servicePrincipal')).map((o) => String(o.id)));
  const ownedGroups = new Set(owned.filter((o) => typeOf(o).endsWith('.group')).map((o) => String(o.id)));
  const apps = new Set([...ownedApps, ...auditTargets.applications, ...(opts.alsoApplications ?? [])]);
  const sps = new Set([...ownedSps, ...auditTargets.servicePrincipals, ...(opts.alsoServicePrincipals ?? [])]);
  const roleGroups = [...memberOf.values()].filter((grp) => grp.isAssignableToRole === true).map((grp) => String(grp.id));
  const ownerLine = (parentField: string) => (parentId: string, o: Raw) => ({ [parentField]: parentId, owner: directoryRef(o) });
  await Promise.all([
    batch('applications', ['applications'], [...apps].map((id) => ({ key: id, url: `/applications/${id}?$select=${APPLICATION_SELECT}` })), (_k, a) =>
      g.add('applications', String(a.id), a),
    true),
    batch(
      'servicePrincipals',
      ['servicePrincipals'],
      [...sps].map((id) => ({ key: id, url: `/servicePrincipals/${id}?$select=${SERVICE_PRINCIPAL_SELECT}` })),
      (_k, s) => g.add('servicePrincipals', String(s.id), s),
      true,
    ),
    batch(
      'groups',
      ['groups'],
      [...ownedGroups].filter((id) => !memberOf.has(id)).map((id) => ({ key: id, url: `/groups/${id}?$select=${GROUP_SELECT}` })),
      (_k, grp) => g.add('groups', String(grp.id), grp),
      true,
    ),
    batch(
      'applicationOwners',
      ['applicationOwners'],
      [...apps].map((id) => ({ key: id, url: `/applications/${id}/owners?$select=id&$top=${TOP}` })),
      (k, o) => g.add('applicationOwners', `${k}|${String(o.id)}`, ownerLine('applicationId')(k, o)),
      false,
      true,
    ),
    batch(
      'servicePrincipalOwners',
      ['servicePrincipalOwners'],
      [...sps].map((id) => ({ key: id, url: `/servicePrincipals/${id}/owners?$select=id&$top=${TOP}` })),
      (k, o) => g.add('servicePrincipalOwners', `${k}|${String(o.id)}`, ownerLine('servicePrincipalId')(k, o)),
      false,
      true,
    ),
    batch(
      'groupOwners',
      ['groupOwners'],
      [...ownedGroups].map((id) => ({ key: id, url: `/groups/${id}/owners?$select=id&$top=${TOP}` })),
      (k, o) => g.add('groupOwners', `${k}|${String(o.id)}`, ownerLine('groupId')(k, o)),
      false,
      true,
    ),
    batch(
      'federatedIdentityCredentials',
      ['federatedIdentityCredentials'],
      [...apps].map((id) => ({ key: id, url: `/applications/${id}/federatedIdentityCredentials?$select=${FEDERATED_CREDENTIAL_SELECT}` })),
      (k, c) => g.add('federatedIdentityCredentials', `${k}|${String(c.id)}`, { applicationId: k, credential: c }),
      false,
      true,
    ),
    ...readPrincipalRoles(roleGroups),
  ]);

  // 5. The service principals of those applications, then the permissions and roles of every
  //    service principal collected (the reach of an owned credential).
  const appIds = g.values('applications').map((a) => a.appId).filter((x): x is string => typeof x === 'string');
  await batch(
    'servicePrincipals',
    ['servicePrincipals'],
    appIds.map((appId) => ({ key: appId, url: `/servicePrincipals?$filter=${enc(`appId eq ${q(appId)}`)}&$select=${SERVICE_PRINCIPAL_SELECT}` })),
    (_k, s) => g.add('servicePrincipals', String(s.id), s),
  );
  const spIds = g.values('servicePrincipals').map((s) => String(s.id));
  await Promise.all([
    batch(
      'appRoleAssignments',
      ['appRoleAssignments'],
      spIds.map((id) => ({ key: id, url: `/servicePrincipals/${id}/appRoleAssignments?$select=${APP_ROLE_ASSIGNMENT_SELECT}&$top=${TOP}` })),
      (_k, x) => g.add('appRoleAssignments', String(x.id), x),
    ),
    batch(
      'roleAssignments',
      ['roleAssignments'],
      spIds.map((id) => ({
        key: id,
        url: `/roleManagement/directory/roleAssignments?$filter=${enc(`principalId eq ${q(id)}`)}&$select=${ROLE_ASSIGNMENT_SELECT}`,
      })),
      (_k, x) => g.add('roleAssignments', String(x.id), x),
    ),
  ]);

  // 6. Context: resource and client service principals referenced, and co-owners' user objects.
  const referenced = new Set<string>();
  for (const a of g.values('appRoleAssignments')) if (typeof a.resourceId === 'string') referenced.add(a.resourceId);
  for (const x of g.values('oauth2PermissionGrants')) for (const k of ['clientId', 'resourceId']) if (typeof x[k] === 'string') referenced.add(x[k]);
  const missingSps = [...referenced].filter((id) => !g.has('servicePrincipals', id));
  const coOwners = new Set<string>();
  for (const d of ['applicationOwners', 'servicePrincipalOwners', 'groupOwners']) {
    for (const line of g.values(d)) {
      const o = line.owner as Raw;
      if (typeof o?.id === 'string' && typeOf(o).endsWith('.user') && !g.has('users', o.id) && !g.has('deletedUsers', o.id)) coOwners.add(o.id);
    }
  }
  await Promise.all([
    batch('servicePrincipals', ['servicePrincipals'], missingSps.map((id) => ({ key: id, url: `/servicePrincipals/${id}?$select=${SERVICE_PRINCIPAL_SELECT}` })), (_k, s) =>
      g.add('servicePrincipals', String(s.id), s),
    true),
    batch('users', ['users'], [...coOwners].map((id) => ({ key: id, url: `/users/${id}?$select=${USER_SELECT}` })), (_k, u) => g.add('users', String(u.id), u), true),
  ]);

  // 7. Write the collection.
  const dir = prepareSourceFolder(opts.out, 'entra', tenant, { force: opts.force });
  const accountsList = [...accounts.values(), ...deletedAccounts.values()].map((u) => ({
    id: u.id,
    userPrincipalName: u.userPrincipalName ?? null,
    deleted: deletedAccounts.has(String(u.id)),
  }));
  const writer = new SourceWriter(dir, {
    source: 'entra',
    tenant,
    collectedAt: opts.collectedAt,
    extra: {
      collector: COLLECTOR_VERSION,
      graphUrl: session.graphUrl,
      scope: { kind: 'subject', subject, accounts: accountsList },
    },
  });
  const results = [];
  for (const name of ENTRA_DATASETS) {
    const w = writer.dataset(name);
    opts.onEvent?.({ type: 'start', source: 'entra', dataset: name });
    for (const line of g.values(name)) await w.write(line);
    const errs = g.errors.get(name)!;
    const stats = g.stats.get(name)!;
    await writer.finish(name, errs.length ? 'partial' : 'complete', {
      reason: errs.length ? summarize(errs) : undefined,
      requests: stats.requests,
      objects: stats.objects,
    });
    const entry = writer.manifest.datasets[name];
    entry.scope = 'subject';
    const read = g.parents.get(name);
    if (read) entry.parents = [...read].sort();
    if (stats.throttled) entry.throttled = stats.throttled;
    if (stats.retries) entry.retries = stats.retries;
    const r = { dataset: name, status: entry.status, count: entry.count ?? 0, reason: entry.reason, requests: stats.requests, objects: stats.objects, seconds: 0 };
    results.push(r);
    opts.onEvent?.({ type: 'finish', source: 'entra', ...r });
  }
  writer.manifest.seconds = Math.round(performance.now() - started) / 1000;
  writer.writeManifest();
  return { dir, manifest: writer.manifest, results, accounts: accountsList.map((a) => String(a.id)) };
}
