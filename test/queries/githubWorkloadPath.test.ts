/**
 * The GitHub workload path in blast radius and paths (the GitHub source's privilege steps): a
 * repository admin reaches, through GitHub Actions and the federated credential that trusts the
 * repository (by name or by the immutable id), the application's service principal and its
 * directory role; `write` carries no control; an organisation owner is tier 0.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blastRadius } from '../../queries/blast-radius.js';
import { findPaths } from '../../queries/paths.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import { ROOT } from '../support/scenarios.js';
import { GITHUB_ORG, entraUser, writeTenant } from '../support/tenant.js';

const WORKLOAD = join(ROOT, 'test', 'scenarios', 'github-workload-entra');
const steps = (path: ({ kind: string } | { edge: string })[]) => path.map((s) => ('edge' in s ? s.edge : s.kind));

describe('the workload path in the privilege graph', () => {
  it("a repository admin reaches the application's role through the credential that trusts the repository", async () => {
    const g = new LazyGraph(await loadInMemory([WORKLOAD]), null);
    const kim = blastRadius(g, 'github:kim');
    expect(kim.principal).toMatchObject({ source: 'github', kind: 'GitHubUser', id: '501' });
    expect(kim.privileges.map((p) => p.label)).toEqual(['GitHub repository admin: acme/deploy', 'GitHub repository admin: acme/infra-v2', 'Entra role: User Administrator']);
    expect(kim.tier0).toBe(false);
    expect(steps(kim.privileges[2].path)).toEqual([
      'GitHubUser',
      'REPO_ROLE',
      'GitHubRepository',
      'WORKFLOW_TRUST',
      'FederatedIdentityCredential',
      'AUTHENTICATES_AS',
      'EntraServicePrincipal',
      'HAS_ROLE',
      'EntraRoleAssignment',
    ]);
    // Both credentials that name kim's repositories are reached: by name (deploy) and by the immutable id (infra-v2).
    const paths = findPaths(g, 'github:kim', 'entra:7622a370-e00b-50c7-b2fc-9b6e76dd4bf7');
    expect(paths.paths.map((p) => p.steps[2])).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'acme/deploy' }), expect.objectContaining({ name: 'acme/infra-v2' })]));
    expect(paths.paths.map((p) => p.length)).toEqual([3, 3]);
    // write on a repository is no control: leo reaches nothing.
    const leo = blastRadius(g, 'github:leo');
    expect(leo.privileges).toEqual([]);
    expect(leo.reached).toEqual({});
  });

  it('an organisation owner is tier 0, and an org-wide credential is reached through the organisation', async () => {
    const dir = writeTenant({
      entra: {
        users: [entraUser('aaaaaaaa-0000-0000-0000-000000000001')],
        applications: [{ id: 'bbbbbbbb-0000-0000-0000-000000000001', appId: 'cccccccc-0000-0000-0000-000000000001', displayName: 'ci' }],
        federatedIdentityCredentials: [
          { applicationId: 'bbbbbbbb-0000-0000-0000-000000000001', credential: { id: 'fic-org', name: 'org', issuer: 'https://token.actions.githubusercontent.com', subject: `repository_owner:${GITHUB_ORG}` } },
        ],
      },
      github: {
        organization: [{ id: 9001, login: GITHUB_ORG }],
        settings: [{ samlEnforcement: 'none', emu: false }],
        members: [{ role: 'ADMIN', user: { id: 601, login: 'owner' } }],
      },
    });
    const g = new LazyGraph(await loadInMemory([dir]), null);
    const r = blastRadius(g, 'github:owner');
    expect(r.tier0).toBe(true);
    expect(r.privileges[0]).toMatchObject({ label: `GitHub org owner: ${GITHUB_ORG}`, tier0: true, depth: 1 });
    expect(r.reached.FederatedIdentityCredential).toBe(1);
    const t0 = findPaths(g, 'github:owner', 'tier0');
    expect(t0.paths.map((p) => steps(p.steps))).toEqual([['GitHubUser', 'ORG_MEMBER', 'GitHubOrg']]);
  });
});
