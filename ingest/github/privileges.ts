/**
 * GitHub's part of the privilege graph (blast radius and paths; sources-github.md "Reach, tier 0,
 * severity"): an account controls its organisation as owner (tier 0: admin on every repository)
 * and a repository as admin (`write`/`maintain` grant no privilege); an organisation or a
 * repository controls the GitHub Actions workflows that a federated credential trusts
 * (WORKFLOW_TRUST), which sign in as that credential's application — the workload path.
 */
import { GitHubEdge, GitHubKind } from '../../src/model/githubSchema.js';
import type { SourcePrivileges } from '../../src/model/source.js';

const ADMIN = { prop: 'role', values: ['admin'] } as const;

export const GITHUB_PRIVILEGES: SourcePrivileges = {
  steps: {
    [GitHubKind.GitHubUser]: [
      { edge: GitHubEdge.ORG_MEMBER, when: ADMIN },
      { edge: GitHubEdge.REPO_ROLE, when: ADMIN },
    ],
    [GitHubKind.GitHubOrg]: [{ edge: GitHubEdge.WORKFLOW_TRUST }],
    [GitHubKind.GitHubRepository]: [{ edge: GitHubEdge.WORKFLOW_TRUST }],
  },
  privilegeOf(n, edge) {
    if (n.kind === GitHubKind.GitHubOrg && edge === GitHubEdge.ORG_MEMBER) return { label: `GitHub org owner: ${String(n.props.name ?? n.id)}`, tier0: true };
    if (n.kind === GitHubKind.GitHubRepository && edge === GitHubEdge.REPO_ROLE) return { label: `GitHub repository admin: ${String(n.props.name ?? n.id)}`, tier0: false };
    return null;
  },
};
