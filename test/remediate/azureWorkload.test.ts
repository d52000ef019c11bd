/**
 * `verify` of a workload finding through the Azure fake (HTTPS, the real ARM SDK client): in the
 * github-workload-path scenario the departed kim (GitHub account 501) administers a repository
 * whose workflows sign in as the managed identity infra-id (its federated credential
 * github-infra). The plan's subject is a GitHub account, which verify cannot read again (GitHub
 * has no per-subject read: its findings remain, and it says so); the Azure step's objects are read
 * again — only the federated credentials of the identities the plan acts on. While the fake
 * still holds the credential the finding remains; a re-read that fails never reads as gone (the
 * credential already deleted, the list answering 500); once it is deleted and read again, the
 * finding is gone. A credential of another identity, gone from the tenant but not in the plan, is
 * never dropped.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AzureFake, emptyAzure } from '../fakes/AzureFake.js';
import { AZURE_TENANT, editLines, variant } from '../support/azureVariants.js';
import { ensureBuilt, runCli } from './helpers.js';

type Raw = Record<string, unknown>;
const SUBSCRIPTION = '3e2e64f1-78b7-50b6-ac72-c8e106bdc0db';
const IDENTITY = `/subscriptions/${SUBSCRIPTION}/resourceGroups/ops/providers/Microsoft.ManagedIdentity/userAssignedIdentities/infra-id`;
const CREDENTIAL = `${IDENTITY}/federatedIdentityCredentials/github-infra`;
/** Another identity's credential: in the snapshot, gone from the tenant, not in the plan. */
const OTHER = `/subscriptions/${SUBSCRIPTION}/resourceGroups/ops/providers/Microsoft.ManagedIdentity/userAssignedIdentities/other-id`;
const OTHER_CREDENTIAL = `${OTHER}/federatedIdentityCredentials/github-other`;
const AT = '2026-11-01T00:00:00Z';

let fakes: AzureFake[] = [];
beforeAll(() => ensureBuilt(), 600_000);
afterEach(async () => {
  for (const f of fakes) await f.stop();
  fakes = [];
});

interface VerifyDoc {
  closed: boolean;
  findings: { rule: string; via: { id: string }; outcome: string; why: string }[];
  refreshed: { source: string; accounts: string[]; degraded: string[] }[];
  notRead: { source: string; why: string }[];
}

