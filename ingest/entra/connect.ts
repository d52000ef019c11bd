/**
 * The Graph session options of a remediation or verification (ingest/entra/remediation.ts's
 * session), from `remediate`/`verify`'s options and the environment — the collector's
 * conventions: `REVENANT_GRAPH_TOKEN`, or an @azure/identity credential (`--auth`) — or from the
 * server config's `remediation.entra` section (secrets as references). Nothing here prints or
 * stores a credential.
 */
import { InputError } from '../../src/model/errors.js';
import type { ConnectionModule } from '../../src/model/source.js';
import { GRAPH_AUTH_MODES } from './GraphTokenProvider.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const fromCli: ConnectionModule['fromCli'] = (o, tenantOfSnapshot, env, retry) => {
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

export const fromConfig: ConnectionModule['fromConfig'] = (c, secret, env) => ({
  tenant: c.tenant,
  mode: c.mode,
  token: typeof c.token === 'string' ? secret(c.token, 'token') : undefined,
  clientId: c.clientId,
  certificatePath: c.certificatePath,
  graphUrl: c.graphUrl,
  authorityHost: c.authorityHost,
  env,
});
