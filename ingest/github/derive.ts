/**
 * What the GitHub lines imply once every source is loaded (the source's `derive` and `asserted`, run by src/store/deriveGraph.ts):
 * each account's edge to its organisation (`ORG_MEMBER {role}`, `OUTSIDE_COLLABORATOR`; the lines
 * do not carry the org's id), SSO-authorised credentials and deploy keys joined to the account by
 * login, and the accounts as correlation records — verified-domain mails (medium) and the links
 * the IdP asserts (strong, key `asserted`); and the repositories GitHub Actions federated
 * credentials trust (`WORKFLOW_TRUST`): a SAML NameID or SCIM userName matched to an Entra
 * user's UPN or id, only in the Entra tenant the SAML issuer names (`https://sts.windows.net/{tenant}/`).
 * An Okta issuer is not matched (its form is unconfirmed: sources-github.md, question 5).
 * EMU: each SCIM identity joined to its account (`SCIM_IDENTITY`), the SCIM `externalId` matched
 * to an Entra user's id (strong), and the audit log's `user.suspend` events to their account.
 */
import { GitHubEdge, GitHubKind, GitHubSpace } from '../../src/model/githubSchema.js';
import { nodeKey, parseNodeKey } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { AssertedLinks, DeriveWriter } from '../../src/model/source.js';
import { type RepoLike, isGitHubIssuer, parseWorkflowSubject, reposNamed } from './workflowSubject.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const sourceOf = (key: string): string => parseNodeKey(key).sourceKey;

/** The Entra tenant a SAML issuer names, or null. */
export function entraTenantOfIssuer(issuer: string | null): string | null {
  const m = /^https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/?$/i.exec((issuer ?? '').trim());
  return m ? m[1].toLowerCase() : null;
}

/** Account → organisation edges, and credentials and deploy keys joined to their account by login. */
export function deriveGitHub(w: DeriveWriter): void {
  const orgOf = new Map<string, number>();
  for (const r of w.nodesOf(GitHubKind.GitHubOrg)) if (!orgOf.has(sourceOf(r.key))) orgOf.set(sourceOf(r.key), r.nid);
  const byLogin = new Map<string, number>();
  for (const r of w.nodesOf(GitHubKind.GitHubUser)) {
    const sk = sourceOf(r.key);
    const login = text(r.props.login);
    if (login) byLogin.set(`${sk}|${login.toLowerCase()}`, r.nid);
    const org = orgOf.get(sk);
    if (org === undefined) continue;
    const role = text(r.props.orgRole);
    if (role) w.putEdge(GitHubEdge.ORG_MEMBER, r.nid, org, { role });
    if (r.props.outside === true) w.putEdge(GitHubEdge.OUTSIDE_COLLABORATOR, r.nid, org);
  }
  const userByLogin = (key: string, login: unknown) => {
    const l = text(login);
    return l ? byLogin.get(`${sourceOf(key)}|${l.toLowerCase()}`) : undefined;
  };
  for (const r of w.nodesOf(GitHubKind.GitHubSsoCredential)) {
    const u = userByLogin(r.key, r.props.login);
    if (u !== undefined) w.putEdge(GitHubEdge.AUTHORIZED, u, r.nid);
  }
  for (const r of w.nodesOf(GitHubKind.GitHubDeployKey)) {
    const u = userByLogin(r.key, r.props.addedBy);
    if (u !== undefined) w.putEdge(GitHubEdge.ADDED_KEY, u, r.nid);
  }
  const userById = new Map<string, number>();
  for (const r of w.nodesOf(GitHubKind.GitHubUser)) userById.set(`${sourceOf(r.key)}|${parseNodeKey(r.key).id}`, r.nid);
  for (const r of w.nodesOf(GitHubKind.GitHubSuspension)) {
    const id = text(r.props.userId);
    const u = (id ? userById.get(`${sourceOf(r.key)}|${id}`) : undefined) ?? userByLogin(r.key, r.props.login);
    if (u !== undefined) w.putEdge(GitHubEdge.SUSPENDED, u, r.nid);
  }
  for (const j of scimAccounts(w)) w.putEdge(GitHubEdge.SCIM_IDENTITY, j.userNid, j.scimNid);
  deriveWorkflowTrust(w);
}

/**
 * The login GitHub makes for a managed user from the IdP's identifier, without the `_{shortcode}`
 * suffix (GitHub's "Username considerations for external authentication"): the part before `@`
 * of an e-mail (after `\\` of a domain account), each character that is not a letter or digit
 * made a dash, lower-cased.
 */
