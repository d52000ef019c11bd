/**
 * The options with which `remediate` and `verify` reach the live tenants, and the connection
 * settings they make from them and the environment — the collectors' conventions: Microsoft
 * Graph with `REVENANT_GRAPH_TOKEN` or an @azure/identity credential (`--auth`), Okta with
 * `OKTA_CLIENT_TOKEN` or a private-key JWT service app (`--okta-auth private-key`). The tenant and
 * the org default to the snapshot's own sources. Nothing here prints or stores a credential.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { GRAPH_AUTH_MODES } from '../../ingest/entra/graphAuthModes.js';
import { InputError } from '../model/errors.js';

export interface ConnectionCliOptions {
  tenant?: string;
  graphUrl?: string;
  authorityHost?: string;
  auth?: string;
  clientId?: string;
  certificate?: string;
  orgUrl?: string;
  oktaAuth?: string;
  oktaClientId?: string;
  oktaPrivateKey?: string;
  oktaKeyId?: string;
  since?: string;
  maxAttempts?: string;
  timeout?: string;
  retryBaseMs?: string;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--tenant <tenant>', 'Entra tenant id or domain (default: the snapshot’s Entra tenant)')
    .option('--graph-url <url>', 'Microsoft Graph service root', 'https://graph.microsoft.com')
    .option('--authority-host <url>', 'Entra authority (national clouds)')
    .option('--auth <mode>', `Graph credentials: ${GRAPH_AUTH_MODES.join(' | ')} (default: token when REVENANT_GRAPH_TOKEN is set, else default)`)
    .option('--client-id <id>', 'application (client) id for --auth certificate or a user-assigned managed identity')
    .option('--certificate <file>', 'PEM file with the certificate and its private key (--auth certificate)')
    .option('--org-url <url>', 'Okta org URL (default: the snapshot’s Okta org)')
    .option('--okta-auth <mode>', 'Okta credentials: token (OKTA_CLIENT_TOKEN) | private-key (OAuth service app)')
    .option('--okta-client-id <id>', 'Okta OAuth service app client id (default OKTA_CLIENT_CLIENTID)')
    .option('--okta-private-key <file>', 'PEM or JWK file of the service app key (default OKTA_CLIENT_PRIVATEKEY, the key itself)')
    .option('--okta-key-id <kid>', 'key id of that key (default OKTA_CLIENT_KEYID)')
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
 * Connection settings per source (`entra`, `okta`) for the sources the snapshot has; `tenants`
 * maps a source to the snapshot's tenant of it. A source whose credentials cannot be found is left
 * out (the caller says which is missing when a call needs it).
 */
export function connectionsFrom(o: ConnectionCliOptions, tenants: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const retry = {
    maxAttempts: positive(o.maxAttempts, '--max-attempts'),
    timeoutMs: o.timeout === undefined ? undefined : positive(o.timeout, '--timeout')! * 1000,
    baseDelayMs: positive(o.retryBaseMs, '--retry-base-ms'),
  };
  const out: Record<string, unknown> = {};
  const tenant = o.tenant ?? tenants.entra;
  if (tenant) {
    const token = env.REVENANT_GRAPH_TOKEN;
    const mode = o.auth ?? (token ? 'token' : 'default');
    if (!GRAPH_AUTH_MODES.includes(mode as never)) throw new InputError(`--auth must be one of ${GRAPH_AUTH_MODES.join(', ')} (got ${mode})`, { field: '--auth' });
    out.entra = {
      tenant,
      graphUrl: o.graphUrl,
      authorityHost: o.authorityHost,
      mode,
      token: mode === 'token' ? token : undefined,
      clientId: o.clientId,
      certificatePath: o.certificate,
      env,
      retry,
    };
  }
  const orgUrl = o.orgUrl ?? tenants.okta;
  if (orgUrl) {
    let privateKey = env.OKTA_CLIENT_PRIVATEKEY;
    if (o.oktaPrivateKey) {
      try {
        privateKey = readFileSync(o.oktaPrivateKey, 'utf8');
      } catch (e) {
        throw new InputError(`--okta-private-key ${o.oktaPrivateKey}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: o.oktaPrivateKey });
      }
    }
    const auth = o.oktaAuth ?? (privateKey ? 'private-key' : 'token');
    if (auth !== 'token' && auth !== 'private-key') throw new InputError(`--okta-auth must be token or private-key (got ${auth})`, { field: '--okta-auth' });
    if (auth === 'private-key' || env.OKTA_CLIENT_TOKEN) {
      out.okta = {
        orgUrl,
        auth,
        token: env.OKTA_CLIENT_TOKEN,
        clientId: o.oktaClientId ?? env.OKTA_CLIENT_CLIENTID,
        privateKey: auth === 'private-key' ? privateKey : undefined,
        keyId: o.oktaKeyId ?? env.OKTA_CLIENT_KEYID,
        retry,
      };
    }
  }
  return out;
}
