/**
 * A fake of the Okta Management API built from its documented behaviour: JSON arrays paged with
 * `limit` (capped at each endpoint's maximum) and an opaque `after` cursor, announced in
 * `Link: <…>; rel="self"` and `Link: <…>; rel="next"` headers (the IAM assignees list pages in
 * its body: `{"value": [...], "_links": {"next"}}`); `GET /api/v1/users` without `search` or
 * `filter` omits DEPROVISIONED users; `search`/`filter` expressions; errors as
 * `{"errorCode", "errorSummary", ...}`; `SSWS` API tokens and OAuth 2.0 private-key JWT client
 * credentials (`POST /oauth2/v1/token`, the assertion's signature checked against the
 * registered public key). Every response carries `X-Rate-Limit-Limit/-Remaining/-Reset` for its
 * documented bucket and a `Date` header — from a server clock that may be skewed on purpose — and
 * an exhausted bucket answers 429 (E0000047) until its reset.
 * The write endpoints remediation plans use change the org as Okta documents them: 204 on removal,
 * 200 on lifecycle operations (deactivating a user removes its direct app assignments, admin roles
 * and API tokens; group memberships stay; leaving a group ends the app assignments it gave),
 * 404 E0000007 for an object already gone, 400 E0000001 for deleting an active client secret,
 * `X-Okta-Request-Id` on every answer; every write is recorded in `writes`.
 */
import { createPublicKey, createVerify } from 'node:crypto';
import { type FakeRequest, type FakeResponse, FakeServer } from './FakeServer.js';
import { EqIndex, compileFilter } from './filterExpr.js';
import { oktaBucketOf } from '../../ingest/okta/rateLimitBuckets.js';

type Raw = Record<string, unknown>;

export interface OktaOrgData {
  users: Raw[];
  groups: Raw[];
  /** group id → user ids */
  groupMembers: Map<string, string[]>;
  apps: Raw[];
  /** app id → app users */
  appUsers: Map<string, Raw[]>;
  appGroups: Map<string, Raw[]>;
  appFeatures: Map<string, Raw[]>;
  appGrants: Raw[];
  appSecrets: Map<string, Raw[]>;
  appJwks: Map<string, Raw[]>;
  apiTokens: Raw[];
  userGrants: Raw[];
  refreshTokens: Raw[];
  userRoles: Map<string, Raw[]>;
  groupRoles: Map<string, Raw[]>;
  clientRoles: Map<string, Raw[]>;
  idps: Raw[];
  logs: Raw[];
}

export function emptyOrg(): OktaOrgData {
  return {
    users: [],
    groups: [],
    groupMembers: new Map(),
    apps: [],
    appUsers: new Map(),
    appGroups: new Map(),
    appFeatures: new Map(),
    appGrants: [],
    appSecrets: new Map(),
    appJwks: new Map(),
    apiTokens: [],
    userGrants: [],
    refreshTokens: [],
    userRoles: new Map(),
    groupRoles: new Map(),
    clientRoles: new Map(),
    idps: [],
    logs: [],
  };
}

/** Per-minute limits of the documented buckets (Workforce Identity column). */
/** The identity keys the indexed lookups index (see `indexedLookups`). */
const OKTA_INDEXED_PATHS = ['id', 'profile.login', 'profile.email', 'profile.employeeNumber', 'actor.id'];

export const OKTA_BUCKET_LIMITS: Record<string, number> = {
  'users-list': 600,
  'user-by-id': 2000,
  apps: 100,
  'app-by-id': 500,
  'groups-list': 500,
  'group-by-id': 1000,
  logs: 120,
  'oauth2-clients': 100,
  'oauth2-token': 600,
  iam: 1200,
  other: 1200,
};

/** The bucket a request counts against (Okta's documented grouping; `other` for the rest). */
export function oktaBucket(path: string): string {
  return oktaBucketOf(path) ?? 'other';
}

/** Maximum page size per endpoint (larger `limit` values are capped). */
function maxLimit(path: string): number {
  if (path === '/api/v1/users') return 200;
  if (path === '/api/v1/groups') return 10000;
  if (/\/groups\/[^/]+\/users$/.test(path)) return 1000;
  if (/\/apps\/[^/]+\/users$/.test(path)) return 500;
  if (path === '/api/v1/logs') return 1000;
  if (path === '/api/v1/iam/assignees/users') return 100;
  return 200;
}

