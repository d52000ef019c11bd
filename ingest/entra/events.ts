/**
 * Entra's event-driven refreshes (the source's `capabilities.events`): Microsoft Graph change
 * notifications on `/users` carry only ids (basic notifications), each queueing a refresh of that
 * user (`graphItems`, used by the notification route); lifecycle notifications queue the
 * subscription chore they ask for (`chore`: reauthorize, recreate, or log a `missed`). Polling
 * reads the directory audit log (`pollLog`); a refresh reads the user again with
 * collectEntraSubject. The settings are the server config's `events.entra` (`collect`: tenant and
 * credentials; `notificationUrl`, `lifecycleNotificationUrl`, `clientState`).
 */
import { text } from '../../src/model/text.js';
import { EventConfigError, type EventItem, type EventJobInput, PermanentEventError, type SourceEventContext, type SourceEvents } from '../../src/model/sourceEvents.js';
import { newStats } from '../collection/runDatasets.js';
import { safeEqual } from '../collection/safeEqual.js';
import type { GraphSessionOptions } from './client.js';
import { GraphSubscriptionError, type SubscriptionClient } from './subscriptions.js';

/** Entra audit activities whose User targets are refreshed. */
export const ENTRA_WATCH_ACTIVITIES = [
  'Disable account',
  'Enable account',
  'Delete user',
  'Hard Delete user',
  'Restore user',
  'Update user',
  'Remove member from group',
  'Add member to group',
  'Remove member from role',
  'Add member to role',
  'Remove app role assignment from user',
  'Add app role assignment grant to user',
  'Add owner to application',
  'Remove owner from application',
  'Add owner to service principal',
  'Remove owner from service principal',
];

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

/** Lifecycle notifications and the chore each queues. */
const LIFECYCLE_CHORES: Record<string, string> = {
  reauthorizationRequired: 'reauthorize',
  subscriptionRemoved: 'resubscribe',
  missed: 'missed',
};

/**
 * The queue items of a Graph delivery. A notification with a wrong clientState is forged; one that
 * cannot be read is rejected; either is counted and skipped while the rest of the batch is accepted.
 */
