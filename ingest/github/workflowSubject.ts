/**
 * What a federated credential trusted by GitHub Actions names: the issuer test and the subject
 * formats of GitHub's OIDC tokens (sources-github.md, [G12]) — `repo:OWNER/REPO:…` (a full name,
 * compared case-insensitively), the immutable `repo:OWNER@OID/REPO@RID:…` (a repository id, the
 * default for repositories created, renamed or moved from 2026-07-15), customised claim lists
 * (`repository_id:RID`, `repository:OWNER/REPO`, `repository_owner[_id]:…`, `job_workflow_ref:…`).
 * Pure: the collector uses it to bound repository reads, the rules to join a repository to a
 * credential.
 */

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** True for GitHub's issuer, or an enterprise's own (`…/{enterprise}`). */
export function isGitHubIssuer(issuer: string | null | undefined): boolean {
  if (!issuer) return false;
  const i = issuer.trim().replace(/\/+$/, '').toLowerCase();
  return i === GITHUB_ISSUER || (i.startsWith(`${GITHUB_ISSUER}/`) && !i.slice(GITHUB_ISSUER.length + 1).includes('/'));
}

export type WorkflowSubject =
  /** One repository by name (`repo:OWNER/REPO:…`, `repository:OWNER/REPO`). */
  | { kind: 'repo'; fullName: string; owner: string; immutable: false }
  /** One repository by id (`repo:OWNER@OID/REPO@RID:…`, `repository_id:RID`). */
  | { kind: 'repo'; repoId: string; ownerId?: string; owner?: string; fullName?: string; immutable: true }
  /** Every repository of an owner (`repository_owner:…`, `repository_owner_id:…`). */
  | { kind: 'owner'; owner?: string; ownerId?: string }
  /** A reusable workflow's repository (`job_workflow_ref:…`): the caller repository is not named. */
  | { kind: 'workflow'; workflowRef: string }
  | { kind: 'unknown' };

/** Parse a GitHub Actions OIDC subject. */
export function parseWorkflowSubject(subject: string | null | undefined): WorkflowSubject {
  const s = (subject ?? '').trim();
  if (!s) return { kind: 'unknown' };
  if (s.startsWith('repo:')) {
    const rest = s.slice(5);
    const colon = rest.indexOf(':');
    const path = colon >= 0 ? rest.slice(0, colon) : rest;
    const slash = path.indexOf('/');
    if (slash <= 0) return { kind: 'unknown' };
    const ownerPart = path.slice(0, slash);
    const repoPart = path.slice(slash + 1);
    const ownerAt = /^(.+)@(\d+)$/.exec(ownerPart);
    const repoAt = /^(.+)@(\d+)$/.exec(repoPart);
    if (repoAt) {
      const owner = ownerAt ? ownerAt[1] : ownerPart;
      return { kind: 'repo', repoId: repoAt[2], ownerId: ownerAt?.[2], owner, fullName: `${owner}/${repoAt[1]}`, immutable: true };
    }
    if (!repoPart) return { kind: 'unknown' };
    return { kind: 'repo', fullName: `${ownerPart}/${repoPart}`, owner: ownerPart, immutable: false };
  }
  // A customised subject: claim:value pairs joined by ':' (values never contain ':' except refs at the end).
  const parts = s.split(':');
  const claims = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) claims.set(parts[i], parts[i + 1]);
  const repoId = claims.get('repository_id');
  if (repoId && /^\d+$/.test(repoId)) return { kind: 'repo', repoId, ownerId: claims.get('repository_owner_id'), immutable: true };
  const repository = claims.get('repository');
  if (repository && repository.includes('/')) return { kind: 'repo', fullName: repository, owner: repository.split('/')[0], immutable: false };
  const owner = claims.get('repository_owner');
  const ownerId = claims.get('repository_owner_id');
  if (owner || ownerId) return { kind: 'owner', owner, ownerId };
  const wf = /job_workflow_ref:(.+)$/.exec(s);
  if (wf) return { kind: 'workflow', workflowRef: wf[1] };
  return { kind: 'unknown' };
}

export interface RepoLike {
  id: string;
  fullName: string;
}

/** The repositories a parsed subject names among `repos` (an owner-wide subject: all of that owner). */
export function reposNamed(subject: WorkflowSubject, repos: readonly RepoLike[], orgLogin: string, orgId?: string): RepoLike[] {
  if (subject.kind === 'repo') {
    if (subject.immutable) return repos.filter((r) => r.id === subject.repoId);
    const fn = subject.fullName.toLowerCase();
    return repos.filter((r) => r.fullName.toLowerCase() === fn);
  }
  if (subject.kind === 'owner') {
    const matches = (subject.owner && subject.owner.toLowerCase() === orgLogin.toLowerCase()) || (subject.ownerId && orgId && subject.ownerId === orgId);
    return matches ? [...repos] : [];
  }
  return [];
}