interface BucketState {
  windowStart: number;
  used: number;
}

export class OktaFake {
  readonly server: FakeServer;
  /** Accepted API tokens (SSWS). */
  readonly apiTokens = new Set<string>();
  /** OAuth service apps: client id → public key (PEM) for the client assertion. */
  readonly oauthClients = new Map<string, string>();
  readonly accessTokens = new Map<string, { exp: number; revoked: boolean }>();
  tokenRequests = 0;
  accessTokenLifetimeSec = 3600;
  /** Roles carry `assignmentType` (false: an older shape without it, the fallback a subject collection must handle). */
  roleAssignmentType = true;
  /** Rate limiting on: per-bucket per-minute limits. */
  rateLimits: Record<string, number> | undefined;
  /** Length of a rate-limit window (Okta: one minute); shorter in tests. */
  windowMs = 60_000;
  /** The server clock runs this many ms ahead of ours (clock skew). */
  skewMs = 0;
  throttled = 0;
  /** Write requests that reached the org (after faults and rate limits), in order. */
  readonly writes: FakeRequest[] = [];
  /** The clock of the org's data (`statusChanged`, `lastUpdated` of what writes change); tests set it. */
  dataNow: () => number = () => Date.now();
  /**
   * Milliseconds an answer takes to reach the client after it was made (a loaded machine, a
   * congested network), given the request and how many requests its bucket's window had counted
   * before it; the answer carries the rate-limit headers of the moment it was made.
   */
  lateBy: ((r: FakeRequest, countedBefore: number) => number) | undefined;
  /** Whether `GET /api/v1/users/{id}/appLinks` is served (off: an org that refuses it, to test the fallback). */
  appLinks = true;
  /**
   * Indexed lookups (off by default): a user search or a System Log filter that requires equalities
   * on identity keys (`profile.login`, `profile.email`, `profile.employeeNumber`, `id`, `actor.id`)
   * looks at the matching items only, with the same answers — valid while those keys are not
   * changed in place (see EqIndex). The events benchmark turns it on: at 250,000 users a scan of
   * every user per search costs the fake seconds of CPU per event, which no real org charges.
   */
  indexedLookups = false;

  /**
   * Build the indexed lookups' indexes of the tenant's lists now, not at their first search (the
   * events benchmark, before its timed events: at 250k the first per-subject read otherwise waits
   * seconds for the fake to index, which no real service charges).
   */
  warmIndexes(): void {
    for (const list of Object.values(this.data)) {
      if (Array.isArray(list)) for (const path of OKTA_INDEXED_PATHS) this.eqIndex.positions(list as Raw[], path, '');
    }
  }
  private readonly eqIndex = new EqIndex();
  private buckets = new Map<string, BucketState>();

  constructor(public data: OktaOrgData) {
    this.server = new FakeServer((r) => this.handle(r));
  }

  get url(): string {
    return this.server.url;
  }
  start(port = 0): Promise<string> {
    return this.server.start(port);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }

  expireAllTokens(): void {
    for (const t of this.accessTokens.values()) t.revoked = true;
  }

  private now(): number {
    return Date.now() + this.skewMs;
  }

