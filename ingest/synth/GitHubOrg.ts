/**
 * The GitHub organisation of a synthetic tenant (`revenant synth --github`, sources-github.md):
 * `members` accounts linked to Entra by SAML (NameID = the Entra UPN, issuer the Entra tenant),
 * SAML enforced (or configured, none, unknown: `--github-saml`), repositories with collaborators, teams, and the planted facts the github rules
 * look at — departed members (live: the person left through HR but the IdP account is enabled;
 * window: IdP-blocked less than 24 h ago; dormant: IdP-blocked for longer), an org owner, an
 * outside collaborator, SSO-authorised credentials and fine-grained PATs (unexpired, with and
 * without an expiry; expired ones as controls), deploy keys (write, read-only, disabled), an app
 * owned by a departed user, and repositories whose workflows a federated credential trusts (an
 * Entra application's by name, a managed identity's in the immutable `OWNER@OID/REPO@RID` form)
 * with departed admins and writers. `judge` derives the expected findings from the same objects.
 */
import { GITHUB_ACTIONS_ISSUER, GITHUB_SAML_WINDOW, type RuleId } from './catalogue.js';
import { DAY, graphTime } from './clock.js';
import { entraDeparture, instantOf, ownDisabled, severityOf, type ExpectedFinding, type Reach, type Status } from './judge.js';
import type { EntraAccount, EntraApp, LeaverPerson } from './model.js';
import type { SynthEnv } from './SynthEnv.js';
import type { TenantPlan } from './TenantPlan.js';
import type { WorkloadHolder } from './AzureTenant.js';
import type { SourceWriter } from '../collection/SourceWriter.js';
import { GITHUB_DATASETS } from '../github/GitHubContext.js';

interface Repo {
  id: number;
  name: string;
  created: number;
}

type RepoRole = 'admin' | 'maintain' | 'write' | 'read';

/** A federated credential that trusts one repository's workflows, and the identity it signs in as. */
interface Trust {
  ficId: string;
  repo: Repo;
  holder: WorkloadHolder;
}

/** A departed person's GitHub account with everything it holds. */
interface Planted {
  id: number;
  login: string;
  entra: EntraAccount;
  person: LeaverPerson;
  owner: boolean;
  outside: boolean;
  repos: { repo: Repo; role: RepoRole }[];
  sso: { id: number; expires: number | null }[];
  pats: { id: number; expires: number; expired: boolean; admin: boolean }[];
  keys: { id: number; repo: Repo; readOnly: boolean; enabled: boolean }[];
  app: { id: number; installation: number; admin: boolean } | null;
}

const BG_ID = 1_000_000;
/** j = 16: admin of a trusted repository (j % 4 == 0), no live SSO credential or PAT, a member, not an owner. */
const WINDOW_SLOT = 16;
/** Departed org owners are few (j = 7, 17, …, 97): an owner can act on every trusted repository, one finding per credential. */
const MAX_OWNER_SLOT = 100;
const PLANTED_ID = 5_000_000;

/** The organisation's SAML enforcement (the `settings` line): only `enforced` blocks; `unknown` leaves membership unverified. */
export type SamlEnforcement = 'enforced' | 'configured' | 'none' | 'unknown';
export const SAML_ENFORCEMENTS: readonly SamlEnforcement[] = ['enforced', 'configured', 'none', 'unknown'];

export interface GitHubJudgement {
  findings: ExpectedFinding[];
  closed: string[];
  notClosed: string[];
  controls: Record<string, number>;
}

export class GitHubOrg {
  readonly login: string;
  readonly orgId = 9_000_001;
  readonly repos: Repo[] = [];
  readonly workloadRepos: Repo[] = [];
  readonly trusts: Trust[] = [];
  readonly planted: Planted[] = [];
  private bgCount = 0;
  private bgSel: { start: number; stride: number } = { start: 0, stride: 1 };
  private counter = 0;

