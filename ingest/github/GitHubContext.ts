/**
 * What every GitHub dataset collector receives — the Octokit session, the organisation, the
 * optional enterprise, the repository bound **R** and the options of this run — and the
 * datasets of the `github` source with the least privilege each needs (named in `missing`
 * reasons and in docs/collectors.md).
 */
import type { GitHubSession } from './client.js';

export const COLLECTOR_VERSION = 'revenant-collect-github/1';

/** The datasets of a `github` source folder (sources-github.md), in collection order. */
export const GITHUB_DATASETS = [
  'organization',
  'members',
  'outsideCollaborators',
  'teams',
  'teamMembers',
  'repositories',
  'repoCollaborators',
  'deployKeys',
  'credentialAuthorizations',
  'personalAccessTokens',
  'samlIdentities',
  'scimIdentities',
  'settings',
  'appInstallations',
  'apps',
  'auditLog',
] as const;
export type GitHubDataset = (typeof GITHUB_DATASETS)[number];

/** Least privilege per dataset: classic PAT scope and GitHub App permission. */
export const GITHUB_PERMISSIONS: Record<GitHubDataset, string> = {
  organization: 'read:org (App: Members read)',
  members: 'read:org, as an organization owner (App: Members read)',
  outsideCollaborators: 'read:org (App: Members read)',
  teams: 'read:org (App: Members read)',
  teamMembers: 'read:org (App: Members read)',
  repositories: 'repo (App: Metadata read)',
  repoCollaborators: 'read:org and repo (App: Metadata read and Members read)',
  deployKeys: 'repo (App: Administration read)',
  credentialAuthorizations: 'read:org as an organization owner, on a GitHub Enterprise Cloud organization with SAML SSO',
  personalAccessTokens: 'a GitHub App with the organization permission "Personal access tokens" (read); a PAT cannot list them',
  samlIdentities: 'read:org as an organization owner (enterprise SAML: read:enterprise as an enterprise owner)',
  scimIdentities: 'admin:org as an organization owner (EMU: the enterprise SCIM token)',
  settings: 'read:enterprise as an enterprise owner (--enterprise), or the operator flag --saml-enforcement',
  appInstallations: 'read:org as an organization owner (App: Administration read)',
  apps: 'none beyond a token (public app metadata)',
  auditLog: 'read:audit_log as an organization owner (GitHub Enterprise Cloud)',
};

export type SamlEnforcement = 'enforced' | 'configured' | 'none' | 'unknown';

export interface RepoBound {
  /** `--all-repos`: every repository is in R. */
  all: boolean;
  /** `--repo` values: `OWNER/REPO`, `REPO` (in the org) or a numeric repository id. */
  named: readonly string[];
}

export interface GitHubContext {
  session: GitHubSession;
  /** Organisation login, as given. */
  org: string;
  enterprise?: string;
  /** Enterprise Managed Users (SCIM at the enterprise, suspension in the audit log). */
  emu: boolean;
  repos: RepoBound;
  /** `--saml-enforcement`: the operator's word where no API says it (sources-github.md, question 1). */
  samlEnforcement?: SamlEnforcement;
  /** One account (login) for a subject collection. */
  subject?: string;
  /** Audit-log window (ISO). */
  since?: string;
  until?: string;
  /** The collection folder: sibling `entra`/`azure` folders name the repositories of R. */
  collectionDir: string;
}

/** The `user` part of a line keeps what correlation and the rules read. */
export function userRef(u: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!u) return null;
  const ref: Record<string, unknown> = { id: u.id ?? u.databaseId, login: u.login };
  if (u.type !== undefined) ref.type = u.type;
  if (u.node_id !== undefined) ref.node_id = u.node_id;
  return ref;
}
