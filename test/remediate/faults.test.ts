/**
 * Applying a plan when the tenant does not cooperate, through the CLI as an operator runs it:
 * throttling (429 with Retry-After / X-Rate-Limit-Reset) and 503s in the middle of a plan are
 * retried and every action still completes once; a crash (SIGKILL) after half the actions leaves
 * a journal that `--resume` continues without sending any call twice; an object that changed
 * between plan and apply (another owner now, an account enabled again) is skipped, never acted
 * on; a permission refused for one action fails that action with the permission it needs while
 * the others run. Nothing secret reaches the journal, the plan, the output or the verification.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { FakeRequest } from '../fakes/FakeServer.js';
import { gerr } from '../fakes/GraphFake.js';
import { oerr } from '../fakes/OktaFake.js';
import type { JournalRecord } from '../../src/remediate/Journal.js';
import type { Plan } from '../../src/remediate/Plan.js';
import { runNode } from '../collect/helpers.js';
import { ROOT } from '../support/scenarios.js';
import { type LiveScenario, OKTA_TOKEN, ensureBuilt, liveScenario } from './helpers.js';

beforeAll(() => ensureBuilt(), 300_000);

const ALICE = '4b90264f-c87d-5281-a083-91a09f9d78fc'; // entra-owned-apps: 6 planned Graph calls
const GINA = '00ubGOAizuyeSy1b3nuL'; // okta-lifecycle: suspended, 4 planned Okta calls
const write = (r: FakeRequest) => r.method !== 'GET';

let live: LiveScenario[] = [];
afterEach(async () => {
  for (const l of live) await l.stop();
  live = [];
});
async function scenario(name: string): Promise<LiveScenario> {
  const l = await liveScenario(name);
  live.push(l);
  return l;
}

function runFiles(l: LiveScenario): { plan: Plan; journal: JournalRecord[]; texts: string[] }[] {
  const root = join(l.store, 'remediation');
  return readdirSync(root)
    .filter((d) => d !== 'verifications')
    .map((d) => {
      const dir = join(root, d);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'));
      const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
      const journal = files.includes('journal.jsonl')
        ? readFileSync(join(dir, 'journal.jsonl'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((x) => JSON.parse(x) as JournalRecord)
        : [];
      return { plan: JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan, journal, texts };
    });
}

const writeKeys = (reqs: FakeRequest[]) => reqs.filter(write).map((r) => `${r.method} ${r.path}`);

describe('throttling and transient errors in the middle of a plan', () => {
  test('Graph: 429 with Retry-After and 503 are retried; every call lands once; verify closes', async () => {
    const l = await scenario('entra-owned-apps');
    const g = l.graph!;
    const throttled = g.server.addFault({ match: write, after: 1, times: 2, status: 429, headers: { 'Retry-After': '1' }, body: gerr(429, 'TooManyRequests', 'Too many requests').body });
    const unavailable = g.server.addFault({ match: write, after: 4, times: 2, status: 503, body: gerr(503, 'ServiceUnavailable', 'Service unavailable').body });
    const r = await l.run(['remediate', ALICE, '--apply', '--yes', '--force', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(throttled.fired).toBe(2);
    expect(unavailable.fired).toBe(2);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number>; calls: number };
    expect(out.summary.done).toBe(6);
    expect(out.calls).toBe(6);
    const keys = writeKeys(g.writes);
    expect(keys.length).toBe(6);
    expect(new Set(keys).size).toBe(6);
    const v = await l.run(['verify', ALICE, '--at', String(l.s.expected.at), '--format', 'json']);
    const ver = JSON.parse(v.stdout) as { findings: { rule: string; outcome: string; why: string }[] };
    // What remains is the ownership kept until an accountable owner is named, and nhi.ownerless (manual).
    expect(ver.findings.filter((f) => f.outcome === 'remains').map((f) => f.rule).sort()).toEqual(['entra.dormant-ownership', 'nhi.ownerless']);
    expect(v.code).toBe(3);
  }, 180_000);

  test('Okta: 429 with X-Rate-Limit-Reset and 503 are retried; every call lands once', async () => {
    const l = await scenario('okta-lifecycle');
    const o = l.okta!;
    const reset = () => ({ 'X-Rate-Limit-Limit': '100', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(Math.ceil(Date.now() / 1000) + 1), Date: new Date().toUTCString() });
    const throttled = o.server.addFault({ match: write, after: 1, times: 1, status: 429, headers: reset, body: oerr(429, 'E0000047', 'API call exceeded rate limit due to too many requests.').body });
    const unavailable = o.server.addFault({ match: write, after: 2, times: 2, status: 503, body: oerr(503, 'E0000009', 'Internal Server Error').body });
    const r = await l.run(['remediate', GINA, '--apply', '--yes', '--force', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(throttled.fired).toBe(1);
    expect(unavailable.fired).toBe(2);
    expect((JSON.parse(r.stdout) as { summary: Record<string, number> }).summary.done).toBe(4);
    const keys = writeKeys(o.writes);
    expect(keys.length).toBe(4);
    expect(new Set(keys).size).toBe(4);
  }, 180_000);
});

describe('a crash after half the actions, then --resume', () => {
  test('the journal holds the call in doubt; --resume re-reads it and sends nothing twice', async () => {
    const l = await scenario('entra-owned-apps');
    const g = l.graph!;
    let child: { kill(sig: NodeJS.Signals): boolean } | undefined;
    // The third write reaches the tenant, and the process dies before it hears the answer.
    g.server.addFault({ match: write, after: 2, times: 1, action: () => child?.kill('SIGKILL') });
    const crashed = await l.run(['remediate', ALICE, '--apply', '--yes', '--force'], { onSpawn: (c) => (child = c) });
    expect(crashed.signal).toBe('SIGKILL');
    const sentBefore = writeKeys(g.writes);
    expect(sentBefore.length).toBe(3);
    const [{ journal }] = runFiles(l);
    const intents = journal.filter((x) => x.type === 'intent');
    const results = journal.filter((x) => x.type === 'result');
    expect(intents.length).toBe(3);
    expect(results.length).toBe(2); // the third call is in doubt
    expect(journal.some((x) => x.type === 'end')).toBe(false);

    const refused = await l.run(['remediate', ALICE, '--apply', '--yes', '--force']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--resume/);

    const resumed = await l.run(['remediate', ALICE, '--apply', '--yes', '--resume', '--format', 'json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const keys = writeKeys(g.writes);
    expect(keys.length).toBe(6);
    expect(new Set(keys).size).toBe(6);
    const out = JSON.parse(resumed.stdout) as { actions: { outcome: string; steps: string[] }[]; calls: number };
    expect(out.calls).toBe(3);
    expect(out.actions.filter((a) => a.outcome === 'done-before').length).toBe(2);
    expect(out.actions.some((a) => a.steps.some((s) => s.startsWith('already gone')))).toBe(true);

    // A second --apply of the same plan sends nothing.
    const again = await l.run(['remediate', ALICE, '--apply', '--yes', '--force', '--format', 'table']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing was sent/);
    expect(writeKeys(g.writes).length).toBe(6);
  }, 180_000);
});

describe('objects that changed between plan and apply', () => {
  test('another owner took the application: its secret is left alone', async () => {
    const l = await scenario('entra-owned-apps');
    const g = l.graph!;
    const dry = await l.run(['remediate', ALICE, '--force', '--format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(g.writes.length).toBe(0);
    const app = '4ea7d6df-b367-5d7f-9273-2848ab9a78a3';
    g.data.applicationOwners.set(app, [{ '@odata.type': '#microsoft.graph.user', id: '6337b731-60dd-5a8e-b554-6fe2f82624dd' }]);
    const r = await l.run(['remediate', ALICE, '--apply', '--yes', '--force', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { actions: { title: string; outcome: string; reason?: string }[] };
    const secret = out.actions.find((a) => a.title.includes('8058e66b'))!;
    expect(secret.outcome).toBe('changed');
    expect(secret.reason).toMatch(/no longer owns/);
    expect(writeKeys(g.writes).some((k) => k.includes(app))).toBe(false);
    expect(((g.data.applications.find((a) => a.id === app)!.passwordCredentials as unknown[]) ?? []).length).toBe(1);
  }, 120_000);

  test('an account enabled again: its dormant entitlements are not removed', async () => {
    const l = await scenario('okta-lifecycle');
    const o = l.okta!;
    o.data.users.find((u) => u.id === GINA)!.status = 'ACTIVE';
    const r = await l.run(['remediate', GINA, '--apply', '--yes', '--force', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { actions: { outcome: string; reason?: string }[] };
    expect(out.actions.length).toBe(4);
    for (const a of out.actions) {
      expect(a.outcome).toBe('changed');
      expect(a.reason).toMatch(/enabled again/);
    }
    expect(o.writes.length).toBe(0);
  }, 120_000);
});

describe('a permission refused for one action', () => {
  test('that action fails with the permission it needs; the others run; verify says why it remains', async () => {
    const l = await scenario('entra-owned-apps');
    const g = l.graph!;
    g.server.addFault({
      match: (r) => r.method === 'DELETE' && /\/owners\//.test(r.path),
      status: 403,
      body: gerr(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.').body,
    });
    const r = await l.run(['remediate', ALICE, '--apply', '--yes', '--force', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 action failed/);
    const out = JSON.parse(r.stdout) as { actions: { outcome: string; reason?: string; title: string }[] };
    const failed = out.actions.filter((a) => a.outcome === 'failed');
    expect(failed.length).toBe(1);
    expect(failed[0].title).toMatch(/ownership/);
    expect(failed[0].reason).toMatch(/HTTP 403 Authorization_RequestDenied.*needs Application\.ReadWrite\.All/);
    expect(out.actions.filter((a) => a.outcome === 'done').length).toBe(5);
    const v = await l.run(['verify', ALICE, '--at', String(l.s.expected.at), '--format', 'json']);
    const ver = JSON.parse(v.stdout) as { findings: { rule: string; via: { id: string }; outcome: string; why: string }[] };
    const own = ver.findings.find((f) => f.rule === 'entra.dormant-ownership' && f.via.id === '4ea7d6df-b367-5d7f-9273-2848ab9a78a3')!;
    expect(own.outcome).toBe('remains');
    expect(own.why).toMatch(/^failed when applied: .*403/);
  }, 180_000);
});

describe('nothing secret is written or printed', () => {
  test('plan, journal, verification, script and output hold no token, secret value or certificate data', async () => {
    const l = await scenario('okta-service-apps-and-idps');
    const subject = '00unaLAyxh9UMrQRQAou';
    const script = await l.run(['remediate', subject, '--force', '--format', 'script']);
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toMatch(/^curl .*lifecycle\/deactivate/m);
    const applied = await l.run(['remediate', subject, '--apply', '--yes', '--force']);
    expect(applied.code, applied.stderr).toBe(0);
    const ver = await l.run(['verify', subject, '--at', String(l.s.expected.at)]);
    const e = await liveScenario('entra-owned-apps');
    live.push(e);
    const a2 = await e.run(['remediate', ALICE, '--apply', '--yes', '--force']);
    expect(a2.code, a2.stderr).toBe(0);
    const texts = [script, applied, ver, a2].flatMap((x) => [x.stdout, x.stderr]);
    for (const s of [l, e]) for (const run of runFiles(s)) texts.push(...run.texts);
    const secrets = [OKTA_TOKEN, e.env.REVENANT_GRAPH_TOKEN, 'fake-client-secret-value', 'fakehash', 'private-exponent', 'TUlJQmZha2VDZXJ0aWZpY2F0ZQ=='];
    for (const t of texts) for (const s of secrets) expect(t.includes(s), `found ${s.slice(0, 12)}…`).toBe(false);
    // The certificate removal is journaled by keyId, not with the certificates kept.
    const cert = runFiles(e)[0].journal.find((x) => x.type === 'intent' && x.kind === 'entra.removeKeyCredential');
    expect(JSON.stringify(cert)).toMatch(/every current certificate except keyId 45fe6c71/);
  }, 180_000);
});

describe('the command line', () => {
  test('dry run by default; --apply refuses to ask without a terminal; bad --include and stale snapshots are refused', async () => {
    const l = await scenario('okta-lifecycle');
    const dry = await l.run(['remediate', GINA, '--force', '--format', 'table']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: nothing was changed/);
    expect(dry.stdout).toMatch(/Revoke API token gina-automation/);
    expect(dry.stdout).toMatch(/needs okta: okta\.apiTokens\.manage/);
    expect(dry.stdout).toMatch(/excluded .*okta\.app-password-known/);
    const noTty = await l.run(['remediate', GINA, '--apply', '--force']);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/--yes/);
    const bad = await l.run(['remediate', GINA, '--force', '--include', 'okta.no-such-rule']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--include okta\.no-such-rule: not a rule id/);
    const stale = await l.run(['remediate', GINA]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/collected .* ago .*--max-age.*--force/);
    const wide = await l.run(['remediate', GINA, '--max-age', '3650d', '--format', 'json']);
    expect(wide.code, wide.stderr).toBe(0);
    const yesAlone = await l.run(['remediate', GINA, '--yes']);
    expect(yesAlone.code).toBe(2);
    expect(l.okta!.writes.length).toBe(0);
    const unknown = await l.run(['remediate', 'nobody@example.com', '--force']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/not found/);
  }, 120_000);
});

describe('confirmation before each action', () => {
  test('no skips the action (journaled as declined); all runs the rest without asking again', async () => {
    const l = await scenario('okta-lifecycle');
    const mod = (p: string) => JSON.stringify(join(ROOT, 'dist', p));
    const script = `
      const { openGraph } = await import(${mod('src/store/openGraph.js')});
      const { buildPlan } = await import(${mod('src/remediate/buildPlan.js')});
      const { applyPlan } = await import(${mod('src/remediate/applyPlan.js')});
      const { RemediationRuns } = await import(${mod('src/remediate/RemediationRuns.js')});
      const { connectionsFrom } = await import(${mod('src/cli/sourceConnections.js')});
      const { graph, close } = await openGraph({ store: ${JSON.stringify(l.store)} });
      const plan = buildPlan(graph, { subject: ${JSON.stringify(GINA)}, force: true });
      close();
      const runs = new RemediationRuns(${JSON.stringify(l.store)});
      const connections = connectionsFrom({ orgUrl: ${JSON.stringify(l.urls.orgUrl)}, retryBaseMs: '20' }, {}, process.env);
      const asked = [];
      const answers = ['no', 'all'];
      const first = await applyPlan({ plan, runs, connections, confirm: async (a) => { asked.push(a.n); return answers.shift(); } });
      console.log(JSON.stringify({ asked, outcomes: first.actions.map((a) => a.outcome), journal: runs.journal(plan.id).map((r) => r.type + ':' + (r.outcome ?? '')) }));
    `;
    const r = await runNode(script, 120_000, l.env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { asked: number[]; outcomes: string[]; journal: string[] };
    expect(out.asked.length).toBe(2); // asked twice: "no", then "all" for the rest
    expect(out.outcomes).toEqual(['declined', 'done', 'done', 'done']);
    expect(out.journal).toContain('skip:declined');
    expect(l.okta!.writes.length).toBe(3);
  }, 120_000);
});
