/**
 * How `remediate`, `verify` and the server's remediation reach a Microsoft Entra tenant
 * (SourceCapabilities.connection): the command options (declared here so the help needs no SDK),
 * the server config's `remediation.entra` section, and the module that makes the Graph session
 * options from either (connect.ts, loaded when a command or a job needs it).
 */
import type { ConnectionDef } from '../../src/model/source.js';

const httpsUrl = { type: 'string', pattern: '^https?://', maxLength: 2048 };

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
  load: () => import('./connect.js'),
};
