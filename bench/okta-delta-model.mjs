#!/usr/bin/env node
/**
 * A model of the requests `collect okta --delta` makes after about 1% of changes in
 * bench/delta.mjs's mix, on a synthetic org, by the delta's cost rule (ingest/okta/
 * collectOktaDelta.ts, the app links of users only deactivated included): a seeded sample of ACTIVE
 * users stands for the changed ones, per bucket, with the throttling bound. A model, not a measurement (the 250k daily-refresh figure's delta
 * side where the bench cannot run); within 5% of the measured 10k delta (session 10: Okta 97
 * modelled, 98 measured; session 9: 128 and 123).
 * usage: node bench/okta-delta-model.mjs DIR/okta PEOPLE   (JSON on stdout)
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const dir = process.argv[2];
const people = Number(process.argv[3]);
async function* lines(name) {
  for await (const l of createInterface({ input: createReadStream(join(dir, `${name}.jsonl`)), crlfDelay: Infinity })) if (l.trim()) yield JSON.parse(l);
}
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const changes = Math.round(people * 2 * 0.01);
const w = { 'entra-disable': 20, 'okta-suspend': 10, 'okta-deactivate': 10, 'entra-joiner': 10, 'okta-joiner': 8, 'hr-terminate': 8, 'hr-joiner': 5, 'entra-membership-add': 8, 'entra-membership-remove': 6, 'okta-membership-add': 6, 'okta-membership-remove': 4, 'entra-credential-add': 2, 'entra-owner-add': 1, 'entra-app-role-assign': 1, 'entra-role-assign': 1, 'okta-app-assign': 3, 'okta-role-grant': 1, 'entra-reenable': 2 };
const total = Object.values(w).reduce((a, b) => a + b, 0);
const n = (k) => Math.round((changes * w[k]) / total);
const activeUsers = [];
for await (const u of lines('users')) if (u.status === 'ACTIVE') activeUsers.push(u.id);
const pick = (k) => {
  const out = new Set();
  while (out.size < k) out.add(activeUsers[Math.floor(rnd() * activeUsers.length)]);
  return [...out];
};
const D = new Set(pick(n('okta-deactivate')));
const S = pick(n('okta-suspend'));
const M = pick(n('okta-membership-add') + n('okta-membership-remove'));
const A = n('okta-app-assign');
const R = pick(n('okta-role-grant'));
const J = n('okta-joiner');
const count = new Map();
const pairs = new Map();
const holders = new Set();
for await (const r of lines('userRoles')) holders.add(r.userId);
// The cost rule for a user only deactivated: its app links (one request, not in the apps bucket)
// keep its group lines on active apps and remove its direct lines on active apps that keep no
// password, when it has a group line on an active app; every other line is read (a pair).
const appsById = new Map();
for await (const a of lines('apps')) appsById.set(a.id, a);
const PASSWORD_MODES = new Set(['AUTO_LOGIN', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'BASIC_AUTH']);
const PASSWORD_SCHEMES = new Set(['EDIT_USERNAME_AND_PASSWORD', 'EDIT_PASSWORD_ONLY', 'EXTERNAL_PASSWORD_SYNC', 'SHARED_USERNAME_AND_PASSWORD', 'ADMIN_SETS_CREDENTIALS']);
const active = (id) => appsById.get(id)?.status === 'ACTIVE';
const keepsPassword = (id) => PASSWORD_MODES.has(appsById.get(id)?.signOnMode) || PASSWORD_SCHEMES.has(appsById.get(id)?.credentials?.scheme);
const linesOf = new Map();
for await (const l of lines('appUsers')) {
  count.set(l.appId, (count.get(l.appId) ?? 0) + 1);
  if (D.has(l.appUser.id)) (linesOf.get(l.appUser.id) ?? linesOf.set(l.appUser.id, []).get(l.appUser.id)).push({ appId: l.appId, scope: l.appUser.scope });
}
const byLinks = { users: 0, kept: 0, removed: 0, read: 0 };
for (const ls of linesOf.values()) {
  const decided = ls.some((l) => l.scope === 'GROUP' && active(l.appId));
  if (decided) byLinks.users++;
  for (const l of ls) {
    if (decided && active(l.appId) && l.scope === 'GROUP') byLinks.kept++;
    else if (decided && active(l.appId) && l.scope === 'USER' && !keepsPassword(l.appId)) byLinks.removed++;
    else {
      byLinks.read++;
      pairs.set(l.appId, (pairs.get(l.appId) ?? 0) + 1);
    }
  }
}
const apps = [...count.keys()];
for (let i = 0; i < A; i++) {
  const a = apps[Math.floor(rnd() * apps.length)];
  pairs.set(a, (pairs.get(a) ?? 0) + 1);
}
let appUsers = 0;
let listed = 0;
let records = 0;
for (const [a, p] of pairs) {
  const pages = Math.floor((count.get(a) ?? 0) / 500) + 1;
  if (pages <= p) {
    appUsers += pages;
    listed++;
  } else {
    appUsers += p;
    records += p;
  }
}
// refreshTokens: one list per OAuth app, but for one not granted refresh_token that holds none.
const held = new Set();
for await (const t of lines('refreshTokens')) held.add(t.clientId);
const isOAuth = (a) => a.signOnMode === 'OPENID_CONNECT' || !!a.settings?.oauthClient || !!a.credentials?.oauthClient;
const noRefreshGrant = (a) => Array.isArray(a.settings?.oauthClient?.grant_types) && !a.settings.oauthClient.grant_types.includes('refresh_token');
const oauthApps = [...appsById.values()].filter((a) => isOAuth(a) && (!noRefreshGrant(a) || held.has(a.id))).length;
// API tokens: read again in full, 200 a page (as the full collection).
let apiTokenCount = 0;
for await (const _ of lines('apiTokens')) apiTokenCount++;
const apiTokenPages = Math.max(1, Math.ceil(apiTokenCount / 200));
const named = D.size + S.length + M.length + R.length + J;
const namedHolders = [...D, ...S, ...R].filter((u) => holders.has(u)).length + R.length;
const req = {
  logs: Math.ceil((changes * (w['okta-suspend'] + w['okta-deactivate'] + w['okta-joiner'] + w['okta-membership-add'] + w['okta-membership-remove'] + w['okta-app-assign'] + w['okta-role-grant'])) / total / 1000) + 1,
  users: Math.ceil(named / 20),
  groups: M.length,
  groupMembers: M.length,
  appLinks: J + linesOf.size, // joiners, and each user only deactivated that has app users
  appUsers,
  userRoles: Math.floor(holders.size / 100) + 1 + namedHolders,
  refreshTokens: oauthApps,
  apiTokens: apiTokenPages,
  idps: 1,
};
const buckets = { apps: req.appUsers + req.refreshTokens, other: req.groupMembers + req.appLinks + namedHolders + req.apiTokens + req.idps, 'users-list': req.users, 'group-by-id': req.groups, logs: req.logs, iam: Math.floor(holders.size / 100) + 1 };
const limits = { apps: 100, other: 1200, 'users-list': 600, 'group-by-id': 1000, logs: 120, iam: 1200 };
const minutes = Object.fromEntries(Object.entries(buckets).map(([b, x]) => [b, Math.floor((x - 1) / limits[b])]));
console.log(JSON.stringify({ changes, okta: { deactivated: D.size, suspended: S.length, memberships: M.length, appAssigns: A, roleGrants: R.length, joiners: J }, deactivatedByLinks: byLinks, appUsersPlan: { appsWithPairs: pairs.size, listed, records }, requests: req, total: Object.values(req).reduce((a, b) => a + b, 0), buckets, bucketMinutes: minutes, boundSeconds: Math.max(...Object.values(minutes)) * 60 }, null, 1));
