/**
 * How `remediate` and `verify` reach the Azure resource plane (SourceCapabilities.connection): the
 * `--arm-url` option (the tenant, authority and credentials are the Entra ones: `--tenant`,
 * `--authority-host`, `--auth`, `--client-id`, `--certificate`, with `REVENANT_AZURE_TOKEN` for a
 * ready ARM token, as `collect azure` takes them), the server config's `remediation.azure`
 * section, and the ARM session options made from either. Nothing here prints or stores a credential.
 */
import { CREDENTIAL_CONFIG_PROPERTIES, HTTP_URL_SCHEMA, credentialFromCli, credentialFromConfig } from '../../src/model/microsoftCredential.js';
import type { ConnectionDef } from '../../src/model/source.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The snapshot's tenant wins over `--tenant`: Azure calls act on the tenant the findings came from. */
const fromCli: ConnectionDef['fromCli'] = (o, tenantOfSnapshot, env, retry) => {
  const tenant = tenantOfSnapshot ?? str(o.tenant);
  if (!tenant) return undefined;
  return { ...credentialFromCli(o, tenant, env.REVENANT_AZURE_TOKEN), armUrl: str(o.armUrl), retry };
};

const fromConfig: ConnectionDef['fromConfig'] = (c, secret) => ({ ...credentialFromConfig(c, secret), armUrl: c.armUrl });

export const AZURE_CONNECTION: ConnectionDef = {
  options: [{ flags: '--arm-url <url>', description: 'Azure Resource Manager endpoint (Azure calls: tenant and credentials as for Graph, REVENANT_AZURE_TOKEN for --auth token)', default: 'https://management.azure.com' }],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['tenant'],
    properties: { ...CREDENTIAL_CONFIG_PROPERTIES, armUrl: HTTP_URL_SCHEMA },
  },
  fromCli,
  fromConfig,
};
