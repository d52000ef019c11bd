/**
 * The GitHub transforms in load order (sources-github.md): the organisation and its settings,
 * accounts (members, outside collaborators), repositories, then what hangs off them — repository
 * roles, deploy keys, SSO-authorised credentials, fine-grained PATs, the IdP's identities, apps and
 * their installations, SCIM identities and the audit log's `user.suspend` events (EMU). Ids are
 * GitHub's numeric ids as text. What is keyed by login (a deploy key's `added_by`, a credential
 * authorisation's `login`, a suspension's `user`), a SCIM identity's account, and the account →
 * organisation edges are joined after loading (ingest/github/derive.ts): the lines do not carry them.
 */
import { GitHubEdge, GitHubKind, GitHubSpace, type GitHubAppProps, type GitHubDeployKeyProps, type GitHubExternalIdentityProps, type GitHubInstallationProps, type GitHubOrgProps, type GitHubPatProps, type GitHubRepositoryProps, type GitHubSettingsProps, type GitHubScimIdentityProps, type GitHubSsoCredentialProps, type GitHubSuspensionProps, type GitHubUserProps } from '../../src/model/githubSchema.js';
import type { Emit, Transform } from '../../src/model/Emit.js';
import { type Raw, bool, obj, str, strs } from '../collection/fields.js';
import type { GitHubDataset } from './GitHubContext.js';

/** A numeric (or string) id as text; null when absent. */
export function ghId(o: Raw | null | undefined, k: string): string | null {
  const v = o?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' && v !== '' ? v : null;
}

/** `{"administration": "write", "members": "read"}` (optionally nested one level: `{"repository": {…}}`) → `administration:write` … */
export function permissionList(p: Raw | null): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(p ?? {})) {
    if (typeof v === 'string') out.push(`${k}:${v}`);
    else if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v as Raw)) if (typeof v2 === 'string') out.push(`${k}.${k2}:${v2}`);
  }
  return out.sort();
}

function userNode(emit: Emit, u: Raw, orgRole: string | null, outside: boolean) {
  const id = ghId(u, 'id') ?? '';
  const login = str(u, 'login') ?? id;
  const props: GitHubUserProps = { name: login, login, verifiedEmails: strs(u, 'organizationVerifiedDomainEmails'), orgRole, outside };
  return emit.node(GitHubKind.GitHubUser, GitHubSpace.user, id, props);
}

const userRef = (emit: Emit, id: string, login?: string | null) => emit.ref(GitHubKind.GitHubUser, GitHubSpace.user, id, login ?? undefined);
const repoRef = (emit: Emit, id: string) => emit.ref(GitHubKind.GitHubRepository, GitHubSpace.repo, id);

/** An audit-log time (`@timestamp`/`created_at`: epoch milliseconds, or ISO) as ISO, or null. */
function auditTime(raw: Raw): string | null {
  for (const k of ['@timestamp', 'created_at']) {
    const v = raw[k];
    if (typeof v === 'number' && Number.isFinite(v)) return new Date(v).toISOString();
    if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v)).toISOString();
  }
  return null;
}

