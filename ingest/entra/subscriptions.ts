/**
 * The Microsoft Graph change-notification subscription on `/users`, through the Graph SDK client
 * the collectors use (`@microsoft/microsoft-graph-client`, token from `@azure/identity` or a
 * given bearer): create it, renew it before it expires (users: at most 41,760 minutes), and
 * reauthorize it when Graph sends `reauthorizationRequired`. `revenant subscribe entra` and the
 * server's lifecycle-notification chores (events.ts) both use it.
 */
import { ResponseType } from '@microsoft/microsoft-graph-client';
import type { GraphSession, GraphSessionOptions } from './client.js';
import { RevenantError } from '../../src/model/errors.js';

/** Longest lifetime of a subscription on users (Graph: 41,760 minutes, just under 29 days). */
export const USERS_MAX_MINUTES = 41_760;

export interface GraphSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string | null;
  expirationDateTime: string;
  clientState?: string | null;
}

export class GraphSubscriptionError extends RevenantError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface SubscriptionClient {
  list(): Promise<GraphSubscription[]>;
  create(opts: { notificationUrl: string; lifecycleNotificationUrl?: string; clientState: string; minutes?: number }): Promise<GraphSubscription>;
  renew(id: string, minutes?: number): Promise<GraphSubscription>;
  reauthorize(id: string): Promise<void>;
}

const expiry = (minutes: number, now = Date.now()) => new Date(now + Math.min(minutes, USERS_MAX_MINUTES) * 60_000 - 60_000).toISOString();

export class GraphSubscriptions implements SubscriptionClient {
  private session: GraphSession | null = null;

  constructor(private readonly opts: GraphSessionOptions) {}

  private async client(): Promise<GraphSession> {
    if (!this.session) {
      const { createGraphSession } = await import('./client.js');
      this.session = createGraphSession(this.opts);
    }
    return this.session;
  }

  private async call(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<unknown> {
    const s = await this.client();
    const req = s.client.api(url).responseType(ResponseType.RAW);
    const res = (await (method === 'GET' ? req.get() : method === 'POST' ? req.post(body ?? {}) : req.patch(body))) as Response;
    const text = await res.text();
    if (!res.ok) {
      let msg = res.statusText;
      try {
        msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? msg;
      } catch {
        // not JSON
      }
      throw new GraphSubscriptionError(`Graph ${method} ${url.replace(/\?.*$/, '')}: HTTP ${res.status}: ${msg.slice(0, 300)}`, res.status);
    }
    return text ? JSON.parse(text) : null;
  }

  async list(): Promise<GraphSubscription[]> {
    const body = (await this.call('GET', '/subscriptions')) as { value?: GraphSubscription[] } | null;
    return body?.value ?? [];
  }

  async create(o: { notificationUrl: string; lifecycleNotificationUrl?: string; clientState: string; minutes?: number }): Promise<GraphSubscription> {
    return (await this.call('POST', '/subscriptions', {
      changeType: 'updated,deleted',
      notificationUrl: o.notificationUrl,
      lifecycleNotificationUrl: o.lifecycleNotificationUrl ?? o.notificationUrl,
      resource: '/users',
      expirationDateTime: expiry(o.minutes ?? USERS_MAX_MINUTES),
      clientState: o.clientState,
      latestSupportedTlsVersion: 'v1_2',
    })) as GraphSubscription;
  }

  async renew(id: string, minutes = USERS_MAX_MINUTES): Promise<GraphSubscription> {
    return (await this.call('PATCH', `/subscriptions/${encodeURIComponent(id)}`, { expirationDateTime: expiry(minutes) })) as GraphSubscription;
  }

  async reauthorize(id: string): Promise<void> {
    await this.call('POST', `/subscriptions/${encodeURIComponent(id)}/reauthorize`, {});
  }
}

/** Create the /users subscription for `notificationUrl`, or renew the one that exists. */
export async function ensureUsersSubscription(
  client: SubscriptionClient,
  o: { notificationUrl: string; lifecycleNotificationUrl?: string; clientState: string; minutes?: number },
): Promise<{ subscription: GraphSubscription; created: boolean }> {
  const same = (await client.list()).filter((s) => s.resource.replace(/^\//, '').toLowerCase() === 'users' && s.notificationUrl === o.notificationUrl);
  if (same.length > 0) {
    const renewed = await client.renew(same[0].id, o.minutes);
    return { subscription: { ...same[0], ...renewed }, created: false };
  }
  return { subscription: await client.create(o), created: true };
}