  constructor(
    readonly env: SynthEnv,
    readonly plan: TenantPlan,
    readonly persons: readonly LeaverPerson[],
    readonly members: number,
    readonly saml: SamlEnforcement = 'enforced',
  ) {
    this.login = `${env.company}-eng`;
  }

  private nextId(base: number): number {
    return base + this.counter++;
  }

  private hrDeparted(person: LeaverPerson): boolean {
    const h = person.hr;
    return !!h && h.status === 'terminated' && (h.terminationDate === null || instantOf(h.terminationDate) <= this.env.at);
  }

  /** Plan the organisation; `holders` are the workload identities to trust repositories (AzureTenant's, or unprivileged apps made here). */
  planAll(holders: WorkloadHolder[]): void {
    const { env } = this;
    const at = env.at;
    const nRepos = Math.max(8, Math.round(this.members / 8));
    for (let r = 0; r < nRepos; r++) this.repos.push({ id: 70_000_000 + r, name: `service-${r}`, created: at - (100 + (r % 900)) * DAY });
    if (!holders.length) {
      for (let k = 0; k < 2; k++) {
        const app = this.plan.blankApp('registration', `gh-deploy-${k}`, env.guid('github:app'), env.guid('github:appid'), env.guid('github:sp'), at - (300 + k) * DAY);
        app.planted = true;
        this.plan.apps.push(app);
        holders.push({ kind: 'app', app, mi: null, tier0: false, priv: false });
      }
    }
    for (const [q, holder] of holders.entries()) {
      const repo: Repo = { id: 71_000_000 + q, name: `deploy-${q}`, created: at - (200 + q) * DAY };
      this.workloadRepos.push(repo);
      if (holder.app) {
        const app: EntraApp = holder.app;
        const fic = { id: env.guid('github:fic'), name: 'github-deploy', issuer: GITHUB_ACTIONS_ISSUER, subject: `repo:${this.login}/${repo.name}:environment:prod`, description: null };
        app.fics.push(fic);
        // Control: the same repository under another issuer is not GitHub's.
        app.fics.push({ id: env.guid('github:fic'), name: 'gitlab-deploy', issuer: 'https://gitlab.com', subject: `project_path:${this.login}/${repo.name}:ref_type:branch:ref:main`, description: null });
        this.trusts.push({ ficId: fic.id, repo, holder });
      } else if (holder.mi) {
        const name = 'github-deploy';
        const subject = `repo:${this.login}@${this.orgId}/${repo.name}@${repo.id}:ref:refs/heads/main`;
        holder.mi.fics.push({ id: `${holder.mi.id}/federatedIdentityCredentials/${name}`, name, issuer: GITHUB_ACTIONS_ISSUER, subject, description: null });
        this.trusts.push({ ficId: holder.mi.fics[0].id, repo, holder });
      }
    }

    // Departed accounts: the main Entra account of plain leavers, disabled (IdP-blocked) or enabled (HR leaver).
    const cands: { a: EntraAccount; person: LeaverPerson }[] = [];
    for (const person of this.persons) {
      if (person.kind !== 'entra-only' && person.kind !== 'both' && person.kind !== 'hr-enabled') continue;
      const a = person.entra.find((x) => x.userType === 'Member' && !x.deleted);
      if (!a) continue;
      const departed = ownDisabled(a) || this.hrDeparted(person) || (a.leaveDate !== null && a.leaveDate <= at);
      if (departed) cands.push({ a, person });
    }
    const want = Math.min(cands.length, Math.max(24, Math.round(this.members * 0.06)), this.members - 1);
    const step = want ? cands.length / want : 1;
    const chosen = Array.from({ length: want }, (_, j) => Math.floor(j * step));
    // Slot 16 is an admin of a trusted repository with no live credential: give it an account
    // inside the 24 h SAML window, if there is one, so the workload path's `window` is planted.
    const w = cands.findIndex((c) => this.memberStatus(c.a, c.person).status === 'window');
    if (w >= 0 && want > WINDOW_SLOT) {
      const q = chosen.indexOf(w);
      if (q >= 0) [chosen[q], chosen[WINDOW_SLOT]] = [chosen[WINDOW_SLOT], chosen[q]];
      else chosen[WINDOW_SLOT] = w;
    }
    for (let j = 0; j < want; j++) {
      const { a, person } = cands[chosen[j]];
      const local = a.upn.slice(0, a.upn.indexOf('@')).toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const g: Planted = {
        id: PLANTED_ID + j,
        login: `${local}-x${j}`,
        entra: a,
        person,
        // An outside collaborator is no member, so never an owner (j = 67 would be both).
        owner: j % 10 === 7 && j < MAX_OWNER_SLOT && j % 9 !== 4,
        outside: j % 9 === 4,
        repos: [],
        sso: [],
        pats: [],
        keys: [],
        app: null,
      };
      const wr = this.workloadRepos[Math.floor(j / 4) % this.workloadRepos.length];
      const plain = this.repos[(j * 7) % this.repos.length];
      if (j % 4 === 0) g.repos.push({ repo: wr, role: 'admin' });
      else if (j % 4 === 1) g.repos.push({ repo: wr, role: j % 8 === 1 ? 'maintain' : 'write' });
      else if (j % 4 === 2) g.repos.push({ repo: plain, role: 'admin' });
      if (g.outside && !g.repos.length) g.repos.push({ repo: plain, role: 'write' });
      if (j % 6 === 0) g.sso.push({ id: this.nextId(20_000_000), expires: null });
      else if (j % 6 === 1) g.sso.push({ id: this.nextId(20_000_000), expires: at + (40 + j) * DAY });
      else if (j % 6 === 2) g.sso.push({ id: this.nextId(20_000_000), expires: at - 3 * DAY });
      if (j % 5 === 0) g.pats.push({ id: this.nextId(30_000_000), expires: at + (60 + j) * DAY, expired: false, admin: false });
      else if (j % 5 === 1) g.pats.push({ id: this.nextId(30_000_000), expires: at - 5 * DAY, expired: true, admin: false });
      else if (j % 5 === 3) g.pats.push({ id: this.nextId(30_000_000), expires: at + 90 * DAY, expired: false, admin: true });
      if (j % 7 === 0) g.keys.push({ id: this.nextId(40_000_000), repo: plain, readOnly: false, enabled: true });
      else if (j % 7 === 1) g.keys.push({ id: this.nextId(40_000_000), repo: plain, readOnly: true, enabled: true });
      else if (j % 7 === 2) g.keys.push({ id: this.nextId(40_000_000), repo: plain, readOnly: false, enabled: false });
      if (j % 8 === 3) g.keys.push({ id: this.nextId(40_000_000), repo: wr, readOnly: false, enabled: true });
      if (j % 11 === 0) g.app = { id: this.nextId(50_000_000), installation: this.nextId(60_000_000), admin: j % 22 === 0 };
      this.planted.push(g);
    }
    this.bgCount = Math.max(0, this.members - this.planted.length);
    const sel = env.sel('github:members', 0, env.people.bgMember.length, this.bgCount);
    if (sel) this.bgSel = { start: sel.start, stride: sel.stride };
    this.bgCount = sel ? sel.size : 0;
  }

