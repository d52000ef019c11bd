/**
 * `revenant collect github`, declared for the source registry (GitHub's SourceDefinition,
 * source.ts, holds it as `capabilities.collector`): the command's description, its options and
 * the datasets `--skip` takes; the collector (collectCommand.ts) is loaded only when the command
 * runs.
 */
import type { CollectorDef } from '../../src/model/source.js';
import { GITHUB_DATASETS } from './GitHubContext.js';

export const GITHUB_COLLECTOR: CollectorDef & { datasets: readonly string[] } = {
  description: 'read a GitHub organisation through the GitHub REST and GraphQL APIs (Octokit) into <out>/github',
  datasets: GITHUB_DATASETS,
  options: [
    { flags: '--org <login>', description: 'the organisation login', required: true },
    { flags: '--enterprise <slug>', description: 'the enterprise slug (enterprise SAML provider, SAML enforcement, EMU)' },
    { flags: '--emu', description: 'the enterprise uses Enterprise Managed Users (SCIM at the enterprise; needs --enterprise)' },
    {
      flags: '--repo <repo...>',
      description: 'repositories to read collaborators and deploy keys of, beside those named by federated credentials in the collection (OWNER/REPO, REPO or id)',
    },
    { flags: '--all-repos', description: 'read collaborators and deploy keys of every repository' },
    { flags: '--saml-enforcement <state>', description: "enforced | configured | none: the organisation's SAML SSO state, where no API says it" },
    { flags: '--api-url <url>', description: 'REST root (GitHub Enterprise Server: https://HOST/api/v3)', default: 'https://api.github.com' },
    { flags: '--auth <mode>', description: 'token (REVENANT_GITHUB_TOKEN or GITHUB_TOKEN) | app (a GitHub App installation)' },
    { flags: '--app-id <id>', description: 'GitHub App id (default GITHUB_APP_ID)' },
    { flags: '--private-key <file>', description: 'the GitHub App private key, PEM (default GITHUB_APP_PRIVATE_KEY, the key itself)' },
    { flags: '--installation-id <id>', description: 'the App installation on the organisation (default GITHUB_APP_INSTALLATION_ID)' },
  ],
  load: () => import('./collectCommand.js'),
};
