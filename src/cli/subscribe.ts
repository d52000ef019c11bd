/**
 * `revenant subscribe entra`: creates the Microsoft Graph change-notification subscription on
 * `/users` that feeds `POST /v1/events/entra`, or renews it if it exists (a users subscription
 * lives at most 41,760 minutes: run this daily from cron). The server must be running and
 * reachable at the notification URL, since Graph validates it while creating the subscription.
 * Graph credentials and the clientState come from the server's config file
 * (`events.entra.collect`, `events.entra.clientState`) or from the options. The API key Graph
 * presents is appended to the URL as `key=` when `--api-key env:NAME` is given; nothing secret is
 * printed.
 */
import type { Command } from 'commander';
import type { GraphSubscription } from '../../ingest/entra/subscriptions.js';
import { InputError } from '../model/errors.js';
import { redactUrl } from '../api/redact.js';
import { writeOut } from './options.js';

/** What a subscription looks like without its clientState (for printing). */
function describeSubscription(s: GraphSubscription): Omit<GraphSubscription, 'clientState' | 'notificationUrl' | 'lifecycleNotificationUrl'> & { notificationUrl: string } {
  return {
    id: s.id,
    resource: s.resource,
    changeType: s.changeType,
    notificationUrl: redactUrl(s.notificationUrl),
    expirationDateTime: s.expirationDateTime,
  };
}

interface SubscribeCliOptions {
  config?: string;
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

export function registerSubscribe(program: Command): void {
  const sub = program.command('subscribe').description('create or renew event subscriptions at the identity provider');
  sub
    .command('entra')
    .description('create or renew the Microsoft Graph /users change-notification subscription for `revenant serve`')
    .option('--config <file>', "the server's config file (Graph credentials, clientState, notificationUrl)")
    .option('--tenant <tenant>', 'tenant id or domain (default: events.entra.collect.tenant)')
    .option('--notification-url <url>', 'public HTTPS URL of POST /v1/events/entra (default: events.entra.notificationUrl)')
    .option('--lifecycle-url <url>', 'URL for lifecycle notifications (default: the notification URL)')
    .option('--client-state <secret>', 'shared secret Graph echoes in every notification: env:NAME or file:PATH (default: events.entra.clientState)')
    .option('--api-key <secret>', 'API key with the events scope, appended to the URLs as key=: env:NAME or file:PATH')
    .option('--minutes <n>', 'lifetime in minutes (default and maximum 41760)')
    .option('--graph-url <url>', 'Graph service root (national clouds, tests)')
    .option('--authority-host <url>', 'Entra authority (national clouds)')
    .option('--auth <mode>', 'token (REVENANT_GRAPH_TOKEN) | env | certificate | managed-identity | default')
    .option('--client-id <id>', 'application (client) id for --auth certificate or a user-assigned managed identity')
    .option('--certificate <file>', 'PEM file with the certificate and its private key (--auth certificate)')
    .action(async (o: SubscribeCliOptions) => {
      const [{ loadConfig, resolveSecret }, subs] = await Promise.all([import('../api/config.js'), import('../../ingest/entra/subscriptions.js')]);
      const cfg = o.config ? loadConfig(o.config) : null;
      const e = cfg?.events.entra;
      const c = e?.collect;
      const tenant = o.tenant ?? c?.tenant;
      if (!tenant) throw new InputError('subscribe entra: give --tenant (or events.entra.collect.tenant in --config)', { field: '--tenant' });
      let url = o.notificationUrl ?? e?.notificationUrl;
      if (!url) throw new InputError('subscribe entra: give --notification-url (or events.entra.notificationUrl in --config)', { field: '--notification-url' });
      let lifecycle = o.lifecycleUrl ?? e?.lifecycleNotificationUrl;
      for (const [name, v] of [['--notification-url', url], ['--lifecycle-url', lifecycle]] as const) {
        if (v && !/^https:\/\//i.test(v)) throw new InputError(`subscribe entra: ${name} must be an https URL (Graph delivers only over TLS)`, { field: name });
      }
      const stateRef = o.clientState ?? e?.clientState;
      if (!stateRef) throw new InputError('subscribe entra: give --client-state env:NAME (or events.entra.clientState in --config)', { field: '--client-state' });
      const clientState = resolveSecret(stateRef, '--client-state');
      if (clientState.length > 128) throw new InputError('subscribe entra: the clientState may be at most 128 characters (Graph limit)', { field: '--client-state' });
      if (o.apiKey) {
        const key = encodeURIComponent(resolveSecret(o.apiKey, '--api-key'));
        const add = (u: string) => `${u}${u.includes('?') ? '&' : '?'}key=${key}`;
        url = add(url);
        if (lifecycle) lifecycle = add(lifecycle);
      }
      const minutes = o.minutes === undefined ? undefined : Number(o.minutes);
      if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 45 || minutes > subs.USERS_MAX_MINUTES)) {
        throw new InputError(`subscribe entra: --minutes must be 45 to ${subs.USERS_MAX_MINUTES}`, { field: '--minutes' });
      }
      const envToken = process.env.REVENANT_GRAPH_TOKEN;
      const mode = (o.auth ?? c?.mode ?? (envToken || c?.token ? 'token' : 'default')) as 'token' | 'env' | 'certificate' | 'managed-identity' | 'default';
      const client = new subs.GraphSubscriptions({
        tenant,
        mode,
        token: mode === 'token' ? (c?.token ? resolveSecret(c.token, 'events.entra.collect.token') : envToken) : undefined,
        clientId: o.clientId ?? c?.clientId,
        certificatePath: o.certificate ?? c?.certificatePath,
        graphUrl: o.graphUrl ?? c?.graphUrl,
        authorityHost: o.authorityHost ?? c?.authorityHost,
      });
      const { subscription, created } = await subs.ensureUsersSubscription(client, { notificationUrl: url, lifecycleNotificationUrl: lifecycle, clientState, minutes });
      process.stderr.write(`${created ? 'created' : 'renewed'} subscription ${subscription.id} on /users, expires ${subscription.expirationDateTime}\n`);
      await writeOut(`${JSON.stringify({ created, subscription: describeSubscription(subscription) }, null, 2)}\n`);
    });
}
