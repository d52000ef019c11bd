/**
 * Okta `logs`: the System Log events the rules read — an OAuth service app's client credential
 * created, activated or read (`LOG_EVENT_TYPES`) — over a bounded window (`--since`, default 90
 * days, which is also what Okta retains, to `--until`, default now), oldest first, 1000 per page.
 * The filter runs on Okta's side (the System Log is rate-limited far below the other endpoints);
 * the ledger records filter and window so a reader knows exactly what "complete" covers.
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import { oktaList } from './client.js';
import { LOG_FILTER, OKTA_PERMISSIONS, type OktaContext, PAGE } from './OktaContext.js';

type Raw = Record<string, unknown>;

export function logsUrl(ctx: OktaContext, extraFilter?: string): string {
  const filter = extraFilter ? `(${LOG_FILTER}) and ${extraFilter}` : LOG_FILTER;
  const params = new URLSearchParams({
    since: new Date(ctx.since).toISOString(),
    until: new Date(ctx.until).toISOString(),
    filter,
    sortOrder: 'ASCENDING',
    limit: String(PAGE.logs),
  });
  return `/api/v1/logs?${params.toString().replace(/\+/g, '%20')}`;
}

export function collectLogs(ctx: OktaContext, out: DatasetOutput): AsyncIterable<Raw> {
  return oktaList(ctx.session, out.stats, logsUrl(ctx), { permission: OKTA_PERMISSIONS.logs });
}

export function logsLedger(ctx: OktaContext): Record<string, unknown> {
  return { filter: LOG_FILTER, window: { since: new Date(ctx.since).toISOString(), until: new Date(ctx.until).toISOString() } };
}
