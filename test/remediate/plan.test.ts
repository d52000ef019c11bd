/**
 * The plan on its own, in process, on the shared scenarios (no tenant is called): one action per
 * finding from the call it carries, in phases; the guard rails (another person's account, apps
 * unassigned from active accounts, access that lives outside the API, the last owner of an
 * ownerless machine identity, accepted findings, stale snapshots); the findings that appear once
 * the plan disables an account; and the journal's reading of a crash.
 */
import { mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { RULES } from '../../queries/residual-access/index.js';
import { buildPlan } from '../../src/remediate/buildPlan.js';
import { Journal, stepStates } from '../../src/remediate/Journal.js';
import type { Plan } from '../../src/remediate/Plan.js';
import { matchCall, parseCall } from '../../src/remediate/parseCall.js';
import { REMEDIATION_SOURCES } from '../../src/remediate/remediationSources.js';
import { openGraph } from '../../src/store/openGraph.js';
import type { GraphReader } from '../../src/store/GraphReader.js';
import { SCENARIOS } from '../support/scenarios.js';

const opened: { close(): void }[] = [];
afterAll(() => opened.forEach((o) => o.close()));

async function graphOf(name: string): Promise<GraphReader> {
  const dir = join(SCENARIOS, name);
  const dirs = readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'manifest.json')))
    .map((d) => join(dir, d));
  const o = await openGraph({ collections: dirs });
  opened.push(o);
  return o.graph;
}

const byRule = (p: Plan, rule: string) => p.actions.filter((a) => a.rule === rule || p.findings.some((f) => f.rule === rule && a.findings.includes(f.id)));

describe('every rule has a policy', () => {
  test('each source rule is remediated by its source, each call of a policy is a known kind', () => {
    const kinds = new Set(REMEDIATION_SOURCES.flatMap((s) => s.kinds.map((k) => k.kind)));
    // GitHub findings carry their remediation calls; no GitHub write executor exists yet (the
    // workload path's federated credential is Entra's or Azure's: Azure declares that rule's policy).
    const withoutExecutor = [...new Set(RULES.filter((r) => r.source !== 'cross' && !REMEDIATION_SOURCES.some((s) => s.source === r.source)).map((r) => r.source))];
    expect(withoutExecutor).toEqual(['github']);
    expect(REMEDIATION_SOURCES.find((s) => s.source === 'azure')!.rules['github.workflow-federated-credential'].needsInclude).toMatch(/narrower fix/);
    for (const r of RULES) {
      if (r.source === 'cross' || r.source === 'github') continue;
      const src = REMEDIATION_SOURCES.find((s) => s.source === r.source)!;
      expect(src.rules[r.id], r.id).toBeDefined();
      for (const k of [...(src.rules[r.id].use ?? []), ...(src.rules[r.id].oneOf ?? [])]) expect(kinds.has(k), k).toBe(true);
    }
    for (const s of REMEDIATION_SOURCES) for (const k of s.disableAccount) expect(kinds.has(k)).toBe(true);
  });

  test('remediation lines are read as calls; prose is a manual step', () => {
    expect(parseCall('POST /applications/a1/removePassword {"keyId":"k1"}')).toEqual({ method: 'POST', path: '/applications/a1/removePassword', body: { keyId: 'k1' } });
    expect(parseCall('POST /api/v1/users/00u1/lifecycle/deactivate (removes app assignments and admin roles)')).toEqual({ method: 'POST', path: '/api/v1/users/00u1/lifecycle/deactivate' });
    expect(parseCall('Change the password in the downstream app (the subject knows it)')).toBeNull();
    const kinds = REMEDIATION_SOURCES.flatMap((s) => s.kinds);
    expect(matchCall(parseCall('PATCH /users/u1 {"accountEnabled":false}')!, kinds)?.kind).toBe('entra.disableUser');
    const cert = matchCall(parseCall('PATCH /servicePrincipals/s1 {"keyCredentials":[…every current certificate except keyId 45fe6c71-bbc6-5204-82a3-f75523d95ce1…]}')!, kinds);
    expect(cert?.kind).toBe('entra.removeKeyCredential');
    expect(cert?.params).toMatchObject({ collection: 'servicePrincipals', id: 's1', keyId: '45fe6c71-bbc6-5204-82a3-f75523d95ce1' });
    expect(matchCall(parseCall('DELETE /groups/g1/owners/u1/$ref')!, kinds)?.kind).toBe('entra.removeOwner');
    expect(matchCall(parseCall('DELETE /users/u1/owners/u2/$ref')!, kinds)).toBeNull();
    expect(matchCall(parseCall('DELETE /api/v1/users/00u1/sessions?oauthTokens=true')!, kinds)?.kind).toBe('okta.revokeSessionsAndTokens');
  });

  test('ARM calls are absolute URLs: the origin is kept apart and an ARM scope is any number of segments', () => {
    const kinds = REMEDIATION_SOURCES.flatMap((s) => s.kinds);
    const ra = '/providers/Microsoft.Authorization/roleAssignments/r1';
    expect(parseCall(`DELETE https://management.azure.com${ra}?api-version=2022-04-01`)).toEqual({ method: 'DELETE', path: `${ra}?api-version=2022-04-01`, origin: 'https://management.azure.com' });
    for (const scope of ['', '/providers/Microsoft.Management/managementGroups/corp', '/subscriptions/s1', '/subscriptions/s1/resourceGroups/rg1']) {
      const step = matchCall(parseCall(`DELETE https://management.azure.com${scope}${ra}?api-version=2022-04-01`)!, kinds);
      expect(step?.kind, scope).toBe('azure.deleteRoleAssignment');
      expect(step?.params).toMatchObject({ scope, name: 'r1', id: `${scope}${ra}` });
    }
    const pim = matchCall(
      parseCall('PUT https://management.azure.com/subscriptions/s1/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/{new-guid}?api-version=2020-10-01 {"properties":{"principalId":"p1","roleDefinitionId":"/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/d1","requestType":"AdminRemove"}}')!,
      kinds,
    );
    expect(pim).toMatchObject({ kind: 'azure.removeEligibility', params: { scope: '/subscriptions/s1', principalId: 'p1' } });
    // Without ARM's origin the same path is no ARM call; with another origin neither.
    expect(matchCall(parseCall(`DELETE ${ra}`)!, kinds)).toBeNull();
    expect(matchCall(parseCall(`DELETE https://graph.microsoft.com${ra}`)!, kinds)).toBeNull();
  });
});

