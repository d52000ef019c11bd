/**
 * `collect entra --delta`: reads only what changed in a tenant since a previous collection (the
 * base, a full or delta Entra source folder) and writes it as a delta collection — the same
 * format, whose manifest names its base (`delta.base`) and says per dataset how it was read:
 *
 * - Graph delta queries where Graph has them: users, groups (with `members@delta`, which gives
 *   groupMembers), applications, service principals, oauth2PermissionGrants. The base ledger's
 *   `deltaLink` is followed; each dataset's new one is kept in this ledger. Changed objects are
 *   written whole (what Graph sends of a changed object is laid over the base's line), removed ones
 *   as `{"id", "@removed"}` tombstones. A dataset whose link is missing, expired or refused (410
 *   `resyncRequired`, `syncStateNotFound`) is read in full instead, after taking a fresh link with
 *   `$deltatoken=latest` — the ledger says so (`mode: "full"`, `fallback`).
 * - The directory audit log since the base (minus an overlap) for the lists Graph has no delta
 *   for: owners of groups, applications and service principals ("Add/Remove owner to/from …"),
 *   federated credentials ("Update application"), app role assignments ("Add/Remove app role
 *   assignment …"): the lists of the objects named are read again and replace the base's lines
 *   (what is gone becomes a tombstone), as are those of new objects; the lines under a removed
 *   object go with it. The events the rules read are appended to directoryAudits.
 * - Everything small is read again in full: deleted users, role definitions, role assignments,
 *   PIM eligibilities.
 *
 * Audit events reach the log minutes after the change: the window starts `overlapMinutes` (30)
 * before the base's collection time, and reading an event twice changes nothing.
 */
import { text } from '../../src/model/text.js';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/model/errors.js';
import { canonicalId } from '../../src/model/ids.js';
import { type ChainFolder, chainOf, currentLines } from '../collection/collectionChain.js';
import { type CollectResult, type DatasetOutput, type DatasetResult, type DatasetTask, runDatasets } from '../collection/runDatasets.js';
import { recordSpec } from '../collection/records.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { SourceWriter } from '../collection/SourceWriter.js';
import { prepareSourceFolder } from '../collection/sourceFolder.js';
import { type GraphSession, createGraphSession, resolveTenant } from './client.js';
import { AUDIT_ACTIVITY_FILTER } from './collectDirectoryAudits.js';
import { collectDeletedUsers } from './collectDirectory.js';
import { collectRoleAssignments, collectRoleDefinitions, collectRoleEligibilitySchedules } from './collectGrantsAndRoles.js';
import { APPLICATION_OWNERS, APP_ROLE_ASSIGNED_TO, FEDERATED_CREDENTIALS, GROUP_MEMBERS, GROUP_OWNERS, SERVICE_PRINCIPAL_OWNERS, perParentLists } from './collectRelationships.js';
import { normalizeActivity } from './directoryAudits.js';
import {
  APPLICATION_SELECT,
  COLLECTOR_VERSION,
  ENTRA_PERMISSIONS,
  type EntraContext,
  GROUP_SELECT,
  SERVICE_PRINCIPAL_SELECT,
  TOP,
  USER_SELECT,
  directoryRef,
} from './EntraContext.js';
import { graphBatchLists, graphDeltaRound, graphList } from './graphPages.js';
import type { CollectEntraOptions } from './index.js';
import type { Manifest } from '../collection/manifest.js';
import { pipe } from '../collection/sourceFolder.js';

type Raw = Record<string, unknown>;

export interface CollectEntraDeltaOptions extends CollectEntraOptions {
  /** The collection this one extends: a collection folder holding `entra/`, or the source folder itself. */
  base: string;
  /** Minutes the audit window reaches back before the base's collection time (default 30). */
  overlapMinutes?: number;
}

