/**
 * `revenant collect azure`: the command's options (the tenant id, the ARM endpoint, the
 * authority, how to authenticate) turned into a resource-plane collection (`collectAzure`). A
 * token comes from REVENANT_AZURE_TOKEN, never from the command line. Loaded only when the
 * command runs (ingest/azure/collector.ts declares it).
 */
import { InputError } from '../../src/model/errors.js';
import type { CollectRun, CollectorModule } from '../../src/model/source.js';
import { AZURE_AUTH_MODES } from './client.js';
import { collectAzure } from './index.js';

interface AzureFlags {
  tenant: string;
  armUrl?: string;
  authorityHost?: string;
  auth?: string;
  clientId?: string;
  certificate?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const collect: CollectorModule['collect'] = async (flags, run: CollectRun) => {
  const o = flags as Readonly<AzureFlags>;
  const token = process.env.REVENANT_AZURE_TOKEN;
  const auth = o.auth ?? (token ? 'token' : 'default');
  if (!AZURE_AUTH_MODES.includes(auth as never)) throw new InputError(`collect azure: --auth must be one of ${AZURE_AUTH_MODES.join(', ')} (got ${auth})`);
  if (!GUID.test(o.tenant)) {
    throw new InputError(`collect azure: --tenant must be the tenant id (a GUID: it names the tenant root management group), got ${JSON.stringify(o.tenant)}`);
  }
  if (run.subject && !GUID.test(run.subject)) throw new InputError(`collect azure: --subject must be an Entra object id (got ${JSON.stringify(run.subject)})`);
  const { since: _since, until: _until, ...rest } = run;
  return collectAzure({
    ...rest,
    tenant: o.tenant,
    armUrl: o.armUrl,
    authorityHost: o.authorityHost,
    mode: auth as never,
    token: auth === 'token' ? token : undefined,
    clientId: o.clientId,
    certificatePath: o.certificate,
  });
};
