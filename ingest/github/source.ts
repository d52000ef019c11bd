/**
 * GitHub, declared once for the source registry (ingest/sources.ts): its datasets and line
 * schemas (datasets.ts), transforms in load order (transforms.ts), the account kind with borrowed
 * departure (account.ts), the node and edge kinds it adds to the schema (src/model/githubSchema.ts),
 * the load-time derivation and the IdP-asserted links (derive.ts), its part of the privilege
 * graph (privileges.ts: org owner, repository admin, the workload path), the fields its objects
 * are named by, and its `collect github` command (collector.ts; the collector loaded when it
 * runs). Its rules are catalogue rules (queries/residual-access/github.*),
 * which read Entra's federated credentials and users too (`reads`).
 */
import { GitHubEdge, GitHubKind, GitHubSpace } from '../../src/model/githubSchema.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { GITHUB_ACCOUNT } from './account.js';
import { GITHUB_COLLECTOR } from './collector.js';
import { GITHUB_DATASET_DEFS } from './datasets.js';
import { deriveGitHub, githubAssertedLinks } from './derive.js';
import { GITHUB_PRIVILEGES } from './privileges.js';
import { GITHUB_TRANSFORMS } from './transforms.js';

const WITH_PROPS = new Set<string>([GitHubEdge.ORG_MEMBER, GitHubEdge.REPO_ROLE, GitHubEdge.WORKFLOW_TRUST]);

export const GITHUB_SOURCE: SourceDefinition = {
  kind: 'github',
  title: 'GitHub organisation',
  datasets: GITHUB_DATASET_DEFS,
  load: GITHUB_TRANSFORMS,
  identities: 'members',
  accounts: [GITHUB_ACCOUNT],
  names: {
    [GitHubKind.GitHubUser]: ['login'],
    [GitHubKind.GitHubOrg]: ['login'],
    [GitHubKind.GitHubRepository]: ['fullName'],
  },
  nodeKinds: Object.values(GitHubKind),
  idSpaces: {
    [GitHubKind.GitHubUser]: GitHubSpace.user,
    [GitHubKind.GitHubOrg]: GitHubSpace.org,
    [GitHubKind.GitHubRepository]: GitHubSpace.repo,
    [GitHubKind.GitHubSsoCredential]: GitHubSpace.ssoCredential,
    [GitHubKind.GitHubFineGrainedPat]: GitHubSpace.pat,
    [GitHubKind.GitHubDeployKey]: GitHubSpace.deployKey,
    [GitHubKind.GitHubApp]: GitHubSpace.app,
    [GitHubKind.GitHubAppInstallation]: GitHubSpace.installation,
  },
  // The organisation's settings node is matched by (snapshot, source) in the accounts' Cypher
  // (SAML enforcement, EMU): indexed by snapshot so that no hot query scans the label (Neo4j).
  scannedKinds: [GitHubKind.GitHubSettings],
  inert: [GitHubKind.GitHubSettings, GitHubKind.GitHubExternalIdentity, GitHubKind.GitHubScimIdentity, GitHubKind.GitHubSuspension],
  edgeKinds: Object.values(GitHubEdge).map((kind) => ({ kind, props: WITH_PROPS.has(kind) })),
  derive: deriveGitHub,
  asserted: githubAssertedLinks,
  reads: ['entra:users', 'entra:federatedIdentityCredentials', 'entra:applications', 'entra:servicePrincipals', 'okta:users', 'hr:people'],
  privileges: GITHUB_PRIVILEGES,
  manifestFields: ['enterprise'],
  // EMU suspension is read from SCIM only: unless the collector recorded a non-EMU organisation, SCIM identities decide findings.
  coverageNeeds: (ds) => (ds.settings?.emu === false ? [] : ['scimIdentities']),
  capabilities: {
    collector: GITHUB_COLLECTOR,
  },
};