/** Audit activities that name objects whose lists Graph cannot track with a delta query. */
export const DELTA_SIGNALS = {
  groupOwners: ['Add owner to group', 'Remove owner from group'],
  applicationOwners: ['Add owner to application', 'Remove owner from application'],
  servicePrincipalOwners: ['Add owner to service principal', 'Remove owner from service principal'],
  appRoleAssignments: [
    'Add app role assignment to service principal',
    'Remove app role assignment from service principal',
    'Add app role assignment grant to user',
    'Remove app role assignment from user',
    'Add app role assignment to group',
    'Remove app role assignment from group',
  ],
} as const;

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The filter of the change-detection read: every signal activity and the activities the rules read. */
export function deltaAuditFilter(since: string, until: string): string {
  const names = Object.values(DELTA_SIGNALS).flat();
  const acts = `(${names.map((n) => `activityDisplayName eq ${q(n)}`).join(' or ')} or ${AUDIT_ACTIVITY_FILTER.slice(1, -1)})`;
  return `${acts} and activityDateTime ge ${new Date(since).toISOString()} and activityDateTime le ${new Date(until).toISOString()}`;
}

/** The Entra source folder of a collection (or the folder itself). */
export function entraSourceFolder(base: string): string {
  const r = resolve(base);
  if (existsSync(join(r, 'manifest.json'))) return r;
  if (existsSync(join(r, 'entra', 'manifest.json'))) return join(r, 'entra');
  throw new InputError(`collect entra --delta: --base ${base}: no Entra collection there (expected manifest.json or entra/manifest.json)`, { file: base });
}

interface Shared {
  session: GraphSession;
  chain: ChainFolder[];
  base: Manifest;
  /** Objects named by signal events, per list. */
  signals: Record<keyof typeof DELTA_SIGNALS | 'federatedIdentityCredentials', Set<string>>;
  added: { groups: Set<string>; applications: Set<string>; servicePrincipals: Set<string> };
  removed: { groups: Set<string>; applications: Set<string>; servicePrincipals: Set<string>; users: Set<string> };
  /** `members@delta` of the groups round; null when groups were read in full. */
  memberChanges: { groupId: string; ref: Raw; removed: boolean }[] | null;
}

export async function collectEntraDelta(opts: CollectEntraDeltaOptions): Promise<CollectResult & { base: string }> {
  const signal = opts.signal ?? new AbortController().signal;
  const baseDir = entraSourceFolder(opts.base);
  const chain = chainOf(baseDir);
  const base = chain[0].manifest;
  if (base.source !== 'entra') throw new InputError(`collect entra --delta: --base ${opts.base} is a ${base.source} collection`, { file: join(baseDir, 'manifest.json') });
  if ((base.scope as { kind?: string } | undefined)?.kind === 'subject') {
    throw new InputError(`collect entra --delta: --base ${opts.base} is a per-subject collection; a delta extends a tenant collection`, { file: join(baseDir, 'manifest.json') });
  }
  const session = createGraphSession({ ...opts, signal });
  const tenant = await resolveTenant(session, opts.tenant);
  if (canonicalId(tenant) !== canonicalId(base.tenant)) {
    throw new InputError(`collect entra --delta: --base ${opts.base} is tenant ${base.tenant}, not ${tenant}`, { file: join(baseDir, 'manifest.json'), field: 'tenant' });
  }
  const collectedAt = opts.collectedAt ?? new Date().toISOString();
  const overlap = (opts.overlapMinutes ?? 30) * 60_000;
  const since = new Date(Math.min(Date.parse(base.collectedAt) - overlap, opts.since ? Date.parse(opts.since) : Infinity)).toISOString();
  const until = opts.until ?? collectedAt;
  const dir = prepareSourceFolder(opts.out, 'entra', tenant, { force: opts.force });
  if (resolve(dir) === resolve(baseDir)) throw new InputError(`collect entra --delta: --out must not be the base collection (${baseDir})`);
  const writer = new SourceWriter(dir, {
    source: 'entra',
    tenant,
    collectedAt,
    extra: {
      collector: COLLECTOR_VERSION,
      graphUrl: session.graphUrl,
      scope: { kind: 'tenant' },
      delta: { base: { path: baseDir, collectedAt: base.collectedAt }, window: { since, until } },
    },
  });
  const sh: Shared = {
    session,
    chain,
    base,
    signals: { groupOwners: new Set(), applicationOwners: new Set(), servicePrincipalOwners: new Set(), appRoleAssignments: new Set(), federatedIdentityCredentials: new Set() },
    added: { groups: new Set(), applications: new Set(), servicePrincipals: new Set() },
    removed: { groups: new Set(), applications: new Set(), servicePrincipals: new Set(), users: new Set() },
    memberChanges: [],
  };
  const ctx: EntraContext = { session, since, until };
  let results: DatasetResult[];
  try {
    results = await runDatasets({ writer, source: 'entra', tasks: deltaTasks(sh, ctx, base), parallel: opts.parallelDatasets, signal, onEvent: opts.onEvent });
  } catch (e) {
    await writer.abort(`collection failed: ${(e as Error)?.message ?? e}`);
    throw e;
  }
  return { dir, manifest: writer.manifest, results, base: baseDir };
}

