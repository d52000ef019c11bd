/**
 * `revenant collect okta`: the command's options (the org, how to authenticate, the scopes,
 * opt-in datasets) turned into an org sweep (`collectOkta`) or, with `--subject`, a one-account
 * collection (`collectOktaSubject`), or with `--delta` what changed since `--base` (`collectOktaDelta`). An API token or a private key comes from the environment
 * (OKTA_CLIENT_*) or a key file, never from the command line. Loaded only when the command runs
 * (ingest/okta/source.ts declares it).
 */
import { InputError } from '../../src/model/errors.js';
import type { CollectRun, CollectorModule } from '../../src/model/source.js';
import { readSecretFile } from '../collection/readSecretFile.js';
import { OPT_IN, collectOkta, collectOktaDelta, collectOktaSubject } from './index.js';

interface OktaFlags {
  orgUrl: string;
  auth?: string;
  clientId?: string;
  privateKey?: string;
  keyId?: string;
  scopes?: string;
  include?: string[];
}

export const collect: CollectorModule['collect'] = async (flags, run: CollectRun) => {
  const o = flags as Readonly<OktaFlags>;
  for (const d of o.include ?? []) if (!(d in OPT_IN)) throw new InputError(`collect okta: --include ${d}: only ${Object.keys(OPT_IN).join(', ')} can be included`);
  let privateKey = process.env.OKTA_CLIENT_PRIVATEKEY;
  if (o.privateKey) privateKey = readSecretFile(o.privateKey, 'collect okta: --private-key');
  const auth = o.auth ?? (privateKey ? 'private-key' : 'token');
  if (auth !== 'token' && auth !== 'private-key') throw new InputError(`collect okta: --auth must be token or private-key (got ${auth})`);
  const authMode: 'token' | 'private-key' = auth;
  const { subject, delta, ...rest } = run;
  const common = {
    ...rest,
    orgUrl: o.orgUrl,
    auth: authMode,
    token: process.env.OKTA_CLIENT_TOKEN,
    clientId: o.clientId ?? process.env.OKTA_CLIENT_CLIENTID,
    privateKey: auth === 'private-key' ? privateKey : undefined,
    keyId: o.keyId ?? process.env.OKTA_CLIENT_KEYID,
    scopes: o.scopes?.split(/[\s,]+/).filter(Boolean),
    include: o.include,
  };
  if (delta) return collectOktaDelta({ ...common, base: delta.base, overlapMinutes: delta.overlapMinutes });
  return subject ? collectOktaSubject({ ...common, subject }) : collectOkta(common);
};
