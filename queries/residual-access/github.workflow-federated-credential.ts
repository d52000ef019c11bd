/**
 * `github.workflow-federated-credential` (live, window, unverified, dormant): a federated
 * credential that trusts GitHub Actions names a repository (by name, or by id in the immutable
 * subject format) or the whole organisation, and a departed account can act on it — the workload
 * path: departed person → repository → GitHub Actions → federated credential → service
 * principal → privilege. `admin` on the repository (or org owner) gives the account's own access
 * status into GitHub (live; window with its validUntil; dormant); `write`/`maintain`, an org-wide
 * or reusable-workflow subject, or a write deploy key it added is `unverified` (branch and
 * environment rules, not collected, decide) unless every path is dormant. One finding per
 * credential. Reach: the credential's service principal (catalogue), or the user-assigned managed
 * identity an Azure federated credential signs in as (sources-azure.md), with their Azure roles.
 */
import { GitHubEdge, GitHubKind, githubProps } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { NO_REACH, type Reach } from '../../src/analysis/reach.js';
import { AzureKind } from '../../src/model/azureSchema.js';
import type { Status } from '../../src/analysis/severity.js';
import { propsOf } from '../../src/model/props.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { HOLDER_SP, NODE, REACH, REL, SUBJECTS } from '../cypher/fragments.js';
import { GITHUB_LINK_NEEDS } from './github.departed-member.js';
import { loginOf, membershipStatus, suspensionStatus } from './githubRuleHelpers.js';
import type { Hit, PathStep, Rule } from './Rule.js';
import { authenticatesAs, edge, entraCredentialRemediation, holderReach, tailOf } from './ruleHelpers.js';

/** How the account can act on a trusted repository: `admin` (or org owner) or `write`. */
type Grade = 'admin' | 'write';

/** One way from the account to a credential: the edge to the repository or organisation, it, and the trust edge. */
export interface WorkflowCandidate {
  grade: Grade;
  e: GraphEdge;
  via: GraphNode;
  trust: GraphEdge;
}

/** The account's own access into GitHub (the other github rules' findings): its best status, with validUntil. */
export interface GitHubAccess {
  member: boolean;
  outside: boolean;
  /** Unexpired SSO-authorised credentials or fine-grained PATs. */
  credentials: boolean;
}

const RANK: Record<Status, number> = { live: 0, window: 1, unverified: 2, dormant: 3 };

function accessStatus(s: AccountState, at: number, acc: GitHubAccess): { status: Status; validUntil: number | null } | null {
  const options: { status: Status; validUntil: number | null }[] = [];
  if (acc.member) options.push(membershipStatus(s, at));
  if (acc.outside || acc.credentials) options.push({ status: suspensionStatus(s), validUntil: null });
  options.sort((x, y) => RANK[x.status] - RANK[y.status]);
  return options[0] ?? null;
}

/** The best candidate (admin before write, then by the repository's or org's key) and the finding's status, or null. */
function decide(s: AccountState, at: number, acc: GitHubAccess, cands: WorkflowCandidate[]): { c: WorkflowCandidate; status: Status; validUntil: number | null } | null {
  const access = accessStatus(s, at, acc);
  if (!access || !cands.length) return null;
  const c = [...cands].sort((x, y) => (x.grade === y.grade ? (x.via.key < y.via.key ? -1 : x.via.key > y.via.key ? 1 : 0) : x.grade === 'admin' ? -1 : 1))[0];
  if (c.grade === 'admin') return { c, ...access };
  return access.status === 'dormant' ? { c, ...access } : { c, status: 'unverified', validUntil: null };
}

/**
 * The credential's holder's reach and the path on from the credential: an Entra application's
 * (its service principal's Entra roles, permissions and Azure roles) or a user-assigned managed
 * identity's (its Azure roles: the credential signs in as the identity). Both are `entraObject`,
 * which the Azure source extends with the roles a principal holds.
 */
function holderOf(a: Analysis, app: GraphNode | null | undefined, holder: () => { reach: Reach; tail: PathStep[] }): { reach: Reach; tail: PathStep[] } {
  if (!app) return { reach: NO_REACH, tail: [] };
  const own = holder();
  return app.kind === AzureKind.AzureManagedIdentity ? { reach: own.reach, tail: [edge(EdgeKind.AUTHENTICATES_AS), a.step(app)] } : own;
}

/** How to remove the credential: from its Entra application, or from its managed identity (ARM). */
function credentialRemediation(app: GraphNode, cred: GraphNode): string[] {
  return app.kind === AzureKind.AzureManagedIdentity ? [`DELETE https://management.azure.com${cred.id}?api-version=2023-01-31`] : entraCredentialRemediation(app, cred);
}