function deltaTasks(sh: Shared, ctx: EntraContext, base: Manifest): DatasetTask[] {
  const ledger = (name: string, l: Record<string, unknown>): Record<string, unknown> => {
    l.mode = 'delta';
    void name;
    return l;
  };
  const full = (name: string, run: (out: DatasetOutput) => AsyncIterable<Raw>, after?: string[]): DatasetTask => ({
    name,
    after,
    ledger: { mode: 'full', via: 're-read in full (small)' },
    run: (out) => pipe(run(out), out),
  });
  const L = {
    users: ledger('users', {}),
    groups: ledger('groups', {}),
    groupMembers: ledger('groupMembers', {}),
    groupOwners: ledger('groupOwners', {}),
    applications: ledger('applications', {}),
    applicationOwners: ledger('applicationOwners', {}),
    federatedIdentityCredentials: ledger('federatedIdentityCredentials', {}),
    servicePrincipals: ledger('servicePrincipals', {}),
    servicePrincipalOwners: ledger('servicePrincipalOwners', {}),
    appRoleAssignments: ledger('appRoleAssignments', {}),
    oauth2PermissionGrants: ledger('oauth2PermissionGrants', {}),
    directoryAudits: ledger('directoryAudits', {}),
  };
  const baseWindow = (base.datasets.directoryAudits as { window?: { since?: string | null } } | undefined)?.window;
  L.directoryAudits.filter = AUDIT_ACTIVITY_FILTER;
  L.directoryAudits.window = { since: baseWindow?.since ?? null, until: ctx.until ?? null };
  L.directoryAudits.via = 'events since the base appended (the change-detection read of the directory audit log)';
  return [
    { name: 'directoryAudits', ledger: L.directoryAudits, run: (out) => readAudits(sh, ctx, out) },
    {
      name: 'users',
      ledger: L.users,
      run: (out) => deltaDataset(sh, out, L.users, 'users', `/users/delta?$select=${USER_SELECT}`, `/users?$select=${USER_SELECT}&$top=${TOP}`, ENTRA_PERMISSIONS.users),
    },
    full('deletedUsers', (o) => collectDeletedUsers(ctx, o)),
    {
      name: 'groups',
      ledger: L.groups,
      run: (out) => deltaDataset(sh, out, L.groups, 'groups', `/groups/delta?$select=${GROUP_SELECT},members`, `/groups?$select=${GROUP_SELECT}&$top=${TOP}`, ENTRA_PERMISSIONS.groups),
    },
    { name: 'groupMembers', after: ['groups'], ledger: L.groupMembers, run: (out) => groupMembers(sh, ctx, out, L.groupMembers) },
    {
      name: 'groupOwners',
      after: ['groups', 'directoryAudits'],
      ledger: L.groupOwners,
      run: (out) => rereadChildren(sh, ctx, out, L.groupOwners, GROUP_OWNERS, 'groupOwners', sh.signals.groupOwners, 'groups'),
    },
    {
      name: 'applications',
      ledger: L.applications,
      run: (out) =>
        deltaDataset(sh, out, L.applications, 'applications', `/applications/delta?$select=${APPLICATION_SELECT}`, `/applications?$select=${APPLICATION_SELECT}&$top=${TOP}`, ENTRA_PERMISSIONS.applications),
    },
    {
      name: 'applicationOwners',
      after: ['applications', 'directoryAudits'],
      ledger: L.applicationOwners,
      run: (out) => rereadChildren(sh, ctx, out, L.applicationOwners, APPLICATION_OWNERS, 'applicationOwners', sh.signals.applicationOwners, 'applications'),
    },
    {
      name: 'federatedIdentityCredentials',
      after: ['applications', 'directoryAudits'],
      ledger: L.federatedIdentityCredentials,
      run: (out) =>
        rereadChildren(sh, ctx, out, L.federatedIdentityCredentials, FEDERATED_CREDENTIALS, 'federatedIdentityCredentials', sh.signals.federatedIdentityCredentials, 'applications'),
    },
    {
      name: 'servicePrincipals',
      ledger: L.servicePrincipals,
      run: (out) =>
        deltaDataset(
          sh,
          out,
          L.servicePrincipals,
          'servicePrincipals',
          `/servicePrincipals/delta?$select=${SERVICE_PRINCIPAL_SELECT}`,
          `/servicePrincipals?$select=${SERVICE_PRINCIPAL_SELECT}&$top=${TOP}`,
          ENTRA_PERMISSIONS.servicePrincipals,
        ),
    },
    {
      name: 'servicePrincipalOwners',
      after: ['servicePrincipals', 'directoryAudits'],
      ledger: L.servicePrincipalOwners,
      run: (out) => rereadChildren(sh, ctx, out, L.servicePrincipalOwners, SERVICE_PRINCIPAL_OWNERS, 'servicePrincipalOwners', sh.signals.servicePrincipalOwners, 'servicePrincipals'),
    },
    {
      name: 'appRoleAssignments',
      after: ['servicePrincipals', 'directoryAudits', 'users'],
      ledger: L.appRoleAssignments,
      run: (out) => rereadChildren(sh, ctx, out, L.appRoleAssignments, APP_ROLE_ASSIGNED_TO, 'appRoleAssignments', sh.signals.appRoleAssignments, 'servicePrincipals'),
    },
    {
      name: 'oauth2PermissionGrants',
      ledger: L.oauth2PermissionGrants,
      run: (out) => deltaDataset(sh, out, L.oauth2PermissionGrants, 'oauth2PermissionGrants', '/oauth2PermissionGrants/delta', '/oauth2PermissionGrants', ENTRA_PERMISSIONS.oauth2PermissionGrants),
    },
    full('roleDefinitions', (o) => collectRoleDefinitions(ctx, o)),
    full('roleAssignments', (o) => collectRoleAssignments(ctx, o)),
    full('roleEligibilitySchedules', (o) => collectRoleEligibilitySchedules(ctx, o)),
  ];
}