describe('plans on the scenarios', () => {
  test('one action per finding, in phases, each call on an object of its finding', async () => {
    const g = await graphOf('entra-delegations');
    const p = buildPlan(g, { subject: '1001b023-5c1f-5b3f-b3bc-1bf917c719f3', force: true });
    const covered = new Set(p.actions.flatMap((a) => a.findings));
    expect(covered).toEqual(new Set(p.findings.map((f) => f.id)));
    const phases = p.actions.filter((a) => a.state === 'planned').map((a) => a.phase);
    const order = ['contain', 'credentials', 'entitlements', 'ownership'];
    expect(phases).toEqual([...phases].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    const eligibility = p.actions.find((a) => a.steps.some((s) => s.kind === 'entra.removeRoleEligibility'))!;
    expect(eligibility.steps[0].call.body).toMatchObject({ action: 'adminRemove', principalId: '1001b023-5c1f-5b3f-b3bc-1bf917c719f3', directoryScopeId: '/' });
    for (const a of p.actions.filter((x) => x.state === 'planned')) {
      const f = p.findings.find((x) => x.id === a.findings[0])!;
      const ids = new Set([f.subject.id, f.via.id, ...f.path.flatMap((s) => ('id' in s ? [s.id] : []))].map((x) => x.toLowerCase()));
      for (const s of a.steps) expect(ids.has(s.target.toLowerCase()), `${a.title}: ${s.target}`).toBe(true);
      expect(a.permissions.length).toBeGreaterThan(0);
      expect(a.breaks).not.toBe('');
    }
    // A role held through a group and the membership itself are one call, one action.
    const memberships = p.actions.flatMap((a) => a.steps).filter((s) => s.kind === 'entra.removeGroupMember').map((s) => s.call.path);
    expect(new Set(memberships).size).toBe(memberships.length);
  });

  test('another account of the same person is disabled only with --include; then what it holds is removed too', async () => {
    const g = await graphOf('entra-hybrid-and-alt-accounts');
    const frank = '3a8bf753-2819-5b74-83fb-e9737e59872f';
    const alt = 'c7b5e9b4-4727-510d-8f51-bab1263e6d66';
    const plain = buildPlan(g, { subject: frank, force: true });
    const other = byRule(plain, 'person.other-account-active')[0];
    expect(other.state).toBe('excluded');
    expect(other.include).toBe('person.other-account-active');
    expect(plain.actions.some((a) => a.consequence)).toBe(false);
    const incl = buildPlan(g, { subject: frank, force: true, include: ['person.other-account-active'] });
    const disable = incl.actions.find((a) => a.steps.some((s) => s.kind === 'entra.disableUser'))!;
    expect(disable.state).toBe('planned');
    expect(disable.steps.map((s) => s.kind)).toEqual(['entra.disableUser', 'entra.revokeSignInSessions']);
    expect(disable.steps[0].target).toBe(alt);
    // Its Global Administrator assignment, dormant once it is disabled, goes too.
    const role = incl.actions.find((a) => a.rule === 'entra.dormant-role')!;
    expect(role.consequence).toBe(true);
    expect(role.subject.id).toBe(alt);
    expect(role.state).toBe('planned');
    expect(incl.accounts.map((a) => a.id).sort()).toEqual([frank, alt].sort());
    // The synced account itself is a manual fix (on-premises AD).
    expect(byRule(incl, 'entra.synced-disable-may-revert')[0].state).toBe('manual');
    expect(incl.id).not.toBe(plain.id);
  });

  test('an HR leaver’s own account is disabled by default, and the session window it opens is closed in the same action', async () => {
    const g = await graphOf('cross-source-hr');
    const p = buildPlan(g, { subject: 'bea2d688-01da-50a8-91bb-a9a07332348d', force: true });
    expect(p.actions.length).toBe(1);
    const a = p.actions[0];
    expect(a.state).toBe('planned');
    expect(a.steps.map((s) => s.kind)).toEqual(['entra.disableUser', 'entra.revokeSignInSessions']);
    expect(a.findings.length).toBe(2);
    expect(p.findings.find((f) => f.id === a.findings[1])?.rule).toBe('entra.sessions-not-revoked');
    const okta = buildPlan(g, { subject: '00uc7jKq6s0N4nrMnofc', force: true });
    expect(okta.actions[0].steps.map((s) => s.kind)).toEqual(['okta.deactivateUser']);
    expect(okta.actions[0].reversible).toBe(false);
  });

  test('access outside the API, active accounts and the last owner need --include; accepted findings are skipped', async () => {
    const g = await graphOf('okta-lifecycle');
    const gina = '00ubGOAizuyeSy1b3nuL';
    const p = buildPlan(g, { subject: gina, force: true });
    const known = byRule(p, 'okta.app-password-known')[0];
    expect(known.state).toBe('excluded');
    expect(known.reason).toMatch(/change it in the app first/);
    expect(known.manual[0]).toMatch(/Change the password/);
    expect(byRule(p, 'okta.dormant-app-assignment')[0].state).toBe('planned');
    const token = byRule(p, 'okta.api-token-of-departed')[0];
    const accepted = buildPlan(g, { subject: gina, force: true, accepted: (id) => (id === token.findings[0] ? '2027-01-01T00:00:00Z' : null) });
    expect(byRule(accepted, 'okta.api-token-of-departed')[0].state).toBe('accepted');
    const included = buildPlan(g, { subject: gina, force: true, include: ['okta.app-password-known'] });
    expect(byRule(included, 'okta.app-password-known')[0].state).toBe('planned');

    const e = await graphOf('entra-owned-apps');
    const alice = buildPlan(e, { subject: 'alice@contoso.com', force: true });
    const own = alice.actions.filter((a) => a.rule === 'entra.dormant-ownership');
    expect(own.map((a) => a.state).sort()).toEqual(['excluded', 'planned']);
    expect(own.find((a) => a.state === 'excluded')!.reason).toMatch(/last owner/);
    expect(byRule(alice, 'nhi.ownerless')[0].state).toBe('manual');
  });

  test('a snapshot older than the allowed age is refused unless forced', async () => {
    const g = await graphOf('okta-lifecycle');
    const now = Date.parse('2026-11-03T00:00:00Z');
    expect(() => buildPlan(g, { subject: '00ubGOAizuyeSy1b3nuL', now })).toThrow(/collected 2 d ago .* more than the allowed 1 d/);
    expect(() => buildPlan(g, { subject: '00ubGOAizuyeSy1b3nuL', now, maxAgeMs: 3 * 86_400_000 })).not.toThrow();
    expect(() => buildPlan(g, { subject: '00ubGOAizuyeSy1b3nuL', now, force: true })).not.toThrow();
    expect(() => buildPlan(g, { subject: '00ubGOAizuyeSy1b3nuL', now: Date.parse('2026-11-01T12:00:00Z') })).not.toThrow();
  });

  test('the same snapshot and options give the same plan id', async () => {
    const g = await graphOf('okta-lifecycle');
    const a = buildPlan(g, { subject: 'gina.lopez@example.com', force: true, now: 1 });
    const b = buildPlan(g, { subject: 'gina.lopez@example.com', force: true, now: 2 });
    expect(a.id).toBe(b.id);
    expect(buildPlan(g, { subject: 'gina.lopez@example.com', force: true, include: ['okta.app-password-known'] }).id).not.toBe(a.id);
  });
});

describe('the journal', () => {
  test('appends records with sequence numbers; a torn last line is ignored; done steps and calls in doubt are told apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-journal-'));
    const file = join(dir, 'journal.jsonl');
    const j = new Journal(file);
    j.append({ type: 'start', plan: 'p', mode: 'apply', by: 'test', pid: 1 });
    j.append({ type: 'intent', action: 'a', step: 0, kind: 'k', request: { method: 'DELETE', path: '/x', sourceKey: 's' }, clientRequestId: 'c1' });
    j.append({ type: 'result', action: 'a', step: 0, outcome: 'done', status: 204 });
    j.append({ type: 'intent', action: 'b', step: 0, kind: 'k', request: { method: 'DELETE', path: '/y', sourceKey: 's' }, clientRequestId: 'c2' });
    j.close();
    appendFileSync(file, '{"type":"result","action":"b","st');
    const recs = Journal.read(file);
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    const { steps } = stepStates(recs);
    expect(steps.get('a#0')?.state).toBe('done');
    expect(steps.get('b#0')?.state).toBe('doubt');
    const j2 = new Journal(file);
    expect(j2.append({ type: 'end', summary: {} }).seq).toBe(5);
    j2.close();
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(Journal.read(join(dir, 'empty.jsonl'))).toEqual([]);
  });
});
