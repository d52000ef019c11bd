/**
 * Turns a scenario of ../shared/scenarios (a collection plus expected.json) into what the fakes
 * serve: the raw JSONL lines become a Graph tenant and an Okta org as the APIs would return them
 * (wrapped child lines unwrapped into the parent endpoints: `{"groupId", "member"}` becomes a
 * member of `/groups/{id}/members`, `{"appId", "secret"}` a secret of the app, …), and datasets
 * the scenario's manifest marks `missing` or `partial` become faults that make a collector
 * record exactly that: a 403 for a missing dataset, and for a partial per-parent dataset a list
 * that breaks (503, every retry) after the lines the scenario holds. Secret material the real
 * APIs can return is added (`client_secret`, `secret_hash`, private JWK members, a certificate
 * `key`) so that tests can check the collector never writes it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gerr, type GraphFake, type GraphTenantData, emptyTenant } from './GraphFake.js';
import type { OktaFake, OktaOrgData } from './OktaFake.js';
import { emptyOrg, oerr } from './OktaFake.js';

type Raw = Record<string, unknown>;

export interface ScenarioManifest {
  source: string;
  tenant: string;
  collectedAt: string;
  datasets: Record<string, { status: string; count?: number; reason?: string }>;
}

export interface Scenario {
  name: string;
  dir: string;
  expected: Raw & { at: string; args?: string[] };
  entra?: { data: GraphTenantData; manifest: ScenarioManifest; lines: Record<string, Raw[]> };
  okta?: { data: OktaOrgData; manifest: ScenarioManifest; lines: Record<string, Raw[]> };
  hr?: { people: Raw[]; manifest: ScenarioManifest };
}

export function readJsonl(path: string): Raw[] {
  if (!existsSync(path)) return [];
  // Line by line from the bytes: a file of a large synthetic tenant can exceed the longest string V8 makes.
  const buf = readFileSync(path);
  const out: Raw[] = [];
  for (let start = 0; start < buf.length; ) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    const line = buf.toString('utf8', start, end);
    if (line.trim()) out.push(JSON.parse(line) as Raw);
    start = end + 1;
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function readSource(dir: string): { manifest: ScenarioManifest; lines: Record<string, Raw[]> } {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ScenarioManifest;
  const lines: Record<string, Raw[]> = {};
  for (const f of readdirSync(dir)) if (f.endsWith('.jsonl')) lines[f.slice(0, -6)] = readJsonl(join(dir, f));
  return { manifest, lines };
}

export function entraTenantOf(manifest: ScenarioManifest, l: Record<string, Raw[]>): GraphTenantData {
  const t = emptyTenant(manifest.tenant);
  const L = (n: string) => l[n] ?? [];
  t.users = L('users');
  t.deletedUsers = L('deletedUsers');
  t.groups = L('groups');
  for (const x of L('groupMembers')) push(t.groupMembers, String(x.groupId), x.member as Raw);
  for (const x of L('groupOwners')) push(t.groupOwners, String(x.groupId), x.owner as Raw);
  // The API can return a certificate's `key`; the collector must not write it.
  t.applications = L('applications').map((a) => ({
    ...a,
    keyCredentials: ((a.keyCredentials as Raw[]) ?? []).map((k) => ({ ...k, key: 'TUlJQmZha2VDZXJ0aWZpY2F0ZQ==' })),
  }));
  for (const x of L('applicationOwners')) push(t.applicationOwners, String(x.applicationId), x.owner as Raw);
  for (const x of L('federatedIdentityCredentials')) push(t.federatedIdentityCredentials, String(x.applicationId), x.credential as Raw);
  t.servicePrincipals = L('servicePrincipals');
  for (const x of L('servicePrincipalOwners')) push(t.servicePrincipalOwners, String(x.servicePrincipalId), x.owner as Raw);
  t.appRoleAssignments = L('appRoleAssignments');
  t.oauth2PermissionGrants = L('oauth2PermissionGrants');
  t.roleDefinitions = L('roleDefinitions');
  t.roleAssignments = L('roleAssignments');
  t.roleEligibilitySchedules = L('roleEligibilitySchedules');
  t.directoryAudits = L('directoryAudits');
  return t;
}

export function oktaOrgOf(l: Record<string, Raw[]>): OktaOrgData {
  const o = emptyOrg();
  const L = (n: string) => l[n] ?? [];
  o.users = L('users');
  o.groups = L('groups');
  for (const x of L('groupMembers')) push(o.groupMembers, String(x.groupId), String((x.user as Raw).id));
  o.apps = L('apps');
  for (const x of L('appUsers')) push(o.appUsers, String(x.appId), x.appUser as Raw);
  for (const x of L('appGroups')) push(o.appGroups, String(x.appId), x.appGroup as Raw);
  for (const x of L('appFeatures')) push(o.appFeatures, String(x.appId), x.feature as Raw);
  o.appGrants = L('appGrants');
  // Okta returns the secret value and its hash with each client secret: never to be written.
  for (const x of L('appSecrets')) push(o.appSecrets, String(x.appId), { ...(x.secret as Raw), client_secret: 'fake-client-secret-value', secret_hash: 'fakehash' });
  for (const x of L('appJwks')) push(o.appJwks, String(x.appId), { ...(x.jwk as Raw), d: 'private-exponent' });
  o.apiTokens = L('apiTokens');
  o.userGrants = L('userGrants');
  o.refreshTokens = L('refreshTokens');
  for (const x of L('userRoles')) push(o.userRoles, String(x.userId), x.role as Raw);
  for (const x of L('groupRoles')) push(o.groupRoles, String(x.groupId), x.role as Raw);
  for (const x of L('clientRoles')) push(o.clientRoles, String(x.clientId), x.role as Raw);
  o.idps = L('idps');
  o.logs = L('logs');
  return o;
}

export function loadScenario(dir: string): Scenario {
  const name = dir.split('/').filter(Boolean).pop()!;
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Scenario['expected'];
  const s: Scenario = { name, dir, expected };
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (!existsSync(join(p, 'manifest.json'))) continue;
    const { manifest, lines } = readSource(p);
    if (manifest.source === 'entra') s.entra = { data: entraTenantOf(manifest, lines), manifest, lines };
    if (manifest.source === 'okta') s.okta = { data: oktaOrgOf(lines), manifest, lines };
    if (manifest.source === 'hr') s.hr = { people: lines.people ?? [], manifest };
  }
  return s;
}

/** Graph endpoint of each Entra dataset (path after /v1.0). */
export const GRAPH_ENDPOINTS: Record<string, RegExp> = {
  users: /^\/v1\.0\/users(\?|$)/,
  deletedUsers: /^\/v1\.0\/directory\/deletedItems/,
  groups: /^\/v1\.0\/groups(\?|$)/,
  groupMembers: /^\/v1\.0\/groups\/[^/?]+\/members/,
  groupOwners: /^\/v1\.0\/groups\/[^/?]+\/owners/,
  applications: /^\/v1\.0\/applications(\?|$)/,
  applicationOwners: /^\/v1\.0\/applications\/[^/?]+\/owners/,
  federatedIdentityCredentials: /^\/v1\.0\/applications\/[^/?]+\/federatedIdentityCredentials/,
  servicePrincipals: /^\/v1\.0\/servicePrincipals(\?|$)/,
  servicePrincipalOwners: /^\/v1\.0\/servicePrincipals\/[^/?]+\/owners/,
  appRoleAssignments: /^\/v1\.0\/servicePrincipals\/[^/?]+\/appRoleAssignedTo/,
  oauth2PermissionGrants: /^\/v1\.0\/oauth2PermissionGrants/,
  roleDefinitions: /^\/v1\.0\/roleManagement\/directory\/roleDefinitions/,
  roleAssignments: /^\/v1\.0\/roleManagement\/directory\/roleAssignments/,
  roleEligibilitySchedules: /^\/v1\.0\/roleManagement\/directory\/roleEligibilitySchedules/,
  directoryAudits: /^\/v1\.0\/auditLogs\/directoryAudits/,
};

