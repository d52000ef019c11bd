/**
 * What the `github.*` rules share (sources-github.md "Reach, tier 0, severity"): the reach of a
 * GitHub account — org owner is tier 0 (admin on every repository), `admin` on a repository is an
 * admin role; `write`/`maintain` grant no privilege — computed from its ORG_MEMBER and REPO_ROLE
 * edges, whichever engine found them; the Cypher that returns those edges; the membership status
 * (live, window, dormant, unverified) from the account's IdP-blocked state; and the organisation's
 * login for remediation calls (a github source's tenant).
 */
import { GITHUB_SAML_WINDOW_MS, GitHubEdge, githubPropsIf } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Privilege, type Reach, namedReach, reachOf } from '../../src/analysis/reach.js';
import type { Status } from '../../src/analysis/severity.js';
import { nodeName } from '../../src/model/props.js';
import { EdgeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { relType } from '../../src/store/neo4jSchema.js';
import { NODE, REACH, REL } from '../cypher/fragments.js';
import type { CypherHitContext } from './Rule.js';

/** An edge and the node at its end. */
export interface EdgeTo {
  e: GraphEdge;
  n: GraphNode;
}

const roleOf = (e: GraphEdge): string => String(e.props?.role ?? '').toLowerCase();

/** Privileges of an account from its org memberships and repository roles. */
export function githubAccountPrivileges(orgs: EdgeTo[], repos: EdgeTo[]): Privilege[] {
  const out: Privilege[] = [];
  for (const { e, n } of orgs) if (roleOf(e) === 'admin') out.push({ label: `GitHub org owner: ${nodeName(n)}`, tier0: true, type: 'role', via: n.key });
  for (const { e, n } of repos) if (roleOf(e) === 'admin') out.push({ label: `GitHub repository admin: ${nodeName(n)}`, tier0: false, type: 'role', via: n.key });
  return out;
}

function edgesTo(a: Analysis, key: string, kind: EdgeKind): EdgeTo[] {
  const out: EdgeTo[] = [];
  for (const e of a.g.out(key, kind)) {
    const n = a.node(e.to);
    if (n) out.push({ e, n });
  }
  return out;
}

/**
 * Tier 0 through the workload path (sources-github.md, framework decision 4): admin on a
 * repository whose GitHub Actions workflows sign in, through a federated credential that trusts
 * it, as an application that reaches tier 0 is itself tier 0. `via`: the repository; `reach`: the
 * application's or managed identity's (Entra roles and permissions, Azure roles).
 */
export function workloadPrivileges(trusts: { via: GraphNode; reach: Reach }[]): Privilege[] {
  return trusts.filter((t) => t.reach.tier0).map((t) => ({ label: `GitHub repository admin: ${nodeName(t.via)} (its workflows sign in with tier 0)`, tier0: true, type: 'role', via: t.via.key }));
}

/** The applications and managed identities whose federated credentials trust a repository the account is admin of. */
function workloadTrusts(a: Analysis, key: string): { via: GraphNode; reach: Reach }[] {
  const out: { via: GraphNode; reach: Reach }[] = [];
  for (const { e, n: repo } of edgesTo(a, key, GitHubEdge.REPO_ROLE)) {
    if (roleOf(e) !== 'admin') continue;
    for (const t of a.g.out(repo.key, GitHubEdge.WORKFLOW_TRUST)) {
      for (const h of a.g.in(t.to, EdgeKind.HAS_CREDENTIAL)) {
        const app = a.node(h.from);
        if (app) out.push({ via: repo, reach: namedReach('entraObject', a.g, app.key, a.ctx) });
      }
    }
  }
  return out;
}

/** The embedded engine's reach of a GitHub account. */
export function githubAccountReach(a: Analysis, key: string, extra: Privilege[] = []): Reach {
  return reachOf([
    ...githubAccountPrivileges(edgesTo(a, key, GitHubEdge.ORG_MEMBER), edgesTo(a, key, GitHubEdge.REPO_ROLE)),
    ...workloadPrivileges(workloadTrusts(a, key)),
    ...extra,
  ]);
}

/** The admin repositories' trusted credentials' holders, in one order for both lists below. */
const WORKLOAD_MATCH = `MATCH (s)-[wr:${relType(GitHubEdge.REPO_ROLE)}]->(wv)-[wt:${relType(GitHubEdge.WORKFLOW_TRUST)}]->(wc)<-[:${relType(EdgeKind.HAS_CREDENTIAL)}]-(wa)
            WHERE toLower(wr.role) = 'admin'
            WITH wv, wa ORDER BY wv.key, wa.key`;

/**
 * Cypher: the subject's org memberships and repository roles, as `orgs` and `repos` (lists of
 * `{e, n}`), and the workload path's repositories (`workloadVia`) with the reach of the
 * application or managed identity each one's workflows sign in as (`workloadReach`: reach
 * requests of `entraObject`, which the Azure source extends with Azure roles; same order).
 */
export const GITHUB_ACCOUNT_FACTS = `COLLECT { MATCH (s)-[gm:${relType(GitHubEdge.ORG_MEMBER)}]->(go) WITH gm, go ORDER BY gm.seq RETURN {e: ${REL('gm')}, n: ${NODE('go')}} } AS orgs,
  COLLECT { MATCH (s)-[gr:${relType(GitHubEdge.REPO_ROLE)}]->(grp) WITH gr, grp ORDER BY gr.seq RETURN {e: ${REL('gr')}, n: ${NODE('grp')}} } AS repos,
  COLLECT { ${WORKLOAD_MATCH} RETURN ${NODE('wv')} } AS workloadVia,
  COLLECT { ${WORKLOAD_MATCH} RETURN ${REACH('entraObject', 'wa')} } AS workloadReach`;

/** The Neo4j engine's reach of a GitHub account from a row with `orgs`, `repos`, `workloadVia` and `workloadReach`. */
export function githubRowReach(row: Record<string, unknown>, c: CypherHitContext, extra: Privilege[] = []): Reach {
  const list = (v: unknown): EdgeTo[] => ((v as { e: unknown; n: unknown }[]) ?? []).map((x) => ({ e: c.edge(x.e), n: c.node(x.n) }));
  const via = (row.workloadVia as unknown[] | undefined) ?? [];
  const reach = (row.workloadReach as unknown[] | undefined) ?? [];
  const trusts = via.map((v, i) => ({ via: c.node(v), reach: c.reach(reach[i]) }));
  return reachOf([...githubAccountPrivileges(list(row.orgs), list(row.repos)), ...workloadPrivileges(trusts), ...extra]);
}

/**
 * `github.departed-member`'s status: `unverified` when SAML enforcement is unknown; IdP-blocked:
 * `window` until D + 24 h (non-EMU, D known, before then), else `dormant`; otherwise `live` — or
 * `unverified` for an EMU account whose SCIM identity was not found (its suspension is unknown).
 */
export function membershipStatus(s: AccountState, at: number): { status: Status; validUntil: number | null } {
  const gh = githubFacts(s);
  if (gh.samlEnforcement === 'unknown') return { status: 'unverified', validUntil: null };
  if (!s.disabled) return { status: gh.emu && s.facts.emuScim === 'none' ? 'unverified' : 'live', validUntil: null };
  if (!gh.emu && s.departedAt !== null && at < s.departedAt + GITHUB_SAML_WINDOW_MS) return { status: 'window', validUntil: s.departedAt + GITHUB_SAML_WINDOW_MS };
  return { status: 'dormant', validUntil: null };
}

/**
 * The status of access SAML does not block (an outside collaborator, an SSO-authorised
 * credential): `live`; for an Enterprise Managed User `dormant` when SCIM suspended it
 * (reprovisioning restores it), `unverified` when its SCIM identity was not found.
 */
export function suspensionStatus(s: AccountState): Status {
  if (!githubFacts(s).emu) return 'live';
  if (s.facts.emuSuspended === true) return 'dormant';
  return s.facts.emuScim === 'none' ? 'unverified' : 'live';
}

/** The organisation's SAML enforcement and EMU, as the account state read them (ingest/github/account.ts). */
export function githubFacts(s: AccountState): { samlEnforcement: string; emu: boolean } {
  return { samlEnforcement: typeof s.facts.samlEnforcement === 'string' ? s.facts.samlEnforcement : 'unknown', emu: s.facts.emu === true };
}

/** The organisation's login: the tenant of the account's github source. */
export function orgLogin(s: AccountState): string {
  const sk = s.node.sourceKey;
  return sk.slice(sk.indexOf(':') + 1);
}

/** The account's login. */
export function loginOf(s: AccountState): string {
  return githubPropsIf(s.node, 'GitHubUser')?.login ?? s.name;
}
