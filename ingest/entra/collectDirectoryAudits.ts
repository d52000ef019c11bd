/**
 * Entra `directoryAudits`: the directory audit events the rules read, filtered on the server —
 * `Disable account` (departure time), `Add service principal credentials` and every
 * `Update application…` event (credentials added by the subject). The audit log API is throttled
 * to a few requests per 10 seconds per app and tenant, so reading every event of a large tenant
 * is neither possible nor needed; the ledger records the filter, so a reader knows the dataset is
 * complete *for these activities* over the window Entra retains (or `--since`/`--until`).
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import { ENTRA_PERMISSIONS, type EntraContext, TOP } from './EntraContext.js';
import { graphList } from './graphPages.js';

type Raw = Record<string, unknown>;

/** The activities the residual-access rules read (compared trimmed; en dash and hyphen both occur). */
export const AUDIT_ACTIVITY_FILTER =
  "(activityDisplayName eq 'Disable account' or activityDisplayName eq 'Add service principal credentials' or startswith(activityDisplayName,'Update application'))";

function auditFilter(ctx: EntraContext, extra?: string): string {
  const parts = [AUDIT_ACTIVITY_FILTER];
  if (ctx.since) parts.push(`activityDateTime ge ${new Date(ctx.since).toISOString()}`);
  if (ctx.until) parts.push(`activityDateTime le ${new Date(ctx.until).toISOString()}`);
  if (extra) parts.push(extra);
  return parts.join(' and ');
}

export function collectDirectoryAudits(ctx: EntraContext, out: DatasetOutput): AsyncIterable<Raw> {
  return graphList(ctx.session, out.stats, `/auditLogs/directoryAudits?$filter=${encodeURIComponent(auditFilter(ctx))}&$top=${TOP}`, {
    permission: ENTRA_PERMISSIONS.directoryAudits,
  });
}

/** What the ledger records about the window and the filter of `directoryAudits`. */
export function auditLedger(ctx: EntraContext): Record<string, unknown> {
  return {
    filter: AUDIT_ACTIVITY_FILTER,
    window: { since: ctx.since ?? null, until: ctx.until ?? null },
  };
}