const ENTRA_PARENT_FIELD: Record<string, string> = {
  groupMembers: 'groupId',
  groupOwners: 'groupId',
  applicationOwners: 'applicationId',
  federatedIdentityCredentials: 'applicationId',
  servicePrincipalOwners: 'servicePrincipalId',
  appRoleAssignments: 'resourceId',
};

/** Make the Graph fake reproduce the scenario's missing and partial datasets. */
export function applyEntraLedger(fake: GraphFake, manifest: ScenarioManifest, lines: Record<string, Raw[]>): void {
  for (const [dataset, l] of Object.entries(manifest.datasets)) {
    const endpoint = GRAPH_ENDPOINTS[dataset];
    if (!endpoint) continue;
    if (l.status === 'missing') {
      const refused = gerr(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      fake.server.addFault({ match: endpoint, status: 403, body: refused.body });
    }
    if (l.status === 'partial') {
      // Serve the lines the scenario has, then break the list: its next page fails every time.
      const parentField = ENTRA_PARENT_FIELD[dataset];
      const have = lines[dataset] ?? [];
      if (parentField) {
        const parents = [...new Set(have.map((x) => String(x[parentField])))];
        const last = parents[parents.length - 1];
        const n = have.filter((x) => String(x[parentField]) === last).length;
        const scoped = new RegExp(`${endpoint.source.replace('[^/?]+', last)}`);
        fake.pageBreaks.push([scoped, Math.max(1, n)]);
        fake.server.addFault({ match: new RegExp(`${scoped.source}.*skiptoken`), status: 503, body: gerr(503, 'ServiceUnavailable', 'Service unavailable').body });
      } else {
        fake.pageBreaks.push([endpoint, Math.max(1, have.length)]);
        fake.server.addFault({ match: new RegExp(`${endpoint.source}.*skiptoken`), status: 503, body: gerr(503, 'ServiceUnavailable', 'Service unavailable').body });
      }
    }
  }
}

/** Okta endpoint of each dataset. */
export const OKTA_ENDPOINTS: Record<string, RegExp> = {
  users: /^\/api\/v1\/users(\?|$)/,
  groups: /^\/api\/v1\/groups(\?|$)/,
  groupMembers: /^\/api\/v1\/groups\/[^/?]+\/users/,
  apps: /^\/api\/v1\/apps(\?|$)/,
  appUsers: /^\/api\/v1\/apps\/[^/?]+\/users/,
  appGroups: /^\/api\/v1\/apps\/[^/?]+\/groups/,
  appFeatures: /^\/api\/v1\/apps\/[^/?]+\/features/,
  appGrants: /^\/api\/v1\/apps\/[^/?]+\/grants/,
  appSecrets: /^\/api\/v1\/apps\/[^/?]+\/credentials\/secrets/,
  appJwks: /^\/api\/v1\/apps\/[^/?]+\/credentials\/jwks/,
  apiTokens: /^\/api\/v1\/api-tokens/,
  userGrants: /^\/api\/v1\/users\/[^/?]+\/grants/,
  refreshTokens: /^\/api\/v1\/apps\/[^/?]+\/tokens/,
  userRoles: /^\/api\/v1\/(iam\/assignees\/users|users\/[^/?]+\/roles)/,
  groupRoles: /^\/api\/v1\/groups\/[^/?]+\/roles/,
  clientRoles: /^\/oauth2\/v1\/clients\/[^/?]+\/roles/,
  idps: /^\/api\/v1\/idps/,
  logs: /^\/api\/v1\/logs/,
};

/** Make the Okta fake refuse the datasets the scenario's manifest marks missing. */
export function applyOktaLedger(fake: OktaFake, manifest: ScenarioManifest): void {
  for (const [dataset, l] of Object.entries(manifest.datasets)) {
    const endpoint = OKTA_ENDPOINTS[dataset];
    if (endpoint && l.status === 'missing') fake.server.addFault({ match: endpoint, status: 403, body: oerr(403, 'E0000006', 'You do not have permission to perform the requested action').body });
  }
}

/** The HR roster of a scenario as the CSV `revenant collect hr` imports. */
export function rosterCsv(people: Raw[]): string {
  const cols = ['employeeId', 'email', 'displayName', 'status', 'terminationDate'];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${cols.join(',')}\n${people.map((p) => cols.map((c) => cell(p[c])).join(',')).join('\n')}\n`;
}