function hitOf(a: Analysis, s: AccountState, d: NonNullable<ReturnType<typeof decide>>, cred: GraphNode, app: GraphNode | null | undefined, reach: Reach, tail: PathStep[]): Hit {
  const repo = d.c.via.kind === GitHubKind.GitHubRepository ? d.c.via : null;
  return {
    via: cred,
    status: d.status,
    validUntil: d.validUntil,
    reach,
    path: [a.step(s.node), edge(d.c.e), a.step(d.c.via), { edge: GitHubEdge.WORKFLOW_TRUST, value: String(d.c.trust.props?.match ?? '') }, a.step(cred), ...authenticatesAs(tail)],
    evidence: [s.node.prov, cred.prov, s.departedAtEvidence],
    remediation: [
      ...(repo ? [`DELETE /repos/${repo.props.name}/collaborators/${loginOf(s)}`] : []),
      ...(app ? credentialRemediation(app, cred) : []),
    ],
    facts: { grade: d.c.grade, subject: propsOf(cred, NodeKind.FederatedIdentityCredential).subject, match: d.c.trust.props?.match ?? null },
  };
}

/** The embedded engine's candidates of one account, per credential key. */
function candidates(a: Analysis, s: AccountState): Map<string, WorkflowCandidate[]> {
  const out = new Map<string, WorkflowCandidate[]>();
  const add = (grade: Grade, e: GraphEdge, via: GraphNode) => {
    for (const trust of a.g.out(via.key, GitHubEdge.WORKFLOW_TRUST)) (out.get(trust.to) ?? out.set(trust.to, []).get(trust.to)!).push({ grade, e, via, trust });
  };
  let canPush = false;
  for (const e of a.g.out(s.key, GitHubEdge.REPO_ROLE)) {
    const repo = a.node(e.to);
    const role = String(e.props?.role ?? '');
    if (!repo || !['admin', 'maintain', 'write'].includes(role)) continue;
    canPush = true;
    add(role === 'admin' ? 'admin' : 'write', e, repo);
  }
  for (const e of a.g.out(s.key, GitHubEdge.ORG_MEMBER)) {
    const org = a.node(e.to);
    if (!org) continue;
    if (String(e.props?.role ?? '').toLowerCase() === 'admin') {
      add('admin', e, org);
      for (const r of a.g.nodesOfKind(GitHubKind.GitHubRepository)) if (r.sourceKey === org.sourceKey) add('admin', e, r);
    } else if (canPush) add('write', e, org);
  }
  for (const e of a.g.out(s.key, GitHubEdge.ADDED_KEY)) {
    const k = a.node(e.to);
    if (k?.kind !== GitHubKind.GitHubDeployKey) continue;
    const kp = githubProps(k, 'GitHubDeployKey');
    if (kp.readOnly !== false || kp.enabled === false) continue;
    for (const r of a.g.out(k.key, GitHubEdge.ON_REPO)) {
      const repo = a.node(r.to);
      if (repo) add('write', e, repo);
    }
  }
  return out;
}

function accessOf(a: Analysis, s: AccountState): GitHubAccess {
  const unexpired = (n: GraphNode | undefined) => {
    if (n?.kind === GitHubKind.GitHubSsoCredential) {
      const t = instant(githubProps(n, 'GitHubSsoCredential').expiresAt);
      return t === null || t > a.at;
    }
    if (n?.kind === GitHubKind.GitHubFineGrainedPat) {
      const p = githubProps(n, 'GitHubFineGrainedPat');
      const t = instant(p.expiresAt);
      return p.expired !== true && (t === null || t > a.at);
    }
    return false;
  };
  return {
    member: a.g.out(s.key, GitHubEdge.ORG_MEMBER).length > 0,
    outside: a.g.out(s.key, GitHubEdge.OUTSIDE_COLLABORATOR).length > 0,
    credentials: a.g.out(s.key, GitHubEdge.AUTHORIZED).some((e) => unexpired(a.node(e.to))),
  };
}