  /** Background member k's person index. */
  private bgPerson(k: number): number {
    const M = this.env.people.bgMember.length;
    return this.env.people.bgMember[(this.bgSel.start + k * this.bgSel.stride) % M];
  }

  private bgLogin(p: number): string {
    return this.env.people.mail(p).slice(0, this.env.people.mail(p).indexOf('@')).replace(/[^a-z0-9]+/g, '-');
  }

  async write(sw: SourceWriter): Promise<void> {
    const { env } = this;
    const at = env.at;
    const w = Object.fromEntries(GITHUB_DATASETS.map((d) => [d, sw.dataset(d)])) as Record<(typeof GITHUB_DATASETS)[number], ReturnType<SourceWriter['dataset']>>;
    const issuer = `https://sts.windows.net/${env.tenantId}/`;
    const org = { id: this.orgId, login: this.login, type: 'Organization' };
    const user = (id: number, login: string) => ({ id, login, node_id: `U_${id}`, type: 'User', organizationVerifiedDomainEmails: [] as string[] });
    await w.organization.write({ ...org, node_id: `O_${this.orgId}`, two_factor_requirement_enabled: true });

    for (let k = 0; k < this.bgCount; k++) {
      const p = this.bgPerson(k);
      await w.members.write({ role: k % 500 === 0 ? 'ADMIN' : 'MEMBER', user: user(BG_ID + k, this.bgLogin(p)) });
    }
    for (const g of this.planted) if (!g.outside) await w.members.write({ role: g.owner ? 'ADMIN' : 'MEMBER', user: user(g.id, g.login) });
    for (const g of this.planted) if (g.outside) await w.outsideCollaborators.write(user(g.id, g.login));

    const nTeams = Math.max(2, Math.round(this.members / 50));
    for (let t = 0; t < nTeams; t++) {
      await w.teams.write({ id: 80_000 + t, node_id: `T_${t}`, name: `team-${t}`, slug: `team-${t}`, privacy: 'closed' });
      for (let i = 0; i < 5 && this.bgCount; i++) {
        const k = (t * 5 + i) % this.bgCount;
        await w.teamMembers.write({ teamSlug: `team-${t}`, member: { id: BG_ID + k, login: this.bgLogin(this.bgPerson(k)), type: 'User' } });
      }
    }

    const all = [...this.repos, ...this.workloadRepos];
    for (const r of all) {
      await w.repositories.write({ id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: `${this.login}/${r.name}`, owner: org, private: true, visibility: 'private', archived: false, fork: false, default_branch: 'main', created_at: graphTime(r.created) });
    }
    const collab = async (repoId: number, id: number, login: string, role: string) => w.repoCollaborators.write({ repoId, collaborator: { id, login, type: 'User', role_name: role } });
    for (const [i, r] of all.entries()) {
      if (!this.bgCount) break;
      const k1 = (i * 37) % this.bgCount;
      const k2 = (i * 53 + 11) % this.bgCount;
      await collab(r.id, BG_ID + k1, this.bgLogin(this.bgPerson(k1)), 'admin');
      if (k2 !== k1) await collab(r.id, BG_ID + k2, this.bgLogin(this.bgPerson(k2)), 'write');
    }
    for (const g of this.planted) for (const x of g.repos) await collab(x.repo.id, g.id, g.login, x.role);

    // Deploy keys: background ones added by active members, and the planted ones.
    for (const [i, r] of this.repos.entries()) {
      if (i % 5 || !this.bgCount) continue;
      const k = (i * 17) % this.bgCount;
      await w.deployKeys.write({ repoId: r.id, key: { id: 40_500_000 + i, title: 'ci', added_by: this.bgLogin(this.bgPerson(k)), read_only: true, enabled: true, verified: true, created_at: graphTime(at - 90 * DAY), last_used: null } });
    }
    for (const g of this.planted) {
      for (const key of g.keys) {
        await w.deployKeys.write({ repoId: key.repo.id, key: { id: key.id, title: `${g.login} deploy`, added_by: g.login, read_only: key.readOnly, enabled: key.enabled, verified: true, created_at: graphTime(at - 120 * DAY), last_used: null } });
      }
    }
    for (const g of this.planted) {
      for (const c of g.sso) {
        await w.credentialAuthorizations.write({
          login: g.login,
          credential_id: c.id,
          credential_type: 'personal access token',
          token_last_eight: String(c.id).slice(-8),
          credential_authorized_at: graphTime(at - 200 * DAY),
          credential_accessed_at: graphTime(at - 30 * DAY),
          scopes: ['repo', 'read:org'],
          authorized_credential_expires_at: c.expires === null ? null : graphTime(c.expires),
          authorized_credential_title: 'laptop',
        });
      }
    }
    for (const g of this.planted) {
      for (const t of g.pats) {
        await w.personalAccessTokens.write({
          id: t.id,
          owner: { id: g.id, login: g.login, type: 'User' },
          repository_selection: 'all',
          permissions: { repository: t.admin ? { administration: 'write', contents: 'write' } : { contents: 'read' }, organization: { members: 'read' } },
          access_granted_at: graphTime(at - 100 * DAY),
          token_name: 'automation',
          token_expired: t.expired,
          token_expires_at: graphTime(t.expires),
          token_last_used_at: null,
        });
      }
    }
    for (const g of this.planted) {
      await w.samlIdentities.write({ issuer, guid: env.ids.guid('github:saml', g.id), samlIdentity: { nameId: g.entra.upn, username: null }, scimIdentity: { username: g.entra.upn }, user: { databaseId: g.id, login: g.login } });
    }
    for (let k = 0; k < this.bgCount; k++) {
      const p = this.bgPerson(k);
      const upn = env.people.mail(p);
      await w.samlIdentities.write({ issuer, guid: env.ids.guid('github:saml', BG_ID + k), samlIdentity: { nameId: upn, username: null }, scimIdentity: { username: upn }, user: { databaseId: BG_ID + k, login: this.bgLogin(p) } });
    }
    await w.settings.write({ samlEnforcement: this.saml, emu: false, enforcementSource: 'operator' });
    for (const g of this.planted) {
      if (!g.app) continue;
      const slug = `${g.login}-bot`;
      await w.appInstallations.write({ id: g.app.installation, app_id: g.app.id, app_slug: slug, target_type: 'Organization', account: org, permissions: g.app.admin ? { administration: 'write', contents: 'read' } : { contents: 'read', metadata: 'read' }, repository_selection: 'all', created_at: graphTime(at - 300 * DAY) });
      await w.apps.write({ id: g.app.id, slug, name: slug, owner: { id: g.id, login: g.login, type: 'User' } });
    }
    // Control: an app owned by the organisation is nobody's finding.
    await w.appInstallations.write({ id: 60_900_000, app_id: 50_900_000, app_slug: `${this.login}-ci`, target_type: 'Organization', account: org, permissions: { administration: 'write' }, repository_selection: 'all', created_at: graphTime(at - 500 * DAY) });
    await w.apps.write({ id: 50_900_000, slug: `${this.login}-ci`, name: `${this.login}-ci`, owner: { id: this.orgId, login: this.login, type: 'Organization' } });
    for (const d of GITHUB_DATASETS) await sw.finish(d, 'complete');
  }

