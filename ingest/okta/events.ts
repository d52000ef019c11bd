/**
 * Okta's event-driven refreshes (the source's `capabilities.events`): event hook deliveries carry
 * System Log events (`data.events[]`), and the ones that end or reduce a user's access queue a
 * refresh of every User target (`oktaItems`, used by the hook route); polling reads the same
 * System Log (`pollLog`); a refresh reads the user again with collectOktaSubject. The settings
 * are the server config's `events.okta` (`collect`: org URL and credentials).
 */
import { API_TOKEN_PREFIX, EventConfigError, type EventItem, type EventJobInput, type SourceEventContext, type SourceEvents } from '../../src/model/sourceEvents.js';
import { InputError } from '../../src/model/errors.js';
import { newStats } from '../collection/runDatasets.js';
import type { OktaSessionOptions } from './client.js';

/** Okta System Log event types that queue a refresh of their User targets. */
export const OKTA_REFRESH_EVENTS = [
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'application.user_membership.remove',
  'user.account.privilege.revoke',
  'system.api_token.revoke',
] as const;

/** Okta events a poll reads: those a hook would refresh on, and the lifecycle changes that start or end access. */
export const OKTA_WATCH_EVENTS: readonly string[] = [
  ...OKTA_REFRESH_EVENTS,
  'user.lifecycle.activate',
  'user.lifecycle.reactivate',
  'user.lifecycle.unsuspend',
  'user.lifecycle.delete.initiated',
  'group.user_membership.remove',
  'user.account.privilege.grant',
];

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

/** The collector settings of `events.okta.collect` (token and private key as secret references). */
type OktaCollectSettings = Pick<OktaSessionOptions, 'orgUrl' | 'auth' | 'token' | 'clientId' | 'privateKey' | 'keyId'>;

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
export function oktaItems(body: OktaHookBody, types: readonly string[] = OKTA_REFRESH_EVENTS): { items: EventItem[]; ignored: number } {
  const tenant = oktaOrgOf(body.source);
  const items: EventItem[] = [];
  let ignored = 0;
  for (const [i, ev] of body.data.events.entries()) {
    const uuid = typeof ev.uuid === 'string' ? ev.uuid.trim() : '';
    if (!uuid) throw new InputError(`body/data/events/${i}/uuid must be a non-empty string (the event's replay key)`, { field: `data.events.${i}.uuid` });
    const type = typeof ev.eventType === 'string' ? ev.eventType : '';
    const jobs: EventJobInput[] = [];
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

function collectSettings(ctx: SourceEventContext): OktaCollectSettings {
  const c = ctx.settings?.collect as OktaCollectSettings | undefined;
  if (!c) throw new EventConfigError('okta refresh: the config has no events.okta.collect (org URL and credentials)');
  return c;
}

/** The session options of `events.okta.collect`, secrets resolved. */
function sessionOptions(ctx: SourceEventContext, c: OktaCollectSettings) {
  return {
    orgUrl: c.orgUrl,
    auth: c.auth,
    token: c.token ? ctx.secret(c.token, 'events.okta.collect.token') : undefined,
    clientId: c.clientId,
    privateKey: c.privateKey ? ctx.secret(c.privateKey, 'events.okta.collect.privateKey') : undefined,
    keyId: c.keyId,
    signal: ctx.signal,
  };
}

export const OKTA_EVENTS: SourceEvents = {
  logName: 'Okta System Log',

  async refreshSubject(ctx, req) {
    const c = collectSettings(ctx);
    const { collectOktaSubject } = await import('./collectOktaSubject.js');
    const res = await collectOktaSubject({ ...sessionOptions(ctx, c), subject: req.subject, out: req.out, force: true });
    return res.dir;
  },

  async prepare() {
    // The Okta SDK is hundreds of CommonJS files: seconds of wall time on a busy machine.
    await import('./collectOktaSubject.js');
  },

  canPoll: (ctx) => !!ctx.settings?.collect,

  async pollLog(ctx, { since, until }) {
    const c = collectSettings(ctx);
    const { createOktaSession, oktaList } = await import('./client.js');
    const session = createOktaSession(sessionOptions(ctx, c));
    const filter = OKTA_WATCH_EVENTS.map((t) => `eventType eq "${t}"`).join(' or ');
    const params = new URLSearchParams({ since, until, filter, sortOrder: 'ASCENDING', limit: '1000' });
    const events: Record<string, unknown>[] = [];
    for await (const ev of oktaList<Record<string, unknown>>(session, newStats(), `/api/v1/logs?${params.toString().replace(/\+/g, '%20')}`)) events.push(ev);
    const { items } = oktaItems({ source: `${session.orgUrl}/api/v1/eventHooks/watch`, data: { events } }, OKTA_WATCH_EVENTS);
    return { events: events.length, items };
  },
};
