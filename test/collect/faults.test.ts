/**
 * Fault tests: with injected faults a collection completes, or marks exactly the affected datasets
 * partial or missing with a reason — never silently short. Faults are the documented ones: 429
 * with `Retry-After` (whole requests and inner `$batch` responses), 429 with
 * `X-Rate-Limit-Reset` and a skewed `Date`, 503s, dropped connections (before the response and
 * mid-body), tokens that expire mid-run (renewed through @azure/identity and the Okta SDK's OAuth
 * flow), missing permissions, and a list that breaks for good.
 */
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { GraphFake, gerr } from '../fakes/GraphFake.js';
import { OktaFake, OKTA_BUCKET_LIMITS, oerr } from '../fakes/OktaFake.js';
import { syntheticGraphTenant, syntheticOktaOrg } from '../fakes/syntheticTenants.js';
import { ensureBuilt, readSource, runCli, tempDir } from './helpers.js';

const FAST = ['--max-attempts', '4', '--retry-base-ms', '20'];
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

beforeAll(() => ensureBuilt(), 300_000);

async function graph(users = 2100) {
  const fake = new GraphFake(syntheticGraphTenant({ users, groupSize: 60 }));
  await fake.start();
  stops.push(() => fake.stop());
  return fake;
}

async function okta(users = 900) {
  const fake = new OktaFake(syntheticOktaOrg({ users, apps: 6, oauthApps: 2, appShare: 0.3 }));
  await fake.start();
  fake.apiTokens.add('00ssws-test');
  stops.push(() => fake.stop());
  return fake;
}

function collectEntra(fake: GraphFake, out: string, extra: string[] = [], env: Record<string, string> = {}) {
  return runCli(['collect', 'entra', '--tenant', fake.data.tenantId, '--graph-url', fake.url, '--out', out, ...FAST, ...extra], {
    env: { REVENANT_GRAPH_TOKEN: fake.issueToken(), ...env },
  });
}

function collectOkta(fake: OktaFake, out: string, extra: string[] = [], env: Record<string, string> = { OKTA_CLIENT_TOKEN: '00ssws-test' }) {
  return runCli(['collect', 'okta', '--org-url', fake.url, '--out', out, '--since', '2026-01-01', '--until', '2026-11-01', ...FAST, ...extra], { env });
}

function statuses(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(readSource(dir).manifest.datasets).map(([d, l]) => [d, l.status]));
}

function allComplete(dir: string, except: string[] = []): void {
  const s = statuses(dir);
  for (const [d, st] of Object.entries(s)) if (!except.includes(d)) expect(st, d).toBe('complete');
}

