/**
 * A fake of Microsoft Graph v1.0 and of the Entra token endpoint, built from Graph's documented
 * response shapes: collections as `{"@odata.context", "value", "@odata.nextLink"}` with absolute
 * next links (`$top` up to 999, `$skiptoken`), `$select` projections (directory objects keep
 * `@odata.type`), the `$filter` forms the collector sends, single objects, errors as
 * `{"error": {"code", "message"}}`, and JSON batching (`POST /v1.0/$batch`, at most 20 requests,
 * answered as `{"responses": [{id, status, headers, body}]}` in another order than asked, inner
 * requests throttled and faulted one by one). Bearer tokens are checked: they come from the fake
 * token endpoint (client credentials, OpenID configuration for MSAL) or are registered as static;
 * an expired or revoked token gets Graph's 401 `InvalidAuthenticationToken`.
 * Optional throttling models the identity service's per app+tenant resource-unit token bucket
 * (request costs as documented, `$select` −1, 429 with `Retry-After`).
 * The write endpoints remediation plans use change the tenant as Graph documents them: 204 No
 * Content on removal (200 with `{"value": true}` for revokeSignInSessions, 201 with the request
 * for a PIM adminRemove), 404 `Request_ResourceNotFound` for an object already gone, a
 * `Disable account` audit event when an account is disabled, `request-id` on every answer;
 * every write is recorded in `writes`. `now` is the tenant's clock (tests set it).
 */
import { type FakeRequest, type FakeResponse, FakeServer } from './FakeServer.js';
import { EqIndex, compileFilter } from './filterExpr.js';
import { DELTA_RESOURCES, type DeltaResource, GraphDelta } from './GraphDelta.js';

type Raw = Record<string, unknown>;

export interface GraphTenantData {
  tenantId: string;
  users: Raw[];
  deletedUsers: Raw[];
  groups: Raw[];
  /** group id → member references (`{"@odata.type", "id"}`). */
  groupMembers: Map<string, Raw[]>;
  groupOwners: Map<string, Raw[]>;
  applications: Raw[];
  applicationOwners: Map<string, Raw[]>;
  federatedIdentityCredentials: Map<string, Raw[]>;
  servicePrincipals: Raw[];
  servicePrincipalOwners: Map<string, Raw[]>;
  appRoleAssignments: Raw[];
  oauth2PermissionGrants: Raw[];
  roleDefinitions: Raw[];
  roleAssignments: Raw[];
  roleEligibilitySchedules: Raw[];
  directoryAudits: Raw[];
}

export function emptyTenant(tenantId: string): GraphTenantData {
  return {
    tenantId,
    users: [],
    deletedUsers: [],
    groups: [],
    groupMembers: new Map(),
    groupOwners: new Map(),
    applications: [],
    applicationOwners: new Map(),
    federatedIdentityCredentials: new Map(),
    servicePrincipals: [],
    servicePrincipalOwners: new Map(),
    appRoleAssignments: [],
    oauth2PermissionGrants: [],
    roleDefinitions: [],
    roleAssignments: [],
    roleEligibilitySchedules: [],
    directoryAudits: [],
  };
}

export interface GraphThrottle {
  /** Resource units the bucket holds (L tenant: 8,000 per 10 s). */
  capacity: number;
  /** Refill per second (800 for 8,000 per 10 s). */
  refillPerSec: number;
}

