/**
 * How `remediate` and `verify` reach the Azure resource plane (SourceCapabilities.connection): the
 * `--arm-url` option (the tenant, authority and credentials are the Entra ones: `--tenant`,
 * `--authority-host`, `--auth`, `--client-id`, `--certificate`, with `REVENANT_AZURE_TOKEN` for a
 * ready ARM token, as `collect azure` takes them), the server config's `remediation.azure`
 * section, and the ARM session options made from either. Nothing here prints or stores a credential.
 */
import { InputError } from '../../src/model/errors.js';
import type { ConnectionDef } from '../../src/model/source.js';

/** `collect azure --auth`'s modes (the Entra token provider's); kept here so that declaring the connection loads no SDK. */
const AUTH_MODES = ['token', 'env', 'certificate', 'managed-identity', 'default'] as const;
const httpsUrl = { type: 'string', pattern: '^https?://', maxLength: 2048 };
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const fromCli: ConnectionDef['fromCli'] = (o, tenantOfSnapshot, env, retry) => {
  const tenant = tenantOfSnapshot ?? str(o.tenant);
  if (!tenant) return undefined;
  const token = env.REVENANT_AZURE_TOKEN;
  const mode = str(o.auth) ?? (token ? 'token' : 'default');
  if (!AUTH_MODES.includes(mode as never)) throw new InputError(`--auth must be one of ${AUTH_MODES.join(', ')} (got ${mode})`, { field: '--auth' });
  return {
    tenant,
    armUrl: str(o.armUrl),
    authorityHost: str(o.authorityHost),
    mode,
    token: mode === 'token' ? token : undefined,
    clientId: str(o.clientId),
    certificatePath: str(o.certificate),
    retry,
  };
};

const fromConfig: ConnectionDef['fromConfig'] = (c, secret) => ({
  tenant: c.tenant,
  mode: c.mode,
  token: typeof c.token === 'string' ? secret(c.token, 'token') : undefined,
  clientId: c.clientId,
  certificatePath: c.certificatePath,
  armUrl: c.armUrl,
  authorityHost: c.authorityHost,
});

export const AZURE_CONNECTION: ConnectionDef = {
  options: [{ flags: '--arm-url <url>', description: 'Azure Resource Manager endpoint (Azure calls: tenant and credentials as for Graph, REVENANT_AZURE_TOKEN for --auth token)', default: 'https://management.azure.com' }],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['tenant'],
    properties: {
      tenant: { type: 'string', minLength: 1 },
      mode: { enum: [...AUTH_MODES] },
      token: { type: 'string', minLength: 1, maxLength: 8192 },
      clientId: { type: 'string' },
      certificatePath: { type: 'string' },
      armUrl: httpsUrl,
      authorityHost: httpsUrl,
    },
  },
  fromCli,
  fromConfig,
};
