/** GitHub Actions OIDC subjects: the issuer test and every subject format a credential can name a repository with. */
import { describe, expect, test } from 'vitest';
import { isGitHubIssuer, parseWorkflowSubject, reposNamed } from '../../ingest/github/workflowSubject.js';

const repos = [
  { id: '70007', fullName: 'acme/repo-7' },
  { id: '70008', fullName: 'acme/repo-8' },
];

describe('workflow subjects', () => {
  test('issuer: GitHub and an enterprise issuer, nothing else', () => {
    expect(isGitHubIssuer('https://token.actions.githubusercontent.com')).toBe(true);
    expect(isGitHubIssuer('https://token.actions.githubusercontent.com/')).toBe(true);
    expect(isGitHubIssuer('https://token.actions.githubusercontent.com/acme-ent')).toBe(true);
    expect(isGitHubIssuer('https://token.actions.githubusercontent.com/a/b')).toBe(false);
    expect(isGitHubIssuer('https://gitlab.com')).toBe(false);
    expect(isGitHubIssuer(null)).toBe(false);
  });

  test('repo:OWNER/REPO names a full name, case-insensitively', () => {
    const s = parseWorkflowSubject('repo:ACME/Repo-7:environment:prod');
    expect(s).toEqual({ kind: 'repo', fullName: 'ACME/Repo-7', owner: 'ACME', immutable: false });
    expect(reposNamed(s, repos, 'acme')).toEqual([repos[0]]);
  });

  test('the immutable form names a repository id, whatever the names say', () => {
    const s = parseWorkflowSubject('repo:old-name@9001/renamed@70008:ref:refs/heads/main');
    expect(s).toMatchObject({ kind: 'repo', repoId: '70008', ownerId: '9001', immutable: true });
    expect(reposNamed(s, repos, 'acme')).toEqual([repos[1]]);
  });

  test('customised claims: repository_id, repository, owner-wide, reusable workflow', () => {
    expect(reposNamed(parseWorkflowSubject('repository_owner_id:9001:repository_id:70007:environment:prod'), repos, 'acme')).toEqual([repos[0]]);
    expect(reposNamed(parseWorkflowSubject('repository:acme/repo-8:ref:refs/heads/main'), repos, 'acme')).toEqual([repos[1]]);
    const owner = parseWorkflowSubject('repository_owner:acme:environment:prod');
    expect(owner).toEqual({ kind: 'owner', owner: 'acme', ownerId: undefined });
    expect(reposNamed(owner, repos, 'acme')).toEqual(repos);
    expect(reposNamed(parseWorkflowSubject('repository_owner_id:9001'), repos, 'acme', '9001')).toEqual(repos);
    expect(reposNamed(parseWorkflowSubject('repository_owner:other'), repos, 'acme')).toEqual([]);
    expect(parseWorkflowSubject('job_workflow_ref:acme/shared/.github/workflows/deploy.yml@refs/heads/main').kind).toBe('workflow');
    expect(parseWorkflowSubject('').kind).toBe('unknown');
    expect(parseWorkflowSubject('repo:nothing').kind).toBe('unknown');
  });
});
