/**
 * GitHub's vocabulary in the graph, contributed to the schema by the GitHub source
 * (ingest/github/source.ts lists these in `nodeKinds`/`edgeKinds`): node kinds, edge kinds, id
 * spaces and each kind's properties, with `githubProps` to read them typed. It lives in src/model,
 * not in ingest/github, because the `github.*` rules (queries/residual-access, both engines) and
 * reach read these kinds, and queries/ never imports a source folder.
 */
import { sourceEdgeKind, sourceNodeKind } from './schema.js';
import { kindPropsReaders } from './props.js';
import type { BaseProps, Iso } from './types.js';

export const GitHubKind = {
  /** The organisation (its login is the github source's tenant). */
  GitHubOrg: sourceNodeKind('GitHubOrg'),
  /** The `settings` line: SAML enforcement and EMU (one per source). */
  GitHubSettings: sourceNodeKind('GitHubSettings'),
  /** A GitHub account (numeric id as text); an account kind whose departure is borrowed. */
  GitHubUser: sourceNodeKind('GitHubUser'),
  GitHubRepository: sourceNodeKind('GitHubRepository'),
  /** A credential authorised for SAML SSO (credentialAuthorizations). */
  GitHubSsoCredential: sourceNodeKind('GitHubSsoCredential'),
  /** A fine-grained personal access token granted to the organisation. */
  GitHubFineGrainedPat: sourceNodeKind('GitHubFineGrainedPat'),
  GitHubDeployKey: sourceNodeKind('GitHubDeployKey'),
  GitHubApp: sourceNodeKind('GitHubApp'),
  /** A SAML (or SCIM) identity linked to a GitHub account: the IdP's assertion (samlIdentities). */
  GitHubExternalIdentity: sourceNodeKind('GitHubExternalIdentity'),
  GitHubAppInstallation: sourceNodeKind('GitHubAppInstallation'),
  /** A SCIM identity (scimIdentities; EMU: the enterprise's), with `active` and the IdP's `externalId`. */
  GitHubScimIdentity: sourceNodeKind('GitHubScimIdentity'),
  /** A `user.suspend` event of the audit log (EMU: SCIM suspended the account). */
  GitHubSuspension: sourceNodeKind('GitHubSuspension'),
} as const;

export const GitHubEdge = {
  /** (:GitHubUser)-[:ORG_MEMBER {role}]->(:GitHubOrg)   members (role ADMIN|MEMBER, upper-cased; derived) */
  ORG_MEMBER: sourceEdgeKind('ORG_MEMBER'),
  /** (:GitHubUser)-[:OUTSIDE_COLLABORATOR]->(:GitHubOrg)   (derived) */
  OUTSIDE_COLLABORATOR: sourceEdgeKind('OUTSIDE_COLLABORATOR'),
  /** (:GitHubUser)-[:REPO_ROLE {role}]->(:GitHubRepository)   repoCollaborators (role_name, lower-cased) */
  REPO_ROLE: sourceEdgeKind('REPO_ROLE'),
  /** (:GitHubUser)-[:AUTHORIZED]->(:GitHubSsoCredential|GitHubFineGrainedPat)   SSO credentials joined by login (derived) */
  AUTHORIZED: sourceEdgeKind('AUTHORIZED'),
  /** (:GitHubUser)-[:ADDED_KEY]->(:GitHubDeployKey)   by added_by login (derived) */
  ADDED_KEY: sourceEdgeKind('ADDED_KEY'),
  /** (:GitHubDeployKey)-[:ON_REPO]->(:GitHubRepository) */
  ON_REPO: sourceEdgeKind('ON_REPO'),
  /** (:GitHubUser)-[:OWNS_APP]->(:GitHubApp) */
  OWNS_APP: sourceEdgeKind('OWNS_APP'),
  /** (:GitHubAppInstallation)-[:INSTALLATION_OF]->(:GitHubApp) */
  INSTALLATION_OF: sourceEdgeKind('INSTALLATION_OF'),
  /**
   * (:GitHubRepository|GitHubOrg)-[:WORKFLOW_TRUST {match}]->(:FederatedIdentityCredential)   derived:
   * a credential whose issuer is GitHub Actions and whose subject names the repository (match
   * `name` or `id`) or every repository of the organisation (`owner`, `workflow`).
   */
  WORKFLOW_TRUST: sourceEdgeKind('WORKFLOW_TRUST'),
  /**
   * (:GitHubUser)-[:SCIM_IDENTITY]->(:GitHubScimIdentity)   derived: the SCIM identity of the
   * account — by the SAML identity's SCIM username, or (EMU) by the login GitHub normalised from
   * the SCIM userName (`{normalised}_{shortcode}`); an ambiguous match joins nothing.
   */
  SCIM_IDENTITY: sourceEdgeKind('SCIM_IDENTITY'),
  /** (:GitHubUser)-[:SUSPENDED]->(:GitHubSuspension)   derived: a `user.suspend` event, by user_id (else login). */
  SUSPENDED: sourceEdgeKind('SUSPENDED'),
} as const;

