/**
 * Entra collectors for the per-object lists: `groupMembers`, `groupOwners` (per group),
 * `applicationOwners`, `federatedIdentityCredentials` (per application), `servicePrincipalOwners`
 * and `appRoleAssignments` (`appRoleAssignedTo`, per service principal). Parent ids come from the
 * parent dataset already written in this collection (so `--resume` works), and the lists are read
 * through JSON `$batch`, 20 per batch. A parent whose list still fails after the retries is
 * reported with `out.incomplete`, which makes the dataset partial with a reason such as
 * `HTTP 503 after 6 attempts on /groups/{id}/members for 3 groups`.
 */
import { type DatasetOutput, readWrittenIds } from '../collection/runDatasets.js';
import {
  APP_ROLE_ASSIGNMENT_SELECT,
  ENTRA_PERMISSIONS,
  type EntraContext,
  FEDERATED_CREDENTIAL_SELECT,
  TOP,
  directoryRef,
} from './EntraContext.js';
import { graphBatchLists } from './graphPages.js';
import type { SourceApiError } from '../collection/SourceApiError.js';

type Raw = Record<string, unknown>;

interface PerParentSpec {
  /** Dataset holding the parents (`groups`). */
  parent: string;
  /** Parent noun for reasons (`groups`). */
  noun: string;
  /** Relative URL of one parent's list. */
  url(id: string): string;
  /** The line written for one child. */
  line(parentId: string, child: Raw): Raw;
  permission: string;
}

/** Read one per-parent list for every parent id; report failures grouped by cause. */
export async function* perParentLists(ctx: EntraContext, out: DatasetOutput, ids: readonly string[], spec: PerParentSpec): AsyncGenerator<Raw> {
  const failures = new Map<string, number>();
  let done = 0;
  out.progress(0, ids.length);
  const items = graphBatchLists<Raw>(
    ctx.session,
    out.stats,
    ids.map((id) => ({ key: id, url: spec.url(id) })),
    {
      permission: spec.permission,
      onDone: () => out.progress(++done, ids.length),
      onFailure: (_key: string, err: SourceApiError) => {
        failures.set(err.reason, (failures.get(err.reason) ?? 0) + 1);
        out.progress(++done, ids.length);
      },
    },
  );
  for await (const { key, item } of items) yield spec.line(key, item);
  if (failures.size === 1 && [...failures.values()][0] === ids.length) {
    // Every parent failed the same way (typically a missing permission): nothing could be read.
    const [reason] = failures.keys();
    throw new Error(`${reason} for all ${ids.length} ${spec.noun}`);
  }
  for (const [reason, n] of failures) out.incomplete(`${reason} for ${n} ${spec.noun}`);
}

async function* fromParents(ctx: EntraContext, out: DatasetOutput, spec: PerParentSpec): AsyncGenerator<Raw> {
  const ids = await readWrittenIds(out.dir, spec.parent);
  yield* perParentLists(ctx, out, ids, spec);
}

export const GROUP_MEMBERS: PerParentSpec = {
  parent: 'groups',
  noun: 'groups',
  url: (id) => `/groups/${id}/members?$select=id&$top=${TOP}`,
  line: (groupId, m) => ({ groupId, member: directoryRef(m) }),
  permission: ENTRA_PERMISSIONS.groupMembers,
};

export const GROUP_OWNERS: PerParentSpec = {
  parent: 'groups',
  noun: 'groups',
  url: (id) => `/groups/${id}/owners?$select=id&$top=${TOP}`,
  line: (groupId, o) => ({ groupId, owner: directoryRef(o) }),
  permission: ENTRA_PERMISSIONS.groupOwners,
};

export const APPLICATION_OWNERS: PerParentSpec = {
  parent: 'applications',
  noun: 'applications',
  url: (id) => `/applications/${id}/owners?$select=id&$top=${TOP}`,
  line: (applicationId, o) => ({ applicationId, owner: directoryRef(o) }),
  permission: ENTRA_PERMISSIONS.applicationOwners,
};

export const FEDERATED_CREDENTIALS: PerParentSpec = {
  parent: 'applications',
  noun: 'applications',
  url: (id) => `/applications/${id}/federatedIdentityCredentials?$select=${FEDERATED_CREDENTIAL_SELECT}`,
  line: (applicationId, credential) => ({ applicationId, credential }),
  permission: ENTRA_PERMISSIONS.federatedIdentityCredentials,
};

export const SERVICE_PRINCIPAL_OWNERS: PerParentSpec = {
  parent: 'servicePrincipals',
  noun: 'service principals',
  url: (id) => `/servicePrincipals/${id}/owners?$select=id&$top=${TOP}`,
  line: (servicePrincipalId, o) => ({ servicePrincipalId, owner: directoryRef(o) }),
  permission: ENTRA_PERMISSIONS.servicePrincipalOwners,
};

export const APP_ROLE_ASSIGNED_TO: PerParentSpec = {
  parent: 'servicePrincipals',
  noun: 'service principals',
  url: (id) => `/servicePrincipals/${id}/appRoleAssignedTo?$select=${APP_ROLE_ASSIGNMENT_SELECT}&$top=${TOP}`,
  line: (_spId, a) => a,
  permission: ENTRA_PERMISSIONS.appRoleAssignments,
};

export const collectGroupMembers = (ctx: EntraContext, out: DatasetOutput) => fromParents(ctx, out, GROUP_MEMBERS);
export const collectGroupOwners = (ctx: EntraContext, out: DatasetOutput) => fromParents(ctx, out, GROUP_OWNERS);
export const collectApplicationOwners = (ctx: EntraContext, out: DatasetOutput) => fromParents(ctx, out, APPLICATION_OWNERS);
export const collectFederatedIdentityCredentials = (ctx: EntraContext, out: DatasetOutput) => fromParents(ctx, out, FEDERATED_CREDENTIALS);
export const collectServicePrincipalOwners = (ctx: EntraContext, out: DatasetOutput) => fromParents(ctx, out, SERVICE_PRINCIPAL_OWNERS);
export const collectAppRoleAssignments = (ctx: EntraContext, out: DatasetOutput) => fromParents(ctx, out, APP_ROLE_ASSIGNED_TO);