export function graphItems(list: GraphNotification[], clientState: string): { items: EventItem[]; forged: number; rejected: number; ignored: number } {
  const items: EventItem[] = [];
  let forged = 0;
  let rejected = 0;
  let ignored = 0;
  for (const n of list) {
    if (typeof n.clientState !== 'string' || !safeEqual(n.clientState, clientState)) {
      forged++;
      continue;
    }
    const tenant = typeof n.tenantId === 'string' ? n.tenantId.toLowerCase() : null;
    const jobs: EventJobInput[] = [];
    if (n.lifecycleEvent) {
      const sub = n.subscriptionId ?? null;
      const kind = LIFECYCLE_CHORES[n.lifecycleEvent];
      if (kind) jobs.push({ kind, source: 'entra', tenant, subject: sub, reason: n.lifecycleEvent });
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

/** The collector settings of `events.entra.collect`. */
interface EntraCollectSettings {
  tenant: string;
  mode?: GraphSessionOptions['mode'];
  token?: string;
  clientId?: string;
  certificatePath?: string;
  graphUrl?: string;
  authorityHost?: string;
}

interface EntraEventSettings {
  collect?: EntraCollectSettings;
  clientState?: string;
  notificationUrl?: string;
  lifecycleNotificationUrl?: string;
}

const settingsOf = (ctx: SourceEventContext) => (ctx.settings ?? {}) as EntraEventSettings;

function collectSettings(ctx: SourceEventContext, what: string): EntraCollectSettings {
  const c = settingsOf(ctx).collect;
  if (!c) throw new EventConfigError(`entra ${what}: the config has no events.entra.collect (tenant and credentials for Microsoft Graph)`);
  return c;
}

/** The Graph session options of `events.entra.collect`, secrets resolved. */
function sessionOptions(ctx: SourceEventContext, c: EntraCollectSettings): GraphSessionOptions {
  return {
    tenant: c.tenant,
    mode: c.mode,
    token: c.token ? ctx.secret(c.token, 'events.entra.collect.token') : undefined,
    clientId: c.clientId,
    certificatePath: c.certificatePath,
    graphUrl: c.graphUrl,
    authorityHost: c.authorityHost,
    env: ctx.env,
    signal: ctx.signal,
  };
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The subscription client of a server (one per settings object: its token is reused). */
const clients = new WeakMap<object, SubscriptionClient>();

/** Entra's event capability; `subscriptions` replaces the Graph subscription client (tests). */
export function entraEvents(subscriptions?: SubscriptionClient): SourceEvents {
  const clientOf = async (ctx: SourceEventContext): Promise<SubscriptionClient> => {
    if (subscriptions) return subscriptions;
    const c = settingsOf(ctx).collect;
    if (!c) throw new PermanentEventError('no Graph credentials configured (events.entra.collect): cannot manage the subscription');
    let client = clients.get(c);
    if (!client) {
      const { GraphSubscriptions } = await import('./subscriptions.js');
      client = new GraphSubscriptions({ ...sessionOptions(ctx, c), signal: undefined });
      clients.set(c, client);
    }
    return client;
  };
  return {
    logName: 'Entra directory audit log',

    async refreshSubject(ctx, req) {
      const c = collectSettings(ctx, 'refresh');
      const { collectEntraSubject } = await import('./collectEntraSubject.js');
      const res = await collectEntraSubject({ ...sessionOptions(ctx, c), subject: req.subject, out: req.out, force: true });
      return res.dir;
    },

    async prepare() {
      await import('./collectEntraSubject.js');
    },

    canPoll: (ctx) => !!settingsOf(ctx).collect,

    async pollLog(ctx, { since, until }) {
      const c = collectSettings(ctx, 'watch');
      const [{ createGraphSession }, { graphList }] = await Promise.all([import('./client.js'), import('./graphPages.js')]);
      const session = createGraphSession(sessionOptions(ctx, c));
      const filter = `(${ENTRA_WATCH_ACTIVITIES.map((a) => `activityDisplayName eq ${q(a)}`).join(' or ')}) and activityDateTime ge ${since} and activityDateTime le ${until}`;
      const items: EventItem[] = [];
      let n = 0;
      for await (const ev of graphList<Record<string, unknown>>(session, newStats(), `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}&$top=999`)) {
        n++;
        const users = ((Array.isArray(ev.targetResources) ? ev.targetResources : []) as Record<string, unknown>[])
          .filter((t) => text(t?.type).toLowerCase() === 'user' && typeof t.id === 'string')
          .map((t) => String(t.id).toLowerCase());
        const jobs: EventJobInput[] = [...new Set(users)].map((u) => ({ kind: 'refresh', source: 'entra', tenant: null, subject: u, reason: `audit.${String(ev.activityDisplayName)}` }));
        items.push({ key: typeof ev.id === 'string' ? `entra:audit:${ev.id}` : null, jobs });
      }
      return { events: n, items };
    },

    async chore(ctx, job) {
      if (job.kind === 'missed') {
        ctx.log.warn({ subscription: job.subject }, 'Microsoft Graph reports missed change notifications: run a full `revenant collect entra` and load it');
        return 'logged: missed notifications need a full collection';
      }
      const client = await clientOf(ctx);
      try {
        if (job.kind === 'reauthorize') {
          await client.reauthorize(String(job.subject));
          ctx.log.info({ subscription: job.subject }, 'Graph subscription reauthorized');
          return `subscription ${job.subject} reauthorized`;
        }
        if (job.kind !== 'resubscribe') throw new PermanentEventError(`entra: no chore ${job.kind}`);
        const e = settingsOf(ctx);
        if (!e.notificationUrl) throw new PermanentEventError('events.entra.notificationUrl is not configured: cannot recreate the subscription');
        if (!e.clientState) throw new PermanentEventError('events.entra.clientState is not configured: cannot recreate the subscription');
        const { ensureUsersSubscription } = await import('./subscriptions.js');
        const { subscription, created } = await ensureUsersSubscription(client, {
          notificationUrl: e.notificationUrl,
          lifecycleNotificationUrl: e.lifecycleNotificationUrl,
          clientState: ctx.secret(e.clientState, 'events.entra.clientState'),
        });
        return `subscription ${subscription.id} ${created ? 'created' : 'renewed'}`;
      } catch (err) {
        if (err instanceof GraphSubscriptionError && err.status === 404) throw new PermanentEventError(err.message);
        throw err;
      }
    },
  };
}

export const ENTRA_EVENTS: SourceEvents = entraEvents();
