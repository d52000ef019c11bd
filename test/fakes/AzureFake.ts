/**
 * A fake of Azure Resource Manager for one tenant, built from the ARM REST reference's shapes:
 * lists as `{"value": [...], "nextLink"}` with absolute next links (`$skiptoken`), objects as
 * `{"id", "type", "name", "properties": {...}}`, errors as `{"error": {"code", "message"}}`
 * (403 `AuthorizationFailed` naming the action and scope), and a required `api-version` checked
 * against the versions the reference documents. It serves the management group hierarchy
 * (`…/managementGroups/{id}` and `…/descendants`), `/subscriptions`, and at any scope role
 * definitions (`$filter=type eq 'CustomRole'`), role assignments and the PIM schedule instances,
 * honouring `$filter=atScope()` (at or above the scope), no filter (at, above and below) and
 * `assignedTo('{objectId}')` (direct and through groups); user-assigned identities per
 * subscription and their federated credentials. What the caller may read is modelled: Reader at
 * the tenant root group (else the hierarchy is refused and only `visibleSubscriptions` are
 * listed), and the root scope `/` only with elevated access. Optional throttling models ARM's
 * per-scope read buckets (429 with `Retry-After`, `x-ms-ratelimit-remaining-subscription-reads`).
 * Bearer tokens are checked (static tokens registered by the test). Remediation's writes, as the
 * ARM reference documents them: GET and DELETE of one role assignment by id (DELETE of an absent
 * one: 204), a PIM `AdminRemove` roleEligibilityScheduleRequest (PUT, 201; the eligibility goes;
 * none to remove: 400 `RoleAssignmentDoesNotExist`), GET and DELETE of one managed identity's
 * federated credential; every write is recorded in `writes`. Served over HTTPS by FakeServer.
 */
import { type FakeRequest, type FakeResponse, FakeServer } from './FakeServer.js';

type Raw = Record<string, unknown>;

export const API_VERSIONS: Record<string, readonly string[]> = {
  managementGroups: ['2020-05-01', '2021-04-01', '2023-04-01'],
  subscriptions: ['2020-01-01', '2021-01-01', '2022-12-01'],
  roleAssignments: ['2020-04-01-preview', '2022-04-01'],
  roleDefinitions: ['2018-01-01-preview', '2022-04-01'],
  pim: ['2020-10-01', '2020-10-01-preview'],
  msi: ['2023-01-31', '2024-11-30'],
};

export interface AzureTenantData {
  tenantId: string;
  /** Management groups below the root: name → parent name (the root's name is the tenant id). */
  managementGroups: { name: string; parent: string; displayName?: string }[];
  subscriptions: { id: string; parent: string; displayName?: string; state?: string }[];
  roleDefinitions: { name: string; roleName: string; type: 'BuiltInRole' | 'CustomRole'; scope: string; actions: string[]; notActions?: string[] }[];
  /** Active assignments: `scope` is any ARM scope (`/`, a management group, a subscription, a resource group). */
  roleAssignments: { name: string; scope: string; roleDefinitionName: string; principalId: string; principalType: string; condition?: string | null; createdBy?: string | null; updatedOn?: string }[];
  eligibilities: { name: string; scope: string; roleDefinitionName: string; principalId: string; principalType: string; endDateTime?: string | null; memberType?: string }[];
  activeSchedules: { name: string; scope: string; roleDefinitionName: string; principalId: string; principalType: string; endDateTime?: string | null; assignmentType?: string }[];
  identities: { subscriptionId: string; resourceGroup: string; name: string; principalId: string; clientId: string; credentials: { name: string; issuer: string; subject: string; audiences?: string[] }[] }[];
  /** principal id → the groups it is a transitive member of (for `assignedTo()`). */
  groupsOf: Map<string, string[]>;
}

export function emptyAzure(tenantId: string): AzureTenantData {
  return { tenantId, managementGroups: [], subscriptions: [], roleDefinitions: [], roleAssignments: [], eligibilities: [], activeSchedules: [], identities: [], groupsOf: new Map() };
}