const transforms: Record<Exclude<GitHubDataset, 'teams' | 'teamMembers'>, Transform> = {
  organization(raw, emit) {
    const login = str(raw, 'login') ?? '';
    const props: GitHubOrgProps = { name: login, login };
    emit.node(GitHubKind.GitHubOrg, GitHubSpace.org, ghId(raw, 'id') ?? '', props);
  },
  settings(raw, emit) {
    const props: GitHubSettingsProps = { name: 'settings', samlEnforcement: str(raw, 'samlEnforcement') ?? 'unknown', emu: bool(raw, 'emu') === true };
    emit.node(GitHubKind.GitHubSettings, GitHubSpace.settings, 'settings', props);
  },
  members(raw, emit) {
    userNode(emit, obj(raw, 'user') ?? {}, (str(raw, 'role') ?? 'MEMBER').toUpperCase(), false);
  },
  outsideCollaborators(raw, emit) {
    userNode(emit, raw, null, true);
  },
  repositories(raw, emit) {
    const fullName = str(raw, 'full_name') ?? '';
    const props: GitHubRepositoryProps = { name: fullName, fullName };
    emit.node(GitHubKind.GitHubRepository, GitHubSpace.repo, ghId(raw, 'id') ?? '', props);
  },
  repoCollaborators(raw, emit) {
    const c = obj(raw, 'collaborator') ?? {};
    emit.edge(GitHubEdge.REPO_ROLE, userRef(emit, ghId(c, 'id') ?? '', str(c, 'login')), repoRef(emit, ghId(raw, 'repoId') ?? ''), { role: (str(c, 'role_name') ?? 'read').toLowerCase() });
  },
  deployKeys(raw, emit) {
    const k = obj(raw, 'key') ?? {};
    const repoId = ghId(raw, 'repoId') ?? '';
    const keyId = ghId(k, 'id') ?? '';
    const props: GitHubDeployKeyProps = { name: str(k, 'title') ?? keyId, repoId, keyId, addedBy: str(k, 'added_by'), readOnly: bool(k, 'read_only'), enabled: bool(k, 'enabled') };
    emit.edge(GitHubEdge.ON_REPO, emit.node(GitHubKind.GitHubDeployKey, GitHubSpace.deployKey, `${repoId}/${keyId}`, props), repoRef(emit, repoId));
  },
  credentialAuthorizations(raw, emit) {
    const id = ghId(raw, 'credential_id') ?? '';
    const props: GitHubSsoCredentialProps = {
      name: str(raw, 'authorized_credential_title') ?? str(raw, 'credential_type') ?? id,
      login: str(raw, 'login') ?? '',
      credentialType: str(raw, 'credential_type'),
      scopes: strs(raw, 'scopes'),
      expiresAt: str(raw, 'authorized_credential_expires_at'),
    };
    emit.node(GitHubKind.GitHubSsoCredential, GitHubSpace.ssoCredential, id, props);
  },
  personalAccessTokens(raw, emit) {
    const id = ghId(raw, 'id') ?? '';
    const owner = obj(raw, 'owner') ?? {};
    const props: GitHubPatProps = {
      name: str(raw, 'token_name') ?? id,
      ownerId: ghId(owner, 'id') ?? '',
      expiresAt: str(raw, 'token_expires_at'),
      expired: bool(raw, 'token_expired'),
      permissions: permissionList(obj(raw, 'permissions')),
    };
    emit.edge(GitHubEdge.AUTHORIZED, userRef(emit, props.ownerId, str(owner, 'login')), emit.node(GitHubKind.GitHubFineGrainedPat, GitHubSpace.pat, id, props));
  },
  samlIdentities(raw, emit) {
    const user = obj(raw, 'user');
    const userId = ghId(user, 'databaseId');
    if (!userId) return; // an identity not linked to an account links nothing
    const props: GitHubExternalIdentityProps = {
      name: str(obj(raw, 'samlIdentity'), 'nameId') ?? userId,
      userId,
      issuer: str(raw, 'issuer'),
      nameId: str(obj(raw, 'samlIdentity'), 'nameId'),
      scimUserName: str(obj(raw, 'scimIdentity'), 'username'),
    };
    emit.node(GitHubKind.GitHubExternalIdentity, GitHubSpace.identity, userId, props);
  },
  scimIdentities(raw, emit) {
    const id = str(raw, 'id') ?? '';
    const props: GitHubScimIdentityProps = { name: str(raw, 'userName') ?? id, userName: str(raw, 'userName'), externalId: str(raw, 'externalId'), active: bool(raw, 'active') };
    emit.node(GitHubKind.GitHubScimIdentity, GitHubSpace.scim, id, props);
  },
  auditLog(raw, emit) {
    // Only `user.suspend` decides anything (EMU: SCIM suspended the account, sources-github.md "Departure").
    if (str(raw, 'action') !== 'user.suspend') return;
    const at = auditTime(raw);
    const userId = ghId(raw, 'user_id');
    const login = str(raw, 'user');
    if (!at || (!userId && !login)) return;
    const props: GitHubSuspensionProps = { name: `user.suspend ${login ?? userId}`, login, userId, at };
    emit.node(GitHubKind.GitHubSuspension, GitHubSpace.suspension, str(raw, '_document_id') ?? `${userId ?? login}/${Date.parse(at)}`, props);
  },
  apps(raw, emit) {
    const owner = obj(raw, 'owner');
    const props: GitHubAppProps = { name: str(raw, 'name') ?? str(raw, 'slug') ?? '', ownerType: str(owner, 'type') };
    const app = emit.node(GitHubKind.GitHubApp, GitHubSpace.app, ghId(raw, 'id') ?? '', props);
    const ownerId = ghId(owner, 'id');
    if (ownerId && props.ownerType === 'User') emit.edge(GitHubEdge.OWNS_APP, userRef(emit, ownerId, str(owner, 'login')), app);
  },
  appInstallations(raw, emit) {
    const id = ghId(raw, 'id') ?? '';
    const appId = ghId(raw, 'app_id');
    const props: GitHubInstallationProps = { name: str(raw, 'app_slug') ?? id, appId, permissions: permissionList(obj(raw, 'permissions')) };
    const inst = emit.node(GitHubKind.GitHubAppInstallation, GitHubSpace.installation, id, props);
    if (appId) emit.edge(GitHubEdge.INSTALLATION_OF, inst, emit.ref(GitHubKind.GitHubApp, GitHubSpace.app, appId));
  },
};

/** In load order: objects before what references them. */
export const GITHUB_TRANSFORMS: readonly [GitHubDataset, Transform][] = [
  ['organization', transforms.organization],
  ['settings', transforms.settings],
  ['members', transforms.members],
  ['outsideCollaborators', transforms.outsideCollaborators],
  ['repositories', transforms.repositories],
  ['repoCollaborators', transforms.repoCollaborators],
  ['deployKeys', transforms.deployKeys],
  ['credentialAuthorizations', transforms.credentialAuthorizations],
  ['personalAccessTokens', transforms.personalAccessTokens],
  ['samlIdentities', transforms.samlIdentities],
  ['scimIdentities', transforms.scimIdentities],
  ['auditLog', transforms.auditLog],
  ['apps', transforms.apps],
  ['appInstallations', transforms.appInstallations],
];
