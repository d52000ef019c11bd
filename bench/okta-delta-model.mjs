#!/usr/bin/env node
/**
 * A model of the requests `collect okta --delta` makes after about 1% of changes in
 * bench/delta.mjs's mix, on a synthetic org, by the delta's cost rule (ingest/okta/
 * collectOktaDelta.ts): a seeded sample of ACTIVE users stands for the changed ones, per bucket,
 * with the throttling bound. A model, not a measurement (the 250k daily-refresh figure's delta
 * side where the bench cannot run); within 5% of the measured 10k delta (Okta: 128 modelled, 123 measured).
 * usage: node bench/okta-delta-model.mjs DIR/okta PEOPLE OAUTH_APPS   (JSON on stdout)
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
const active = [];
for await (const u of lines('users')) if (u.status === 'ACTIVE') active.push(u.id);
const pick = (k) => {
  const out = new Set();
  while (out.size < k) out.add(active[Math.floor(rnd() * active.length)]);
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
for await (const l of lines('appUsers')) {
  count.set(l.appId, (count.get(l.appId) ?? 0) + 1);
  if (D.has(l.appUser.id)) pairs.set(l.appId, (pairs.get(l.appId) ?? 0) + 1);
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
const oauthApps = Number(process.argv[4] ?? 134); // OAuth apps (refreshTokens: one list each), from the full derivation
const named = D.size + S.length + M.length + R.length + J;
const namedHolders = [...D, ...S, ...R].filter((u) => holders.has(u)).length + R.length;
const req = {
  logs: Math.ceil((changes * (w['okta-suspend'] + w['okta-deactivate'] + w['okta-joiner'] + w['okta-membership-add'] + w['okta-membership-remove'] + w['okta-app-assign'] + w['okta-role-grant'])) / total / 1000) + 1,
  users: Math.ceil(named / 20),
  groups: M.length,
  groupMembers: M.length,
  appLinks: J, // a user only deactivated reads no app links
  appUsers,
  userRoles: Math.floor(holders.size / 100) + 1 + namedHolders,
  refreshTokens: oauthApps,
  apiTokens: 7,
  idps: 1,
};
const buckets = { apps: req.appUsers + req.refreshTokens, other: req.groupMembers + req.appLinks + namedHolders + req.apiTokens + req.idps, 'users-list': req.users, 'group-by-id': req.groups, logs: req.logs, iam: Math.floor(holders.size / 100) + 1 };
const limits = { apps: 100, other: 1200, 'users-list': 600, 'group-by-id': 1000, logs: 120, iam: 1200 };
const minutes = Object.fromEntries(Object.entries(buckets).map(([b, x]) => [b, Math.floor((x - 1) / limits[b])]));
console.log(JSON.stringify({ changes, okta: { deactivated: D.size, suspended: S.length, memberships: M.length, appAssigns: A, roleGrants: R.length, joiners: J }, appUsersPlan: { appsWithPairs: pairs.size, listed, records }, requests: req, total: Object.values(req).reduce((a, b) => a + b, 0), buckets, bucketMinutes: minutes, boundSeconds: Math.max(...Object.values(minutes)) * 60 }, null, 1));
