/**
 * Turning the identity providers' event deliveries into queue items. Okta event hooks carry
 * System Log events (`data.events[]`); the ones that end or reduce a user's access queue a
 * refresh of every User target. Microsoft Graph change notifications on `/users` carry only ids
 * (basic notifications): each queues a refresh of that user, who is read again; lifecycle
 * notifications queue the subscription chore they ask for. Shared secrets are compared in
 * constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { InputError } from '../../model/errors.js';
import type { AcceptItem, JobInput } from './EventQueue.js';

/** Okta System Log event types that queue a refresh of their User targets. */
export const OKTA_REFRESH_EVENTS = [
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'application.user_membership.remove',
  'user.account.privilege.revoke',
  'system.api_token.revoke',
] as const;

/** Refresh subject naming an Okta API token whose owner is to be refreshed. */
export const API_TOKEN_PREFIX = 'apiToken:';

export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a, 'utf8').digest();
  const y = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(x, y);
}

interface OktaTarget {
  id?: unknown;
  type?: unknown;
}

interface OktaLogEvent {
  uuid?: unknown;
  eventType?: unknown;
  target?: unknown;
  actor?: { id?: unknown; type?: unknown };
}

export interface OktaHookBody {
  source?: string;
  data: { events: OktaLogEvent[] };
}

/** The org URL of a hook delivery (`source` is `https://{org}/api/v1/eventHooks/{id}`). */
function oktaOrgOf(source: string | undefined): string | null {
  if (!source) return null;
  try {
    const u = new URL(source);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/**
 * The queue items of an Okta delivery. Every event must carry a `uuid` (its replay key): the route's
 * schema refuses a delivery with an event without one, and this refuses it again, so no event can
 * escape de-duplication.
 */
export function oktaItems(body: OktaHookBody, types: readonly string[] = OKTA_REFRESH_EVENTS): { items: AcceptItem[]; ignored: number } {
  const tenant = oktaOrgOf(body.source);
  const items: AcceptItem[] = [];
  let ignored = 0;
  for (const [i, ev] of body.data.events.entries()) {
    const uuid = typeof ev.uuid === 'string' ? ev.uuid.trim() : '';
    if (!uuid) throw new InputError(`body/data/events/${i}/uuid must be a non-empty string (the event's replay key)`, { field: `data.events.${i}.uuid` });
    const type = typeof ev.eventType === 'string' ? ev.eventType : '';
    const jobs: JobInput[] = [];
    if (types.includes(type)) {
      const targets = (Array.isArray(ev.target) ? ev.target : []) as OktaTarget[];
      const users = new Set(targets.filter((t) => t?.type === 'User' && typeof t.id === 'string').map((t) => t.id as string));
      // An API token revocation names the token, not its owner: the worker finds the owner in the
      // current snapshot (`apiToken:<id>`).
      if (users.size === 0 && type === 'system.api_token.revoke') {
        for (const t of targets) if (typeof t?.id === 'string' && t.type !== 'User') users.add(`${API_TOKEN_PREFIX}${t.id}`);
      }
      for (const u of users) jobs.push({ kind: 'refresh', source: 'okta', tenant, subject: u, reason: type });
    } else {
      ignored++;
    }
    items.push({ key: `okta:${uuid}`, jobs });
  }
  return { items, ignored };
}

export interface GraphNotification {
  id?: string;
  subscriptionId?: string;
  clientState?: string;
  changeType?: string;
  resource?: string;
  resourceData?: { id?: string; '@odata.type'?: string };
  tenantId?: string;
  lifecycleEvent?: string;
  subscriptionExpirationDateTime?: string;
}

/** A notification that cannot be read (e.g. a `resource` that does not decode): refused on its own. */
export class BadNotification extends Error {}

/** The user id of a basic notification on /users (`resourceData.id`, else the id in `resource`). */
function graphUserId(n: GraphNotification): string | null {
  if (typeof n.resourceData?.id === 'string' && n.resourceData.id) return n.resourceData.id.toLowerCase();
  const m = /^\/?users\/([^/?]+)/i.exec(n.resource ?? '');
  if (!m) return null;
  let id: string;
  try {
    id = decodeURIComponent(m[1]);
  } catch {
    throw new BadNotification('resource does not decode');
  }
  id = id.replace(/^'|'$/g, '').toLowerCase();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a user id may not hold
  if (!id || /[\u0000-\u001f\u007f/]/.test(id)) throw new BadNotification('resource names no user id');
  return id;
}

/**
 * The queue items of a Graph delivery. A notification with a wrong clientState is forged; one that
 * cannot be read is rejected; either is counted and skipped while the rest of the batch is accepted.
 */
export function graphItems(list: GraphNotification[], clientState: string): { items: AcceptItem[]; forged: number; rejected: number; ignored: number } {
  const items: AcceptItem[] = [];
  let forged = 0;
  let rejected = 0;
  let ignored = 0;
  for (const n of list) {
    if (typeof n.clientState !== 'string' || !safeEqual(n.clientState, clientState)) {
      forged++;
      continue;
    }
    const tenant = typeof n.tenantId === 'string' ? n.tenantId.toLowerCase() : null;
    const jobs: JobInput[] = [];
    if (n.lifecycleEvent) {
      const sub = n.subscriptionId ?? null;
      if (n.lifecycleEvent === 'reauthorizationRequired') jobs.push({ kind: 'reauthorize', source: 'entra', tenant, subject: sub, reason: n.lifecycleEvent });
      else if (n.lifecycleEvent === 'subscriptionRemoved') jobs.push({ kind: 'resubscribe', source: 'entra', tenant, subject: sub, reason: n.lifecycleEvent });
      else if (n.lifecycleEvent === 'missed') jobs.push({ kind: 'missed', source: 'entra', tenant, subject: sub, reason: n.lifecycleEvent });
      else ignored++;
      const key = `entra:lifecycle:${sub}:${n.lifecycleEvent}:${n.subscriptionExpirationDateTime ?? ''}`;
      items.push({ key: n.lifecycleEvent === 'missed' ? null : key, jobs });
      continue;
    }
    let user: string | null;
    try {
      user = graphUserId(n);
    } catch (e) {
      if (!(e instanceof BadNotification)) throw e;
      rejected++;
      continue;
    }
    if (user) jobs.push({ kind: 'refresh', source: 'entra', tenant, subject: user, reason: `graph.${n.changeType ?? 'changed'}` });
    else ignored++;
    items.push({ key: typeof n.id === 'string' && n.id ? `entra:${n.id}` : null, jobs });
  }
  return { items, forged, rejected, ignored };
}