export interface AzureCaller {
  /** Reader (or more) at the tenant root group: the whole hierarchy is visible. */
  tenantRootReader: boolean;
  /** Elevated access: the root scope `/` is readable. */
  elevated: boolean;
  /** Without tenantRootReader: the subscriptions the caller can read. */
  visibleSubscriptions: Set<string>;
}

export class AzureFake {
  readonly server: FakeServer;
  readonly tokens = new Set<string>();
  /** Also accept tokens another fake issued (the Graph fake's token endpoint, for @azure/identity credentials). */
  acceptToken: ((token: string) => boolean) | undefined;
  caller: AzureCaller = { tenantRootReader: true, elevated: true, visibleSubscriptions: new Set() };
  /** Reads per bucket (per subscription, else per tenant) before 429; refills fully every `bucketWindowMs`. */
  readBucket: number | undefined;
  bucketWindowMs = 1000;
  throttled = 0;
  private buckets = new Map<string, { used: number; since: number }>();
  pageSize = 100;
  /** Every write request received, in order. */
  readonly writes: FakeRequest[] = [];

  constructor(public data: AzureTenantData) {
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

  /** A bearer token ARM accepts (a JWT with the tenant's `tid`, as `az account get-access-token` prints). */
  issueToken(): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const t = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: 'https://management.azure.com', tid: this.data.tenantId, exp: Math.floor(Date.now() / 1000) + 3600 })}.fake`;
    this.tokens.add(t);
    return t;
  }

  private handle(r: FakeRequest): FakeResponse {
    const m = /^Bearer (.+)$/.exec(r.headers.authorization ?? '');
    if (!m || !(this.tokens.has(m[1]) || this.acceptToken?.(m[1]))) return armErr(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    const path = r.path.replace(/\/{2,}/g, '/');
    if (r.method !== 'GET') {
      this.writes.push(r);
      return this.write(r, path);
    }
    const one = this.readOne(r, path);
    if (one) return one;
    const throttled = this.charge(path);
    if (throttled) return throttled;
    const res = this.route(r, path);
    const key = this.bucketKey(path);
    const b = this.buckets.get(key);
    if (this.readBucket !== undefined && b) {
      res.headers = { ...(res.headers ?? {}), [key.startsWith('sub:') ? 'x-ms-ratelimit-remaining-subscription-reads' : 'x-ms-ratelimit-remaining-tenant-reads']: String(this.readBucket - b.used) };
    }
    return res;
  }

  private assignmentAt(path: string): { i: number; scope: string; name: string } | undefined {
    const m = /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i.exec(path);
    if (!m) return undefined;
    const scope = m[1] || '/';
    return { i: this.data.roleAssignments.findIndex((a) => a.scope.toLowerCase() === scope.toLowerCase() && a.name.toLowerCase() === m[2].toLowerCase()), scope, name: m[2] };
  }

  private ficAt(path: string): { identity: AzureTenantData['identities'][number] | undefined; i: number; name: string } | undefined {
    const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+)\/federatedIdentityCredentials\/([^/]+)$/i.exec(path);
    if (!m) return undefined;
    const identity = this.data.identities.find((x) => identityId(x).toLowerCase() === m[1].toLowerCase());
    return { identity, i: identity ? identity.credentials.findIndex((c) => c.name.toLowerCase() === m[2].toLowerCase()) : -1, name: m[2] };
  }

  /** GET of one role assignment or one federated credential. */
  private readOne(r: FakeRequest, path: string): FakeResponse | undefined {
    const a = this.assignmentAt(path);
    if (a) {
      const bad = this.apiVersion(r, 'roleAssignments');
      if (bad) return bad;
      if (!this.canRead(a.scope)) return this.denied('Microsoft.Authorization/roleAssignments/read', a.scope);
      return a.i < 0 ? armErr(404, 'RoleAssignmentNotFound', `The role assignment '${a.name}' is not found.`) : { status: 200, body: this.assignmentJson(this.data.roleAssignments[a.i]) };
    }
    const f = this.ficAt(path);
    if (f) {
      const bad = this.apiVersion(r, 'msi');
      if (bad) return bad;
      if (!f.identity || f.i < 0) return armErr(404, 'NotFound', `The federated identity credential '${f.name}' was not found.`);
      return { status: 200, body: ficJson(f.identity, f.identity.credentials[f.i]) };
    }
    return undefined;
  }

  /** The writes remediation makes. */
  private write(r: FakeRequest, path: string): FakeResponse {
    const headers = { 'x-ms-request-id': `req-${this.writes.length}` };
    const a = this.assignmentAt(path);
    if (a && r.method === 'DELETE') {
      const bad = this.apiVersion(r, 'roleAssignments');
      if (bad) return bad;
      if (!this.caller.elevated && a.scope === '/') return this.denied('Microsoft.Authorization/roleAssignments/delete', '/');
      if (a.i < 0) return { status: 204, headers };
      const [gone] = this.data.roleAssignments.splice(a.i, 1);
      return { status: 200, headers, body: this.assignmentJson(gone) };
    }
    const req = /^(.*)\/providers\/Microsoft\.Authorization\/roleEligibilityScheduleRequests\/([^/]+)$/i.exec(path);
    if (req && r.method === 'PUT') {
      const bad = this.apiVersion(r, 'pim');
      if (bad) return bad;
      const scope = req[1] || '/';
      const p = ((r.body as Raw | undefined)?.properties ?? {}) as Raw;
      if (p.requestType !== 'AdminRemove') return armErr(400, 'InvalidRequest', 'The fake accepts AdminRemove requests only.');
      const role = String(p.roleDefinitionId ?? '').split('/').pop()!.toLowerCase();
      const i = this.data.eligibilities.findIndex((e) => e.scope.toLowerCase() === scope.toLowerCase() && e.principalId.toLowerCase() === String(p.principalId).toLowerCase() && e.roleDefinitionName.toLowerCase() === role);
      if (i < 0) return armErr(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
      this.data.eligibilities.splice(i, 1);
      return { status: 201, headers, body: { id: `${req[1]}/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/${req[2]}`, name: req[2], type: 'Microsoft.Authorization/roleEligibilityScheduleRequests', properties: { ...p, scope, status: 'Revoked' } } };
    }
    const f = this.ficAt(path);
    if (f && r.method === 'DELETE') {
      const bad = this.apiVersion(r, 'msi');
      if (bad) return bad;
      if (!f.identity || f.i < 0) return { status: 204, headers };
      f.identity.credentials.splice(f.i, 1);
      return { status: 200, headers };
    }
    return armErr(405, 'MethodNotAllowed', `the fake does not write ${r.method} ${path}`);
  }

  private bucketKey(path: string): string {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(path);
    return sub ? `sub:${sub[1].toLowerCase()}` : 'tenant';
  }

  private charge(path: string): FakeResponse | undefined {
    if (this.readBucket === undefined) return undefined;
    const key = this.bucketKey(path);
    const now = Date.now();
    let b = this.buckets.get(key);
    if (!b || now - b.since >= this.bucketWindowMs) this.buckets.set(key, (b = { used: 0, since: now }));
    if (b.used < this.readBucket) {
      b.used++;
      return undefined;
    }
    this.throttled++;
    const wait = Math.max(1, Math.ceil((b.since + this.bucketWindowMs - now) / 1000));
    return {
      status: 429,
      headers: { 'Retry-After': String(wait), 'x-ms-ratelimit-remaining-subscription-reads': '0' },
      body: { error: { code: 'TooManyRequests', message: 'The request is being throttled as the limit has been reached for operation type - Read.' } },
    };
  }

  private apiVersion(r: FakeRequest, family: keyof typeof API_VERSIONS): FakeResponse | undefined {
    const v = r.query.get('api-version');
    if (!v) return armErr(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (!API_VERSIONS[family].includes(v)) {
      return armErr(400, 'InvalidApiVersionParameter', `The api-version '${v}' is invalid. The supported versions are '${API_VERSIONS[family].join(',')}'.`);
    }
    return undefined;
  }

  // --- the hierarchy ----------------------------------------------------------------------------

  private mgId(name: string): string {
    return `/providers/Microsoft.Management/managementGroups/${name}`;
  }

  private ancestorCache = new Map<string, string[]>();
  private cachedFor = '';

  /** Every scope above `scope` (its ancestors, `/` last), the scope itself first (cached while the tree is unchanged). */
  ancestors(scope: string): string[] {
    const shape = `${this.data.managementGroups.length}/${this.data.subscriptions.length}`;
    if (shape !== this.cachedFor) {
      this.ancestorCache.clear();
      this.cachedFor = shape;
    }
    let hit = this.ancestorCache.get(scope);
    if (!hit) this.ancestorCache.set(scope, (hit = this.computeAncestors(scope)));
    return hit;
  }

  private subscriptionParents: Map<string, string> | undefined;

  private computeAncestors(scope: string): string[] {
    const out: string[] = [];
    const s = scope.replace(/\/+$/, '') || '/';
    if (s === '/') return ['/'];
    const parentOfMg = (name: string) => (name.toLowerCase() === this.data.tenantId.toLowerCase() ? undefined : this.data.managementGroups.find((g) => g.name === name)?.parent ?? this.data.tenantId);
    const upMg = (name: string | undefined) => {
      for (let n = name; n; n = parentOfMg(n)) out.push(this.mgId(n).toLowerCase());
    };
    const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(s);
    if (mg) upMg(mg[1]);
    else {
      const parts = s.split('/');
      for (let i = parts.length; i >= 3; i -= 2) out.push(parts.slice(0, i).join('/').toLowerCase());
      if (!this.subscriptionParents || this.subscriptionParents.size !== this.data.subscriptions.length) {
        this.subscriptionParents = new Map(this.data.subscriptions.map((x) => [x.id.toLowerCase(), x.parent]));
      }
      upMg(this.subscriptionParents.get((parts[2] ?? '').toLowerCase()) ?? this.data.tenantId);
    }
    out.push('/');
    return out;
  }

  private canRead(scope: string): boolean {
    const s = scope.toLowerCase();
    if (s === '/') return this.caller.elevated;
    if (this.caller.tenantRootReader || this.caller.elevated) return true;
    const sub = /^\/subscriptions\/([^/]+)/.exec(s);
    return !!sub && [...this.caller.visibleSubscriptions].some((v) => v.toLowerCase() === sub[1]);
  }

  private denied(action: string, scope: string): FakeResponse {
    return armErr(
      403,
      'AuthorizationFailed',
      `The client 'collector@contoso.example' with object id '00000000-0000-0000-0000-0000000000aa' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  private route(r: FakeRequest, path: string): FakeResponse {
    const d = this.data;
    const mgRoot = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)(\/descendants)?$/i.exec(path);
    if (mgRoot) {
      const bad = this.apiVersion(r, 'managementGroups');
      if (bad) return bad;
      if (!this.caller.tenantRootReader && !this.caller.elevated) return this.denied('Microsoft.Management/managementGroups/read', this.mgId(mgRoot[1]));
      const name = mgRoot[1];
      const known = name.toLowerCase() === d.tenantId.toLowerCase() || d.managementGroups.some((g) => g.name === name);
      if (!known) return armErr(404, 'NotFound', `Management group '${name}' not found.`);
      if (!mgRoot[2]) {
        const g = d.managementGroups.find((x) => x.name === name);
        return {
          status: 200,
          body: {
            id: this.mgId(name),
            type: 'Microsoft.Management/managementGroups',
            name,
            properties: { tenantId: d.tenantId, displayName: g?.displayName ?? (g ? name : 'Tenant Root Group'), details: { parent: g ? { id: this.mgId(g.parent), name: g.parent } : null } },
          },
        };
      }
      const below = (n: string): Raw[] => {
        const out: Raw[] = [];
        for (const g of d.managementGroups.filter((x) => x.parent === n)) {
          out.push({ id: this.mgId(g.name), type: 'Microsoft.Management/managementGroups', name: g.name, properties: { displayName: g.displayName ?? g.name, parent: { id: this.mgId(n) } } });
          out.push(...below(g.name));
        }
        for (const s of d.subscriptions.filter((x) => x.parent === n)) {
          out.push({ id: `${this.mgId(n)}/subscriptions/${s.id}`, type: 'Microsoft.Management/managementGroups/subscriptions', name: s.id, properties: { displayName: s.displayName ?? s.id, parent: { id: this.mgId(n) } } });
        }
        return out;
      };
      return this.list(r, below(name));
    }
    if (/^\/subscriptions$/i.test(path)) {
      const bad = this.apiVersion(r, 'subscriptions');
      if (bad) return bad;
      const subs = d.subscriptions.filter((s) => this.canRead(`/subscriptions/${s.id}`));
      return this.list(
        r,
        subs.map((s) => ({ id: `/subscriptions/${s.id}`, authorizationSource: 'RoleBased', subscriptionId: s.id, tenantId: d.tenantId, displayName: s.displayName ?? s.id, state: s.state ?? 'Enabled', subscriptionPolicies: { quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' } })),
      );
    }
    const msi = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities$/i.exec(path);
    if (msi) {
      const bad = this.apiVersion(r, 'msi');
      if (bad) return bad;
      if (!this.canRead(`/subscriptions/${msi[1]}`)) return this.denied('Microsoft.ManagedIdentity/userAssignedIdentities/read', `/subscriptions/${msi[1]}`);
      return this.list(
        r,
        d.identities.filter((i) => i.subscriptionId.toLowerCase() === msi[1].toLowerCase()).map((i) => ({
          id: identityId(i),
          name: i.name,
          type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
          location: 'westeurope',
          tags: {},
          properties: { tenantId: d.tenantId, principalId: i.principalId, clientId: i.clientId, isolationScope: 'None' },
        })),
      );
    }
    const fic = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+)\/federatedIdentityCredentials$/i.exec(path);
    if (fic) {
      const bad = this.apiVersion(r, 'msi');
      if (bad) return bad;
      const i = d.identities.find((x) => identityId(x).toLowerCase() === fic[1].toLowerCase());
      if (!i) return armErr(404, 'ResourceNotFound', `The Resource '${fic[1]}' was not found.`);
      return this.list(
        r,
        i.credentials.map((c) => ficJson(i, c)),
      );
    }
    const authz = /^(.*)\/providers\/Microsoft\.Authorization\/(roleAssignments|roleDefinitions|roleEligibilityScheduleInstances|roleAssignmentScheduleInstances)$/i.exec(path);
    if (authz) return this.authorization(r, authz[1] || '/', authz[2]);
    return armErr(404, 'NotFound', `no route ${path}`);
  }

  private authorization(r: FakeRequest, scope: string, kind: string): FakeResponse {
    const family = kind === 'roleAssignments' ? 'roleAssignments' : kind === 'roleDefinitions' ? 'roleDefinitions' : 'pim';
    const bad = this.apiVersion(r, family);
    if (bad) return bad;
    if (!this.canRead(scope)) return this.denied(`Microsoft.Authorization/${kind}/read`, scope);
    const filter = (r.query.get('$filter') ?? '').trim();
    const d = this.data;
    const ancestors = new Set(this.ancestors(scope));
    const s = scope.toLowerCase();
    const below = (x: string) => s === '/' || x.toLowerCase().startsWith(`${s}/`) || this.ancestors(x).includes(s);
    const atScope = /atScope\(\)/.test(filter);
    const assignedTo = /assignedTo\('([^']+)'\)/.exec(filter)?.[1]?.toLowerCase();
    const principals = assignedTo ? new Set([assignedTo, ...(d.groupsOf.get(assignedTo) ?? []).map((g) => g.toLowerCase())]) : undefined;
    const inScope = (x: string) => ancestors.has(x.toLowerCase()) || (!atScope && below(x));
    const rd = (name: string, at: string) => `${at === '/' ? '' : at}/providers/Microsoft.Authorization/roleDefinitions/${name}`;
    if (kind === 'roleDefinitions') {
      const custom = /type eq 'CustomRole'/i.test(filter);
      const defs = d.roleDefinitions.filter((x) => (custom ? x.type === 'CustomRole' : true) && (x.type === 'BuiltInRole' || ancestors.has(x.scope.toLowerCase())));
      return this.list(
        r,
        defs.map((x) => ({
          id: rd(x.name, scope),
          type: 'Microsoft.Authorization/roleDefinitions',
          name: x.name,
          properties: { roleName: x.roleName, type: x.type, description: '', assignableScopes: [x.scope], permissions: [{ actions: x.actions, notActions: x.notActions ?? [], dataActions: [], notDataActions: [] }] },
        })),
      );
    }
    if (kind === 'roleAssignments') {
      const items = d.roleAssignments.filter((a) => inScope(a.scope) && (!principals || principals.has(a.principalId.toLowerCase())));
      return this.list(
        r,
        items.map((a) => this.assignmentJson(a)),
      );
    }
    const list = kind === 'roleEligibilityScheduleInstances' ? d.eligibilities : d.activeSchedules;
    const items = list.filter((a) => inScope(a.scope) && (!principals || principals.has(a.principalId.toLowerCase())));
    return this.list(
      r,
      items.map((a) => ({
        id: `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/${kind}/${a.name}`,
        type: `Microsoft.Authorization/${kind}`,
        name: a.name,
        properties: {
          scope: a.scope,
          roleDefinitionId: `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionName}`,
          principalId: a.principalId,
          principalType: a.principalType,
          status: 'Provisioned',
          startDateTime: '2025-01-01T00:00:00Z',
          endDateTime: a.endDateTime ?? null,
          memberType: 'memberType' in a ? (a.memberType ?? 'Direct') : 'Direct',
          ...('assignmentType' in a ? { assignmentType: a.assignmentType ?? 'Assigned' } : {}),
          createdOn: '2025-01-01T00:00:00Z',
        },
      })),
    );
  }

  private assignmentJson(a: AzureTenantData['roleAssignments'][number]): Raw {
    return {
      id: `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
      type: 'Microsoft.Authorization/roleAssignments',
      name: a.name,
      properties: {
        // The prefix varies by scope (sources-azure.md [A1]); the role is the last segment.
        roleDefinitionId: `${/^\/subscriptions\/[^/]+/i.exec(a.scope)?.[0] ?? ''}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionName}`,
        principalId: a.principalId,
        principalType: a.principalType,
        scope: a.scope,
        condition: a.condition ?? null,
        conditionVersion: a.condition ? '2.0' : null,
        createdOn: '2025-01-01T00:00:00Z',
        updatedOn: a.updatedOn ?? '2025-01-01T00:00:00Z',
        createdBy: a.createdBy ?? null,
        updatedBy: null,
        delegatedManagedIdentityResourceId: null,
        description: null,
      },
    };
  }

  /** A list page with an absolute `nextLink` (`$skiptoken`). */
  private list(r: FakeRequest, items: unknown[]): FakeResponse {
    const skip = Number(r.query.get('$skiptoken') ?? '0');
    const page = items.slice(skip, skip + this.pageSize);
    const body: Raw = { value: page };
    if (skip + this.pageSize < items.length) {
      const q = new URLSearchParams(r.query);
      q.set('$skiptoken', String(skip + this.pageSize));
      body.nextLink = `${this.url}${r.path}?${q.toString()}`;
    }
    return { status: 200, body };
  }
}

export function identityId(i: { subscriptionId: string; resourceGroup: string; name: string }): string {
  return `/subscriptions/${i.subscriptionId}/resourceGroups/${i.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.name}`;
}

function ficJson(i: AzureTenantData['identities'][number], c: AzureTenantData['identities'][number]['credentials'][number]): Raw {
  return {
    id: `${identityId(i)}/federatedIdentityCredentials/${c.name}`,
    name: c.name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    properties: { issuer: c.issuer, subject: c.subject, audiences: c.audiences ?? ['api://AzureADTokenExchange'] },
  };
}

export function armErr(status: number, code: string, message: string): FakeResponse {
  return { status, headers: { 'x-ms-failure-cause': 'gateway' }, body: { error: { code, message } } };
}
