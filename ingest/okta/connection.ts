/**
 * How `remediate`, `verify` and the server's remediation reach an Okta org
 * (SourceCapabilities.connection): the command options (declared here so the help needs no SDK),
 * the server config's `remediation.okta` section, and the module that makes the Okta session
 * options from either (connect.ts, loaded when a command or a job needs it).
 */
import type { ConnectionDef } from '../../src/model/source.js';

const secret = { type: 'string', minLength: 1, maxLength: 8192 };

export const OKTA_CONNECTION: ConnectionDef = {
  options: [
    { flags: '--org-url <url>', description: 'Okta org URL (default: the snapshot’s Okta org)' },
    { flags: '--okta-auth <mode>', description: 'Okta credentials: token (OKTA_CLIENT_TOKEN) | private-key (OAuth service app)' },
    { flags: '--okta-client-id <id>', description: 'Okta OAuth service app client id (default OKTA_CLIENT_CLIENTID)' },
    { flags: '--okta-private-key <file>', description: 'PEM or JWK file of the service app key (default OKTA_CLIENT_PRIVATEKEY, the key itself)' },
    { flags: '--okta-key-id <kid>', description: 'key id of that key (default OKTA_CLIENT_KEYID)' },
  ],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['orgUrl'],
    properties: {
      orgUrl: { type: 'string', pattern: '^https?://', maxLength: 2048 },
      auth: { enum: ['token', 'private-key'] },
      token: secret,
      clientId: { type: 'string' },
      privateKey: secret,
      keyId: { type: 'string' },
    },
  },
  load: () => import('./connect.js'),
};