export function emuLoginStem(userName: string): string {
  let id = userName.trim();
  if (id.includes('\\')) id = id.slice(id.lastIndexOf('\\') + 1);
  if (id.includes('@')) id = id.slice(0, id.indexOf('@'));
  return id.replace(/[^A-Za-z0-9]/g, '-').toLowerCase();
}

/** Whether each github source's settings line says the organisation uses Enterprise Managed Users. */
function emuSources(w: DeriveWriter): Set<string> {
  const out = new Set<string>();
  for (const r of w.nodesOf(GitHubKind.GitHubSettings)) if (r.props.emu === true) out.add(sourceOf(r.key));
  return out;
}

/**
 * SCIM identities joined to their accounts: by the SAML identity's SCIM username (the enterprise
 * or organisation provider says which account it is), else — EMU only, where GitHub makes the
 * login from the SCIM userName — by the login's stem before its `_shortcode`. A value two SCIM
 * identities (or two accounts) share joins nothing: such an account reads as not joined (its
 * findings `unverified`), never as one person's.
 */
export function scimAccounts(w: DeriveWriter): { scimNid: number; scimKey: string; externalId: string | null; userNid: number; userKey: string }[] {
  const emu = emuSources(w);
  const users = new Map<string, { nid: number; key: string }>();
  const byStem = new Map<string, { nid: number; key: string } | null>();
  for (const r of w.nodesOf(GitHubKind.GitHubUser)) {
    if (r.props.stub) continue;
    const sk = sourceOf(r.key);
    const u = { nid: r.nid, key: r.key };
    users.set(`${sk}|${parseNodeKey(r.key).id}`, u);
    const login = text(r.props.login);
    if (!login || !emu.has(sk) || login.lastIndexOf('_') <= 0) continue;
    const stem = `${sk}|${login.slice(0, login.lastIndexOf('_')).toLowerCase()}`;
    byStem.set(stem, byStem.has(stem) ? null : u);
  }
  const bySaml = new Map<string, { nid: number; key: string } | null>();
  for (const r of w.nodesOf(GitHubKind.GitHubExternalIdentity)) {
    const name = text(r.props.scimUserName);
    const u = users.get(`${sourceOf(r.key)}|${String(r.props.userId)}`);
    if (!name || !u) continue;
    const k = `${sourceOf(r.key)}|${name.toLowerCase()}`;
    bySaml.set(k, bySaml.has(k) ? null : u);
  }
  const candidates: { scimNid: number; scimKey: string; externalId: string | null; user: { nid: number; key: string } }[] = [];
  const stemCount = new Map<string, number>();
  const scims = [...w.nodesOf(GitHubKind.GitHubScimIdentity)];
  for (const r of scims) {
    const name = text(r.props.userName);
    if (name && emu.has(sourceOf(r.key))) {
      const k = `${sourceOf(r.key)}|${emuLoginStem(name)}`;
      stemCount.set(k, (stemCount.get(k) ?? 0) + 1);
    }
  }
  for (const r of scims) {
    const sk = sourceOf(r.key);
    const name = text(r.props.userName);
    if (!name) continue;
    const stem = `${sk}|${emuLoginStem(name)}`;
    const user = bySaml.get(`${sk}|${name.toLowerCase()}`) ?? (emu.has(sk) && stemCount.get(stem) === 1 ? byStem.get(stem) : undefined);
    if (user) candidates.push({ scimNid: r.nid, scimKey: r.key, externalId: text(r.props.externalId), user });
  }
  // One SCIM identity per account: an account two identities claim is joined to neither.
  const perUser = new Map<number, number>();
  for (const c of candidates) perUser.set(c.user.nid, (perUser.get(c.user.nid) ?? 0) + 1);
  return candidates.filter((c) => perUser.get(c.user.nid) === 1).map((c) => ({ scimNid: c.scimNid, scimKey: c.scimKey, externalId: c.externalId, userNid: c.user.nid, userKey: c.user.key }));
}

/**
 * (repository or organisation)-[:WORKFLOW_TRUST {match}]->(federated credential): every federated
 * credential whose issuer is GitHub Actions, joined to the repositories its subject names in each
 * loaded organisation — by full name (case-insensitive), by id (the immutable subject,
 * `repository_id`), or to the organisation for an owner-wide or reusable-workflow subject.
 */
