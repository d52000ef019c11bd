/**
 * The Okta session options of a remediation or verification (ingest/okta/remediation.ts's
 * session), from `remediate`/`verify`'s options and the environment — the collector's
 * conventions: `OKTA_CLIENT_TOKEN`, or a private-key JWT service app (`--okta-auth private-key`,
 * the key from `--okta-private-key` or OKTA_CLIENT_PRIVATEKEY) — or from the server config's
 * `remediation.okta` section (secrets as references). Nothing here prints or stores a credential.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../src/model/errors.js';
import type { ConnectionModule } from '../../src/model/source.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const fromCli: ConnectionModule['fromCli'] = (o, orgOfSnapshot, env, retry) => {
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

export const fromConfig: ConnectionModule['fromConfig'] = (c, secret) => ({
  orgUrl: c.orgUrl,
  auth: c.auth,
  token: typeof c.token === 'string' ? secret(c.token, 'token') : undefined,
  clientId: c.clientId,
  privateKey: typeof c.privateKey === 'string' ? secret(c.privateKey, 'privateKey') : undefined,
  keyId: c.keyId,
});
