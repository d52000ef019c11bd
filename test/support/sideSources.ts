/**
 * A GitHub organisation and an Azure tenant beside a synthetic Entra tenant served by the Graph
 * fake, for the delta equivalence chain: GitHub members linked to Entra users by their SAML
 * NameID (IdP-asserted, so they borrow the Entra account's departure) or by a verified-domain
 * mail, with SSO credentials, fine-grained PATs and deploy keys; Azure role assignments and PIM
 * eligibilities held by Entra users. Generated changes — links added, removed and moved, joiners
 * and leavers, owner roles, new credentials, Azure assignments added, removed and moved,
 * eligibilities, and disables or re-enables of the Entra users they hang on (through the Graph
 * fake, as TenantChanges does) — and each step written as the `github` and `azure` folders of a
 * collection (the file shapes of test/scenarios/github-saml-enforced and azure-roles).
 * Deterministic for a seed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphFake } from '../fakes/GraphFake.js';
import { prng } from '../fakes/syntheticTenants.js';
import type { TenantChanges } from './tenantChanges.js';

type Raw = Record<string, unknown>;

const TEMPLATES = join(import.meta.dirname, '..', 'scenarios');

export const SIDE_CHANGE_KINDS = [
  'github-link-add',
  'github-link-remove',
  'github-link-move',
  'github-joiner',
  'github-leaver',
  'github-role-change',
  'github-credential-add',
  'azure-assign',
  'azure-unassign',
  'azure-move',
  'azure-eligible-add',
  'azure-eligible-remove',
  'linked-disable',
  'linked-reenable',
] as const;
export type SideChangeKind = (typeof SIDE_CHANGE_KINDS)[number];

function lines(path: string): Raw[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Raw);
}

interface Member {
  id: number;
  login: string;
  role: 'ADMIN' | 'MEMBER';
  mails: string[];
}

export class SideSources {
  private readonly rand: () => number;
  private n = 0;
  private readonly members: Member[] = [];
  /** GitHub login → the Entra UPN its SAML NameID names. */
  private readonly saml = new Map<string, string>();
  private readonly credentials: Raw[] = [];
  private readonly pats: Raw[] = [];
  private readonly keys: Raw[] = [];
  private readonly assignments: Raw[];
  private readonly eligibilities: Raw[];
  private readonly azureStatic: Record<string, Raw[]> = {};
  private readonly githubStatic: Record<string, Raw[]> = {};

  constructor(
    readonly graph: GraphFake,
    readonly tenant: string,
    readonly changes: TenantChanges,
    seed: number,
  ) {
    this.rand = prng(seed);
    const gh = join(TEMPLATES, 'github-saml-enforced', 'github');
    for (const d of ['organization', 'settings', 'repositories', 'apps', 'appInstallations']) this.githubStatic[d] = lines(join(gh, `${d}.jsonl`));
    const az = join(TEMPLATES, 'azure-roles', 'azure');
    for (const d of ['managementGroups', 'subscriptions', 'roleDefinitions', 'roleAssignmentScheduleInstances', 'userAssignedIdentities', 'managedIdentityFederatedCredentials']) {
      this.azureStatic[d] = lines(join(az, `${d}.jsonl`));
    }
    this.assignments = lines(join(az, 'roleAssignments.jsonl'));
    this.eligibilities = lines(join(az, 'roleEligibilityScheduleInstances.jsonl'));
    // Members: a dozen Entra users (disabled ones first, so departures are there from the start), most linked by SAML, some by mail.
    const users = [...this.users()].sort((a, b) => Number(a.accountEnabled !== false) - Number(b.accountEnabled !== false)).slice(0, 12);
    users.forEach((u, i) => {
      const m = this.join(i < 2 ? 'ADMIN' : 'MEMBER', i % 4 === 3 && typeof u.mail === 'string' ? [u.mail] : []);
      if (i % 4 !== 3) this.saml.set(m.login, String(u.userPrincipalName));
      if (i % 3 === 0) this.addCredential(m);
    });
    // Azure: the scenario's assignments, held by these users.
    for (const [i, a] of [...this.assignments, ...this.eligibilities].entries()) (a.properties as Raw).principalId = String(users[i % users.length].id);
  }

  private users(): Raw[] {
    return this.graph.data.users.filter((u) => typeof u.userPrincipalName === 'string' && !String(u.userPrincipalName).includes('#EXT#'));
  }

  private pick<T>(list: readonly T[]): T | undefined {
    return list.length ? list[Math.floor(this.rand() * list.length)] : undefined;
  }

  private guid(): string {
    const h = () => Math.floor(this.rand() * 0x10000).toString(16).padStart(4, '0');
    return `${h()}${h()}-${h()}-4${h().slice(1)}-8${h().slice(1)}-${h()}${h()}${h()}`;
  }

  private join(role: Member['role'], mails: string[] = []): Member {
    const id = 300 + ++this.n;
    const m = { id, login: `gh${id}`, role, mails };
    this.members.push(m);
    if (this.n % 2) this.pats.push({ id: 8000 + id, owner: { id, login: m.login, type: 'User' }, repository_selection: 'subset', permissions: { repository: { contents: 'write' } }, access_granted_at: '2025-01-01T00:00:00Z', token_id: 18000 + id, token_name: `pat ${id}`, token_expired: false, token_expires_at: '2027-03-01T00:00:00Z', token_last_used_at: null });
    if (this.n % 3 === 1) this.keys.push({ repoId: 70001, key: { id: 500 + id, title: `key ${id}`, added_by: m.login, read_only: false, enabled: true, verified: true, created_at: '2025-03-01T00:00:00Z', last_used: null } });
    return m;
  }

  private addCredential(m: Member): void {
    const c = 7000 + this.credentials.length + 1;
    this.credentials.push({ login: m.login, credential_id: c, credential_type: 'personal access token', credential_authorized_at: '2025-06-01T00:00:00Z', credential_accessed_at: '2026-10-30T00:00:00Z', authorized_credential_id: 10000 + c, authorized_credential_title: `token ${c}`, authorized_credential_expires_at: null, scopes: ['repo'] });
  }

  /** Entra users some GitHub account or Azure role hangs on. */
  private linkedUsers(): Raw[] {
    const upns = new Set(this.saml.values());
    const ids = new Set([...this.assignments, ...this.eligibilities].map((a) => String((a.properties as Raw).principalId)));
    return this.users().filter((u) => upns.has(String(u.userPrincipalName)) || ids.has(String(u.id)));
  }

  /** Apply one change; returns what it did, or null when there is nothing to change. */
  apply(kind: SideChangeKind): string | null {
    switch (kind) {
      case 'github-link-add': {
        const m = this.pick(this.members.filter((x) => !this.saml.has(x.login)));
        const u = this.pick(this.users().filter((x) => x.accountEnabled === false)) ?? this.pick(this.users());
        if (!m || !u) return null;
        this.saml.set(m.login, String(u.userPrincipalName));
        return `github ${m.login} SAML NameID ${String(u.userPrincipalName)}`;
      }
      case 'github-link-remove': {
        const login = this.pick([...this.saml.keys()]);
        if (!login) return null;
        this.saml.delete(login);
        return `github ${login} SAML identity removed`;
      }
      case 'github-link-move': {
        const login = this.pick([...this.saml.keys()]);
        const u = this.pick(this.users());
        if (!login || !u) return null;
        this.saml.set(login, String(u.userPrincipalName));
        return `github ${login} SAML NameID now ${String(u.userPrincipalName)}`;
      }
      case 'github-joiner': {
        const u = this.pick(this.users());
        const m = this.join('MEMBER');
        if (u) this.saml.set(m.login, String(u.userPrincipalName));
        this.addCredential(m);
        return `github joiner ${m.login}${u ? ` as ${String(u.userPrincipalName)}` : ''}`;
      }
      case 'github-leaver': {
        const m = this.pick(this.members);
        if (!m) return null;
        this.members.splice(this.members.indexOf(m), 1);
        this.saml.delete(m.login);
        return `github leaver ${m.login}`;
      }
      case 'github-role-change': {
        const m = this.pick(this.members);
        if (!m) return null;
        m.role = m.role === 'ADMIN' ? 'MEMBER' : 'ADMIN';
        return `github ${m.login} now ${m.role}`;
      }
      case 'github-credential-add': {
        const m = this.pick(this.members);
        if (!m) return null;
        this.addCredential(m);
        return `github ${m.login} new SSO credential`;
      }
      case 'azure-assign': {
        const u = this.pick(this.users().filter((x) => x.accountEnabled === false)) ?? this.pick(this.users());
        const t = this.pick(this.assignments);
        if (!u || !t) return null;
        const name = this.guid();
        const scope = String((t.properties as Raw).scope);
        this.assignments.push({ ...t, id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, name, properties: { ...(t.properties as Raw), principalId: String(u.id) } });
        return `azure assignment ${name} to ${String(u.userPrincipalName)}`;
      }
      case 'azure-unassign': {
        const a = this.pick(this.assignments);
        if (!a) return null;
        this.assignments.splice(this.assignments.indexOf(a), 1);
        return `azure assignment ${String(a.name)} removed`;
      }
      case 'azure-move': {
        const a = this.pick(this.assignments);
        const u = this.pick(this.users());
        if (!a || !u) return null;
        a.properties = { ...(a.properties as Raw), principalId: String(u.id) };
        return `azure assignment ${String(a.name)} now held by ${String(u.userPrincipalName)}`;
      }
      case 'azure-eligible-add': {
        const t = this.pick(this.eligibilities) ?? this.pick(lines(join(TEMPLATES, 'azure-roles', 'azure', 'roleEligibilityScheduleInstances.jsonl')));
        const u = this.pick(this.users());
        if (!t || !u) return null;
        const name = this.guid();
        const scope = String((t.properties as Raw).scope);
        this.eligibilities.push({ ...t, id: `${scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/${name}`, name, properties: { ...(t.properties as Raw), principalId: String(u.id) } });
        return `azure eligibility ${name} for ${String(u.userPrincipalName)}`;
      }
      case 'azure-eligible-remove': {
        const e = this.pick(this.eligibilities);
        if (!e) return null;
        this.eligibilities.splice(this.eligibilities.indexOf(e), 1);
        return `azure eligibility ${String(e.name)} removed`;
      }
      case 'linked-disable':
      case 'linked-reenable': {
        const enable = kind === 'linked-reenable';
        const u = this.pick(this.linkedUsers().filter((x) => (x.accountEnabled !== false) !== enable));
        return u ? this.changes.setEnabled(String(u.id), enable) : null;
      }
    }
  }

  /** Write the `github` and `azure` folders of a collection as they are now. */
  write(dir: string, collectedAt: string): void {
    const issuer = `https://sts.windows.net/${this.tenant}/`;
    const github: Record<string, Raw[]> = {
      ...this.githubStatic,
      members: this.members.map((m) => ({ role: m.role, user: { id: m.id, login: m.login, node_id: `U_${m.id}`, organizationVerifiedDomainEmails: m.mails } })),
      outsideCollaborators: [],
      teams: [],
      teamMembers: [],
      repoCollaborators: this.members.filter((_, i) => i % 2 === 0).map((m) => ({ repoId: 70001, collaborator: { id: m.id, login: m.login, type: 'User', role_name: 'write' } })),
      deployKeys: this.keys.filter((k) => this.members.some((m) => m.login === (k.key as Raw).added_by)),
      credentialAuthorizations: this.credentials.filter((c) => this.members.some((m) => m.login === c.login)),
      personalAccessTokens: this.pats.filter((p) => this.members.some((m) => m.id === (p.owner as Raw).id)),
      samlIdentities: this.members
        .filter((m) => this.saml.has(m.login))
        .map((m) => ({ issuer, guid: `g-${m.id}`, samlIdentity: { nameId: this.saml.get(m.login), username: null }, scimIdentity: { username: this.saml.get(m.login) }, user: { databaseId: m.id, login: m.login } })),
      scimIdentities: [],
      auditLog: [],
    };
    const azure: Record<string, Raw[]> = { ...this.azureStatic, roleAssignments: this.assignments, roleEligibilityScheduleInstances: this.eligibilities };
    writeFolder(join(dir, 'github'), 'github', 'acme', 'revenant-collect-github/1', collectedAt, github);
    writeFolder(join(dir, 'azure'), 'azure', this.tenant, 'revenant-collect-azure/1', collectedAt, azure);
  }
}

function writeFolder(dir: string, source: string, tenant: string, collector: string, collectedAt: string, data: Record<string, Raw[]>): void {
  mkdirSync(dir, { recursive: true });
  const datasets: Record<string, Raw> = {};
  for (const [name, rows] of Object.entries(data)) {
    writeFileSync(join(dir, `${name}.jsonl`), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    datasets[name] = { status: 'complete', count: rows.length };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'revenant-collection/1', source, tenant, collectedAt, collector, datasets }, null, 2));
}
