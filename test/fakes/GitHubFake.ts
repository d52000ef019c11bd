/**
 * A fake of the GitHub REST and GraphQL APIs for one organisation, built from GitHub's documented
 * shapes: lists paged with `per_page` (≤ 100) and `Link: <…>; rel="next", <…>; rel="last"`
 * headers; `{"total_count", "installations"}` bodies; SCIM `Users` paged with `startIndex`/`count`
 * (`application/scim+json`); GraphQL at `POST /graphql` answering the connections the collector
 * asks for (`membersWithRole` edges with `role`, `samlIdentityProvider.externalIdentities` of the
 * organisation or the enterprise, `samlIdentityProviderSettingOrganizations(value:)`) with
 * `pageInfo.endCursor` cursors and `first` ≤ 100; errors as `{"message", "documentation_url"}`
 * (REST) or `{"errors": [{"type", "message"}]}` (GraphQL). Every response carries
 * `x-ratelimit-limit/-remaining/-used/-reset/-resource`; a primary limit (a request budget that
 * runs out: 403 with `x-ratelimit-remaining: 0` until `x-ratelimit-reset`) and secondary limits
 * (403 "You have exceeded a secondary rate limit" with `retry-after`, as a fault) are modelled.
 * Callers: a token (`Authorization: token|Bearer …`) registered with its kind (`pat`: classic or
 * fine-grained, cannot list fine-grained PATs), or a GitHub App: a JWT signed with the app's
 * private key (RS256, checked against its public key) exchanged at
 * `POST /app/installations/{id}/access_tokens` for an installation token.
 * Served over HTTPS by FakeServer.
 */
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { type FakeRequest, type FakeResponse, FakeServer } from './FakeServer.js';

type Raw = Record<string, unknown>;

export interface GitHubUser {
  id: number;
  login: string;
  type?: 'User' | 'Bot' | 'Organization';
  verifiedDomainEmails?: string[];
}

export interface GitHubRepo {
  id: number;
  name: string;
  private?: boolean;
  /** Collaborators with their highest role (`admin`, `maintain`, `write`, `triage`, `read`). */
  collaborators: { userId: number; role_name: string }[];
  keys: Raw[];
}

export interface GitHubOrgData {
  org: { id: number; login: string };
  enterprise?: { slug: string; enforced?: boolean; configured?: boolean; saml?: { issuer: string; identities: Raw[] } };
  users: GitHubUser[];
  members: { userId: number; role: 'admin' | 'member' }[];
  outsideCollaborators: number[];
  teams: { id: number; slug: string; name: string; members: number[] }[];
  repos: GitHubRepo[];
  /** Present only for a GitHub Enterprise Cloud organisation with SAML (else 404). */
  credentialAuthorizations?: Raw[];
  personalAccessTokens: Raw[];
  /** Organisation SAML provider; null: none. identities: `{guid, samlIdentity, scimIdentity, user: {databaseId, login}}`. */
  saml: { issuer: string; ssoUrl?: string; identities: Raw[] } | null;
  /** SCIM users; undefined: SCIM not configured (404). */
  scimUsers?: Raw[];
  installations: Raw[];
  apps: Raw[];
  auditLog?: Raw[];
}

/**
 * The audit log's search phrase as far as the collector uses it: `action:X` qualifiers and
 * `created:>=DATE`/`created:<=DATE` on the event's `@timestamp` (epoch ms).
 */
function auditSearch(events: Raw[], phrase: string | null): Raw[] {
  const terms = (phrase ?? '').split(/\s+/).filter(Boolean);
  const actions = terms.filter((t) => t.startsWith('action:')).map((t) => t.slice(7));
  const since = terms.find((t) => t.startsWith('created:>='))?.slice(10);
  const until = terms.find((t) => t.startsWith('created:<='))?.slice(10);
  return events.filter((e) => {
    const ts = Number(e['@timestamp']);
    if (actions.length && !actions.includes(String(e.action))) return false;
    if (since && ts < Date.parse(since)) return false;
    if (until && ts >= Date.parse(until) + 86_400_000) return false;
    return true;
  });
}

