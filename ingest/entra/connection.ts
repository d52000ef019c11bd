/**
 * How `remediate`, `verify` and the server's remediation reach a Microsoft Entra tenant
 * (SourceCapabilities.connection): the command options (declared here so the help needs no SDK),
 * the server config's `remediation.entra` section, and the Graph session options made from either
 * (the collector's conventions: `REVENANT_GRAPH_TOKEN`, or an @azure/identity credential with
 * `--auth`). Nothing here prints or stores a credential.
 */
import { CREDENTIAL_CONFIG_PROPERTIES, HTTP_URL_SCHEMA, credentialFromCli, credentialFromConfig } from '../../src/model/microsoftCredential.js';
import type { ConnectionDef } from '../../src/model/source.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The command's `--tenant` wins over the snapshot's Entra tenant. */
const fromCli: ConnectionDef['fromCli'] = (o, tenantOfSnapshot, env, retry) => {
  const tenant = str(o.tenant) ?? tenantOfSnapshot;
  if (!tenant) return undefined;
  return { ...credentialFromCli(o, tenant, env.REVENANT_GRAPH_TOKEN), graphUrl: str(o.graphUrl), env, retry };
};

const fromConfig: ConnectionDef['fromConfig'] = (c, secret, env) => ({ ...credentialFromConfig(c, secret), graphUrl: c.graphUrl, env });

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
    properties: { ...CREDENTIAL_CONFIG_PROPERTIES, graphUrl: HTTP_URL_SCHEMA },
  },
  fromCli,
  fromConfig,
};
