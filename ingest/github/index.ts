/**
 * The GitHub collector: `collectGitHub` reads every dataset of the `github` source
 * (sources-github.md) for one organisation into `<out>/github/`, parents first (repositories
 * before the per-repository lists of R, installations before apps, teams before their members).
 * With `subject` it reads what the rules need about one login (its membership, its credential
 * authorizations and fine-grained PATs, its SAML identity) and records the scope in the manifest.
 */
import { SourceWriter } from '../collection/SourceWriter.js';
import { type CollectEvent, type CollectResult, type CollectorRunOptions, type DatasetResult, type DatasetTask, collectInto, skippedByRequest } from '../collection/runDatasets.js';
import { pipe, prepareSourceFolder } from '../collection/sourceFolder.js';
import { type GitHubSessionOptions, createGitHubSession } from './client.js';
import { collectAppInstallations, collectApps, collectAuditLog } from './collectApps.js';
import { collectCredentialAuthorizations, collectPersonalAccessTokens } from './collectCredentials.js';
import { collectSamlIdentities, collectScimIdentities, collectSettings } from './collectIdentities.js';
import { collectMembers, collectOrganization, collectOutsideCollaborators, collectRepositories, collectTeamMembers, collectTeams } from './collectOrg.js';
import { collectDeployKeys, collectRepoCollaborators } from './collectRepos.js';
import { COLLECTOR_VERSION, type GitHubContext, type SamlEnforcement } from './GitHubContext.js';

export { GITHUB_DATASETS } from './GitHubContext.js';
export type { CollectEvent, DatasetResult };

export interface CollectGitHubOptions extends Omit<GitHubSessionOptions, 'signal'>, CollectorRunOptions {
  org: string;
  enterprise?: string;
  emu?: boolean;
  repos?: readonly string[];
  allRepos?: boolean;
  samlEnforcement?: SamlEnforcement;
  subject?: string;
  /** Audit log window (ISO). */
  since?: string;
  until?: string;
}

type Raw = Record<string, unknown>;

export function githubTasks(ctx: GitHubContext): DatasetTask[] {
  const t = (name: string, run: (out: Parameters<DatasetTask['run']>[0]) => AsyncIterable<Raw>, after?: string[], ledger?: Raw): DatasetTask => ({
    name,
    after,
    ledger,
    run: (out) => pipe(run(out), out),
  });
  const samlLedger: Raw = {};
  const r = ctx.repos.all ? { bound: 'all' } : { bound: 'R', repos: [...ctx.repos.named] };
  return [
    t('organization', (o) => collectOrganization(ctx, o)),
    t('repositories', (o) => collectRepositories(ctx, o)),
    t('members', (o) => collectMembers(ctx, o)),
    t('samlIdentities', (o) => collectSamlIdentities(ctx, o, samlLedger), undefined, samlLedger),
    t('credentialAuthorizations', (o) => collectCredentialAuthorizations(ctx, o)),
    t('personalAccessTokens', (o) => collectPersonalAccessTokens(ctx, o)),
    t('outsideCollaborators', (o) => collectOutsideCollaborators(ctx, o)),
    t('repoCollaborators', (o) => collectRepoCollaborators(ctx, o), ['organization', 'repositories'], r),
    t('deployKeys', (o) => collectDeployKeys(ctx, o), ['organization', 'repositories'], r),
    t('scimIdentities', (o) => collectScimIdentities(ctx, o), undefined, { scim: ctx.emu ? 'enterprise' : 'organization' }),
    t('settings', (o) => collectSettings(ctx, o), undefined, { emu: ctx.emu }),
    t('appInstallations', (o) => collectAppInstallations(ctx, o)),
    t('apps', (o) => collectApps(ctx, o), ['appInstallations']),
    t('teams', (o) => collectTeams(ctx, o)),
    t('teamMembers', (o) => collectTeamMembers(ctx, o), ['teams']),
    t('auditLog', (o) => collectAuditLog(ctx, o), undefined, { window: { since: ctx.since ?? null, until: ctx.until ?? null }, phrase: 'action:user.suspend' }),
  ];
}

export async function collectGitHub(opts: CollectGitHubOptions): Promise<CollectResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const session = createGitHubSession({ ...opts, signal });
  const dir = prepareSourceFolder(opts.out, 'github', opts.org, opts);
  const ctx: GitHubContext = {
    session,
    org: opts.org,
    enterprise: opts.enterprise,
    emu: !!opts.emu,
    repos: { all: !!opts.allRepos, named: opts.repos ?? [] },
    samlEnforcement: opts.samlEnforcement,
    subject: opts.subject,
    since: opts.since,
    until: opts.until,
    collectionDir: opts.out,
  };
  const writer = new SourceWriter(dir, {
    source: 'github',
    tenant: opts.org,
    collectedAt: opts.collectedAt,
    resume: opts.resume,
    extra: {
      ...(opts.enterprise ? { enterprise: opts.enterprise } : {}),
      collector: COLLECTOR_VERSION,
      apiUrl: session.apiUrl,
      auth: session.auth,
      scope: opts.subject ? { kind: 'subject', subject: opts.subject } : { kind: 'organization' },
    },
  });
  const skip = skippedByRequest(opts.skip);
  if (opts.subject) for (const d of ['teams', 'teamMembers']) skip.set(d, 'not collected: not read for a subject collection (no rule reads teams)');
  return collectInto(dir, {
      writer,
      source: 'github',
      tasks: githubTasks(ctx),
      skip,
      resume: opts.resume,
      parallel: opts.parallelDatasets ?? 3,
      signal,
      onEvent: opts.onEvent,
    });
}