  /** Rate-limit headers (and a 429 when the bucket is exhausted) for a request. */
  private rate(r: FakeRequest): { headers: Record<string, string>; refused?: FakeResponse; countedBefore: number } {
    const now = this.now();
    const headers: Record<string, string> = { Date: new Date(now).toUTCString() };
    if (!this.rateLimits) return { headers, countedBefore: 0 };
    const key = oktaBucket(r.path);
    const limit = this.rateLimits[key] ?? this.rateLimits.other ?? 1200;
    let b = this.buckets.get(key);
    if (!b || now - b.windowStart >= this.windowMs) {
      b = { windowStart: Math.floor(now / 1000) * 1000, used: 0 };
      this.buckets.set(key, b);
    }
    const reset = Math.ceil((b.windowStart + this.windowMs) / 1000);
    headers['X-Rate-Limit-Limit'] = String(limit);
    headers['X-Rate-Limit-Reset'] = String(reset);
    if (b.used >= limit) {
      this.throttled++;
      headers['X-Rate-Limit-Remaining'] = '0';
      return {
        headers,
        countedBefore: b.used,
        refused: {
          status: 429,
          headers,
          body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorLink: 'E0000047', errorId: 'fake', errorCauses: [] },
        },
      };
    }
    b.used++;
    headers['X-Rate-Limit-Remaining'] = String(limit - b.used);
    return { headers, countedBefore: b.used - 1 };
  }

  private async handle(r: FakeRequest): Promise<FakeResponse> {
    const { headers, refused, countedBefore } = this.rate(r);
    const late = this.lateBy?.(r, countedBefore) ?? 0;
    if (late > 0) await new Promise((ok) => setTimeout(ok, late));
    if (refused) return refused;
    const res = this.route(r);
    return { ...res, headers: { ...headers, 'X-Okta-Request-Id': `fake${Math.random().toString(36).slice(2, 14)}`, ...(res.headers ?? {}) } };
  }

  private authError(r: FakeRequest): FakeResponse | undefined {
    const h = r.headers.authorization ?? '';
    const ssws = /^SSWS (.+)$/.exec(h);
    if (ssws && this.apiTokens.has(ssws[1])) return undefined;
    const bearer = /^Bearer (.+)$/.exec(h);
    const info = bearer ? this.accessTokens.get(bearer[1]) : undefined;
    if (info && !info.revoked && info.exp > Date.now()) return undefined;
    return oerr(401, 'E0000011', 'Invalid token provided');
  }

  private tokenEndpoint(r: FakeRequest): FakeResponse {
    this.tokenRequests++;
    const form = new URLSearchParams(typeof r.body === 'string' ? r.body : '');
    const assertion = form.get('client_assertion') ?? '';
    const [h, p, s] = assertion.split('.');
    let claims: Raw = {};
    try {
      claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Raw;
    } catch {
      /* invalid */
    }
    const clientId = String(claims.iss ?? '');
    const pub = this.oauthClients.get(clientId);
    const aud = `${this.url}/oauth2/v1/token`;
    let valid = !!pub && claims.sub === clientId && claims.aud === aud && form.get('grant_type') === 'client_credentials';
    if (valid) {
      const verify = createVerify('RSA-SHA256');
      verify.update(`${h}.${p}`);
      valid = verify.verify(createPublicKey(pub!), Buffer.from(s ?? '', 'base64url'));
    }
    if (!valid) return { status: 401, body: { error: 'invalid_client', error_description: 'The client_assertion signature or claims are not valid.' } };
    const token = `fake-at-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    this.accessTokens.set(token, { exp: Date.now() + this.accessTokenLifetimeSec * 1000, revoked: false });
    return { status: 200, body: { token_type: 'Bearer', expires_in: this.accessTokenLifetimeSec, access_token: token, scope: form.get('scope') } };
  }

  private route(r: FakeRequest): FakeResponse {
    if (r.path === '/oauth2/v1/token' && r.method === 'POST') return this.tokenEndpoint(r);
    const auth = this.authError(r);
    if (auth) return auth;
    if (r.method !== 'GET') return this.write(r);
    const d = this.data;
    const seg = r.path.split('/').filter(Boolean);
    const userById = (id: string) => this.users().get(id);
    const nf = () => oerr(404, 'E0000007', `Not found: Resource not found: ${r.path} (${seg[0]})`);

    if (r.path === '/oauth2/v1/clients' || (seg[0] === 'oauth2' && seg[2] === 'clients')) {
      if (seg[4] === 'roles') return this.page(r, d.clientRoles.get(seg[3]) ?? []);
      return nf();
    }
    if (seg[0] !== 'api' || seg[1] !== 'v1') return nf();
    const [, , coll, id, sub, subId, subSub] = seg;
    switch (coll) {
      case 'users': {
        if (!id) {
          const search = r.query.get('search') ?? r.query.get('filter');
          if (!search) return this.page(r, d.users.filter((u) => u.status !== 'DEPROVISIONED'));
          return this.filtered(r, d.users, search);
        }
        const u = userById(id) ?? d.users.find((x) => (x.profile as Raw)?.login === id);
        if (!u) return nf();
        const uid = String(u.id);
        if (!sub) return { status: 200, body: u };
        if (sub === 'groups') return this.page(r, d.groups.filter((g) => (d.groupMembers.get(String(g.id)) ?? []).includes(uid)));
        // A user's roles: its own, and (as Okta lists them) those it holds through a group, `assignmentType: "GROUP"`.
        const rolesOf = (): Raw[] =>
          [
            ...(d.userRoles.get(uid) ?? []),
            ...[...d.groupRoles].filter(([gid, roles]) => roles.length > 0 && (d.groupMembers.get(gid) ?? []).includes(uid)).flatMap(([, roles]) => roles.map((x) => ({ ...x, assignmentType: 'GROUP' }))),
          ].map((x) => (this.roleAssignmentType ? x : Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'assignmentType'))));
        if (sub === 'roles' && subId) {
          const role = rolesOf().find((x) => x.id === subId);
          return role ? { status: 200, body: role } : nf();
        }
        if (sub === 'roles') return this.page(r, rolesOf());
        if (sub === 'grants') return this.page(r, d.userGrants.filter((g) => g.userId === uid));
        if (sub === 'clients' && !subId) {
          const clients = [...new Set(d.refreshTokens.filter((t) => t.userId === uid).map((t) => String(t.clientId)))];
          return this.page(r, clients.map((c) => ({ client_id: c, client_name: c, _links: {} })));
        }
        if (sub === 'clients' && subSub === 'tokens' && seg[7]) {
          const t = d.refreshTokens.find((x) => x.userId === uid && x.clientId === subId && x.id === seg[7]);
          return t ? { status: 200, body: t } : nf();
        }
        if (sub === 'clients' && subSub === 'tokens') return this.page(r, d.refreshTokens.filter((t) => t.userId === uid && t.clientId === subId));
        if (sub === 'appLinks') {
          if (!this.appLinks) return oerr(404, 'E0000007', `Not found: Resource not found: ${r.path} (appLinks)`);
          // One link per app the user is assigned to (directly or through a group), as Okta lists them.
          const links = d.apps
            .filter((a) => (d.appUsers.get(String(a.id)) ?? []).some((au) => au.id === uid))
            .map((a, i) => ({
              id: `00ub0oNGTSWTBKOLGLNR${String(i).padStart(3, '0')}`.slice(0, 20),
              appInstanceId: a.id,
              appName: a.name,
              appAssignmentId: `0ua${String(a.id).slice(3)}`,
              label: a.label,
              linkUrl: `${this.url}/home/${String(a.name)}/${a.id}/1`,
              logoUrl: `${this.url}/img/logos/default.png`,
              credentialsSetup: false,
              hidden: false,
              sortOrder: i,
            }));
          return { status: 200, body: links };
        }
        return nf();
      }
      case 'groups': {
        if (!id) return this.page(r, d.groups);
        const g = d.groups.find((x) => x.id === id);
        if (!g) return nf();
        if (!sub) return { status: 200, body: g };
        if (sub === 'users') return this.page(r, (d.groupMembers.get(id) ?? []).map((uid) => userById(uid) ?? { id: uid }));
        if (sub === 'roles') return this.page(r, d.groupRoles.get(id) ?? []);
        return nf();
      }
      case 'apps': {
        if (!id) {
          const f = r.query.get('filter');
          const m = f ? /^user\.id eq "([^"]+)"$/.exec(f) : null;
          if (m) return this.page(r, d.apps.filter((a) => (d.appUsers.get(String(a.id)) ?? []).some((au) => au.id === m[1])));
          return this.page(r, d.apps);
        }
        const a = d.apps.find((x) => x.id === id);
        if (!a) return nf();
        if (!sub) return { status: 200, body: a };
        if (sub === 'users' && subId) {
          const au = (d.appUsers.get(id) ?? []).find((x) => x.id === subId);
          return au ? { status: 200, body: au } : nf();
        }
        if (sub === 'users') return this.page(r, d.appUsers.get(id) ?? []);
        if (sub === 'groups') return this.page(r, d.appGroups.get(id) ?? []);
        if (sub === 'features') {
          const f = d.appFeatures.get(id);
          if (!f) return oerr(400, 'E0000150', 'Provisioning is not supported for this application.');
          return this.page(r, f);
        }
        if (sub === 'grants') return this.page(r, d.appGrants.filter((g) => g.clientId === id));
        if (sub === 'credentials' && (subId === 'secrets' || subId === 'jwks') && subSub) {
          const c = ((subId === 'secrets' ? d.appSecrets : d.appJwks).get(id) ?? []).find((x) => x.id === subSub);
          return c ? { status: 200, body: c } : nf();
        }
        if (sub === 'credentials' && subId === 'secrets') return this.page(r, d.appSecrets.get(id) ?? []);
        if (sub === 'credentials' && subId === 'jwks') return this.page(r, d.appJwks.get(id) ?? []);
        if (sub === 'tokens') return this.page(r, d.refreshTokens.filter((t) => t.clientId === id));
        return nf();
      }
      case 'iam': {
        if (id === 'assignees' && sub === 'users') {
          const ids = [...d.userRoles.entries()].filter(([, roles]) => roles.length > 0).map(([uid]) => uid);
          return this.page(
            r,
            ids.map((uid) => ({ id: uid, orn: `orn:okta:directory:fake:users:${uid}`, _links: { self: { href: `${this.url}/api/v1/users/${uid}` } } })),
            'body',
          );
        }
        return nf();
      }
      case 'api-tokens': {
        if (id) {
          const t = d.apiTokens.find((x) => x.id === id);
          return t ? { status: 200, body: t } : nf();
        }
        return this.page(r, d.apiTokens);
      }
      case 'idps':
        return this.page(r, d.idps);
      case 'logs':
        return this.systemLog(r);
      default:
        return nf();
    }
  }

  /** The write endpoints of remediation, as the Management API documents them. */
  private write(r: FakeRequest): FakeResponse {
    const d = this.data;
    const seg = r.path.split('/').filter(Boolean);
    const nf = () => oerr(404, 'E0000007', `Not found: Resource not found: ${r.path} (${seg[2] ?? ''})`);
    const done = (status = 204, body?: unknown): FakeResponse => {
      this.writes.push(r);
      return { status, body };
    };
    if (seg[0] !== 'api' || seg[1] !== 'v1') return nf();
    const [, , coll, id, sub, subId, subSub, leaf, op] = seg;
    const user = coll === 'users' && id ? this.users().get(id) : undefined;

    // DELETE /api/v1/api-tokens/{id}
    if (r.method === 'DELETE' && coll === 'api-tokens' && id && !sub) {
      const i = d.apiTokens.findIndex((t) => t.id === id);
      if (i < 0) return nf();
      d.apiTokens.splice(i, 1);
      return done();
    }
    if (coll === 'users') {
      if (!user) return nf();
      const uid = String(user.id);
      // DELETE /api/v1/users/{id}/clients/{clientId}/tokens/{tokenId}
      if (r.method === 'DELETE' && sub === 'clients' && subSub === 'tokens' && leaf) {
        const i = d.refreshTokens.findIndex((t) => t.userId === uid && t.clientId === subId && t.id === leaf);
        if (i < 0) return nf();
        d.refreshTokens.splice(i, 1);
        return done();
      }
      // DELETE /api/v1/users/{id}/sessions?oauthTokens=true
      if (r.method === 'DELETE' && sub === 'sessions' && !subId) {
        if (r.query.get('oauthTokens') === 'true') d.refreshTokens = d.refreshTokens.filter((t) => t.userId !== uid);
        return done();
      }
      // DELETE /api/v1/users/{id}/roles/{roleAssignmentId}
      if (r.method === 'DELETE' && sub === 'roles' && subId) {
        const roles = d.userRoles.get(uid) ?? [];
        const i = roles.findIndex((x) => x.id === subId);
        if (i < 0) return nf();
        roles.splice(i, 1);
        return done();
      }
      // POST /api/v1/users/{id}/lifecycle/deactivate
      if (r.method === 'POST' && sub === 'lifecycle' && subId === 'deactivate') {
        if (user.status === 'DEPROVISIONED') return oerr(400, 'E0000001', 'Api validation failed: the user is already deactivated');
        user.status = 'DEPROVISIONED';
        user.statusChanged = new Date(this.dataNow()).toISOString();
        // Deactivation removes direct app assignments, admin roles and API tokens; group memberships stay.
        for (const [, aus] of d.appUsers) for (let i = aus.length - 1; i >= 0; i--) if (aus[i].id === uid && (aus[i].scope ?? 'USER') === 'USER') aus.splice(i, 1);
        d.userRoles.delete(uid);
        d.apiTokens = d.apiTokens.filter((t) => t.userId !== uid);
        return done(200, {});
      }
      return oerr(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
    }
    // DELETE /api/v1/groups/{groupId}/users/{userId}
    if (r.method === 'DELETE' && coll === 'groups' && sub === 'users' && subId) {
      const g = d.groups.find((x) => x.id === id);
      if (!g) return nf();
      d.groupMembers.set(id, (d.groupMembers.get(id) ?? []).filter((u) => u !== subId));
      // App assignments the group gave end, unless another group of the user gives them too.
      const myGroups = new Set([...d.groupMembers].filter(([, us]) => us.includes(subId)).map(([gid]) => gid));
      for (const [appId, aus] of d.appUsers) {
        const groupsOfApp = new Set((d.appGroups.get(appId) ?? []).map((ag) => String(ag.id)));
        if (!groupsOfApp.has(id) || [...groupsOfApp].some((gid) => myGroups.has(gid))) continue;
        for (let i = aus.length - 1; i >= 0; i--) if (aus[i].id === subId && aus[i].scope === 'GROUP') aus.splice(i, 1);
      }
      return done();
    }
    if (coll === 'apps' && id) {
      const app = d.apps.find((x) => x.id === id);
      if (!app) return nf();
      // DELETE /api/v1/apps/{appId}/users/{userId}
      if (r.method === 'DELETE' && sub === 'users' && subId) {
        const aus = d.appUsers.get(id) ?? [];
        const i = aus.findIndex((x) => x.id === subId);
        if (i < 0) return nf();
        if (aus[i].scope === 'GROUP') return oerr(400, 'E0000001', 'Api validation failed: the user is assigned to the app through a group');
        aus.splice(i, 1);
        return done();
      }
      // /api/v1/apps/{appId}/credentials/{secrets|jwks}/{id}[/lifecycle/deactivate]
      if (sub === 'credentials' && (subId === 'secrets' || subId === 'jwks') && subSub) {
        const list = (subId === 'secrets' ? d.appSecrets : d.appJwks).get(id) ?? [];
        const i = list.findIndex((x) => x.id === subSub);
        if (i < 0) return nf();
        if (r.method === 'POST' && leaf === 'lifecycle' && op === 'deactivate') {
          list[i].status = 'INACTIVE';
          list[i].lastUpdated = new Date(this.dataNow()).toISOString();
          return done(200, { ...list[i], client_secret: '**********' });
        }
        if (r.method === 'DELETE' && !leaf) {
          if (list[i].status === 'ACTIVE') return oerr(400, 'E0000001', 'Api validation failed: an active secret or key cannot be deleted; deactivate it first');
          list.splice(i, 1);
          return done();
        }
      }
    }
    return oerr(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
  }

  /**
   * The System Log (`GET /api/v1/logs`): events with `since` ≤ published < `until` (default: 7 days
   * before now, and now), `filter`, `q` (all words in the event), `sortOrder`, `limit` (≤ 1000)
   * and an opaque `after` cursor. A bounded request (with `until`) ends when the window is read;
   * a polling request (ASCENDING, no `until`) always gets a `next` link — empty pages included —
   * whose cursor resumes after the last event returned, so a poller sees each event once, as Okta
   * documents for polling the System Log.
   */
  private systemLog(r: FakeRequest): FakeResponse {
    const q = r.query;
    const until = q.get('until') ? Date.parse(q.get('until')!) : this.now();
    const since = q.get('since') ? Date.parse(q.get('since')!) : until - 7 * 86_400_000;
    if (Number.isNaN(since) || Number.isNaN(until)) return oerr(400, 'E0000001', 'Api validation failed: since/until must be ISO 8601 date-times');
    const descending = (q.get('sortOrder') ?? 'ASCENDING') === 'DESCENDING';
    const at = (e: Raw) => Date.parse(String(e.published));
    const pos = (e: Raw) => `${String(at(e)).padStart(15, '0')}|${String(e.uuid)}`;
    const f = q.get('filter');
    let pool = this.data.logs;
    if (f && this.indexedLookups) {
      try {
        pool = this.eqIndex.filter(pool, f, OKTA_INDEXED_PATHS);
      } catch (e) {
        return oerr(400, 'E0000031', `Invalid search criteria. ${(e as Error).message}`);
      }
    }
    let events = pool.filter((e) => at(e) >= since && at(e) < until);
    if (f) {
      try {
        events = events.filter(compileFilter(f));
      } catch (e) {
        return oerr(400, 'E0000031', `Invalid search criteria. ${(e as Error).message}`);
      }
    }
    const words = (q.get('q') ?? '').split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());
    if (words.length) events = events.filter((e) => words.every((w) => JSON.stringify(e).toLowerCase().includes(w)));
    events.sort((a, b) => (pos(a) < pos(b) ? -1 : pos(a) > pos(b) ? 1 : 0));
    if (descending) events.reverse();
    const after = q.get('after');
    if (after) {
      const cursor = Buffer.from(after, 'base64url').toString('utf8');
      events = events.filter((e) => (descending ? pos(e) < cursor : pos(e) > cursor));
    }
    const limit = Math.min(1000, Math.max(1, Number(q.get('limit')) || 100));
    const page = events.slice(0, limit);
    const polling = !q.get('until') && !descending;
    const next = new URLSearchParams(q);
    const links = [`<${this.url}${r.path}?${q}>; rel="self"`];
    if (events.length > limit || polling) {
      const last = page.at(-1);
      next.set('after', last ? Buffer.from(pos(last)).toString('base64url') : (after ?? Buffer.from(`${String(since).padStart(15, '0')}|`).toString('base64url')));
      links.push(`<${this.url}${r.path}?${next}>; rel="next"`);
    }
    return { status: 200, headers: { Link: links.join(', ') }, body: page };
  }

  private userIndex: Map<string, Raw> | undefined;
  private userIndexSize = -1;
  private users(): Map<string, Raw> {
    if (!this.userIndex || this.userIndexSize !== this.data.users.length) {
      this.userIndex = new Map(this.data.users.map((u) => [String(u.id), u]));
      this.userIndexSize = this.data.users.length;
    }
    return this.userIndex;
  }

  private filtered(r: FakeRequest, items: Raw[], expr: string): FakeResponse {
    try {
      return this.page(r, this.indexedLookups ? this.eqIndex.filter(items, expr, OKTA_INDEXED_PATHS) : items.filter(compileFilter(expr)));
    } catch (e) {
      return oerr(400, 'E0000031', `Invalid search criteria. ${(e as Error).message}`);
    }
  }

  /** One page of a list, with Link headers (or `_links.next` in the body). */
  private page(r: FakeRequest, items: Raw[], style: 'header' | 'body' = 'header'): FakeResponse {
    const limitRaw = r.query.get('limit');
    const limit = Math.min(maxLimit(r.path), limitRaw ? Math.max(1, Number(limitRaw) || 20) : 200);
    const after = r.query.get('after');
    const offset = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) || 0 : 0;
    const slice = items.slice(offset, offset + limit);
    const q = new URLSearchParams(r.query);
    q.delete('after');
    const self = `${this.url}${r.path}${q.toString() ? `?${q}` : ''}`;
    const links = [`<${self}>; rel="self"`];
    let next: string | undefined;
    if (offset + limit < items.length) {
      q.set('after', Buffer.from(String(offset + limit)).toString('base64url'));
      next = `${this.url}${r.path}?${q}`;
      links.push(`<${next}>; rel="next"`);
    }
    if (style === 'body') return { status: 200, body: { value: slice, _links: next ? { next: { href: next } } : {} } };
    return { status: 200, headers: { Link: links.join(', ') }, body: slice };
  }
}

export function oerr(status: number, code: string, summary: string): FakeResponse {
  return { status, body: { errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${Math.random().toString(36).slice(2, 12)}`, errorCauses: [] } };
}
