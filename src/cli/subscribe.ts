/**
 * `revenant subscribe <source>`: create or renew the event subscription at the identity provider
 * that feeds the source's webhook, for each source that declares one (SourceCapabilities.
 * subscribe; Entra's is ingest/entra/subscribeCommand.ts: the Graph `/users` subscription). The
 * command's options are the source's own, after `--config <file>`: the server's config file, whose
 * `events.<source>` section is validated here and handed to the source with the server's secret
 * resolution and URL redaction (the source imports no part of the server). Nothing secret is
 * printed: the source's message goes to stderr, its JSON result to stdout.
 */
import type { Command } from 'commander';
import { SOURCES } from '../../ingest/sources.js';
import { optionOf, writeOut } from './options.js';

interface SubscribeCliOptions {
  config?: string;
  [sourceOption: string]: unknown;
}

export function registerSubscribe(program: Command): void {
  const sub = program.command('subscribe').description('create or renew event subscriptions at the identity provider');
  for (const src of SOURCES.all()) {
    const def = src.capabilities?.subscribe;
    if (!def) continue;
    const cmd = sub.command(src.kind).description(def.description).option('--config <file>', `the server's config file (its events.${src.kind} section: credentials, shared secret, notification URLs)`);
    for (const d of def.options) cmd.addOption(optionOf(d));
    cmd.action(async (o: SubscribeCliOptions) => {
      const [{ loadConfig, resolveSecret }, { redactUrl }, source] = await Promise.all([import('../api/config.js'), import('../api/redact.js'), def.load()]);
      const section = o.config ? loadConfig(o.config).events[src.kind] : undefined;
      const settings = section && typeof section === 'object' ? (section as Record<string, unknown>) : undefined;
      const { message, result } = await source.subscribe(o, { settings, secret: (ref, field) => resolveSecret(ref, field), redactUrl, env: process.env });
      process.stderr.write(`${message}\n`);
      await writeOut(`${JSON.stringify(result, null, 2)}\n`);
    });
  }
}
