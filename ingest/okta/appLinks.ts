/**
 * The ids of the apps assigned to an Okta user (directly or through a group), in one request:
 * the user's app links (`GET /api/v1/users/{id}/appLinks`, the documented form; one link per app
 * link, several per app possible). The newest Management API no longer lists `user.id` among the
 * filterable properties of `GET /api/v1/apps`, so `filter=user.id eq "…"` is only the fallback for
 * an org that refuses app links (400, 404, 405, 501). Unlike a subject collection, a delta needs
 * only the ids (it reads the app user records), so no app is read by id here. `via` says which
 * form answered. With `linksOnly`, a refusal is thrown instead (the fallback counts against the apps
 * bucket, which is what a caller asking only for links wants to spare).
 */
import type { RequestStats } from '../collection/runDatasets.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { type OktaSession, oktaList } from './client.js';
import { OKTA_PERMISSIONS, PAGE } from './OktaContext.js';

type Raw = Record<string, unknown>;

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export async function assignedAppIds(session: OktaSession, stats: RequestStats, userId: string, opts: { linksOnly?: boolean } = {}): Promise<{ ids: string[]; via: 'appLinks' | 'filter user.id' }> {
  const ids = new Set<string>();
  try {
    for await (const l of oktaList<Raw>(session, stats, `/api/v1/users/${encodeURIComponent(userId)}/appLinks`, { permission: OKTA_PERMISSIONS.apps })) {
      if (typeof l.appInstanceId === 'string' && l.appInstanceId) ids.add(l.appInstanceId);
    }
    return { ids: [...ids], via: 'appLinks' };
  } catch (e) {
    if (!(e instanceof SourceApiError && [400, 404, 405, 501].includes(e.status)) || opts.linksOnly) throw e;
  }
  const url = `/api/v1/apps?filter=${encodeURIComponent(`user.id eq ${quote(userId)}`)}&limit=${PAGE.apps}`;
  for await (const a of oktaList<Raw>(session, stats, url, { permission: OKTA_PERMISSIONS.apps })) if (typeof a.id === 'string') ids.add(a.id);
  return { ids: [...ids], via: 'filter user.id' };
}
