/**
 * Azure remediation through the CLI against the Azure fake (HTTPS, the real ARM SDK client's
 * pipeline): the azure-roles scenario loaded into a store, and nina's plan — a User Access
 * Administrator assignment at `/` (elevateAccess stays a manual step), Owner on a management
 * group, Contributor on a subscription, a PIM eligibility removed by an `AdminRemove` request whose
 * name is minted when it runs. A dry run writes nothing; `--apply` deletes exactly the planned
 * objects and records every call in the journal; a run that fails half way is continued with
 * `--resume`, sending only what is not done; an assignment updated after the data was read is skipped, never
 * deleted; a role held through a group is planned as the membership's removal. `verify` reads the
 * Azure folder again for the subject (with the Graph fake for its Entra tenant): a finding whose
 * assignment the fake still holds remains; once all are removed the subject is closed.
 */
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AzureFake, type AzureTenantData, emptyAzure } from '../fakes/AzureFake.js';
import { GraphFake } from '../fakes/GraphFake.js';
import { applyEntraLedger, loadScenario } from '../fakes/scenarioTenants.js';
import type { FakeRequest } from '../fakes/FakeServer.js';
import { ROOT } from '../support/scenarios.js';
import { AZURE_TENANT, NINA } from '../support/azureVariants.js';
import { ensureBuilt, runCli, tempDir } from './helpers.js';

type Raw = Record<string, unknown>;
const SCENARIO = join(ROOT, 'test', 'scenarios', 'azure-roles');