const SIGNAL_OF = new Map<string, keyof typeof DELTA_SIGNALS>();
for (const [list, names] of Object.entries(DELTA_SIGNALS)) for (const n of names) SIGNAL_OF.set(n, list as keyof typeof DELTA_SIGNALS);
const RULE_ACTIVITIES = new Set(['Disable account', 'Add service principal credentials']);

/** The audit log since the base: signals for the re-reads, and the events the rules read (appended). */
async function readAudits(sh: Shared, ctx: EntraContext, out: DatasetOutput): Promise<void> {
  const url = `/auditLogs/directoryAudits?$filter=${encodeURIComponent(deltaAuditFilter(ctx.since!, ctx.until!))}&$top=${TOP}`;
  for await (const ev of graphList<Raw>(sh.session, out.stats, url, { permission: ENTRA_PERMISSIONS.directoryAudits })) {
    const activity = normalizeActivity(text(ev.activityDisplayName));
    const targets = (Array.isArray(ev.targetResources) ? ev.targetResources : []) as Raw[];
    const ids = (type: string) => targets.filter((t) => text(t?.type).toLowerCase() === type.toLowerCase() && typeof t.id === 'string').map((t) => canonicalId(String(t.id)));
    const list = SIGNAL_OF.get(activity);
    if (list === 'groupOwners') for (const id of ids('Group')) sh.signals.groupOwners.add(id);
    if (list === 'applicationOwners') for (const id of ids('Application')) sh.signals.applicationOwners.add(id);
    if (list === 'servicePrincipalOwners') for (const id of ids('ServicePrincipal')) sh.signals.servicePrincipalOwners.add(id);
    if (list === 'appRoleAssignments') for (const id of ids('ServicePrincipal')) sh.signals.appRoleAssignments.add(id);
    if (activity.startsWith('Update application')) for (const id of ids('Application')) sh.signals.federatedIdentityCredentials.add(id);
    if (RULE_ACTIVITIES.has(activity) || activity.startsWith('Update application')) await out.write(ev);
  }
}

const RESYNC = new Set(['resyncRequired', 'syncStateNotFound', 'SyncStateNotFound', 'ResyncRequired']);

/**
 * One dataset through its delta query: follow the base's deltaLink, lay changed objects over the
 * base's lines, write removed ones as tombstones; with no usable link, read the dataset in full.
 */
