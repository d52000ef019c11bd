/**
 * `revenant watch`: for deployments where the identity providers cannot reach the server (no
 * inbound event hooks), polls the activity log of every registered source that can be polled
 * (its events capability's `pollLog`: the Okta System Log, the Entra directory audit log) every N
 * minutes, refreshes the users they name (as delta snapshots of the embedded store) and pushes
 * what changed to the sinks — the event pipeline of `serve` without its HTTP listener. Settings
 * come from the server's config file (`events.<source>.collect`, `sinks`, `events.watch`);
 * `--every` sets the interval. `--once` polls once, waits for the refreshes it queued and exits
 * (for cron). `serve` polls too when its config has `events.watch`.
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';

/** `5m`, `30s`, `1h`, or a number of minutes. */
export function minutesOf(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(v.trim());
  if (!m) throw new InputError(`watch: --every must be a duration such as 5m, 90s or 1h (got ${JSON.stringify(v)})`, { field: '--every' });
  const n = Number(m[1]) * (m[2] === 's' ? 1 / 60 : m[2] === 'h' ? 60 : 1);
  if (!(n > 0) || n > 1440) throw new InputError('watch: --every must be more than 0 and at most 24h', { field: '--every' });
  return n;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description("poll the identity providers' activity logs, refresh the users they name, push the changes (no inbound hooks needed)")
    .option('--config <file>', 'server configuration (JSON: events.*.collect, sinks, events.watch; default: $REVENANT_API_CONFIG)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--every <duration>', 'poll interval (e.g. 5m; default: events.watch.intervalMinutes, else 5m)')
    .option('--once', 'poll once, wait for the refreshes it queued, and exit')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .action(async (o: { config?: string; store?: string; every?: string; once?: boolean; logLevel?: string }) => {
      const [{ loadConfig }, { buildServer }, { Store }, { pollingSources }, { SOURCES }] = await Promise.all([
        import('../api/config.js'),
        import('../api/server.js'),
        import('../store/Store.js'),
        import('../api/events/sourceEvents.js'),
        import('../../ingest/sources.js'),
      ]);
      const config = loadConfig(o.config ?? process.env.REVENANT_API_CONFIG);
      const quiet = { info: () => {}, warn: () => {} };
      const polled = await pollingSources(config, { env: process.env, signal: new AbortController().signal, log: quiet });
      if (polled.length === 0) {
        const can: string[] = [];
        for (const def of SOURCES.all()) if ((await def.capabilities?.events?.())?.pollLog) can.push(`events.${def.kind}.collect`);
        throw new InputError(`watch: the configuration names no source to poll: give ${can.join(' and/or ') || 'a source that can be polled'} (see docs/siem.md)`, { field: '--config' });
      }
      const every = o.every ? minutesOf(o.every) : (config.events.watch?.intervalMinutes ?? 5);
      // --once polls by hand below; otherwise the watcher polls on its own schedule.
      config.events.watch = o.once ? undefined : { ...(config.events.watch ?? {}), intervalMinutes: every };
      if (o.logLevel) config.logLevel = o.logLevel as typeof config.logLevel;
      config.console.enabled = false;
      const store = new Store(o.store);
      if (!store.latestId()) throw new InputError(`watch: no snapshot in ${store.dir} yet: load a collection first (refreshes build on the latest snapshot)`);
      const fastify = await buildServer({ store, config });
      await fastify.ready();
      const services = fastify.revenant;
      if (o.once) {
        const { Watcher } = await import('../api/events/Watcher.js');
        const w = new Watcher({ db: services.db, queue: services.queue, config: { ...config, events: { ...config.events, watch: { intervalMinutes: every } } }, log: fastify.log });
        const r = await w.poll();
        // Wait until nothing runs and nothing queued is due (a failed refresh waits for its retry: reported, not awaited).
        for (;;) {
          const c = services.queue.counts();
          const due = services.queue.nextDue();
          if (!c.running && (!c.queued || (due !== null && due > Date.now()))) break;
          await new Promise((res) => setTimeout(res, 200));
        }
        const left = services.queue.counts();
        await fastify.close();
        const polled = Object.entries(r.polled).map(([source, p]) => `${source} ${p.events} events, ${p.queued} refreshes`);
        process.stderr.write(`revenant: watch: ${polled.join('; ') || 'nothing polled'}; latest snapshot ${store.latestId()}${left.queued ? `; ${left.queued} refreshes wait for a retry` : ''}${left.failed ? `; ${left.failed} refreshes failed (see the log)` : ''}\n`);
        if (r.errors.length) throw new Error(`watch: ${r.errors.join('; ')}`);
        return;
      }
      process.stderr.write(`revenant: watching every ${every} min (${polled.map((p) => p.events.logName ?? `${p.source} log`).join(', ')}) into ${store.dir}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          fastify.close().then(() => resolve(), () => resolve());
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
