/**
 * The Azure collector against the ARM fake over HTTPS, through the real Azure management SDKs
 * (run as the CLI, trusting the test CA): the hierarchy from the tenant root group, RBAC and PIM
 * at `/`, management groups (`atScope()`) and subscriptions, deduplicated; managed identities and
 * their federated credentials; raw ARM objects on disk; what a caller without elevated access or
 * without Reader at the root group cannot see is partial, with the reason; 429 with
 * `Retry-After` is waited out; a client-secret credential through @azure/identity; `--subject`.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { API_VERSIONS, AzureFake } from '../fakes/AzureFake.js';
import { GraphFake, emptyTenant } from '../fakes/GraphFake.js';
import { syntheticAzureTenant } from '../fakes/syntheticAzure.js';
import { ensureBuilt, readSource, runCli, tempDir } from './helpers.js';

const FAST = ['--max-attempts', '4', '--retry-base-ms', '20'];
const TENANT = '0b3f6c4e-8a71-4f0e-9a8e-1c2d3e4f5a6b';
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

beforeAll(() => ensureBuilt(), 300_000);

async function azure(subscriptions = 130) {
  const fake = new AzureFake(syntheticAzureTenant({ tenantId: TENANT, subscriptions }));
  await fake.start();
  stops.push(() => fake.stop());
  return fake;
}

function collect(fake: AzureFake, out: string, extra: string[] = [], env?: Record<string, string>) {
  return runCli(['collect', 'azure', '--tenant', TENANT, '--arm-url', fake.url, '--out', out, ...FAST, ...extra], {
    env: env ?? { REVENANT_AZURE_TOKEN: fake.issueToken() },
    timeoutMs: 180_000,
  });
}

describe('collect azure', () => {
  test('reads the hierarchy, RBAC and PIM at every scope once, identities and their federated credentials, as raw ARM objects', async () => {
    const fake = await azure();
    const out = tempDir();
    const r = await collect(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'azure'));
    const l = src.manifest.datasets;
    for (const [d, e] of Object.entries(l)) expect(e.status, `${d}: ${e.reason}`).toBe('complete');
    expect(src.manifest.source).toBe('azure');
    expect(src.manifest.tenant).toBe(TENANT);
    const d = fake.data;
    // Root group + 4 groups + 130 subscriptions (descendants page at 100).
    expect(src.lines.managementGroups.length).toBe(1 + d.managementGroups.length + d.subscriptions.length);
    expect(src.lines.subscriptions.length).toBe(d.subscriptions.length);
    // Every assignment exactly once, whichever scopes listed it (/, groups with atScope(), subscriptions).
    const ids = src.lines.roleAssignments.map((a) => String(a.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(d.roleAssignments.length);
    const root = src.lines.roleAssignments.find((a) => (a.properties as { scope: string }).scope === '/');
    expect(root).toMatchObject({ type: 'Microsoft.Authorization/roleAssignments', properties: { principalType: 'User' } });
    expect(src.lines.roleAssignments.some((a) => /\/resourceGroups\/app-rg\//.test(String(a.id)))).toBe(true);
    expect(src.lines.roleAssignments.find((a) => (a.properties as { condition: string | null }).condition)).toBeTruthy();
    expect(src.lines.roleEligibilityScheduleInstances.map((e) => (e.properties as { endDateTime: string | null }).endDateTime).sort()).toEqual([
      '2027-01-01T00:00:00Z',
      '2027-06-30T00:00:00Z',
      null,
    ].sort());
    expect(src.lines.roleAssignmentScheduleInstances.length).toBe(1);
    // Built-ins once, the custom role once.
    expect(src.lines.roleDefinitions.map((x) => x.name).sort()).toEqual(d.roleDefinitions.map((x) => x.name).sort());
    expect(src.lines.userAssignedIdentities.length).toBe(3);
    expect(src.lines.managedIdentityFederatedCredentials.length).toBe(6);
    expect(src.lines.managedIdentityFederatedCredentials[0]).toMatchObject({ properties: { issuer: 'https://token.actions.githubusercontent.com' } });
    // Pinned api-versions: each request used one the REST reference documents.
    const versions = new Set(fake.server.log.map((x) => x.query.get('api-version')));
    for (const v of versions) expect(Object.values(API_VERSIONS).flat(), String(v)).toContain(v);
    // Management groups were read with atScope(), subscriptions without (assignments below them count).
    const mgReads = fake.server.log.filter((x) => /managementGroups\/[^/]+\/providers\/Microsoft\.Authorization\/roleAssignments$/.test(x.path));
    expect(mgReads.length).toBe(1 + d.managementGroups.length);
    expect(mgReads.every((x) => x.query.get('$filter') === 'atScope()')).toBe(true);
    expect(r.stderr).not.toContain(fake.issueToken().slice(0, 20));
  }, 180_000);

  test('a caller without elevated access: the root scope "/" is missing from roleAssignments, which is partial and says why', async () => {
    const fake = await azure(20);
    fake.caller = { tenantRootReader: true, elevated: false, visibleSubscriptions: new Set() };
    const out = tempDir();
    const r = await collect(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'azure'));
    const l = src.manifest.datasets;
    expect(l.roleAssignments.status).toBe('partial');
    expect(l.roleAssignments.reason).toMatch(/root scope "\/" could not be read \(HTTP 403 AuthorizationFailed.*elevated access/);
    // (An assignment at "/" may still arrive through the root group's atScope() list; the analysis
    // counts "/" only when read directly — sources-azure.md, question 1.)
    for (const dname of ['managementGroups', 'subscriptions', 'roleEligibilityScheduleInstances', 'userAssignedIdentities']) expect(l[dname].status, dname).toBe('complete');
  }, 120_000);

  test('a caller without Reader at the root group sees some subscriptions: everything is partial (caller-visible only), never complete', async () => {
    const fake = await azure(20);
    const visible = new Set(fake.data.subscriptions.slice(0, 5).map((s) => s.id));
    fake.caller = { tenantRootReader: false, elevated: false, visibleSubscriptions: visible };
    const out = tempDir();
    const r = await collect(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'azure'));
    const l = src.manifest.datasets;
    expect(l.managementGroups.status).toBe('partial');
    expect(l.managementGroups.count).toBe(0);
    expect(l.managementGroups.reason).toMatch(/tenant root management group could not be read \(HTTP 403 AuthorizationFailed/);
    expect(l.subscriptions.status).toBe('partial');
    expect(l.subscriptions.reason).toMatch(/caller-visible only/);
    expect(src.lines.subscriptions.length).toBe(5);
    for (const dname of ['roleAssignments', 'roleEligibilityScheduleInstances', 'roleAssignmentScheduleInstances', 'roleDefinitions', 'userAssignedIdentities']) {
      expect(l[dname].status, dname).toBe('partial');
    }
  }, 120_000);

  test('429 with Retry-After is waited out; a subscription that keeps failing leaves the dataset partial with its reason', async () => {
    const fake = await azure(12);
    fake.readBucket = 15;
    fake.bucketWindowMs = 1000;
    const sub = fake.data.subscriptions[3].id;
    fake.server.addFault({ match: new RegExp(`^/+subscriptions/${sub}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances`), status: 503, body: { error: { code: 'ServiceUnavailable', message: 'try later' } } });
    const out = tempDir();
    const r = await collect(fake, out, ['--max-attempts', '5']);
    expect(r.code, r.stderr).toBe(0);
    const l = readSource(join(out, 'azure')).manifest.datasets;
    expect(fake.throttled).toBeGreaterThan(0);
    expect(l.roleAssignments.status, l.roleAssignments.reason).toBe('complete');
    expect(l.managementGroups.status, l.managementGroups.reason).toBe('complete');
    const throttled = Object.values(l).reduce((a, e) => a + Number(e.throttled ?? 0), 0);
    expect(throttled).toBeGreaterThan(0);
    expect(l.roleEligibilityScheduleInstances.status).toBe('partial');
    expect(l.roleEligibilityScheduleInstances.reason).toMatch(/HTTP 503 ServiceUnavailable.*for subscriptions/);
  }, 180_000);

  test('a client secret through @azure/identity (the Graph fake is the authority); --subject reads one principal with its groups', async () => {
    const fake = await azure(20);
    const idp = new GraphFake(emptyTenant(TENANT));
    await idp.start();
    stops.push(() => idp.stop());
    idp.clients.set('collector-app', 's3cret-value');
    fake.acceptToken = (t) => idp.tokens.has(t);
    const out = tempDir();
    const subject = '00000000-0000-4000-8000-000000001004';
    const r = await collect(fake, out, ['--auth', 'env', '--authority-host', idp.url, '--subject', subject], {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: 'collector-app',
      AZURE_CLIENT_SECRET: 's3cret-value',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(idp.tokenRequests).toBeGreaterThanOrEqual(1);
    const src = readSource(join(out, 'azure'));
    expect(src.manifest.scope).toEqual({ kind: 'subject', subject, accounts: [subject] });
    // Its group's Owner at landing-zones, and the group's eligibility on a subscription.
    expect(src.lines.roleAssignments.map((a) => (a.properties as { principalType: string }).principalType)).toEqual(['Group']);
    expect(src.lines.roleEligibilityScheduleInstances.length).toBe(1);
    expect(fake.server.log.filter((x) => /roleAssignments$/.test(x.path)).every((x) => /assignedTo\('00000000-0000-4000-8000-000000001004'\)/.test(x.query.get('$filter') ?? ''))).toBe(true);
    expect(r.stderr + r.stdout).not.toContain('s3cret-value');
  }, 120_000);

  test('bad usage exits 2', async () => {
    const fake = await azure(2);
    const r = await runCli(['collect', 'azure', '--tenant', 'contoso.com', '--arm-url', fake.url, '--out', tempDir()], { env: { REVENANT_AZURE_TOKEN: fake.issueToken() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tenant must be the tenant id/);
    const noToken = await runCli(['collect', 'azure', '--tenant', TENANT, '--auth', 'token', '--arm-url', fake.url, '--out', tempDir()], { env: {} });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/REVENANT_AZURE_TOKEN/);
  }, 60_000);
});
