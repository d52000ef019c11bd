/**
 * How `remediate`, `verify` and the server's remediation reach an Okta org
 * (SourceCapabilities.connection): the command options (declared here so the help needs no SDK),
 * the server config's `remediation.okta` section, and the Okta session options made from either
 * (the collector's conventions: `OKTA_CLIENT_TOKEN`, or a private-key JWT service app). Nothing
 * here prints or stores a credential.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../src/model/errors.js';
import type { ConnectionDef } from '../../src/model/source.js';

const secret = { type: 'string', minLength: 1, maxLength: 8192 };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const fromCli: ConnectionDef['fromCli'] = (o, orgOfSnapshot, env, retry) => {
  const orgUrl = str(o.orgUrl) ?? orgOfSnapshot;
  if (!orgUrl) return undefined;
  let privateKey = env.OKTA_CLIENT_PRIVATEKEY;
  const keyFile = str(o.oktaPrivateKey);
  if (keyFile) {
    try {
      privateKey = readFileSync(keyFile, 'utf8');
    } catch (e) {
      throw new InputError(`--okta-private-key ${keyFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: keyFile });
    }
  }
  const auth = str(o.oktaAuth) ?? (privateKey ? 'private-key' : 'token');
  if (auth !== 'token' && auth !== 'private-key') throw new InputError(`--okta-auth must be token or private-key (got ${auth})`, { field: '--okta-auth' });
  // No credentials at all: left out (the caller says which is missing when a call needs it).
  if (auth !== 'private-key' && !env.OKTA_CLIENT_TOKEN) return undefined;
  return {
    orgUrl,
    auth,
    token: env.OKTA_CLIENT_TOKEN,
    clientId: str(o.oktaClientId) ?? env.OKTA_CLIENT_CLIENTID,
    privateKey: auth === 'private-key' ? privateKey : undefined,
    keyId: str(o.oktaKeyId) ?? env.OKTA_CLIENT_KEYID,
    retry,
  };
};

const fromConfig: ConnectionDef['fromConfig'] = (c, secret) => ({
  orgUrl: c.orgUrl,
  auth: c.auth,
  token: typeof c.token === 'string' ? secret(c.token, 'token') : undefined,
  clientId: c.clientId,
  privateKey: typeof c.privateKey === 'string' ? secret(c.privateKey, 'privateKey') : undefined,
  keyId: c.keyId,
});

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
  fromCli,
  fromConfig,
};