export const githubWorkflowFederatedCredential: Rule = {
  id: 'github.workflow-federated-credential',
  source: 'github',
  title: 'A departed account can run the GitHub Actions workflows a federated credential trusts',
  appliesTo: 'departed',
  statuses: ['live', 'window', 'unverified', 'dormant'],
  viaDoc: "the federated credential's id",
  action: { verb: 'Remove', unit: ['path to a federated credential', 'paths to federated credentials'], unitKey: 'finding', object: ['federated credential', 'federated credentials', 'to'], objectKey: 'via' },
  needs: {
    github: ['repositories', 'repoCollaborators', 'members', 'settings', 'credentialAuthorizations', 'samlIdentities'],
    ...GITHUB_LINK_NEEDS,
    entra: ['users', 'applications', 'federatedIdentityCredentials'],
  },
  evaluate(s, a) {
    const acc = accessOf(a, s);
    const hits: Hit[] = [];
    for (const [credKey, cands] of candidates(a, s)) {
      const cred = a.node(credKey);
      const d = decide(s, a.at, acc, cands);
      if (!cred || !d) continue;
      const app = a.g.in(credKey, EdgeKind.HAS_CREDENTIAL).map((e) => a.node(e.from)).find(Boolean);
      const { reach, tail } = holderOf(a, app, () => holderReach(a, app!));
      hits.push(hitOf(a, s, d, cred, app, reach, tail));
    }
    return hits.sort((x, y) => (x.via.key < y.via.key ? -1 : x.via.key > y.via.key ? 1 : 0));
  },
  cypher: {
    // Candidates: admin or write on a trusted repository, org owner (every repository and the
    // org-wide trust), a member who can push (org-wide trust), a write deploy key it added.
    query: `${SUBJECTS}
CALL (s) {
  MATCH (s)-[e:${relType(GitHubEdge.REPO_ROLE)}]->(via:${nodeLabel(GitHubKind.GitHubRepository)})-[t:${relType(GitHubEdge.WORKFLOW_TRUST)}]->(cred)
  WHERE e.role IN ['admin', 'maintain', 'write']
  RETURN cred, {grade: CASE WHEN e.role = 'admin' THEN 'admin' ELSE 'write' END, e: ${REL('e')}, via: ${NODE('via')}, trust: ${REL('t')}} AS cand
  UNION ALL
  MATCH (s)-[e:${relType(GitHubEdge.ORG_MEMBER)}]->(o:${nodeLabel(GitHubKind.GitHubOrg)})
  WHERE toLower(e.role) = 'admin'
  MATCH (via:${nodeLabel(GitHubKind.GitHubRepository)} {snapshot: $snapshot, source: o.source})-[t:${relType(GitHubEdge.WORKFLOW_TRUST)}]->(cred)
  RETURN cred, {grade: 'admin', e: ${REL('e')}, via: ${NODE('via')}, trust: ${REL('t')}} AS cand
  UNION ALL
  MATCH (s)-[e:${relType(GitHubEdge.ORG_MEMBER)}]->(via:${nodeLabel(GitHubKind.GitHubOrg)})-[t:${relType(GitHubEdge.WORKFLOW_TRUST)}]->(cred)
  WHERE toLower(e.role) = 'admin' OR EXISTS { MATCH (s)-[pr:${relType(GitHubEdge.REPO_ROLE)}]->() WHERE pr.role IN ['admin', 'maintain', 'write'] }
  RETURN cred, {grade: CASE WHEN toLower(e.role) = 'admin' THEN 'admin' ELSE 'write' END, e: ${REL('e')}, via: ${NODE('via')}, trust: ${REL('t')}} AS cand
  UNION ALL
  MATCH (s)-[e:${relType(GitHubEdge.ADDED_KEY)}]->(k:${nodeLabel(GitHubKind.GitHubDeployKey)})-[:${relType(GitHubEdge.ON_REPO)}]->(via)-[t:${relType(GitHubEdge.WORKFLOW_TRUST)}]->(cred)
  WHERE k.readOnly = false AND NOT coalesce(k.enabled = false, false)
  RETURN cred, {grade: 'write', e: ${REL('e')}, via: ${NODE('via')}, trust: ${REL('t')}} AS cand
}
WITH s, sub, cred, collect(cand) AS cands
WITH s, sub, cred, cands,
  EXISTS { MATCH (s)-[:${relType(GitHubEdge.ORG_MEMBER)}]->() } AS member,
  EXISTS { MATCH (s)-[:${relType(GitHubEdge.OUTSIDE_COLLABORATOR)}]->() } AS outside,
  EXISTS { MATCH (s)-[:${relType(GitHubEdge.AUTHORIZED)}]->(ac) WHERE (ac:${nodeLabel(GitHubKind.GitHubSsoCredential)} AND (ac.expiresAtMs IS NULL OR ac.expiresAtMs > $at))
    OR (ac:${nodeLabel(GitHubKind.GitHubFineGrainedPat)} AND NOT coalesce(ac.expired = true, false) AND (ac.expiresAtMs IS NULL OR ac.expiresAtMs > $at)) } AS credentials
WHERE member OR outside OR credentials
OPTIONAL MATCH (app)-[:${relType(EdgeKind.HAS_CREDENTIAL)}]->(cred)
WITH s, sub, cred, cands, member, outside, credentials, head(collect(app)) AS app
RETURN sub.key AS subject, ${NODE('cred')} AS cred, cands, member, outside, credentials, CASE WHEN app IS NULL THEN null ELSE ${NODE('app')} END AS app,
  CASE WHEN app IS NULL THEN null ELSE ${REACH('entraObject', 'app')} END AS reach,
  CASE WHEN app IS NULL THEN null ELSE ${HOLDER_SP('app')} END AS sp
ORDER BY cred.key`,
    hit(row, c) {
      const cands = (row.cands as { grade: Grade; e: unknown; via: unknown; trust: unknown }[]).map((x) => ({ grade: x.grade, e: c.edge(x.e), via: c.node(x.via), trust: c.edge(x.trust) }));
      const d = decide(c.s, c.a.at, { member: row.member === true, outside: row.outside === true, credentials: row.credentials === true }, cands);
      if (!d) throw new Error('github.workflow-federated-credential: a row without a path (filtered by the query)');
      const app = c.maybeNode(row.app);
      const { reach, tail } = holderOf(c.a, app, () => ({ reach: c.reach(row.reach), tail: tailOf(c.a, c.maybeNode(row.sp)) }));
      return hitOf(c.a, c.s, d, c.node(row.cred), app, reach, tail);
    },
  },
};