const lines = (dataset: string): Raw[] =>
  readFileSync(join(SCENARIO, 'azure', `${dataset}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Raw);
const last = (id: unknown) => String(id).split('/').pop()!;

/** The fake's tenant: the scenario's assignments and eligibilities as ARM serves them. */
function tenantOfScenario(): AzureTenantData {
  const d = emptyAzure(AZURE_TENANT);
  // The hierarchy, so that a read for one subject (verify) visits the scopes the assignments are at.
  for (const l of lines('managementGroups')) {
    const parent = last(((l.properties as Raw).parent as Raw | undefined)?.id ?? ((l.properties as Raw).details as Raw | undefined)?.parent);
    if (String(l.type) === 'Microsoft.Management/managementGroups' && l.name !== AZURE_TENANT) d.managementGroups.push({ name: String(l.name), parent });
    if (String(l.type) === 'Microsoft.Management/managementGroups/subscriptions') d.subscriptions.push({ id: String(l.name), parent });
  }
  for (const l of lines('roleAssignments')) {
    const p = l.properties as Raw;
    d.roleAssignments.push({ name: String(l.name), scope: String(p.scope), roleDefinitionName: last(p.roleDefinitionId), principalId: String(p.principalId), principalType: String(p.principalType), condition: (p.condition as string | null) ?? null });
  }
  for (const l of lines('roleEligibilityScheduleInstances')) {
    const p = l.properties as Raw;
    d.eligibilities.push({ name: String(l.name), scope: String(p.scope), roleDefinitionName: last(p.roleDefinitionId), principalId: String(p.principalId), principalType: String(p.principalType), endDateTime: (p.endDateTime as string | null) ?? null });
  }
  return d;
}

interface Live {
  fake: AzureFake;
  store: string;
  run(args: string[]): ReturnType<typeof runCli>;
  /** `verify`: with the Graph fake serving the scenario's Entra tenant beside the Azure fake. */
  verify(subject: string): Promise<{
    code: number | null;
    v: {
      closed: boolean;
      findings: { rule: string; via: { id: string }; outcome: string; why: string }[];
      refreshed: { source: string; degraded: string[] }[];
      subjects: { closed: boolean | null; closure: string }[];
      after: { snapshot: string };
    };
  }>;
}

let live: Live[] = [];
beforeAll(() => ensureBuilt(), 600_000);
afterEach(async () => {
  for (const l of live) await l.fake.stop();
  live = [];
});

async function start(edit?: (d: AzureTenantData) => void): Promise<Live> {
  const data = tenantOfScenario();
  edit?.(data);
  const fake = new AzureFake(data);
  await fake.start();
  const token = fake.issueToken();
  const store = tempDir('revenant-azure-remediate-');
  const copy = tempDir('revenant-azure-scenario-');
  cpSync(SCENARIO, copy, { recursive: true });
  const loaded = await runCli(['load', join(copy, 'entra'), join(copy, 'azure'), join(copy, 'hr'), '--store', store]);
  if (loaded.code !== 0) throw new Error(`load failed: ${loaded.stderr}`);
  const l: Live = {
    fake,
    store,
    run: (args) => runCli([...args, '--store', store, '--arm-url', fake.url, '--retry-base-ms', '20', '--max-attempts', '2'], { env: { REVENANT_AZURE_TOKEN: token, REVENANT_GRAPH_TOKEN: undefined } }),
    async verify(subject) {
      const s = loadScenario(SCENARIO);
      const graph = new GraphFake(s.entra!.data);
      applyEntraLedger(graph, s.entra!.manifest, s.entra!.lines);
      graph.now = () => Date.parse(String(s.expected.at));
      await graph.start();
      try {
        const r = await runCli(['verify', subject, '--at', String(s.expected.at), '--format', 'json', '--store', store, '--arm-url', fake.url, '--graph-url', graph.url, '--retry-base-ms', '20', '--max-attempts', '2'], {
          env: { REVENANT_AZURE_TOKEN: token, REVENANT_GRAPH_TOKEN: graph.issueToken(24 * 3600) },
        });
        if (!r.stdout.trim()) throw new Error(`verify wrote nothing: ${r.stderr}`);
        return { code: r.code, v: JSON.parse(r.stdout) };
      } finally {
        await graph.stop();
      }
    },
  };
  live.push(l);
  return l;
}

const writeKeys = (ws: FakeRequest[]) => ws.map((w) => `${w.method} ${w.path}`);
const ROOT_UAA = '/providers/Microsoft.Authorization/roleAssignments/b4f087b7-ddfb-5b2e-9346-5c1b3294ae2b';
const MG_OWNER = '/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/roleAssignments/9af8018a-487f-51af-a693-57074068fec6';
const SUB_CONTRIBUTOR = '/subscriptions/05f6f0d1-ae21-5425-90b6-8ba8047cf104/providers/Microsoft.Authorization/roleAssignments/c782097a-10c2-5037-bc11-683c96c170a0';

function journalOf(store: string): Raw[] {
  const root = join(store, 'remediation');
  const dir = readdirSync(root).find((d) => d !== 'verifications')!;
  return readFileSync(join(root, dir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((x) => JSON.parse(x) as Raw);
}

describe('Azure remediation (ARM through the SDK pipeline, against the Azure fake)', () => {
  test('a dry run writes nothing; --apply deletes the planned assignments and removes the eligibility, journalled; again: nothing is sent', async () => {
    const l = await start();
    const dry = await l.run(['remediate', NINA, '--force', '--format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(l.fake.writes).toEqual([]);
    const plan = JSON.parse(dry.stdout) as { actions: { state: string; steps: { source: string; kind: string }[]; manual: string[] }[] };
    const planned = plan.actions.filter((a) => a.state === 'planned');
    expect(planned.flatMap((a) => a.steps.map((s) => `${s.source} ${s.kind}`)).sort()).toEqual([
      'azure azure.deleteRoleAssignment',
      'azure azure.deleteRoleAssignment',
      'azure azure.deleteRoleAssignment',
      'azure azure.removeEligibility',
    ]);
    // elevateAccess changes the operator's own access: listed, never sent.
    expect(plan.actions.flatMap((a) => a.manual).filter((m) => /elevateAccess/.test(m))).toHaveLength(1);
    expect(dry.stdout).not.toContain(l.fake.tokens.values().next().value as string);

    const r = await l.run(['remediate', NINA, '--apply', '--yes', '--force', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number>; calls: number };
    expect(out.summary.done).toBe(4);
    expect(out.calls).toBe(4);
    const keys = writeKeys(l.fake.writes);
    expect(keys.filter((k) => k.startsWith('DELETE')).sort()).toEqual([`DELETE ${MG_OWNER}`, `DELETE ${ROOT_UAA}`, `DELETE ${SUB_CONTRIBUTOR}`].sort());
    const put = l.fake.writes.find((w) => w.method === 'PUT')!;
    expect(put.path).toMatch(/^\/subscriptions\/1e1e8337-44c5-5a56-9f8e-45037dc84026\/providers\/Microsoft\.Authorization\/roleEligibilityScheduleRequests\/[0-9a-f-]{36}$/);
    expect((put.body as { properties: Raw }).properties).toMatchObject({ principalId: NINA, requestType: 'AdminRemove' });
    // Nothing else was touched: oscar's group assignment, quinn's, pat's and the orphan stay.
    expect(l.fake.data.roleAssignments.map((a) => a.principalId)).not.toContain(NINA);
    expect(l.fake.data.roleAssignments).toHaveLength(4);
    expect(l.fake.data.eligibilities.filter((e) => e.principalId === NINA)).toHaveLength(1); // the expired one was never a finding
    const journal = journalOf(l.store);
    const intents = journal.filter((j) => j.type === 'intent');
    expect(intents).toHaveLength(4);
    // The PIM request's name is the journalled client request id, minted when the step ran.
    const pimIntent = intents.find((j) => (j.request as Raw).method === 'PUT')!;
    expect(put.path.endsWith(String(pimIntent.clientRequestId))).toBe(true);
    expect(put.headers['x-ms-client-request-id']).toBe(pimIntent.clientRequestId);
    expect(journal.filter((j) => j.type === 'result').map((j) => j.outcome)).toEqual(['done', 'done', 'done', 'done']);

    const again = await l.run(['remediate', NINA, '--apply', '--yes', '--force', '--format', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(l.fake.writes).toHaveLength(4);
  }, 180_000);

  test('a run that fails half way is continued with --resume without sending a done step again', async () => {
    const l = await start();
    const failing = l.fake.server.addFault({ match: (r) => r.method === 'DELETE' && r.path === MG_OWNER, status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } });
    const r = await l.run(['remediate', NINA, '--apply', '--yes', '--force', '--format', 'json']);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number> };
    expect(out.summary.failed).toBe(1);
    expect(out.summary.done).toBe(3);
    const sentBefore = writeKeys(l.fake.writes).filter((k) => k !== `DELETE ${MG_OWNER}`);
    expect(sentBefore).toHaveLength(3);
    l.fake.server.clearFaults();
    expect(failing.fired).toBeGreaterThan(0);
    const refused = await l.run(['remediate', NINA, '--apply', '--yes', '--force', '--format', 'json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/continue it with --resume/);
    const resumed = await l.run(['remediate', NINA, '--apply', '--yes', '--resume', '--format', 'json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = writeKeys(l.fake.writes).slice(-1);
    expect(after).toEqual([`DELETE ${MG_OWNER}`]);
    expect(writeKeys(l.fake.writes).filter((k) => k !== `DELETE ${MG_OWNER}`)).toEqual(sentBefore);
    expect(l.fake.data.roleAssignments.map((a) => a.principalId)).not.toContain(NINA);
  }, 180_000);

  test('an assignment updated after the plan’s data was read, or now held by someone else, is skipped, never deleted', async () => {
    const l = await start((d) => {
      d.roleAssignments.find((a) => a.name === last(MG_OWNER))!.updatedOn = '2026-12-01T00:00:00Z';
      d.roleAssignments.find((a) => a.name === last(SUB_CONTRIBUTOR))!.principalId = 'e7e82189-6222-5bd0-bb9e-6f4d75287b38';
    });
    const r = await l.run(['remediate', NINA, '--apply', '--yes', '--force', '--format', 'json']);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number>; actions: { title: string; outcome: string; reason?: string }[] };
    expect(out.summary.changed).toBe(2);
    const reasons = out.actions.filter((a) => a.outcome === 'changed').map((a) => a.reason ?? '');
    expect(reasons.some((x) => /updated at 2026-12-01/.test(x))).toBe(true);
    expect(reasons.some((x) => /held by e7e82189/.test(x))).toBe(true);
    const keys = writeKeys(l.fake.writes);
    expect(keys).not.toContain(`DELETE ${MG_OWNER}`);
    expect(keys).not.toContain(`DELETE ${SUB_CONTRIBUTOR}`);
    expect(keys).toContain(`DELETE ${ROOT_UAA}`);
  }, 180_000);

  test('a role held through a group is removed by the membership, never by deleting the group’s assignment', async () => {
    const l = await start();
    const oscar = 'c54c8d12-e2ea-57a9-8c5b-1934db794cb9';
    const dry = await l.run(['remediate', oscar, '--force', '--format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { findings: { id: string; rule: string }[]; actions: { state: string; findings: string[]; steps: { kind: string }[] }[] };
    const azure = plan.findings.find((f) => f.rule === 'azure.dormant-role')!;
    const action = plan.actions.find((a) => a.findings.includes(azure.id))!;
    expect(action.state).toBe('planned');
    expect(action.steps.map((s) => s.kind)).toEqual(['entra.removeGroupMember']);
    expect(plan.actions.flatMap((a) => a.steps.map((s) => s.kind))).not.toContain('azure.deleteRoleAssignment');
  }, 120_000);

  test('verify reads the Azure roles again: after the remediation nina is closed; with the fake still holding an assignment, that finding remains', async () => {
    const l = await start();
    // Before anything is applied: the Azure folder is read again (it is paired with nina's Entra tenant) and the roles remain.
    const before = await l.verify(NINA);
    expect(before.code).toBe(3);
    expect(before.v.refreshed.map((r) => r.source).sort()).toEqual(['azure', 'entra']);
    expect(before.v.findings.filter((f) => f.rule === 'azure.dormant-role').map((f) => f.outcome)).toEqual(['remains', 'remains', 'remains', 'remains']);

    // One DELETE keeps failing: that assignment is still in the fake, so its finding remains and nina is not closed.
    l.fake.server.addFault({ match: (r) => r.method === 'DELETE' && r.path === MG_OWNER, status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } });
    const applied = await l.run(['remediate', NINA, '--apply', '--yes', '--force', '--format', 'json']);
    expect((JSON.parse(applied.stdout) as { summary: Record<string, number> }).summary).toMatchObject({ done: 3, failed: 1 });
    const partial = await l.verify(NINA);
    expect(partial.code).toBe(3);
    expect(partial.v.closed).toBe(false);
    const byVia = Object.fromEntries(partial.v.findings.map((f) => [f.via.id, f]));
    expect(byVia[MG_OWNER]).toMatchObject({ outcome: 'remains' });
    expect(byVia[MG_OWNER].why).toMatch(/^failed when applied/);
    for (const id of [ROOT_UAA, SUB_CONTRIBUTOR]) expect(byVia[id].outcome, id).toBe('gone');

    // Resumed, the last assignment is removed: every Azure finding is gone and nina is closed.
    l.fake.server.clearFaults();
    const resumed = await l.run(['remediate', NINA, '--apply', '--yes', '--resume', '--format', 'json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await l.verify(NINA);
    expect(after.v.findings.filter((f) => f.outcome !== 'gone')).toEqual([]);
    expect(after.v.closed).toBe(true);
    expect(after.code).toBe(0);
  }, 300_000);

  test('a re-read that fails at one scope never makes the subject\'s assignment there read as gone', async () => {
    const l = await start();
    // Nothing is applied; the lists at management group corp and its subscription (which shows the
    // assignments inherited from corp too) keep failing: the dataset is partial.
    l.fake.server.addFault({ match: (r) => r.method === 'GET' && /(managementGroups\/corp|subscriptions\/05f6f0d1-ae21-5425-90b6-8ba8047cf104)\/providers\/Microsoft\.Authorization\/roleAssignments$/.test(r.path), status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } });
    const v = await l.verify(NINA);
    expect(v.code).toBe(3);
    expect(v.v.closed).toBe(false);
    expect(v.v.refreshed.find((r) => r.source === 'azure')?.degraded).toContain('roleAssignments');
    const byVia = Object.fromEntries(v.v.findings.map((f) => [f.via.id, f]));
    // Read again elsewhere: still there. Not read again at corp: kept as it was, never "gone".
    for (const id of [ROOT_UAA, SUB_CONTRIBUTOR, MG_OWNER]) expect(byVia[id].outcome, id).toBe('remains');
  }, 300_000);

  test.each([
    [500, 'InternalServerError'],
    [403, 'AuthorizationFailed'],
  ])('verify never closes on an Azure re-read that fails (%i on the role assignments): not closed, the ledger says why', async (status, code) => {
    const l = await start();
    const applied = await l.run(['remediate', NINA, '--apply', '--yes', '--force', '--format', 'json']);
    expect(applied.code, applied.stderr).toBe(0);
    // Every assignment is removed, yet the re-read of the role assignments fails at every scope.
    l.fake.server.addFault({ match: (r) => r.method === 'GET' && /\/roleAssignments$/.test(r.path), status, body: { error: { code, message: 'no' } } });
    const v = await l.verify(NINA);
    expect(v.code).toBe(3);
    expect(v.v.closed).toBe(false);
    expect(v.v.refreshed.find((r) => r.source === 'azure')?.degraded).toContain('roleAssignments');
    expect(v.v.subjects.map((s) => s.closed)).not.toContain(true);
    // The merged folder behind the new snapshot: roleAssignments is partial, with the reason.
    const manifests = readdirSync(join(l.store, 'remediation'), { recursive: true, encoding: 'utf8' }).filter((f) => /verify-[^/]+\/azure-[^/]+\/manifest\.json$/.test(f));
    expect(manifests).toHaveLength(1);
    const ledger = (JSON.parse(readFileSync(join(l.store, 'remediation', manifests[0]), 'utf8')) as { datasets: Record<string, { status: string; reason?: string }> }).datasets.roleAssignments;
    expect(ledger.status).toBe('partial');
    expect(ledger.reason).toMatch(new RegExp(`could not read roleAssignments.*${status === 403 ? 'forbidden|403|AuthorizationFailed' : '500|InternalServerError'}`, 'i'));
  }, 300_000);
});