  /**
   * `github.departed-member`'s status: unverified when enforcement is unknown; live unless
   * IdP-blocked (SAML enforced and the linked Entra account disabled); blocked: window until
   * D + 24 h, then dormant.
   */
  private memberStatus(a: EntraAccount, person: LeaverPerson): { status: Status; validUntil: number | null } {
    const at = this.env.at;
    if (this.saml === 'unknown') return { status: 'unverified', validUntil: null };
    const disabled = ownDisabled(a);
    if (!disabled || this.saml !== 'enforced') return { status: 'live', validUntil: null };
    const D = entraDeparture(a, person, disabled, this.hrDeparted(person), at);
    if (D !== null && at < D + GITHUB_SAML_WINDOW) return { status: 'window', validUntil: D + GITHUB_SAML_WINDOW };
    return { status: 'dormant', validUntil: null };
  }

  /** The expected github.* findings, from the planted accounts (sources-github.md "Rules"). */
  judge(): GitHubJudgement {
    const at = this.env.at;
    const findings: ExpectedFinding[] = [];
    const closed: string[] = [];
    const notClosed: string[] = [];
    const controls: Record<string, number> = {};
    const ctl = (name: string) => (controls[name] = (controls[name] ?? 0) + 1);
    const trusted = new Map<number, Trust[]>();
    for (const t of this.trusts) trusted.set(t.repo.id, [...(trusted.get(t.repo.id) ?? []), t]);
    const RANK: Record<Status, number> = { live: 0, window: 1, unverified: 2, dormant: 3 };

    for (const g of this.planted) {
      const subject = String(g.id);
      const out: ExpectedFinding[] = [];
      const add = (rule: RuleId, via: string, status: Status, reach: Reach, validUntil: number | null) =>
        out.push({ rule, subject, via, status, severity: severityOf(rule, status, reach), validUntil: validUntil === null ? null : graphTime(validUntil) });
      const member = this.memberStatus(g.entra, g.person);
      const adminRepos = g.repos.filter((x) => x.role === 'admin');
      const workloadTier0 = adminRepos.some((x) => (trusted.get(x.repo.id) ?? []).some((t) => t.holder.tier0));
      const reach: Reach = { tier0: g.owner || workloadTier0, priv: g.owner || workloadTier0 || adminRepos.length > 0 };

      if (g.outside) add('github.outside-collaborator-departed', String(this.orgId), 'live', reach, null);
      else add('github.departed-member', String(this.orgId), member.status, reach, member.validUntil);
      let liveCredential = false;
      for (const c of g.sso) {
        if (c.expires !== null && c.expires <= at) {
          ctl('github.sso-credential-expired');
          continue;
        }
        liveCredential = true;
        add('github.sso-credential-of-departed', String(c.id), 'live', reach, c.expires);
      }
      for (const t of g.pats) {
        if (t.expired || t.expires <= at) {
          ctl('github.pat-expired');
          continue;
        }
        liveCredential = true;
        add('github.fine-grained-pat-of-departed', String(t.id), 'live', { tier0: false, priv: t.admin }, t.expires);
      }
      for (const k of g.keys) {
        if (!k.enabled) {
          ctl('github.deploy-key-disabled');
          continue;
        }
        add('github.deploy-key-by-departed', `${k.repo.id}/${k.id}`, 'live', { tier0: false, priv: !k.readOnly }, null);
      }
      if (g.app) add('github.app-owned-by-departed', String(g.app.installation), 'live', { tier0: false, priv: g.app.admin }, null);

      // The workload path: the account's access into GitHub, and how it can act on each trusted repository.
      const options: { status: Status; validUntil: number | null }[] = [];
      if (!g.outside) options.push(member);
      if (g.outside || liveCredential) options.push({ status: 'live', validUntil: null });
      options.sort((x, y) => RANK[x.status] - RANK[y.status]);
      const access = options[0];
      for (const t of this.trusts) {
        let grade: 'admin' | 'write' | null = g.owner ? 'admin' : null;
        const role = g.repos.find((x) => x.repo.id === t.repo.id)?.role;
        if (!grade && role === 'admin') grade = 'admin';
        if (!grade && (role === 'write' || role === 'maintain' || g.keys.some((k) => k.repo.id === t.repo.id && k.enabled && !k.readOnly))) grade = 'write';
        if (!grade) continue;
        const status = grade === 'admin' || access.status === 'dormant' ? access.status : 'unverified';
        const validUntil = grade === 'admin' || access.status === 'dormant' ? access.validUntil : null;
        add('github.workflow-federated-credential', t.ficId, status, { tier0: t.holder.tier0, priv: t.holder.priv }, validUntil);
      }
      findings.push(...out);
      (out.length ? notClosed : closed).push(subject);
    }
    return { findings, closed, notClosed, controls };
  }
}