interface TokenInfo {
  exp: number;
  revoked: boolean;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export class GraphFake {
  readonly server: FakeServer;
  /** Client credentials the token endpoint accepts: client id → secret. */
  readonly clients = new Map<string, string>();
  readonly tokens = new Map<string, TokenInfo>();
  tokenLifetimeSec = 3600;
  tokenRequests = 0;
  /** Requests refused because of the resource-unit bucket (inner batch requests included). */
  throttled = 0;
  /** Inner requests of all batches. */
  innerRequests = 0;
  /** Resource units spent (successful reads). */
  resourceUnits = 0;
  throttle: GraphThrottle | undefined;
  private bucket = 0;
  private bucketAt = Date.now();
  /**
   * Indexed lookups (off by default): a user by id or UPN, and a `$filter` that requires equalities
   * on identity keys (`id`, `mail`, `userPrincipalName`, `employeeId`, `principalId`, `appId`,
   * `initiatedBy/user/id`, `activityDisplayName`), look at the matching items only, with the same
   * answers — valid while those keys are not changed in place (see EqIndex). The events benchmark
   * turns it on: at 250,000 users a scan per request costs the fake seconds of CPU per event.
   */
  indexedLookups = false;

  /**
   * Build the indexed lookups' indexes of the tenant's lists now, not at their first search (the
   * events benchmark, before its timed events: at 250k the first per-subject read otherwise waits
   * seconds for the fake to index, which no real service charges).
   */
  warmIndexes(): void {
    for (const list of Object.values(this.data)) {
      if (Array.isArray(list)) for (const path of GRAPH_INDEXED_PATHS) this.eqIndex.positions(list as Raw[], path, '');
    }
  }
  private readonly eqIndex = new EqIndex();
  /** Force smaller pages for matching requests: [pattern, page size]. */
  readonly pageBreaks: [RegExp, number][] = [];
  /** Write requests that reached the tenant (after faults and throttling), in order. */
  readonly writes: FakeRequest[] = [];
  /** The tenant's clock (ms). */
  now: () => number = () => Date.now();
  /** Delta queries: change tracking of users, groups (with members), applications, service principals and grants. */
  readonly delta = new GraphDelta();

  constructor(public data: GraphTenantData) {
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

  /** A token Graph accepts (as `REVENANT_GRAPH_TOKEN` would be). */
  issueToken(lifetimeSec = this.tokenLifetimeSec, tenant = this.data.tenantId): string {
    const now = Math.floor(Date.now() / 1000);
    const t = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: 'https://graph.microsoft.com', tid: tenant, iat: now, exp: now + lifetimeSec, jti: Math.random().toString(36).slice(2) })}.fake`;
    this.tokens.set(t, { exp: (now + lifetimeSec) * 1000, revoked: false });
    return t;
  }

  /** Every token issued so far stops working (an expiry mid-run). */
  expireAllTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  private authError(r: FakeRequest): FakeResponse | undefined {
    const h = r.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(h);
    const info = m ? this.tokens.get(m[1]) : undefined;
    if (!info) return gerr(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    if (info.revoked || info.exp < Date.now()) return gerr(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    return undefined;
  }

  private handle(r: FakeRequest): FakeResponse {
    const p = r.path;
    // Identity platform (the authority host is this server too).
    if (/\/v2\.0\/\.well-known\/openid-configuration$/.test(p)) return this.openIdConfig(p);
    if (/\/discovery\/instance$/.test(p)) {
      return { status: 200, body: { tenant_discovery_endpoint: `${this.url}/${this.data.tenantId}/v2.0/.well-known/openid-configuration`, metadata: [] } };
    }
    if (/\/oauth2\/v2\.0\/token$/.test(p) && r.method === 'POST') return this.token(r);
    if (!p.startsWith('/v1.0/')) return gerr(404, 'NotFound', `no route ${p}`);
    const auth = this.authError(r);
    if (auth) return auth;
    if (p === '/v1.0/$batch' && r.method === 'POST') return this.batch(r);
    const t = this.chargeThrottle(r);
    if (t) return t;
    const res = this.route(r);
    return { ...res, headers: { 'request-id': `fake-${Math.random().toString(16).slice(2, 10)}`, ...(res.headers ?? {}) } };
  }

  private openIdConfig(path: string): FakeResponse {
    const tenant = path.split('/')[1];
    const base = `${this.url}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      },
    };
  }

  private token(r: FakeRequest): FakeResponse {
    this.tokenRequests++;
    const form = new URLSearchParams(typeof r.body === 'string' ? r.body : '');
    const id = form.get('client_id') ?? '';
    const secret = form.get('client_secret');
    const ok = this.clients.has(id) && (secret === this.clients.get(id) || (!!form.get('client_assertion') && this.clients.get(id) === '*'));
    if (form.get('grant_type') !== 'client_credentials' || !ok) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] },
      };
    }
    const tenant = r.path.split('/')[1];
    const access = this.issueToken(this.tokenLifetimeSec, tenant);
    return { status: 200, body: { token_type: 'Bearer', expires_in: this.tokenLifetimeSec, ext_expires_in: this.tokenLifetimeSec, access_token: access } };
  }

  /** Documented base cost of a read, minus 1 with `$select` (never below 1). */
  static cost(r: FakeRequest): number {
    const p = r.path.replace(/^\/v1\.0/, '');
    let c = 1;
    if (p === '/users' || p === '/applications' || p === '/oauth2PermissionGrants') c = 2;
    else if (/^\/groups\/[^/]+\/members$/.test(p)) c = 3;
    else if (/^\/servicePrincipals\/[^/]+\/appRoleAssignments$/.test(p)) c = 2;
    if (r.query.has('$select')) c -= 1;
    return Math.max(1, c);
  }

  private chargeThrottle(r: FakeRequest): FakeResponse | undefined {
    if (!this.throttle || r.path.startsWith('/v1.0/auditLogs')) return undefined;
    const now = Date.now();
    this.bucket = Math.min(this.throttle.capacity, this.bucket + ((now - this.bucketAt) / 1000) * this.throttle.refillPerSec);
    this.bucketAt = now;
    const c = GraphFake.cost(r);
    if (this.bucket >= c) {
      this.bucket -= c;
      this.resourceUnits += c;
      return undefined;
    }
    this.throttled++;
    const wait = Math.max(1, Math.ceil((c - this.bucket) / this.throttle.refillPerSec));
    return {
      status: 429,
      headers: { 'Retry-After': String(wait), 'x-ms-throttle-scope': `Tenant_Application/Read/fake/${this.data.tenantId}`, 'x-ms-throttle-information': 'ResourceUnitLimitExceeded' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } },
    };
  }

  /** Start with a full bucket (as a fresh app+tenant pair). */
  fillBucket(): void {
    if (this.throttle) this.bucket = this.throttle.capacity;
    this.bucketAt = Date.now();
  }

  private batch(r: FakeRequest): FakeResponse {
    const reqs = (r.body as { requests?: Raw[] })?.requests;
    if (!Array.isArray(reqs)) return gerr(400, 'BadRequest', 'Invalid batch payload format.');
    if (reqs.length > 20) return gerr(400, 'BadRequest', 'Number of requests in the batch exceeds the limit of 20.');
    const responses = reqs.map((q) => {
      this.innerRequests++;
      const url = String(q.url ?? '');
      const rel = url.startsWith('/') ? url : `/${url}`;
      const qi = rel.indexOf('?');
      const rawQuery = qi >= 0 ? rel.slice(qi + 1) : '';
      const inner: FakeRequest = {
        method: String(q.method ?? 'GET'),
        path: `/v1.0${decodeURIComponent(qi >= 0 ? rel.slice(0, qi) : rel)}`,
        rawQuery,
        query: new URLSearchParams(rawQuery),
        headers: { ...(r.headers ?? {}), ...((q.headers as Record<string, string>) ?? {}) },
        inBatch: true,
      };
      this.server.log.push(inner);
      const res = this.server.applyFaults(inner) ?? this.chargeThrottle(inner) ?? this.route(inner);
      return { id: String(q.id), status: res.status, headers: { 'Content-Type': 'application/json', ...(res.headers ?? {}) }, body: res.body };
    });
    responses.reverse();
    return { status: 200, body: { responses } };
  }

  // ------------------------------------------------------------------------------------------

  private route(r: FakeRequest): FakeResponse {
    if (r.method !== 'GET') return this.write(r);
    const p = r.path.replace(/^\/v1\.0/, '');
    const d = this.data;
    const seg = p.split('/').filter(Boolean);
    const find = (list: Raw[], id: string) => list.find((o) => String(o.id).toLowerCase() === id.toLowerCase());
    const one = (o: Raw | undefined, type: string) =>
      o ? { status: 200, body: { '@odata.context': `${this.url}/v1.0/$metadata#${type}/$entity`, ...project(o, r) } } : notFound(p);

    if (seg.length === 2 && (seg[1] === 'delta' || seg[1] === 'microsoft.graph.delta') && (DELTA_RESOURCES as readonly string[]).includes(seg[0])) {
      const resource = seg[0] as DeltaResource;
      return this.delta.handle(r, this.url, resource, d[resource], (g) => d.groupMembers.get(g) ?? [], (o, sel) => projectFields(o, sel));
    }

    switch (seg[0]) {
      case 'users': {
        if (seg.length === 1) return this.list(r, 'users', d.users);
        const is = (x: Raw) => String(x.id).toLowerCase() === seg[1].toLowerCase() || String(x.userPrincipalName ?? '').toLowerCase() === seg[1].toLowerCase();
        const u = this.indexedLookups
          ? [...this.eqIndex.positions(d.users, 'id', seg[1]), ...this.eqIndex.positions(d.users, 'userPrincipalName', seg[1])]
              .sort((a, b) => a - b)
              .map((i) => d.users[i])
              .find(is)
          : d.users.find(is);
        if (!u) return notFound(p);
        if (seg.length === 2) return one(u, 'users');
        const id = String(u.id);
        if (seg[2] === 'memberOf') {
          const groups = d.groups.filter((g) => (d.groupMembers.get(String(g.id)) ?? []).some((m) => m.id === id));
          return this.list(r, 'directoryObjects', groups.map((g) => ({ '@odata.type': '#microsoft.graph.group', ...g })));
        }
        if (seg[2] === 'ownedObjects') {
          const owned: Raw[] = [];
          const owns = (m: Map<string, Raw[]>, pid: string) => (m.get(pid) ?? []).some((o) => o.id === id);
          for (const a of d.applications) if (owns(d.applicationOwners, String(a.id))) owned.push({ '@odata.type': '#microsoft.graph.application', ...a });
          for (const s of d.servicePrincipals) if (owns(d.servicePrincipalOwners, String(s.id))) owned.push({ '@odata.type': '#microsoft.graph.servicePrincipal', ...s });
          for (const g of d.groups) if (owns(d.groupOwners, String(g.id))) owned.push({ '@odata.type': '#microsoft.graph.group', ...g });
          return this.list(r, 'directoryObjects', owned);
        }
        if (seg[2] === 'appRoleAssignments') return this.list(r, 'appRoleAssignments', d.appRoleAssignments.filter((a) => a.principalId === id));
        if (seg[2] === 'oauth2PermissionGrants') return this.list(r, 'oauth2PermissionGrants', d.oauth2PermissionGrants.filter((g) => g.principalId === id));
        return notFound(p);
      }
      case 'directory': {
        if (seg[1] !== 'deletedItems') return notFound(p);
        if (seg[2] === 'microsoft.graph.user') return this.list(r, 'directoryObjects', d.deletedUsers);
        return one(seg[2] ? find(d.deletedUsers, seg[2]) : undefined, 'directoryObjects');
      }
      case 'groups': {
        if (seg.length === 1) return this.list(r, 'groups', d.groups);
        const g = find(d.groups, seg[1]);
        if (!g) return notFound(p);
        if (seg.length === 2) return one(g, 'groups');
        if (seg[2] === 'members') return this.list(r, 'directoryObjects', this.resolveRefs(d.groupMembers.get(String(g.id)), r));
        if (seg[2] === 'owners') return this.list(r, 'directoryObjects', this.resolveRefs(d.groupOwners.get(String(g.id)), r));
        return notFound(p);
      }
      case 'applications': {
        if (seg.length === 1) return this.list(r, 'applications', d.applications);
        const a = find(d.applications, seg[1]);
        if (!a) return notFound(p);
        if (seg.length === 2) return one(a, 'applications');
        if (seg[2] === 'owners') return this.list(r, 'directoryObjects', this.resolveRefs(d.applicationOwners.get(String(a.id)), r));
        if (seg[2] === 'federatedIdentityCredentials' && seg[3]) return one(find(d.federatedIdentityCredentials.get(String(a.id)) ?? [], seg[3]), 'federatedIdentityCredentials');
        if (seg[2] === 'federatedIdentityCredentials') return this.list(r, 'federatedIdentityCredentials', d.federatedIdentityCredentials.get(String(a.id)) ?? []);
        return notFound(p);
      }
      case 'servicePrincipals': {
        if (seg.length === 1) return this.list(r, 'servicePrincipals', d.servicePrincipals);
        const s = find(d.servicePrincipals, seg[1]);
        if (!s) return notFound(p);
        if (seg.length === 2) return one(s, 'servicePrincipals');
        if (seg[2] === 'owners') return this.list(r, 'directoryObjects', this.resolveRefs(d.servicePrincipalOwners.get(String(s.id)), r));
        if (seg[2] === 'appRoleAssignedTo') return this.list(r, 'appRoleAssignments', d.appRoleAssignments.filter((a) => a.resourceId === s.id));
        if (seg[2] === 'appRoleAssignments') return this.list(r, 'appRoleAssignments', d.appRoleAssignments.filter((a) => a.principalId === s.id));
        return notFound(p);
      }
      case 'oauth2PermissionGrants':
        if (seg[1]) return one(find(d.oauth2PermissionGrants, seg[1]), 'oauth2PermissionGrants');
        return this.list(r, 'oauth2PermissionGrants', d.oauth2PermissionGrants);
      case 'roleManagement': {
        if (seg[1] !== 'directory') return notFound(p);
        const lists: Record<string, Raw[]> = {
          roleDefinitions: d.roleDefinitions,
          roleAssignments: d.roleAssignments,
          roleEligibilitySchedules: d.roleEligibilitySchedules,
        };
        const l = lists[seg[2]];
        if (!l) return notFound(p);
        if (seg.length === 4) return one(find(l, seg[3]), seg[2]);
        return this.list(r, seg[2], l);
      }
      case 'auditLogs':
        if (seg[1] === 'directoryAudits') return this.list(r, 'directoryAudits', d.directoryAudits);
        return notFound(p);
      default:
        return notFound(p);
    }
  }

  /** The write endpoints of remediation, as Graph v1.0 documents them. */
  private write(r: FakeRequest): FakeResponse {
    const p = r.path.replace(/^\/v1\.0/, '');
    const d = this.data;
    const seg = p.split('/').filter(Boolean);
    const eq = (a: unknown, b: string) => String(a).toLowerCase() === b.toLowerCase();
    const body = (r.body && typeof r.body === 'object' ? r.body : {}) as Raw;
    const done = (status = 204, b?: unknown): FakeResponse => {
      this.writes.push(r);
      return { status, body: b };
    };
    const holders: Record<string, Raw[]> = { applications: d.applications, servicePrincipals: d.servicePrincipals };
    const ownerMaps: Record<string, Map<string, Raw[]>> = { applications: d.applicationOwners, servicePrincipals: d.servicePrincipalOwners, groups: d.groupOwners };
    const removeFrom = (list: Raw[], id: string): boolean => {
      const i = list.findIndex((x) => eq(x.id, id));
      if (i < 0) return false;
      list.splice(i, 1);
      return true;
    };

    // POST /{applications|servicePrincipals}/{id}/removePassword {keyId}
    if (r.method === 'POST' && seg.length === 3 && holders[seg[0]] && seg[2] === 'removePassword') {
      const o = holders[seg[0]].find((x) => eq(x.id, seg[1]));
      if (!o) return notFound(p);
      const creds = (o.passwordCredentials as Raw[] | undefined) ?? [];
      const keep = creds.filter((c) => !eq(c.keyId, String(body.keyId ?? '')));
      if (keep.length === creds.length) return gerr(404, 'Request_ResourceNotFound', `No password credential found with keyId ${String(body.keyId)}.`);
      o.passwordCredentials = keep;
      return done();
    }
    // PATCH /{applications|servicePrincipals}/{id} {keyCredentials}: the whole list is replaced; every kept certificate needs its key.
    if (r.method === 'PATCH' && seg.length === 2 && holders[seg[0]]) {
      const o = holders[seg[0]].find((x) => eq(x.id, seg[1]));
      if (!o) return notFound(p);
      if (!Array.isArray(body.keyCredentials)) return gerr(400, 'Request_BadRequest', 'Only keyCredentials can be updated in this fake.');
      const next = body.keyCredentials as Raw[];
      if (next.some((k) => typeof k.key !== 'string' || !k.key)) return gerr(400, 'Request_BadRequest', "Property 'key' is required for every keyCredential.");
      o.keyCredentials = next;
      return done();
    }
    // DELETE /applications/{id}/federatedIdentityCredentials/{fid}
    if (r.method === 'DELETE' && seg[0] === 'applications' && seg[2] === 'federatedIdentityCredentials' && seg.length === 4) {
      const a = d.applications.find((x) => eq(x.id, seg[1]));
      if (!a || !removeFrom(d.federatedIdentityCredentials.get(String(a.id)) ?? [], seg[3])) return notFound(p);
      return done();
    }
    // POST /users/{id}/revokeSignInSessions
    if (r.method === 'POST' && seg[0] === 'users' && seg[2] === 'revokeSignInSessions') {
      const u = d.users.find((x) => eq(x.id, seg[1]) || eq(x.userPrincipalName, seg[1]));
      if (!u) return notFound(p);
      u.signInSessionsValidFromDateTime = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return done(200, { '@odata.context': `${this.url}/v1.0/$metadata#Edm.Boolean`, value: true });
    }
    // PATCH /users/{id} {accountEnabled}
    if (r.method === 'PATCH' && seg[0] === 'users' && seg.length === 2) {
      const u = d.users.find((x) => eq(x.id, seg[1]) || eq(x.userPrincipalName, seg[1]));
      if (!u) return notFound(p);
      if (typeof body.accountEnabled !== 'boolean') return gerr(400, 'Request_BadRequest', 'Only accountEnabled can be updated in this fake.');
      const was = u.accountEnabled;
      u.accountEnabled = body.accountEnabled;
      if (was !== false && body.accountEnabled === false) this.audit('Disable account', u);
      return done();
    }
    // DELETE /roleManagement/directory/roleAssignments/{id}
    if (r.method === 'DELETE' && seg[0] === 'roleManagement' && seg[2] === 'roleAssignments' && seg.length === 4) {
      return removeFrom(d.roleAssignments, seg[3]) ? done() : notFound(p);
    }
    // POST /roleManagement/directory/roleEligibilityScheduleRequests {action: adminRemove, …}
    if (r.method === 'POST' && seg[0] === 'roleManagement' && seg[2] === 'roleEligibilityScheduleRequests') {
      if (body.action !== 'adminRemove') return gerr(400, 'Request_BadRequest', 'Only adminRemove is supported by this fake.');
      const match = (x: Raw) => eq(x.principalId, String(body.principalId)) && eq(x.roleDefinitionId, String(body.roleDefinitionId)) && String(x.directoryScopeId ?? '/') === String(body.directoryScopeId ?? '/');
      const hit = d.roleEligibilitySchedules.filter(match);
      if (!hit.length) return gerr(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
      d.roleEligibilitySchedules = d.roleEligibilitySchedules.filter((x) => !match(x));
      return done(201, { '@odata.context': `${this.url}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleRequests/$entity`, id: `req-${Math.random().toString(16).slice(2)}`, status: 'Revoked', createdDateTime: new Date(this.now()).toISOString(), ...body });
    }
    // DELETE /groups/{id}/members/{memberId}/$ref
    if (r.method === 'DELETE' && seg[0] === 'groups' && seg[2] === 'members' && seg[4] === '$ref') {
      const g = d.groups.find((x) => eq(x.id, seg[1]));
      if (!g) return notFound(p);
      if (!removeFrom(d.groupMembers.get(String(g.id)) ?? [], seg[3])) return gerr(404, 'Request_ResourceNotFound', "One or more removed object references do not exist for the following modified properties: 'members'.");
      return done();
    }
    // DELETE /{applications|servicePrincipals|groups}/{id}/owners/{ownerId}/$ref
    if (r.method === 'DELETE' && ownerMaps[seg[0]] && seg[2] === 'owners' && seg[4] === '$ref') {
      const pool = seg[0] === 'groups' ? d.groups : holders[seg[0]];
      const o = pool.find((x) => eq(x.id, seg[1]));
      if (!o) return notFound(p);
      if (!removeFrom(ownerMaps[seg[0]].get(String(o.id)) ?? [], seg[3])) return gerr(404, 'Request_ResourceNotFound', "One or more removed object references do not exist for the following modified properties: 'owners'.");
      return done();
    }
    // DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}
    if (r.method === 'DELETE' && seg[0] === 'servicePrincipals' && seg[2] === 'appRoleAssignedTo' && seg.length === 4) {
      const i = d.appRoleAssignments.findIndex((a) => a.id === seg[3] && eq(a.resourceId, seg[1]));
      if (i < 0) return notFound(p);
      d.appRoleAssignments.splice(i, 1);
      return done();
    }
    // DELETE /oauth2PermissionGrants/{id}
    if (r.method === 'DELETE' && seg[0] === 'oauth2PermissionGrants' && seg.length === 2) {
      const i = d.oauth2PermissionGrants.findIndex((g) => g.id === seg[1]);
      if (i < 0) return notFound(p);
      d.oauth2PermissionGrants.splice(i, 1);
      return done();
    }
    return gerr(405, 'Request_BadRequest', `${r.method} ${p} is not supported by this fake`);
  }

  /** A directory audit event, as Entra logs one for a change made by an app. */
  private audit(activity: string, user: Raw): void {
    const t = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.data.directoryAudits.push({
      id: `Directory_fake${this.data.directoryAudits.length}${Math.random().toString(16).slice(2, 8)}`,
      category: 'UserManagement',
      correlationId: `fake-${Math.random().toString(16).slice(2)}`,
      result: 'success',
      resultReason: '',
      activityDisplayName: activity,
      activityDateTime: t,
      loggedByService: 'Core Directory',
      operationType: 'Update',
      initiatedBy: { app: { appId: 'revenant', displayName: 'Revenant remediation', servicePrincipalId: null, servicePrincipalName: null }, user: null },
      targetResources: [
        { id: user.id, displayName: user.displayName ?? null, type: 'User', userPrincipalName: user.userPrincipalName ?? null, modifiedProperties: [{ displayName: 'AccountEnabled', oldValue: '[true]', newValue: '[false]' }] },
      ],
      additionalDetails: [],
    });
  }

  private objIndex: Map<string, [string, Raw]> | undefined;
  private objIndexSize = -1;

  /** id → [@odata.type, object] over users, groups, service principals and applications. */
  private objects(): Map<string, [string, Raw]> {
    const d = this.data;
    const size = d.users.length + d.groups.length + d.servicePrincipals.length + d.applications.length;
    if (!this.objIndex || size !== this.objIndexSize) {
      this.objIndex = new Map();
      const pools: [string, Raw[]][] = [
        ['#microsoft.graph.application', d.applications],
        ['#microsoft.graph.servicePrincipal', d.servicePrincipals],
        ['#microsoft.graph.group', d.groups],
        ['#microsoft.graph.user', d.users],
      ];
      for (const [t, pool] of pools) for (const o of pool) this.objIndex.set(String(o.id), [t, o]);
      this.objIndexSize = size;
    }
    return this.objIndex;
  }

  /** Directory object references resolved to the objects they name (with `@odata.type`). */
  private resolveRefs(refs: Raw[] | undefined, r?: FakeRequest): Raw[] {
    const index = this.objects();
    const sel = r?.query.get('$select')?.split(',').map((x) => x.trim()).filter(Boolean);
    return (refs ?? []).map((ref) => {
      const type = String(ref['@odata.type'] ?? '');
      const hit = index.get(String(ref.id));
      if (!hit || (type && type !== hit[0])) return { ...ref };
      if (!sel) return { '@odata.type': hit[0], ...hit[1] };
      // Project at once (a member list of a large tenant is mostly `$select=id`).
      const out: Raw = { '@odata.type': hit[0] };
      for (const k of sel) out[k] = hit[1][k] ?? null;
      return out;
    });
  }

  /** A collection response: filter, select, page. */
  private list(r: FakeRequest, type: string, items: Raw[]): FakeResponse {
    let all = items;
    const filter = r.query.get('$filter');
    if (filter) {
      try {
        all = this.indexedLookups ? this.eqIndex.filter(all, filter, GRAPH_INDEXED_PATHS) : all.filter(compileFilter(filter));
      } catch (e) {
        return gerr(400, 'Request_UnsupportedQuery', `Unsupported query: ${(e as Error).message}`);
      }
    }
    const topRaw = r.query.get('$top');
    let top = topRaw ? Number(topRaw) : 100;
    if (!Number.isInteger(top) || top < 1 || top > 999) return gerr(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${topRaw}'. Must be between 1 and 999 inclusive.`);
    const target = `${r.path}?${decodeURIComponent(r.rawQuery)}`;
    let forced = false;
    for (const [re, size] of this.pageBreaks) {
      if (re.test(target) && size <= top) {
        top = size;
        forced = true;
      }
    }
    const skip = r.query.get('$skiptoken');
    const offset = skip ? Number(JSON.parse(Buffer.from(skip, 'base64url').toString('utf8')).o) : 0;
    const page = all.slice(offset, offset + top).map((o) => project(o, r));
    const body: Raw = { '@odata.context': `${this.url}/v1.0/$metadata#${type}`, value: page };
    // A forced page break announces a next page whenever the page is full (it may then be empty).
    if (offset + top < all.length || (forced && page.length === top)) {
      const rest = r.rawQuery
        .split('&')
        .filter((kv) => kv && !kv.startsWith('$skiptoken=') && !kv.startsWith('%24skiptoken='))
        .join('&');
      const token = Buffer.from(JSON.stringify({ o: offset + top })).toString('base64url');
      body['@odata.nextLink'] = `${this.url}${r.path}?${rest ? `${rest}&` : ''}$skiptoken=${token}`;
    }
    return { status: 200, body };
  }
}

/** The identity keys the indexed lookups index (see `indexedLookups`). */
const GRAPH_INDEXED_PATHS = ['id', 'mail', 'userPrincipalName', 'employeeId', 'principalId', 'appId', 'initiatedBy/user/id', 'activityDisplayName'];

/** `$select` projection (selected properties, null when unset; `@odata.type` kept). */
function project(o: Raw, r: FakeRequest): Raw {
  return projectFields(o, r.query.get('$select') ?? undefined);
}

function projectFields(o: Raw, sel: string | undefined): Raw {
  if (!sel) return { ...o };
  const out: Raw = {};
  if (o['@odata.type'] !== undefined) out['@odata.type'] = o['@odata.type'];
  for (const k of sel.split(',').map((s) => s.trim()).filter(Boolean)) out[k] = o[k] === undefined ? null : o[k];
  return out;
}

export function gerr(status: number, code: string, message: string, headers?: Record<string, string>): FakeResponse {
  return {
    status,
    headers,
    body: { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': 'fake', 'client-request-id': 'fake' } } },
  };
}

function notFound(p: string): FakeResponse {
  return gerr(404, 'Request_ResourceNotFound', `Resource '${p}' does not exist or one of its queried reference-property objects are not present.`);
}
