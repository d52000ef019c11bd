/**
 * `revenant collect entra`: the command's options (the Graph root, the authority, how to
 * authenticate) turned into a tenant sweep (`collectEntra`), with `--subject` a one-account
 * collection (`collectEntraSubject`), or with `--delta` what changed since `--base`
 * (`collectEntraDelta`). A token comes from REVENANT_GRAPH_TOKEN, never from the command line. Loaded only when the command runs (ingest/entra/source.ts declares it).
 */
import { InputError } from '../../src/model/errors.js';
import type { CollectRun, CollectorModule } from '../../src/model/source.js';
import { GRAPH_AUTH_MODES } from './graphAuthModes.js';
import { collectEntra, collectEntraDelta, collectEntraSubject } from './index.js';

interface EntraFlags {
  tenant: string;
  graphUrl?: string;
  authorityHost?: string;
  auth?: string;
  clientId?: string;
  certificate?: string;
}

export const collect: CollectorModule['collect'] = async (flags, run: CollectRun) => {
  const o = flags as Readonly<EntraFlags>;
  const token = process.env.REVENANT_GRAPH_TOKEN;
  const auth = o.auth ?? (token ? 'token' : 'default');
  if (!GRAPH_AUTH_MODES.includes(auth as never)) throw new InputError(`collect entra: --auth must be one of ${GRAPH_AUTH_MODES.join(', ')} (got ${auth})`);
  const { subject, delta, ...rest } = run;
  const common = {
    ...rest,
    tenant: o.tenant,
    graphUrl: o.graphUrl,
    authorityHost: o.authorityHost,
    mode: auth as never,
    token: auth === 'token' ? token : undefined,
    clientId: o.clientId,
    certificatePath: o.certificate,
  };
  if (delta) return collectEntraDelta({ ...common, base: delta.base, overlapMinutes: delta.overlapMinutes });
  return subject ? collectEntraSubject({ ...common, subject }) : collectEntra(common);
};
