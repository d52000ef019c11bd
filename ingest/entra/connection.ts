/**
 * How `remediate`, `verify` and the server's remediation reach a Microsoft Entra tenant
 * (SourceCapabilities.connection): the command options (declared here so the help needs no SDK),
 * the server config's `remediation.entra` section, and the Graph session options made from either
 * (the collector's conventions: `REVENANT_GRAPH_TOKEN`, or an @azure/identity credential with
 * `--auth`). Nothing here prints or stores a credential.
 */
import { InputError } from '../../src/model/errors.js';
import { GRAPH_AUTH_MODES } from './graphAuthModes.js';
import type { ConnectionDef } from '../../src/model/source.js';

const httpsUrl = { type: 'string', pattern: '^https?://', maxLength: 2048 };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const fromCli: ConnectionDef['fromCli'] = (o, tenantOfSnapshot, env, retry) => {
  const tenant = str(o.tenant) ?? tenantOfSnapshot;
  if (!tenant) return undefined;
  const token = env.REVENANT_GRAPH_TOKEN;
  const mode = str(o.auth) ?? (token ? 'token' : 'default');
  if (!GRAPH_AUTH_MODES.includes(mode as never)) throw new InputError(`--auth must be one of ${GRAPH_AUTH_MODES.join(', ')} (got ${mode})`, { field: '--auth' });
  return {
    tenant,
    graphUrl: str(o.graphUrl),
    authorityHost: str(o.authorityHost),
    mode,
    token: mode === 'token' ? token : undefined,
    clientId: str(o.clientId),
    certificatePath: str(o.certificate),
    env,
    retry,
  };
};

const fromConfig: ConnectionDef['fromConfig'] = (c, secret, env) => ({
  tenant: c.tenant,
  mode: c.mode,
  token: typeof c.token === 'string' ? secret(c.token, 'token') : undefined,
  clientId: c.clientId,
  certificatePath: c.certificatePath,
  graphUrl: c.graphUrl,
  authorityHost: c.authorityHost,
  env,
});

export const ENTRA_CONNECTION: ConnectionDef = {
  options: [
    { flags: '--tenant <tenant>', description: 'Entra tenant id or domain (default: the snapshot’s Entra tenant)' },
    { flags: '--graph-url <url>', description: 'Microsoft Graph service root', default: 'https://graph.microsoft.com' },
    { flags: '--authority-host <url>', description: 'Entra authority (national clouds)' },
    { flags: '--auth <mode>', description: 'Graph credentials: token | env | certificate | managed-identity | default (default: token when REVENANT_GRAPH_TOKEN is set, else default)' },
    { flags: '--client-id <id>', description: 'application (client) id for --auth certificate or a user-assigned managed identity' },
    { flags: '--certificate <file>', description: 'PEM file with the certificate and its private key (--auth certificate)' },
  ],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['tenant'],
    properties: {
      tenant: { type: 'string', minLength: 1 },
      mode: { enum: ['token', 'env', 'certificate', 'managed-identity', 'default'] },
      token: { type: 'string', minLength: 1, maxLength: 8192 },
      clientId: { type: 'string' },
      certificatePath: { type: 'string' },
      graphUrl: httpsUrl,
      authorityHost: httpsUrl,
    },
  },
  fromCli,
  fromConfig,
};
