/**
 * The closed loop on every shared scenario, against the Graph and Okta fakes: for each departed
 * subject, plan → apply → verify leaves the subject closed, except for the findings the guard
 * rails keep (excluded until `--include`, manual) and, where the scenario's data is incomplete,
 * the catalogue's refusal to call anyone closed; nothing new appears; the writes the fakes
 * received are exactly the calls the applies sent; and a second plan and apply sends nothing.
 * With every guarded rule included, only the manual findings remain.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LiveScenario, type LoopResult, closeTheLoop, departedSubjects, ensureBuilt, liveScenario } from './helpers.js';
import { scenarioNames } from '../support/scenarios.js';

beforeAll(() => ensureBuilt(), 300_000);

// entra.dormant-ownership is left out: included, it removes the last owner and so hides nhi.ownerless (a manual finding).
const GUARDED = ['person.other-account-active', 'okta.app-password-known', 'okta.shared-app-password', 'okta.downstream-account-not-deprovisioned', 'okta.dormant-app-assignment'];

/**
 * `incomplete`: the scenario serves some datasets partially (503 after the lines it holds): a
 * re-read of such an object fails, and the action is then not taken (reported failed, the finding
 * remains) — never acted on blind.
 */
function checkLoop(r: LoopResult, incomplete = false): void {
  const v = r.verification;
  const actionOf = (id: string) => r.plan.actions.find((a) => a.findings.includes(id));
  const blind = (a: { outcome: string; reason?: string }) => incomplete && a.outcome === 'failed' && /^re-read failed: .*HTTP (503|403)/.test(a.reason ?? '');
  // Every finding of a planned action is gone; what remains is what the plan did not run.
  for (const f of v.findings) {
    if (f.outcome === 'new') throw new Error(`${r.subject}: new finding ${f.rule} via ${f.via.id}: ${f.why}`);
    const a = actionOf(f.id);
    expect(a, `${f.rule} ${f.via.id} has an action`).toBeDefined();
    const ran = r.applied.actions.find((x) => x.id === a!.id);
    if (a!.state === 'planned' && !(ran && blind(ran))) expect(f.outcome, `${f.rule} via ${f.via.id}: ${f.why}`).toBe('gone');
    else expect(f.outcome, `${f.rule} via ${f.via.id} (${a!.state})`).toBe('remains');
    if (f.outcome === 'remains') expect(f.why).toMatch(/^(excluded|manual|accepted): |^failed when applied: re-read failed/);
  }
  for (const a of r.applied.actions) if (!blind(a)) expect(['done', 'done-before'], `${a.title}: ${a.reason ?? ''}`).toContain(a.outcome);
  // Closed exactly when nothing remains and the data is complete (the catalogue's rule).
  const remains = v.findings.filter((f) => f.outcome === 'remains').length;
  const dataIncomplete = v.subjects.some((s) => s.departed && /data incomplete/.test(s.closure));
  expect(v.closed, JSON.stringify(v.subjects.map((s) => s.closure))).toBe(remains === 0 && !dataIncomplete);
  if (!incomplete) expect(dataIncomplete).toBe(false);
  // The plan made from the verified snapshot has nothing left to run (but what could not be re-read), and its apply sends nothing.
  expect(r.plan2.summary.planned).toBe(r.applied.actions.filter(blind).length);
  expect(r.applied2.calls).toBe(0);
}

describe.each(scenarioNames())('closed loop: %s', (name) => {
  let l: LiveScenario;
  let results: LoopResult[];
  beforeAll(async () => {
    l = await liveScenario(name);
    results = await closeTheLoop(l, departedSubjects(l.s));
  }, 600_000);
  afterAll(() => l?.stop());

  test('plan → apply → verify closes every subject but for the guard rails; a second apply does nothing', () => {
    expect(results.length).toBe(departedSubjects(l.s).length);
    const incomplete = [l.s.entra?.manifest, l.s.okta?.manifest].some((m) => m && Object.values(m.datasets).some((d) => d.status !== 'complete'));
    for (const r of results) checkLoop(r, incomplete);
    const sent = results.reduce((n, r) => n + r.applied.calls + r.applied2.calls, 0);
    expect(l.writes()).toBe(sent);
  });

  test('no delete or disable of an application, service principal, group or IdP; accounts disabled are the subject’s own', () => {
    for (const w of [...(l.graph?.writes ?? []), ...(l.okta?.writes ?? [])]) {
      expect(`${w.method} ${w.path}`).not.toMatch(/^DELETE \/v1\.0\/(applications|servicePrincipals|groups)\/[^/]+$/);
      expect(`${w.method} ${w.path}`).not.toMatch(/^(DELETE|POST) \/api\/v1\/(apps|groups|idps)\/[^/]+(\/lifecycle\/deactivate)?$/);
      expect(`${w.method} ${w.path}`).not.toMatch(/^PATCH \/v1\.0\/(applications|servicePrincipals)\/[^/]+$/.test(`${w.method} ${w.path}`) && !(w.body as { keyCredentials?: unknown })?.keyCredentials ? /./ : /^$/);
    }
    const subjects = new Set(departedSubjects(l.s).map((s) => s.toLowerCase()));
    for (const w of l.graph?.writes ?? []) if (w.method === 'PATCH' && /^\/v1\.0\/users\//.test(w.path)) expect(subjects).toContain(w.path.split('/')[3].toLowerCase());
    for (const w of l.okta?.writes ?? []) if (/lifecycle\/deactivate$/.test(w.path) && w.path.startsWith('/api/v1/users/')) expect(subjects).toContain(w.path.split('/')[4].toLowerCase());
  });
});

describe.each(['okta-lifecycle', 'entra-owned-apps', 'cross-source-hr', 'entra-hybrid-and-alt-accounts'])('every guarded rule included: %s', (name) => {
  test('only manual findings remain', async () => {
    const l = await liveScenario(name);
    try {
      const results = await closeTheLoop(l, departedSubjects(l.s), GUARDED);
      for (const r of results) {
        checkLoop(r);
        for (const f of r.verification.findings.filter((x) => x.outcome === 'remains')) {
          // Or the last departed owner of an ownerless machine identity, kept until an accountable owner is named.
          expect(f.why, `${f.rule} ${f.via.id}`).toMatch(/^manual: |^excluded: the account is the last owner left/);
        }
      }
    } finally {
      await l.stop();
    }
  }, 600_000);
});