async function deltaDataset(sh: Shared, out: DatasetOutput, ledger: Record<string, unknown>, dataset: 'users' | 'groups' | 'applications' | 'servicePrincipals' | 'oauth2PermissionGrants', deltaUrl: string, fullUrl: string, permission: string): Promise<void> {
  const link = (sh.base.datasets[dataset] as { deltaLink?: unknown } | undefined)?.deltaLink;
  const baseStatus = sh.base.datasets[dataset]?.status;
  let fallback: string | undefined;
  if (typeof link !== 'string' || !link) fallback = 'the base has no deltaLink for it';
  else if (baseStatus !== 'complete') fallback = `the base's ${dataset} is ${baseStatus ?? 'missing'}`;
  if (!fallback) {
    const changed = new Map<string, Raw>();
    const removed: Raw[] = [];
    try {
      const next = await graphDeltaRound(sh.session, out.stats, link as string, (item) => {
        const id = canonicalId(text(item.id));
        if (!id) return;
        if (item['@removed']) {
          changed.delete(id);
          removed.push({ id: item.id, '@removed': item['@removed'] });
          return;
        }
        if (dataset === 'groups') noteMembers(sh, id, item);
        const prev = changed.get(id);
        changed.set(id, prev ? { ...prev, ...item } : item);
      }, { permission });
      // Objects Graph sent only in part (a group whose members alone changed) are laid over the base's line.
      const partial = new Set([...changed.keys()]);
      const baseLines = new Map<string, Raw>();
      for await (const line of currentLines(sh.chain, 'entra', dataset, (l) => partial.has(canonicalId(text(l.id))))) baseLines.set(canonicalId(String(line.id)), line);
      for (const [id, item] of changed) {
        const { 'members@delta': _m, ...props } = item;
        const prev = baseLines.get(id);
        if (prev && Object.keys(props).length <= 1) continue; // only its membership changed
        if (!prev) addedOf(sh, dataset)?.add(id);
        await out.write(prev ? { ...prev, ...props } : props);
      }
      for (const r of removed) {
        removedOf(sh, dataset)?.add(canonicalId(String(r.id)));
        await out.write(r);
      }
      ledger.deltaLink = next;
      ledger.via = 'Graph delta query';
      ledger.upserts = changed.size;
      ledger.removals = removed.length;
      return;
    } catch (e) {
      if (!(e instanceof SourceApiError) || !(e.status === 410 || RESYNC.has(String(e.providerCode)) || e.status === 400 || e.status === 404)) throw e;
      fallback = `the delta link was refused (${e.reason}): read in full`;
      if (dataset === 'groups') sh.memberChanges = null;
    }
  }
  // In full: a fresh link first (changes from now on are in the next delta), then every object.
  const fresh = await graphDeltaRound(sh.session, out.stats, `${deltaUrl}&$deltatoken=latest`.replace('/delta&', '/delta?'), () => {}, { permission });
  if (dataset === 'groups') sh.memberChanges = null;
  const seen = new Set<string>();
  for await (const o of graphList<Raw>(sh.session, out.stats, fullUrl, { permission })) {
    seen.add(canonicalId(String(o.id)));
    await out.write(o);
  }
  // What the base had and the tenant no longer has is removed with its lists.
  for await (const line of currentLines(sh.chain, 'entra', dataset, (l) => !seen.has(canonicalId(text(l.id))))) removedOf(sh, dataset)?.add(canonicalId(String(line.id)));
  for (const id of seen) addedOf(sh, dataset)?.add(id);
  ledger.mode = 'full';
  ledger.deltaLink = fresh;
  ledger.fallback = fallback;
  ledger.via = 'read in full';
}

function addedOf(sh: Shared, dataset: string): Set<string> | undefined {
  return (sh.added as Record<string, Set<string>>)[dataset];
}
function removedOf(sh: Shared, dataset: string): Set<string> | undefined {
  return (sh.removed as Record<string, Set<string>>)[dataset];
}

function noteMembers(sh: Shared, groupId: string, item: Raw): void {
  const md = item['members@delta'];
  if (!sh.memberChanges || !Array.isArray(md)) return;
  for (const m of md as Raw[]) {
    if (typeof m?.id !== 'string') continue;
    sh.memberChanges.push({ groupId, ref: directoryRef(m), removed: !!m['@removed'] });
  }
}

