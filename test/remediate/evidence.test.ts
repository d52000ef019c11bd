/**
 * `revenant evidence` after a closed loop (plan → apply → verify against the Graph fake): the
 * attestation holds the plan, every call of its journal with the time it was sent and answered,
 * its status and the request id the fake returned, and the verification with the findings before
 * (observed at the plan's snapshot) and after (read live); the timeline has the plan, the calls and
 * the verification; the HTML page shows them. No secret value is in either file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Attestation } from '../../src/reports/evidence.js';
import { type LiveScenario, type LoopResult, closeTheLoop, ensureBuilt, liveScenario, runCli, tempDir } from './helpers.js';

const ALICE = '4b90264f-c87d-5281-a083-91a09f9d78fc';

let l: LiveScenario;
let loop: LoopResult;
let a: Attestation;
let page: string;

beforeAll(async () => {
  ensureBuilt();
  l = await liveScenario('entra-owned-apps');
  [loop] = await closeTheLoop(l, [ALICE]);
  const out = tempDir('revenant-remediation-evidence-');
  const r = await runCli(['evidence', ALICE, '--store', l.store, '--out', out, '--no-pdf']);
  expect(r.code, r.stderr).toBe(0);
  const json = readFileSync(join(out, `evidence-${ALICE}.json`), 'utf8');
  a = JSON.parse(json) as Attestation;
  page = readFileSync(join(out, `evidence-${ALICE}.html`), 'utf8');
  expect(json + page).not.toContain(l.env.REVENANT_GRAPH_TOKEN);
}, 600_000);

afterAll(() => l?.stop());

describe('evidence of a closed loop', () => {
  test('the plan, each call journaled with status, request id and times, and the verification before/after', () => {
    expect(loop.applied.calls).toBeGreaterThan(0);
    const plans = a.remediation.filter((r) => r.plan.id === loop.plan.id);
    expect(plans).toHaveLength(1);
    const [rec] = plans;
    expect(rec.plan.summary).toEqual(loop.plan.summary);
    expect(rec.plan.observedAt).toBe(loop.plan.snapshot.collectedAt);
    expect(rec.runs.length).toBeGreaterThanOrEqual(1);
    // Every write the fake received is a call of the journal, answered, with the fake's request id.
    expect(rec.calls).toHaveLength(l.graph!.writes.length);
    for (const c of rec.calls) {
      expect(c.status, `${c.method} ${c.path}`).toBeGreaterThanOrEqual(200);
      expect(c.status!).toBeLessThan(300);
      expect(c.requestId, `${c.method} ${c.path}`).toMatch(/\S/);
      expect(Date.parse(c.answeredAt!)).toBeGreaterThanOrEqual(Date.parse(c.sentAt));
      expect(loop.plan.actions.some((x) => x.id === c.action && x.state === 'planned')).toBe(true);
    }
    const [v] = rec.verifications;
    expect(v.findings.map((f) => [f.id, f.outcome]).sort()).toEqual(loop.verification.findings.map((f) => [f.id, f.outcome]).sort());
    expect(v.before.observedAt).toBe(loop.plan.snapshot.collectedAt);
    expect(v.after.snapshot).not.toBe(v.before.snapshot);
    expect(v.findings.filter((f) => f.outcome === 'gone').every((f) => f.before !== null && f.after === null)).toBe(true);
  });

  test('the timeline has the plan, every call and the verification, in time order', () => {
    const kinds = a.timeline.map((e) => e.kind);
    expect(kinds).toContain('remediation-planned');
    expect(kinds).toContain('verified');
    expect(kinds.filter((k) => k === 'remediation-call')).toHaveLength(l.graph!.writes.length);
    const times = a.timeline.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
  });

  test('the HTML page shows the plan, each call with its request id, and the verification', () => {
    const [rec] = a.remediation.filter((r) => r.plan.id === loop.plan.id);
    expect(page).toContain(`data-plan="${rec.plan.id}"`);
    for (const c of rec.calls) expect(page).toContain(c.requestId!);
    expect(page).toMatch(/<h4>Verified [^<]*: (closed|not closed)<\/h4>/);
  });
});