describe('verify of a workload finding (a managed identity’s federated credential), through the Azure fake', () => {
  test('remains while the tenant holds the credential, never gone on a failed re-read, gone once deleted; only the plan’s identities are read again', async () => {
    // The scenario, with a second identity whose credential the tenant no longer has.
    const dir = variant('github-workload-path', (d) => {
      editLines(d, 'azure', 'userAssignedIdentities', (ls) => [...ls, { ...ls[0], id: OTHER, name: 'other-id', properties: { ...(ls[0].properties as Raw), principalId: '0f0f0f0f-0000-4000-8000-000000000001', clientId: '0f0f0f0f-0000-4000-8000-000000000002' } }]);
      editLines(d, 'azure', 'managedIdentityFederatedCredentials', (ls) => [...ls, { ...ls[0], id: OTHER_CREDENTIAL, name: 'github-other', properties: { ...(ls[0].properties as Raw), subject: 'repo:acme/unrelated:ref:refs/heads/main' } }]);
    });
    const data = emptyAzure(AZURE_TENANT);
    data.subscriptions.push({ id: SUBSCRIPTION, parent: AZURE_TENANT });
    data.identities.push({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: 'ops',
      name: 'infra-id',
      principalId: '8406e633-f390-5729-a072-0c74d786056e',
      clientId: '5210df0e-7961-5602-b31f-fedb147b15f9',
      credentials: [{ name: 'github-infra', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme@9001/infra@70002:ref:refs/heads/main', audiences: ['api://AzureADTokenExchange'] }],
    });
    const fake = new AzureFake(data);
    await fake.start();
    fakes.push(fake);
    const token = fake.issueToken();
    const store = join(dir, 'store');
    const loaded = await runCli(['load', join(dir, 'azure'), join(dir, 'entra'), join(dir, 'github'), '--store', store]);
    expect(loaded.code, loaded.stderr).toBe(0);
    const cli = (args: string[]) => runCli([...args, '--store', store, '--arm-url', fake.url, '--retry-base-ms', '20', '--max-attempts', '2'], { env: { REVENANT_AZURE_TOKEN: token, REVENANT_GRAPH_TOKEN: undefined } });
    const plan = await cli(['remediate', 'github:501', '--force', '--include', 'github.workflow-federated-credential', '--format', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as { actions: { steps: { kind: string; call: { path: string } }[] }[] }).actions.flatMap((a) => a.steps);
    expect(steps.filter((s) => s.kind === 'azure.deleteFederatedCredential').map((s) => s.call.path.split('?')[0])).toEqual([CREDENTIAL]);
    const verify = async (): Promise<{ code: number | null; v: VerifyDoc }> => {
      const r = await cli(['verify', 'github:501', '--at', AT, '--format', 'json']);
      if (!r.stdout.trim()) throw new Error(`verify wrote nothing: ${r.stderr}`);
      return { code: r.code, v: JSON.parse(r.stdout) as VerifyDoc };
    };
    const workload = (v: VerifyDoc) => v.findings.find((f) => f.rule === 'github.workflow-federated-credential' && f.via.id === CREDENTIAL)!;

    // 1. The tenant still holds the credential: it remains (not applied yet).
    const held = await verify();
    expect(held.code).toBe(3);
    expect(workload(held.v)).toMatchObject({ outcome: 'remains' });
    expect(workload(held.v).why).toMatch(/not applied yet/);
    expect(held.v.refreshed).toEqual([expect.objectContaining({ source: 'azure', accounts: [], degraded: [] })]);
    // GitHub (the subject's source) and the Entra application's credential are not read again: their findings remain.
    expect(held.v.notRead.map((n) => n.source).sort()).toEqual(['entra', 'github']);
    expect(held.v.findings.filter((f) => f.rule !== 'github.workflow-federated-credential' || f.via.id !== CREDENTIAL).every((f) => f.outcome === 'remains')).toBe(true);
    // Only the plan's identity was read (no hierarchy, no RBAC, not the other identity).
    const reads = fake.server.log.map((x) => `${x.method} ${x.path}`);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((x) => x !== `GET ${IDENTITY}/federatedIdentityCredentials`)).toEqual([]);

    // 2. Deleted in the tenant, but the re-read fails: never gone.
    data.identities[0].credentials = [];
    const fault = fake.server.addFault({ match: (r) => r.method === 'GET' && r.path === `${IDENTITY}/federatedIdentityCredentials`, status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } });
    const failed = await verify();
    expect(fault.fired).toBeGreaterThan(0);
    expect(failed.code).toBe(3);
    expect(workload(failed.v).outcome).toBe('remains');
    expect(failed.v.refreshed[0].degraded).toEqual(['managedIdentityFederatedCredentials']);
    fake.server.clearFaults();

    // 3. Deleted and read again: gone; the other identity's credential (gone too, not in the plan) is kept.
    const gone = await verify();
    expect(workload(gone.v)).toMatchObject({ outcome: 'gone', why: 'not found in the live tenant any more' });
    expect(gone.v.closed).toBe(false);
    const remediation = join(store, 'remediation');
    const planDir = readdirSync(remediation).find((d) => d !== 'verifications')!;
    const runs = readdirSync(join(remediation, planDir)).filter((d) => d.startsWith('verify-')).sort();
    const folder = join(remediation, planDir, runs.at(-1)!);
    const merged = readdirSync(folder).find((d) => d.endsWith('-objects'))!;
    const creds = readFileSync(join(folder, merged, 'managedIdentityFederatedCredentials.jsonl'), 'utf8');
    expect(creds).toContain(OTHER_CREDENTIAL);
    expect(creds).not.toContain(CREDENTIAL);
  }, 300_000);
});