/** GitHub's SAML session: an IdP-blocked member keeps access this long after D (sources-github.md). */
export const GITHUB_SAML_WINDOW_MS = 24 * 3600 * 1000;

/** Id spaces inside a github source. */
export const GitHubSpace = {
  org: 'org',
  settings: 'settings',
  user: 'ghuser',
  repo: 'repo',
  ssoCredential: 'ssocred',
  pat: 'pat',
  deployKey: 'deploykey',
  app: 'ghapp',
  identity: 'extid',
  installation: 'install',
  scim: 'scim',
  suspension: 'suspend',
} as const;

export interface GitHubOrgProps extends BaseProps {
  name: string;
  login: string;
}

export interface GitHubSettingsProps extends BaseProps {
  name: string;
  /** `enforced`, `configured`, `none` or `unknown` (sources-github.md `settings`). */
  samlEnforcement: string;
  emu: boolean;
}

export interface GitHubUserProps extends BaseProps {
  name: string;
  login: string;
  /** Verified-domain mails (medium correlation). */
  verifiedEmails: string[];
  /** Its role in the organisation (`members`, upper-cased: `ADMIN` or `MEMBER`), or null. */
  orgRole: string | null;
  /** Listed in `outsideCollaborators`. */
  outside: boolean;
  stub?: boolean;
}

export interface GitHubRepositoryProps extends BaseProps {
  name: string;
  fullName: string;
}

export interface GitHubSsoCredentialProps extends BaseProps {
  name: string;
  login: string;
  credentialType: string | null;
  scopes: string[];
  expiresAt: Iso;
}

export interface GitHubPatProps extends BaseProps {
  name: string;
  ownerId: string;
  expiresAt: Iso;
  expired: boolean | null;
  /** `repository.contents:write`, `organization.administration:write` … */
  permissions: string[];
}

export interface GitHubDeployKeyProps extends BaseProps {
  name: string;
  repoId: string;
  keyId: string;
  addedBy: string | null;
  readOnly: boolean | null;
  enabled: boolean | null;
}

export interface GitHubAppProps extends BaseProps {
  name: string;
  ownerType: string | null;
}

export interface GitHubExternalIdentityProps extends BaseProps {
  name: string;
  /** The GitHub account's numeric id (as text). */
  userId: string;
  issuer: string | null;
  nameId: string | null;
  scimUserName: string | null;
}

export interface GitHubInstallationProps extends BaseProps {
  name: string;
  appId: string | null;
  /** `administration:write`, `members:read` … */
  permissions: string[];
}

export interface GitHubScimIdentityProps extends BaseProps {
  name: string;
  userName: string | null;
  /** EMU: the IdP's user object id (Entra user `id`): a strong link. */
  externalId: string | null;
  /** SCIM `active`; false: suspended (EMU) or deprovisioned. */
  active: boolean | null;
}

export interface GitHubSuspensionProps extends BaseProps {
  name: string;
  login: string | null;
  userId: string | null;
  /** When the account was suspended (the event's `@timestamp`). */
  at: Iso;
}

export interface GitHubPropsByKind {
  GitHubOrg: GitHubOrgProps;
  GitHubSettings: GitHubSettingsProps;
  GitHubUser: GitHubUserProps;
  GitHubRepository: GitHubRepositoryProps;
  GitHubSsoCredential: GitHubSsoCredentialProps;
  GitHubFineGrainedPat: GitHubPatProps;
  GitHubDeployKey: GitHubDeployKeyProps;
  GitHubApp: GitHubAppProps;
  GitHubExternalIdentity: GitHubExternalIdentityProps;
  GitHubAppInstallation: GitHubInstallationProps;
  GitHubScimIdentity: GitHubScimIdentityProps;
  GitHubSuspension: GitHubSuspensionProps;
}

const githubReaders = kindPropsReaders<GitHubPropsByKind>('githubProps');
/** The properties of a GitHub node, typed by its kind; throws when `n` is not of that kind (a programming error). */
export const githubProps = githubReaders.of;
/** The properties of `n` when it is of `kind`, else undefined (also for no node). */
export const githubPropsIf = githubReaders.when;