export function emptyOrg(login: string, id = 1000): GitHubOrgData {
  return {
    org: { id, login },
    users: [],
    members: [],
    outsideCollaborators: [],
    teams: [],
    repos: [],
    personalAccessTokens: [],
    saml: null,
    installations: [],
    apps: [],
  };
}

export type CallerKind = 'pat' | 'installation';

export class GitHubFake {
  readonly server: FakeServer;
  /** Tokens the API accepts, with what kind of caller they stand for. */
  readonly tokens = new Map<string, CallerKind>();
  /** Registered apps: app id → public key. */
  readonly apps = new Map<string, { key: KeyObject; installations: Set<string> }>();
  /** Primary limit: requests allowed per window (undefined: unlimited). */
  primaryLimit: number | undefined;
  primaryWindowSec = 3600;
  private used = 0;
  private windowStart = Date.now();
  graphqlRequests = 0;
  /** Requests refused because the primary limit was spent. */
  primaryRefused = 0;
  installationTokensIssued = 0;

  constructor(public data: GitHubOrgData) {
    this.server = new FakeServer((r) => this.handle(r));
  }

  get url(): string {
    return this.server.url;
  }

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  addToken(token: string, kind: CallerKind = 'pat'): string {
    this.tokens.set(token, kind);
    return token;
  }

  registerApp(appId: string, publicKeyPem: string, installationId: string): void {
    this.apps.set(appId, { key: createPublicKey(publicKeyPem), installations: new Set([installationId]) });
  }

