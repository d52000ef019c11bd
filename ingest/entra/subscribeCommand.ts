/**
 * `revenant subscribe entra` (SourceCapabilities.subscribe): creates the Microsoft Graph
 * change-notification subscription on `/users` that feeds `POST /v1/events/entra`, or renews it
 * if it exists (a users subscription lives at most 41,760 minutes: run this daily from cron). The
 * server must be running and reachable at the notification URL, since Graph validates it while
 * creating the subscription. Graph credentials and the clientState come from the server's config
 * (`events.entra.collect`, `events.entra.clientState`, handed in by the CLI) or from the options.
 * The API key Graph presents is appended to the URL as `key=` when `--api-key env:NAME` is given;
 * nothing secret is printed.
 */
import { InputError } from '../../src/model/errors.js';
import type { SubscribeContext, SubscribeModule } from '../../src/model/source.js';
import type { GraphSessionOptions } from './client.js';
import { type GraphSubscription, GraphSubscriptions, USERS_MAX_MINUTES, ensureUsersSubscription } from './subscriptions.js';

/** The options of the command, as commander gives them. */
interface SubscribeFlags {
  tenant?: string;
  notificationUrl?: string;
  lifecycleUrl?: string;
  clientState?: string;
  apiKey?: string;
  minutes?: string;
  graphUrl?: string;
  authorityHost?: string;
  auth?: string;
  clientId?: string;
  certificate?: string;
}

/** The parts of `events.entra` the command reads (validated by the config: ingest/entra/eventSettings.ts). */
interface EntraEventSection {
  clientState?: string;
  notificationUrl?: string;
  lifecycleNotificationUrl?: string;
  collect?: { tenant?: string; mode?: GraphSessionOptions['mode']; token?: string; clientId?: string; certificatePath?: string; graphUrl?: string; authorityHost?: string };
}

/** What a subscription looks like without its clientState (for printing). */
function describeSubscription(s: GraphSubscription, redactUrl: (url: string) => string) {
  return {
    id: s.id,
    resource: s.resource,
    changeType: s.changeType,
    notificationUrl: redactUrl(s.notificationUrl),
    expirationDateTime: s.expirationDateTime,
  };
}

async function subscribe(flags: Readonly<Record<string, unknown>>, ctx: SubscribeContext): Promise<{ message: string; result: unknown }> {
  const o = flags as SubscribeFlags;
  const e = (ctx.settings ?? {}) as EntraEventSection;
  const c = e.collect;
  const tenant = o.tenant ?? c?.tenant;
  if (!tenant) throw new InputError('subscribe entra: give --tenant (or events.entra.collect.tenant in --config)', { field: '--tenant' });
  let url = o.notificationUrl ?? e.notificationUrl;
  if (!url) throw new InputError('subscribe entra: give --notification-url (or events.entra.notificationUrl in --config)', { field: '--notification-url' });
  let lifecycle = o.lifecycleUrl ?? e.lifecycleNotificationUrl;
  for (const [name, v] of [['--notification-url', url], ['--lifecycle-url', lifecycle]] as const) {
    if (v && !/^https:\/\//i.test(v)) throw new InputError(`subscribe entra: ${name} must be an https URL (Graph delivers only over TLS)`, { field: name });
  }
  const stateRef = o.clientState ?? e.clientState;
  if (!stateRef) throw new InputError('subscribe entra: give --client-state env:NAME (or events.entra.clientState in --config)', { field: '--client-state' });
  const clientState = ctx.secret(stateRef, '--client-state');
  if (clientState.length > 128) throw new InputError('subscribe entra: the clientState may be at most 128 characters (Graph limit)', { field: '--client-state' });
  if (o.apiKey) {
    const key = encodeURIComponent(ctx.secret(o.apiKey, '--api-key'));
    const add = (u: string) => `${u}${u.includes('?') ? '&' : '?'}key=${key}`;
    url = add(url);
    if (lifecycle) lifecycle = add(lifecycle);
  }
  const minutes = o.minutes === undefined ? undefined : Number(o.minutes);
  if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 45 || minutes > USERS_MAX_MINUTES)) {
    throw new InputError(`subscribe entra: --minutes must be 45 to ${USERS_MAX_MINUTES}`, { field: '--minutes' });
  }
  const envToken = ctx.env.REVENANT_GRAPH_TOKEN;
  const mode = (o.auth ?? c?.mode ?? (envToken || c?.token ? 'token' : 'default')) as GraphSessionOptions['mode'];
  const client = new GraphSubscriptions({
    tenant,
    mode,
    token: mode === 'token' ? (c?.token ? ctx.secret(c.token, 'events.entra.collect.token') : envToken) : undefined,
    clientId: o.clientId ?? c?.clientId,
    certificatePath: o.certificate ?? c?.certificatePath,
    graphUrl: o.graphUrl ?? c?.graphUrl,
    authorityHost: o.authorityHost ?? c?.authorityHost,
    env: ctx.env,
  });
  const { subscription, created } = await ensureUsersSubscription(client, { notificationUrl: url, lifecycleNotificationUrl: lifecycle, clientState, minutes });
  return {
    message: `${created ? 'created' : 'renewed'} subscription ${subscription.id} on /users, expires ${subscription.expirationDateTime}`,
    result: { created, subscription: describeSubscription(subscription, ctx.redactUrl) },
  };
}

export const ENTRA_SUBSCRIBE: SubscribeModule = { subscribe };