function deriveWorkflowTrust(w: DeriveWriter): void {
  const orgs: { sk: string; nid: number; login: string; id: string; repos: (RepoLike & { nid: number })[] }[] = [];
  for (const r of w.nodesOf(GitHubKind.GitHubOrg)) orgs.push({ sk: sourceOf(r.key), nid: r.nid, login: text(r.props.login) ?? '', id: parseNodeKey(r.key).id, repos: [] });
  if (!orgs.length) return;
  for (const r of w.nodesOf(GitHubKind.GitHubRepository)) {
    orgs.find((o) => o.sk === sourceOf(r.key))?.repos.push({ id: parseNodeKey(r.key).id, fullName: text(r.props.fullName) ?? '', nid: r.nid });
  }
  for (const c of w.nodesOf(NodeKind.FederatedIdentityCredential)) {
    if (!isGitHubIssuer(text(c.props.issuer))) continue;
    const subject = parseWorkflowSubject(text(c.props.subject));
    for (const org of orgs) {
      if (subject.kind === 'repo') {
        for (const repo of reposNamed(subject, org.repos, org.login, org.id) as (RepoLike & { nid: number })[]) {
          w.putEdge(GitHubEdge.WORKFLOW_TRUST, repo.nid, c.nid, { match: subject.immutable ? 'id' : 'name' });
        }
      } else if (subject.kind === 'owner' && (subject.owner?.toLowerCase() === org.login.toLowerCase() || subject.ownerId === org.id)) {
        w.putEdge(GitHubEdge.WORKFLOW_TRUST, org.nid, c.nid, { match: 'owner' });
      } else if (subject.kind === 'workflow' && subject.workflowRef.toLowerCase().startsWith(`${org.login.toLowerCase()}/`)) {
        w.putEdge(GitHubEdge.WORKFLOW_TRUST, org.nid, c.nid, { match: 'workflow' });
      }
    }
  }
}

/**
 * The links the IdP asserts (strong, key `asserted`): each SAML identity's NameID or SCIM userName
 * matched to an Entra user's UPN or id, only in the Entra tenant its issuer names.
 */
export function githubAssertedLinks(w: DeriveWriter): AssertedLinks {
  // The Entra users by id and UPN, built on the first SAML identity that names a tenant (a load
  // without GitHub does not walk every Entra user for nothing).
  let entraByName: Map<string, string> | undefined;
  const entraNames = (): Map<string, string> => {
    if (entraByName) return entraByName;
    entraByName = new Map<string, string>();
    for (const r of w.nodesOf(NodeKind.EntraUser)) {
      if (r.props.stub) continue;
      const sk = sourceOf(r.key);
      entraByName.set(`${sk}|${parseNodeKey(r.key).id.toLowerCase()}`, r.key);
      const upn = text(r.props.upn);
      if (upn) entraByName.set(`${sk}|${upn.toLowerCase()}`, r.key);
    }
    return entraByName;
  };
  const out = new Map<string, { key: string; value: string }[]>();
  for (const r of w.nodesOf(GitHubKind.GitHubExternalIdentity)) {
    const tenant = entraTenantOfIssuer(text(r.props.issuer));
    if (!tenant) continue;
    const byName = entraNames();
    const userKey = nodeKey(sourceOf(r.key), GitHubSpace.user, String(r.props.userId));
    const targets = out.get(userKey) ?? [];
    for (const v of new Set([text(r.props.nameId), text(r.props.scimUserName)].filter((x): x is string => !!x))) {
      const hit = byName.get(`entra:${tenant}|${v.trim().toLowerCase()}`);
      if (hit && !targets.some((t) => t.key === hit)) targets.push({ key: hit, value: v });
    }
    if (targets.length) out.set(userKey, targets);
  }
  // EMU: the SCIM externalId is the Entra user's object id ("IdP user object ID"), a GUID: matched in any Entra tenant loaded.
  const emu = emuSources(w);
  // Only EMU accounts are matched by id: without an EMU organisation there is nothing to index.
  if (emu.size === 0) return out;
  const entraById = new Map<string, string[]>();
  for (const r of w.nodesOf(NodeKind.EntraUser)) {
    if (r.props.stub) continue;
    const id = parseNodeKey(r.key).id.toLowerCase();
    entraById.set(id, [...(entraById.get(id) ?? []), r.key]);
  }
  for (const j of scimAccounts(w)) {
    if (!emu.has(sourceOf(j.userKey)) || !j.externalId) continue;
    const hits = entraById.get(j.externalId.trim().toLowerCase()) ?? [];
    if (hits.length !== 1) continue;
    const targets = out.get(j.userKey) ?? [];
    if (!targets.some((t) => t.key === hits[0])) targets.push({ key: hits[0], value: j.externalId });
    out.set(j.userKey, targets);
  }
  return out;
}
