/**
 * The options with which `remediate` and `verify` reach the live tenants, and the connection
 * settings they make from them and the environment: each source declares its own options and
 * makes its own connection (SourceCapabilities.connection: ingest/<source>/connection.ts, with
 * the collectors' conventions — Microsoft Graph with `REVENANT_GRAPH_TOKEN` or an @azure/identity
 * credential, Okta with `OKTA_CLIENT_TOKEN` or a private-key JWT service app). The tenant and the
 * org default to the snapshot's own sources. Nothing here prints or stores a credential.
 */
import { type Command, Option } from 'commander';
import { SOURCES } from '../../ingest/sources.js';
import { InputError } from '../model/errors.js';

/** The options every source's connection shares (retries); each source's own are camel-cased keys besides these. */
export interface ConnectionCliOptions {
  since?: string;
  maxAttempts?: string;
  timeout?: string;
  retryBaseMs?: string;
  [sourceOption: string]: unknown;
}

/** The sources that declare how to reach their live tenant, in registration order. */
const connectable = () => SOURCES.all().flatMap((s) => (s.capabilities?.connection ? [{ kind: s.kind, connection: s.capabilities.connection }] : []));

export function addConnectionOptions(cmd: Command): Command {
  for (const { connection } of connectable()) {
    for (const o of connection.options) {
      const opt = new Option(o.flags, o.description);
      if (o.default !== undefined) opt.default(o.default);
      if (o.hidden) opt.hideHelp();
      cmd.addOption(opt);
    }
  }
  return cmd
    .option('--max-attempts <n>', 'attempts per request on throttling and transient errors (default 6)')
    .option('--timeout <seconds>', 'time allowed for one request attempt (default 60)')
    .addOption(new Option('--retry-base-ms <ms>', 'first backoff step (tests)').hideHelp());
}

function positive(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new InputError(`${name} must be a positive number (got ${JSON.stringify(v)})`, { field: name });
  return n;
}

/**
 * Connection settings per source for the sources the snapshot has; `tenants` maps a source to
 * the snapshot's tenant of it. A source whose credentials cannot be found is left out (the
 * caller says which is missing when a call needs it).
 */
export function connectionsFrom(o: ConnectionCliOptions, tenants: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const retry = {
    maxAttempts: positive(o.maxAttempts, '--max-attempts'),
    timeoutMs: o.timeout === undefined ? undefined : positive(o.timeout, '--timeout')! * 1000,
    baseDelayMs: positive(o.retryBaseMs, '--retry-base-ms'),
  };
  const out: Record<string, unknown> = {};
  for (const { kind, connection } of connectable()) {
    const c = connection.fromCli(o, tenants[kind], env, retry);
    if (c !== undefined) out[kind] = c;
  }
  return out;
}
