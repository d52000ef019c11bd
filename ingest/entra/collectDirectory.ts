/**
 * Entra collectors for the tenant-wide lists that need no parent: `users`, `deletedUsers`,
 * `groups`, `applications`, `servicePrincipals` — one paged Graph list each, `$select`ing the
 * fields the rules read and `$top=999`. Secret values (`secretText`, certificate `key`) are not
 * selected; SourceWriter strips them again if a service returned them anyway.
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import {
  APPLICATION_SELECT,
  DELETED_USER_SELECT,
  ENTRA_PERMISSIONS,
  type EntraContext,
  GROUP_SELECT,
  SERVICE_PRINCIPAL_SELECT,
  TOP,
  USER_SELECT,
} from './EntraContext.js';
import { graphList } from './graphPages.js';

type Raw = Record<string, unknown>;

export function collectUsers(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/users?$select=${USER_SELECT}&$top=${TOP}`, { permission: ENTRA_PERMISSIONS.users });
}

export function collectDeletedUsers(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/directory/deletedItems/microsoft.graph.user?$select=${DELETED_USER_SELECT}&$top=${TOP}`, {
    permission: ENTRA_PERMISSIONS.deletedUsers,
  });
}

export function collectGroups(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/groups?$select=${GROUP_SELECT}&$top=${TOP}`, { permission: ENTRA_PERMISSIONS.groups });
}

export function collectApplications(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/applications?$select=${APPLICATION_SELECT}&$top=${TOP}`, {
    permission: ENTRA_PERMISSIONS.applications,
  });
}

export function collectServicePrincipals(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/servicePrincipals?$select=${SERVICE_PRINCIPAL_SELECT}&$top=${TOP}`, {
    permission: ENTRA_PERMISSIONS.servicePrincipals,
  });
}