/** groupMembers from the groups round's `members@delta` (or in full when groups were read in full). */
async function groupMembers(sh: Shared, ctx: EntraContext, out: DatasetOutput, ledger: Record<string, unknown>): Promise<void> {
  if (sh.memberChanges === null) {
    ledger.mode = 'full';
    ledger.via = 'read in full (the groups delta could not be used)';
    const ids: string[] = [];
    for await (const g of currentLines([{ dir: out.dir, manifest: { datasets: { groups: { status: 'complete' } } } as unknown as Manifest }], 'entra', 'groups')) ids.push(String(g.id));
    for await (const line of perParentLists(ctx, out, ids, GROUP_MEMBERS)) await out.write(line);
    return;
  }
  ledger.via = 'members@delta of the groups delta query';
  const last = new Map<string, { groupId: string; ref: Raw; removed: boolean }>();
  for (const c of sh.memberChanges) last.set(`${c.groupId}|${canonicalId(String(c.ref.id))}`, c);
  for (const c of last.values()) {
    await out.write(c.removed ? { groupId: c.groupId, member: c.ref, '@removed': { reason: 'deleted' } } : { groupId: c.groupId, member: c.ref });
  }
  // A removed group takes its memberships with it.
  await tombstoneUnder(sh, out, 'groupMembers', sh.removed.groups, new Set(last.keys()));
}

/** Tombstones for the base lines of a dataset under the given parents (except keys already written). */
async function tombstoneUnder(sh: Shared, out: DatasetOutput, dataset: string, parents: ReadonlySet<string>, except: ReadonlySet<string> = new Set()): Promise<number> {
  if (!parents.size) return 0;
  const spec = recordSpec('entra', dataset)!;
  let n = 0;
  for await (const line of currentLines(sh.chain, 'entra', dataset, (l) => parents.has(spec.parent?.(l) ?? ''))) {
    const k = spec.key(line);
    if (k && except.has(k)) continue;
    await out.write({ ...line, '@removed': { reason: 'deleted' } });
    n++;
  }
  return n;
}

/**
 * A per-parent list Graph has no delta for: the lists of the parents the audit log names, and of
 * new parents, are read again and replace the base's lines under them; lines under removed
 * parents are removed. A parent whose list could not be read keeps its base lines (the dataset is
 * partial, with the reason).
 */
async function rereadChildren(
  sh: Shared,
  ctx: EntraContext,
  out: DatasetOutput,
  ledger: Record<string, unknown>,
  spec: Parameters<typeof perParentLists>[3],
  dataset: string,
  named: ReadonlySet<string>,
  parents: 'groups' | 'applications' | 'servicePrincipals',
): Promise<void> {
  const rs = recordSpec('entra', dataset)!;
  if (sh.base.datasets[dataset]?.status !== 'complete' || (parents === 'groups' && sh.memberChanges === null && dataset !== 'groupOwners')) {
    // The base cannot be built on: read the whole list again.
    ledger.mode = 'full';
    ledger.via = `read in full (the base's ${dataset} is ${sh.base.datasets[dataset]?.status ?? 'missing'})`;
    const ids: string[] = [];
    for await (const p of currentLines(sh.chain, 'entra', parents)) ids.push(String(p.id));
    for await (const line of perParentLists(ctx, out, ids, spec)) await out.write(line);
    return;
  }
  const removed = sh.removed[parents];
  const reread = new Set([...named, ...sh.added[parents]].filter((id) => !removed.has(id)));
  const failed = new Set<string>();
  const present = new Set<string>();
  for await (const { key, item } of graphBatchLists<Raw>(sh.session, out.stats, [...reread].map((id) => ({ key: id, url: spec.url(id) })), {
    permission: spec.permission,
    onFailure: (k, e) => {
      failed.add(k);
      out.incomplete(`${e.reason} for the ${spec.noun} named by the audit log`);
    },
  })) {
    const line = spec.line(key, item);
    const k = rs.key(line);
    if (k) present.add(k);
    await out.write(line);
  }
  const replaced = new Set([...reread].filter((id) => !failed.has(id)));
  const gone = new Set([...replaced, ...removed]);
  const n = await tombstoneUnder(sh, out, dataset, gone, present);
  ledger.via = `directory audit log: ${reread.size} ${spec.noun} read again`;
  ledger.reread = reread.size;
  ledger.removals = n;
}