  /** The x-ratelimit-* headers of the current window. */
  private rateHeaders(resource: string): Record<string, string> {
    const now = Date.now();
    if (now - this.windowStart >= this.primaryWindowSec * 1000) {
      this.windowStart = now;
      this.used = 0;
    }
    const limit = this.primaryLimit ?? 5000;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - this.used)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-reset': String(Math.ceil((this.windowStart + this.primaryWindowSec * 1000) / 1000)),
      'x-ratelimit-resource': resource,
      'x-github-api-version-selected': '2022-11-28',
    };
  }

  private handle(r: FakeRequest): FakeResponse {
    if (r.method === 'POST' && /^\/app\/installations\/[^/]+\/access_tokens$/.test(r.path)) return this.installationToken(r);
    const caller = this.caller(r);
    if (!caller) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    const resource = r.path === '/graphql' ? 'graphql' : r.path.startsWith('/scim/') ? 'scim' : r.path.includes('/audit-log') ? 'audit_log' : 'core';
    const limitHeaders = this.rateHeaders(resource);
    if (this.primaryLimit !== undefined && this.used >= this.primaryLimit) {
      this.primaryRefused++;
      return {
        status: 403,
        headers: { ...limitHeaders, 'x-ratelimit-remaining': '0' },
        body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' },
      };
    }
    this.used++;
    const out = r.path === '/graphql' && r.method === 'POST' ? this.graphql(r) : this.rest(r, caller);
    out.headers = { ...this.rateHeaders(resource), ...(out.headers ?? {}) };
    return out;
  }

  private caller(r: FakeRequest): CallerKind | undefined {
    const m = /^(?:token|bearer) (.+)$/i.exec(r.headers.authorization ?? '');
    return m ? this.tokens.get(m[1]) : undefined;
  }

  /** `POST /app/installations/{id}/access_tokens` with an RS256 app JWT. */
  private installationToken(r: FakeRequest): FakeResponse {
    const id = r.path.split('/')[3];
    const m = /^bearer (.+)$/i.exec(r.headers.authorization ?? '');
    const jwt = m?.[1] ?? '';
    const [h, p, sig] = jwt.split('.');
    let claims: Raw = {};
    try {
      claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Raw;
    } catch {
      /* invalid */
    }
    const app = this.apps.get(String(claims.iss));
    const verified = !!app && !!sig && createVerify('RSA-SHA256').update(`${h}.${p}`).verify(app.key, Buffer.from(sig, 'base64url'));
    const now = Math.floor(Date.now() / 1000);
    if (!verified || Number(claims.exp) < now || Number(claims.iat) > now + 60) {
      return { status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest' } };
    }
    if (!app!.installations.has(id)) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
    this.installationTokensIssued++;
    const token = `ghs_fake${Math.random().toString(36).slice(2)}`;
    this.tokens.set(token, 'installation');
    return {
      status: 201,
      body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { members: 'read', organization_personal_access_tokens: 'read' }, repository_selection: 'all' },
    };
  }

  private usersById: Map<number, GitHubUser> | undefined;
  private usersIndexed = -1;

  /** A user by id (indexed: a 20,000-member organisation is listed in pages of 100). */
  private userOf(id: number): GitHubUser | undefined {
    if (!this.usersById || this.usersIndexed !== this.data.users.length) {
      this.usersById = new Map(this.data.users.map((u) => [u.id, u]));
      this.usersIndexed = this.data.users.length;
    }
    return this.usersById.get(id);
  }

  private user(id: number): Raw {
    const u = this.userOf(id);
    return { login: u?.login ?? `user${id}`, id, node_id: `U_${id}`, type: u?.type ?? 'User', site_admin: false };
  }

  private rest(r: FakeRequest, caller: CallerKind): FakeResponse {
    if (r.method !== 'GET') return notFound();
    const d = this.data;
    const seg = r.path.split('/').filter(Boolean);
    const orgOk = (login: string) => login.toLowerCase() === d.org.login.toLowerCase();
    if (seg[0] === 'orgs' && seg[1] && !orgOk(seg[1])) return notFound();
    const route = seg.map((s, i) => (i % 2 === 1 && i > 0 ? '*' : s)).join('/');
    switch (route) {
      case 'orgs/*':
        return { status: 200, body: { login: d.org.login, id: d.org.id, node_id: `O_${d.org.id}`, type: 'Organization', plan: { name: 'enterprise', seats: 999 }, billing_email: 'x@example.com' } };
      case 'orgs/*/members': {
        const role = r.query.get('role') ?? 'all';
        const ids = d.members.filter((m) => role === 'all' || m.role === role).map((m) => m.userId);
        return this.page(r, ids.map((id) => this.user(id)));
      }
      case 'orgs/*/memberships/*': {
        const u = d.users.find((x) => x.login.toLowerCase() === seg[3].toLowerCase());
        const m = u && d.members.find((x) => x.userId === u.id);
        if (!m) return notFound();
        return { status: 200, body: { state: 'active', role: m.role, organization: { login: d.org.login, id: d.org.id }, user: this.user(m.userId) } };
      }
      case 'orgs/*/outside_collaborators':
        return this.page(r, d.outsideCollaborators.map((id) => this.user(id)));
      case 'orgs/*/teams':
        return this.page(r, d.teams.map((t) => ({ id: t.id, slug: t.slug, name: t.name, privacy: 'closed', permission: 'pull', parent: null })));
      case 'orgs/*/teams/*/members': {
        const t = d.teams.find((x) => x.slug === seg[3]);
        return t ? this.page(r, t.members.map((id) => this.user(id))) : notFound();
      }
      case 'orgs/*/repos':
        return this.page(
          r,
          d.repos.map((x) => ({
            id: x.id,
            node_id: `R_${x.id}`,
            name: x.name,
            full_name: `${d.org.login}/${x.name}`,
            owner: { login: d.org.login, id: d.org.id, type: 'Organization' },
            private: x.private ?? true,
            visibility: x.private === false ? 'public' : 'private',
            archived: false,
            fork: false,
            default_branch: 'main',
            created_at: '2024-01-01T00:00:00Z',
          })),
        );
      case 'repos/*/*': {
        // /repos/{owner}/{repo}/collaborators and /keys have 4 segments; 3-segment routes are the repo itself.
        return notFound();
      }
      case 'orgs/*/credential-authorizations': {
        if (!d.credentialAuthorizations) return notFound();
        const login = r.query.get('login');
        return this.page(r, d.credentialAuthorizations.filter((c) => !login || String(c.login).toLowerCase() === login.toLowerCase()));
      }
      case 'orgs/*/personal-access-tokens': {
        if (caller !== 'installation') {
          return { status: 403, body: { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest/orgs/personal-access-tokens', status: '403' } };
        }
        const owners = r.query.getAll('owner[]').map((o) => o.toLowerCase());
        return this.page(r, d.personalAccessTokens.filter((t) => !owners.length || owners.includes(String((t.owner as Raw)?.login).toLowerCase())));
      }
      case 'orgs/*/installations': {
        const res = this.page(r, d.installations);
        return { ...res, body: { total_count: d.installations.length, installations: res.body } };
      }
      case 'apps/*': {
        const a = d.apps.find((x) => x.slug === seg[1]);
        return a ? { status: 200, body: a } : notFound();
      }
      case 'orgs/*/audit-log':
        return d.auditLog ? this.page(r, auditSearch(d.auditLog, r.query.get('phrase'))) : notFound();
      case 'enterprises/*/audit-log':
        // The enterprise audit log (EMU: SCIM's `user.suspend` events are logged at the enterprise).
        return d.auditLog && seg[1] === d.enterprise?.slug ? this.page(r, auditSearch(d.auditLog, r.query.get('phrase'))) : notFound();
      default:
        break;
    }
    if (seg[0] === 'repos' && seg.length === 4) {
      const repo = d.repos.find((x) => `${seg[1]}/${seg[2]}`.toLowerCase() === `${d.org.login}/${x.name}`.toLowerCase());
      if (!repo) return notFound();
      if (seg[3] === 'collaborators') {
        return this.page(
          r,
          repo.collaborators.map((c) => ({ ...this.user(c.userId), role_name: c.role_name, permissions: permissionsOf(c.role_name) })),
        );
      }
      if (seg[3] === 'keys') return this.page(r, repo.keys);
    }
    if (seg[0] === 'scim' && seg[1] === 'v2') return this.scim(r, seg);
    return notFound();
  }

  private scim(r: FakeRequest, seg: string[]): FakeResponse {
    const enterprise = seg[2] === 'enterprises';
    if (enterprise ? seg[3] !== this.data.enterprise?.slug : seg[3]?.toLowerCase() !== this.data.org.login.toLowerCase()) return notFound();
    if (seg[4] !== 'Users' || !this.data.scimUsers) return notFound();
    const startIndex = Number(r.query.get('startIndex') ?? '1');
    const count = Math.min(100, Number(r.query.get('count') ?? '100'));
    const all = this.data.scimUsers;
    const slice = all.slice(startIndex - 1, startIndex - 1 + count);
    return {
      status: 200,
      headers: { 'content-type': 'application/scim+json; charset=utf-8' },
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: all.length, itemsPerPage: slice.length, startIndex, Resources: slice },
    };
  }

  /** One REST list page with Link headers. */
  private page(r: FakeRequest, items: unknown[]): FakeResponse {
    const per = Number(r.query.get('per_page') ?? '30');
    if (!Number.isInteger(per) || per < 1) return { status: 422, body: { message: 'Validation Failed' } };
    const size = Math.min(100, per);
    const page = Math.max(1, Number(r.query.get('page') ?? '1'));
    const slice = items.slice((page - 1) * size, page * size);
    const last = Math.max(1, Math.ceil(items.length / size));
    const link = (p: number) => {
      const q = new URLSearchParams(r.query);
      q.set('page', String(p));
      return `<${this.url}${r.path}?${q.toString()}>`;
    };
    const links: string[] = [];
    if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
    return { status: 200, headers: links.length ? { link: links.join(', ') } : {}, body: slice };
  }

  // --- GraphQL ---------------------------------------------------------------------------------

  private graphql(r: FakeRequest): FakeResponse {
    this.graphqlRequests++;
    const body = r.body as { query?: string; variables?: Raw } | undefined;
    const q = body?.query ?? '';
    const v = body?.variables ?? {};
    const first = /first:\s*(\d+)/.exec(q);
    if (first && Number(first[1]) > 100) {
      return { status: 200, body: { errors: [{ type: 'INVALID_CURSOR_ARGUMENTS', message: 'Requesting 101 records on the connection exceeds the `first` limit of 100 records.' }] } };
    }
    const size = first ? Number(first[1]) : 100;
    const d = this.data;
    if (/membersWithRole/.test(q)) {
      if (String(v.org).toLowerCase() !== d.org.login.toLowerCase()) return gqlNotFound('organization', String(v.org));
      const start = offsetOf(v.cursor);
      const edges = d.members.slice(start, start + size).map((m) => {
        const u = this.userOf(m.userId);
        return {
          role: m.role.toUpperCase(),
          node: { databaseId: m.userId, login: u?.login ?? `user${m.userId}`, id: `U_${m.userId}`, organizationVerifiedDomainEmails: u?.verifiedDomainEmails ?? [] },
        };
      });
      const end = start + edges.length;
      const page = { edges, pageInfo: { hasNextPage: end < d.members.length, endCursor: edges.length ? cursorOf(end) : null } };
      return { status: 200, body: { data: { organization: { membersWithRole: page } } } };
    }
    if (/samlIdentityProviderSettingOrganizations/.test(q)) {
      const ent = d.enterprise;
      if (!ent || v.enterprise !== ent.slug) return gqlNotFound('enterprise', String(v.enterprise));
      const on = v.value === 'ENFORCED' ? !!ent.enforced : v.value === 'CONFIGURED' ? !!ent.configured && !ent.enforced : false;
      const nodes = on ? [{ login: d.org.login, databaseId: d.org.id }] : [];
      return { status: 200, body: { data: { enterprise: { ownerInfo: { samlIdentityProviderSettingOrganizations: nodesConnection(nodes, v.cursor, size) } } } } };
    }
    if (/externalIdentities/.test(q) && /enterprise\(/.test(q)) {
      const ent = d.enterprise;
      if (!ent || v.enterprise !== ent.slug) return gqlNotFound('enterprise', String(v.enterprise));
      const idp = ent.saml ? { issuer: ent.saml.issuer, ssoUrl: null, externalIdentities: connection(ent.saml.identities.map((node) => ({ node })), v.cursor, size) } : null;
      return { status: 200, body: { data: { enterprise: { ownerInfo: { samlIdentityProvider: idp } } } } };
    }
    if (/externalIdentities/.test(q)) {
      if (String(v.org).toLowerCase() !== d.org.login.toLowerCase()) return gqlNotFound('organization', String(v.org));
      if (!d.saml) return { status: 200, body: { data: { organization: { samlIdentityProvider: null } } } };
      const login = typeof v.login === 'string' ? v.login.toLowerCase() : undefined;
      const ids = d.saml.identities.filter((i) => !login || String((i.user as Raw | null)?.login ?? '').toLowerCase() === login);
      return {
        status: 200,
        body: { data: { organization: { samlIdentityProvider: { issuer: d.saml.issuer, ssoUrl: d.saml.ssoUrl ?? null, externalIdentities: connection(ids.map((node) => ({ node })), v.cursor, size) } } } },
      };
    }
    return { status: 200, body: { errors: [{ message: 'the fake does not know this query' }] } };
  }
}

function cursorOf(offset: number): string {
  return Buffer.from(`cursor:v2:${offset}`).toString('base64');
}

function offsetOf(cursor: unknown): number {
  if (typeof cursor !== 'string' || !cursor) return 0;
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : 0;
}

function connection(edges: unknown[], cursor: unknown, size: number): Raw {
  const start = offsetOf(cursor);
  const slice = edges.slice(start, start + size);
  const end = start + slice.length;
  return { edges: slice, pageInfo: { hasNextPage: end < edges.length, endCursor: slice.length ? cursorOf(end) : null } };
}

function nodesConnection(nodes: unknown[], cursor: unknown, size: number): Raw {
  const c = connection(nodes, cursor, size);
  return { nodes: c.edges, pageInfo: c.pageInfo };
}

function gqlNotFound(type: string, name: string): FakeResponse {
  return { status: 200, body: { data: { [type]: null }, errors: [{ type: 'NOT_FOUND', path: [type], message: `Could not resolve to an ${type} with the login of '${name}'.` }] } };
}

function permissionsOf(role: string): Raw {
  const order = ['read', 'triage', 'write', 'maintain', 'admin'];
  const i = order.indexOf(role);
  return { pull: i >= 0, triage: i >= 1, push: i >= 2, maintain: i >= 3, admin: i >= 4 };
}

function notFound(): FakeResponse {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
}

/** The 403 GitHub answers for a secondary rate limit (use as a FakeServer fault). */
export function secondaryLimit(retryAfterSec = 1): { status: number; headers: Record<string, string>; body: Raw } {
  return {
    status: 403,
    headers: { 'retry-after': String(retryAfterSec) },
    body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
  };
}
