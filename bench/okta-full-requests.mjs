#!/usr/bin/env node
/**
 * Requests a full `collect okta` makes against the Okta fake serving a synthetic collection
 * (`revenant synth` output, or any collection folder's okta/), derived without running it: the
 * collectors' paging arithmetic (page sizes of ingest/okta/OktaContext.ts; the fake pages
 * max(1, ceil(n / limit))), per dataset and per rate-limit bucket, and the throttling bound (each
 * bucket's windows waited out: ⌊(n−1)/limit⌋ minutes). Matches measured full collections exactly
 * (10k: 1,005 requests, 50k: 4,702). For tenants whose throttled full collection takes hours.
 * usage: node bench/okta-full-requests.mjs DIR/okta   (JSON on stdout; streams the JSONL)
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const dir = process.argv[2];
const pages = (n, limit) => Math.max(1, Math.ceil(n / limit));
async function* lines(name) {
  const f = join(dir, `${name}.jsonl`);
  if (!existsSync(f)) return;
  for await (const l of createInterface({ input: createReadStream(f), crlfDelay: Infinity })) if (l.trim()) yield JSON.parse(l);
}
const count = async (name, key) => {
  const m = new Map();
  let n = 0;
  for await (const o of lines(name)) {
    n++;
    if (key) m.set(key(o), (m.get(key(o)) ?? 0) + 1);
  }
  return { n, m };
};
const apps = [];
for await (const a of lines('apps')) apps.push(a);
const groups = [];
for await (const g of lines('groups')) groups.push({ id: g.id, type: g.type });
const users = await count('users');
const isOAuth = (a) => a.signOnMode === 'OPENID_CONNECT' || !!a.settings?.oauthClient || !!a.credentials?.oauthClient;
const isService = (a) => isOAuth(a) && (a.settings?.oauthClient?.application_type === 'service' || a.settings?.oauthClient?.application_type === undefined);
const hasFeatures = (a) => Array.isArray(a.features) && a.features.length > 0;
const appUsers = await count('appUsers', (l) => l.appId);
const appGroups = await count('appGroups', (l) => l.appId);
const groupMembers = await count('groupMembers', (l) => l.groupId);
const roles = await count('userRoles', (l) => l.userId);
const tokens = await count('refreshTokens', (l) => l.clientId);
const apiTokens = await count('apiTokens');
const oauth = apps.filter(isOAuth);
const r = {
  apps: pages(apps.length, 200),
  groups: pages(groups.length, 10000),
  users: pages(users.n, 200),
  logs: 1,
  userRoles: pages(roles.m.size, 100) + roles.m.size,
  apiTokens: pages(apiTokens.n, 200),
  appUsers: apps.reduce((s, a) => s + pages(appUsers.m.get(a.id) ?? 0, 500), 0),
  groupMembers: groups.reduce((s, g) => s + pages(groupMembers.m.get(g.id) ?? 0, 1000), 0),
  appGroups: apps.reduce((s, a) => s + pages(appGroups.m.get(a.id) ?? 0, 200), 0),
  appFeatures: apps.filter(hasFeatures).length,
  appGrants: oauth.length,
  appSecrets: oauth.length,
  appJwks: oauth.length,
  refreshTokens: oauth.reduce((s, a) => s + pages(tokens.m.get(a.id) ?? 0, 200), 0),
  clientRoles: apps.filter(isService).length,
  groupRoles: groups.filter((g) => g.type === 'OKTA_GROUP').length,
  idps: 1,
};
const bucket = {
  'users-list': r.users,
  apps: r.apps + r.appUsers + r.appGroups + r.appFeatures + r.appGrants + r.appSecrets + r.appJwks + r.refreshTokens,
  'groups-list': r.groups,
  logs: r.logs,
  iam: pages(roles.m.size, 100),
  'oauth2-clients': r.clientRoles,
  other: r.apiTokens + r.groupMembers + r.groupRoles + r.idps + roles.m.size,
};
const limits = { 'users-list': 600, apps: 100, 'groups-list': 500, logs: 120, iam: 1200, 'oauth2-clients': 100, other: 1200 };
const minutes = Object.fromEntries(Object.entries(bucket).map(([b, n]) => [b, Math.floor((n - 1) / limits[b])]));
const total = Object.values(r).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ dir, perDataset: r, total, buckets: bucket, bucketMinutes: minutes, boundSeconds: Math.max(...Object.values(minutes)) * 60 }, null, 1));
