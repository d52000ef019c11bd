/**
 * `revenant collect github`: the command's options (the organisation, the enterprise and EMU,
 * which repositories, the SAML SSO state no API says, how to authenticate) turned into an
 * organisation collection (`collectGitHub`). A token or an App key comes from the environment
 * (REVENANT_GITHUB_TOKEN, GITHUB_TOKEN, GITHUB_APP_*) or a key file, never from the command line.
 * Loaded only when the command runs (ingest/github/collector.ts declares it).
 */
import { InputError } from '../../src/model/errors.js';
import type { CollectRun, CollectorModule } from '../../src/model/source.js';
import { readSecretFile } from '../collection/readSecretFile.js';
import { collectGitHub } from './index.js';

interface GitHubFlags {
  org: string;
  enterprise?: string;
  emu?: boolean;
  repo?: string[];
  allRepos?: boolean;
  samlEnforcement?: string;
  apiUrl?: string;
  auth?: string;
  appId?: string;
  privateKey?: string;
  installationId?: string;
}

const ENFORCEMENT = ['enforced', 'configured', 'none'] as const;
type Enforcement = (typeof ENFORCEMENT)[number];

export const collect: CollectorModule['collect'] = async (flags, run: CollectRun) => {
  const o = flags as Readonly<GitHubFlags>;
  let privateKey = process.env.GITHUB_APP_PRIVATE_KEY;
  if (o.privateKey) privateKey = readSecretFile(o.privateKey, 'collect github: --private-key');
  const envToken = process.env.REVENANT_GITHUB_TOKEN ?? process.env.GITHUB_TOKEN;
  const auth = o.auth ?? (privateKey && !envToken ? 'app' : 'token');
  if (auth !== 'token' && auth !== 'app') throw new InputError(`collect github: --auth must be token or app (got ${auth})`);
  const enforcement = o.samlEnforcement;
  if (enforcement !== undefined && !ENFORCEMENT.includes(enforcement as Enforcement)) {
    throw new InputError(`collect github: --saml-enforcement must be enforced, configured or none (got ${JSON.stringify(enforcement)})`);
  }
  if (o.emu && !o.enterprise) throw new InputError('collect github: --emu needs --enterprise (EMU identities live at the enterprise)');
  return collectGitHub({
    ...run,
    org: o.org,
    enterprise: o.enterprise,
    emu: o.emu,
    repos: o.repo,
    allRepos: o.allRepos,
    samlEnforcement: enforcement as Enforcement | undefined,
    apiUrl: o.apiUrl,
    auth,
    token: auth === 'token' ? envToken : undefined,
    appId: o.appId ?? process.env.GITHUB_APP_ID,
    privateKey: auth === 'app' ? privateKey : undefined,
    installationId: o.installationId ?? process.env.GITHUB_APP_INSTALLATION_ID,
  });
};