describe('Graph', () => {
  test('pages with absolute @odata.nextLink, $top=999, and counts match the tenant', async () => {
    const fake = await graph();
    const out = tempDir();
    const r = await collectEntra(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'entra'));
    allComplete(join(out, 'entra'));
    expect(src.lines.users.length).toBe(fake.data.users.length);
    const members = [...fake.data.groupMembers.values()].reduce((a, l) => a + l.length, 0);
    expect(src.lines.groupMembers.length).toBe(members);
    // The pages, and one `users/delta?$deltatoken=latest` round for the deltaLink a later `--delta` starts from.
    expect(src.manifest.datasets.users.requests).toBe(Math.ceil(fake.data.users.length / 999) + 1);
    expect(typeof (src.manifest.datasets.users as { deltaLink?: unknown }).deltaLink).toBe('string');
    const userPages = fake.server.log.filter((l) => l.path === '/v1.0/users' && !l.inBatch);
    expect(userPages.every((l) => l.query.get('$top') === '999')).toBe(true);
    // 20 requests per batch, and no per-group request outside $batch.
    expect(fake.server.log.filter((l) => /\/groups\/[^/]+\/members/.test(l.path) && !l.inBatch)).toEqual([]);
    const batches = fake.server.log.filter((l) => l.path === '/v1.0/$batch');
    for (const b of batches) expect(((b.body as { requests: unknown[] }).requests.length)).toBeLessThanOrEqual(20);
    expect(src.manifest.datasets.groupMembers.requests).toBe(Math.ceil(fake.data.groups.length / 20));
  }, 120_000);

  test('429 with Retry-After on a page and inside $batch, 503s and dropped connections: complete', async () => {
    const fake = await graph();
    const tooMany = gerr(429, 'TooManyRequests', 'Too many requests.');
    fake.server.addFault({ match: /^\/v1\.0\/users\?.*skiptoken/, status: 429, headers: { 'Retry-After': '1' }, body: tooMany.body, times: 1, inBatch: false });
    fake.server.addFault({ match: /\/members/, status: 429, headers: { 'Retry-After': '1' }, body: tooMany.body, times: 7, inBatch: true });
    fake.server.addFault({ match: /^\/v1\.0\/applications/, status: 503, body: gerr(503, 'ServiceUnavailable', 'x').body, times: 2, inBatch: false });
    fake.server.addFault({ match: /^\/v1\.0\/servicePrincipals\?/, drop: 'before', times: 1, inBatch: false });
    fake.server.addFault({ match: /^\/v1\.0\/groups\?/, drop: 'mid-body', times: 1, inBatch: false });
    fake.server.addFault({ match: (r) => r.path === '/v1.0/$batch', drop: 'mid-body', times: 1, after: 3 });
    const out = tempDir();
    const started = Date.now();
    const r = await collectEntra(fake, out);
    expect(r.code, r.stderr).toBe(0);
    allComplete(join(out, 'entra'));
    const m = readSource(join(out, 'entra')).manifest.datasets;
    expect(m.groupMembers.throttled).toBe(7);
    expect(m.users.throttled).toBe(1);
    expect(m.applications.retries).toBe(2);
    // Retry-After was honoured (a second at least), not ignored.
    expect(Date.now() - started).toBeGreaterThan(1000);
    const src = readSource(join(out, 'entra'));
    expect(src.lines.users.length).toBe(fake.data.users.length);
    expect(src.lines.groups.length).toBe(fake.data.groups.length);
    for (const f of fake.server.faults) expect(f.fired, String(f.match)).toBeGreaterThan(0);
  }, 120_000);

  test('a list that keeps failing is partial with its reason, a refused one missing; the others complete', async () => {
    const fake = await graph();
    const gid = String(fake.data.groups[3].id);
    fake.server.addFault({ match: new RegExp(`/groups/${gid}/members`), status: 503, body: gerr(503, 'ServiceUnavailable', 'x').body, inBatch: true });
    fake.server.addFault({ match: /^\/v1\.0\/users\?.*skiptoken/, status: 500, body: gerr(500, 'InternalServerError', 'x').body });
    fake.server.addFault({ match: /auditLogs/, status: 403, body: gerr(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.').body });
    const out = tempDir();
    const r = await collectEntra(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const m = readSource(join(out, 'entra')).manifest.datasets;
    expect(m.groupMembers.status).toBe('partial');
    expect(m.groupMembers.reason).toMatch(/HTTP 503 .*after 4 attempts on \/groups\/\{id\}\/members for 1 groups/);
    const expectedMembers = [...fake.data.groupMembers.entries()].filter(([g]) => g !== gid).reduce((a, [, l]) => a + l.length, 0);
    expect(m.groupMembers.count).toBe(expectedMembers);
    // A page error never ends a list quietly: the first page is kept, the dataset says partial.
    expect(m.users.status).toBe('partial');
    expect(m.users.count).toBe(999);
    expect(m.users.reason).toMatch(/HTTP 500/);
    expect(m.directoryAudits.status).toBe('missing');
    expect(m.directoryAudits.reason).toMatch(/403 Authorization_RequestDenied.*AuditLog\.Read\.All/);
    for (const d of ['groups', 'applications', 'servicePrincipals', 'groupOwners', 'applicationOwners', 'appRoleAssignments', 'roleAssignments']) expect(m[d].status, d).toBe('complete');
    expect(r.stderr).toMatch(/partial groupMembers/);
  }, 120_000);

  test('a token that expires mid-run is renewed through @azure/identity (client secret, custom authority)', async () => {
    const fake = await graph(1500);
    fake.clients.set('11111111-2222-3333-4444-555555555555', 'fake-secret');
    let n = 0;
    fake.server.addFault({ match: (r) => r.path.startsWith('/v1.0/') && !r.inBatch && ++n === 6, action: () => fake.expireAllTokens() });
    const out = tempDir();
    const r = await runCli(
      ['collect', 'entra', '--tenant', fake.data.tenantId, '--graph-url', fake.url, '--authority-host', fake.url, '--auth', 'env', '--out', out, ...FAST],
      { env: { AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555', AZURE_CLIENT_SECRET: 'fake-secret', AZURE_TENANT_ID: fake.data.tenantId } },
    );
    expect(r.code, r.stderr).toBe(0);
    allComplete(join(out, 'entra'));
    expect(fake.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(r.stderr).not.toContain('fake-secret');
    const expired = fake.server.log.filter((l) => l.path.startsWith('/v1.0/')).length;
    expect(expired).toBeGreaterThan(6);
  }, 120_000);

  test('an expired REVENANT_GRAPH_TOKEN cannot be renewed: the datasets say so, nothing is silently empty', async () => {
    const fake = await graph(300);
    fake.server.addFault({ match: /^\/v1\.0\/users/, action: () => fake.expireAllTokens(), times: 1 });
    const out = tempDir();
    const r = await collectEntra(fake, out, ['--parallel', '1']);
    expect(r.code, r.stderr).toBe(0);
    const m = readSource(join(out, 'entra')).manifest.datasets;
    expect(m.users.status).toBe('missing');
    expect(m.users.reason).toMatch(/REVENANT_GRAPH_TOKEN.*cannot be refreshed/);
    expect(m.groups.status).toBe('complete');
  }, 120_000);
});

describe('Okta', () => {
  test('a search returns DEPROVISIONED users; Link rel="next" paging; limit=200', async () => {
    const fake = await okta();
    const out = tempDir();
    const r = await collectOkta(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'okta'));
    allComplete(join(out, 'okta'), ['userGrants']);
    expect(src.manifest.datasets.userGrants).toMatchObject({ status: 'missing' });
    expect(src.lines.users.length).toBe(fake.data.users.length);
    expect(src.lines.users.some((u) => u.status === 'DEPROVISIONED')).toBe(true);
    const userReqs = fake.server.log.filter((l) => l.path === '/api/v1/users');
    expect(userReqs[0].query.get('limit')).toBe('200');
    expect(userReqs.length).toBe(Math.ceil(fake.data.users.length / 200));
    const members = [...fake.data.groupMembers.values()].reduce((a, l) => a + l.length, 0);
    expect(src.lines.groupMembers.length).toBe(members);
    expect(src.lines.appSecrets.every((l) => !('client_secret' in (l.secret as object)))).toBe(true);
  }, 120_000);

  test('429 with X-Rate-Limit-Reset from a skewed server clock, 503s and dropped connections: complete', async () => {
    const fake = await okta();
    fake.skewMs = 3_600_000; // the server clock is an hour ahead: only Reset − Date means anything
    const resetIn2s = () => ({
      'X-Rate-Limit-Limit': '600',
      'X-Rate-Limit-Remaining': '0',
      'X-Rate-Limit-Reset': String(Math.ceil((Date.now() + fake.skewMs) / 1000) + 2),
      Date: new Date(Date.now() + fake.skewMs).toUTCString(),
    });
    fake.server.addFault({ match: /^\/api\/v1\/users\?/, after: 1, times: 1, status: 429, headers: resetIn2s, body: oerr(429, 'E0000047', 'API call exceeded rate limit due to too many requests.').body });
    fake.server.addFault({ match: /^\/api\/v1\/apps\/[^/]+\/users/, times: 3, status: 503, body: oerr(503, 'E0000009', 'Internal Server Error').body });
    fake.server.addFault({ match: /^\/api\/v1\/groups\?/, times: 1, drop: 'before' });
    fake.server.addFault({ match: /^\/api\/v1\/groups\/[^/]+\/users/, times: 2, drop: 'mid-body' });
    const out = tempDir();
    const started = Date.now();
    const r = await collectOkta(fake, out);
    const took = Date.now() - started;
    expect(r.code, r.stderr).toBe(0);
    allComplete(join(out, 'okta'), ['userGrants']);
    const m = readSource(join(out, 'okta')).manifest.datasets;
    expect(m.users.throttled).toBe(1);
    expect(took).toBeGreaterThan(2000);
    expect(took).toBeLessThan(60_000); // not the hour the skewed clock would suggest
    for (const f of fake.server.faults) expect(f.fired, String(f.match)).toBeGreaterThan(0);
  }, 120_000);

  test('rate-limit buckets: requests are paced from X-Rate-Limit-Remaining, so 429s stay rare', async () => {
    const fake = await okta(600);
    // Small buckets and 3-second windows, so that a small org needs several windows for its app endpoints.
    fake.rateLimits = { ...OKTA_BUCKET_LIMITS, apps: 8, other: 2000 };
    fake.windowMs = 3000;
    const out = tempDir();
    const r = await collectOkta(fake, out, ['--concurrency', '6']);
    expect(r.code, r.stderr).toBe(0);
    allComplete(join(out, 'okta'), ['userGrants']);
    const appsRequests = fake.server.log.filter((l) => l.path.startsWith('/api/v1/apps')).length;
    expect(appsRequests).toBeGreaterThan(16); // at least three windows were needed
    expect(fake.throttled).toBeLessThanOrEqual(3);
  }, 180_000);

  test('rate-limit buckets: a new window stays paced while its first answer is slow to come back', async () => {
    // What a loaded machine does to the test above, made to happen every time: the first answer
    // of each window of the apps bucket reaches the client 400 ms late. Until it comes, the
    // client knows only the bucket's limit; many requests wait for the reset (six datasets of
    // six lists each), and all of them going out at once would be refused past the eighth.
    const fake = await okta(600);
    fake.rateLimits = { ...OKTA_BUCKET_LIMITS, apps: 8, other: 2000 };
    fake.windowMs = 3000;
    let slowed = 0;
    fake.lateBy = (r, countedBefore) => (r.path.startsWith('/api/v1/apps') && countedBefore === 0 ? (slowed++, 400) : 0);
    const out = tempDir();
    const r = await collectOkta(fake, out, ['--concurrency', '6']);
    expect(r.code, r.stderr).toBe(0);
    allComplete(join(out, 'okta'), ['userGrants']);
    expect(slowed).toBeGreaterThanOrEqual(3); // at least three windows began with a slow answer
    expect(fake.throttled).toBeLessThanOrEqual(3);
  }, 180_000);

  test('OAuth private-key JWT: an access token that expires mid-run is renewed by the SDK', async () => {
    const fake = await okta(300);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fake.oauthClients.set('0oaservicefake000001', publicKey.export({ type: 'spki', format: 'pem' }).toString());
    let n = 0;
    fake.server.addFault({ match: (r) => r.path.startsWith('/api/v1/') && ++n === 8, action: () => fake.expireAllTokens() });
    const out = tempDir();
    const keyFile = join(out, '..', `key-${process.pid}.pem`);
    (await import('node:fs')).writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const r = await collectOkta(fake, out, ['--auth', 'private-key', '--client-id', '0oaservicefake000001', '--private-key', keyFile], {});
    expect(r.code, r.stderr).toBe(0);
    allComplete(join(out, 'okta'), ['userGrants']);
    expect(fake.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(r.stderr).not.toMatch(/PRIVATE KEY/);
  }, 120_000);

  test('one app whose users keep failing: appUsers partial with the reason, the rest complete', async () => {
    const fake = await okta();
    const app = String(fake.data.apps[2].id);
    fake.server.addFault({ match: new RegExp(`/api/v1/apps/${app}/users`), status: 500, body: oerr(500, 'E0000009', 'Internal Server Error').body });
    fake.server.addFault({ match: /\/api\/v1\/idps/, status: 403, body: oerr(403, 'E0000006', 'You do not have permission to perform the requested action').body });
    const out = tempDir();
    const r = await collectOkta(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const m = readSource(join(out, 'okta')).manifest.datasets;
    expect(m.appUsers.status).toBe('partial');
    expect(m.appUsers.reason).toMatch(/HTTP 500 E0000009 after 4 attempts on \/api\/v1\/apps\/\{id\}\/users for 1 apps/);
    expect(m.idps.status).toBe('missing');
    expect(m.idps.reason).toMatch(/okta\.idps\.read/);
    allComplete(join(out, 'okta'), ['userGrants', 'appUsers', 'idps']);
  }, 120_000);
});
