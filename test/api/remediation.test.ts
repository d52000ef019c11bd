/**
 * Remediation over HTTP, against `revenant serve` (the built CLI, trusting the fakes' test CA) and
 * the Graph fake: the plan for a `read` key; applying it needs the `remediate` scope, a server
 * whose config enables remediation, and the id of the plan the caller reviewed (a changed plan
 * is refused); the job is polled until every action is done, with the writes the fake received
 * matching the calls; a second POST of the same plan sends nothing; the routes are in the
 * OpenAPI document; a server without remediation refuses the POST.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LiveScenario, type Served, ensureBuilt, liveScenario, serveWithRemediation, stopServed } from '../remediate/helpers.js';
import { createKey } from './helpers.js';

const ALICE = '4b90264f-c87d-5281-a083-91a09f9d78fc';

async function call(s: Served, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const r = await fetch(`${s.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
}

let l: LiveScenario;
let on: Served;
let off: Served;
let readKey: string;
let remKey: string;

beforeAll(async () => {
  ensureBuilt();
  l = await liveScenario('entra-owned-apps');
  readKey = createKey(l.store, ['read']);
  remKey = createKey(l.store, ['remediate', 'read']);
  on = await serveWithRemediation(l, true);
  off = await serveWithRemediation(l, false);
}, 300_000);

afterAll(async () => {
  await stopServed();
  await l?.stop();
});

describe('remediation routes', () => {
  test('GET the plan with a read key; POST needs the remediate scope and the reviewed plan id; the job applies it', async () => {
    const plan = await call(on, readKey, 'GET', `/v1/subjects/${ALICE}/remediation-plan`);
    expect(plan.status, JSON.stringify(plan.json)).toBe(200);
    expect(plan.json.format).toBe('revenant-remediation-plan/1');
    expect(plan.json.summary.planned).toBe(6);
    expect(plan.json.actions.find((a: any) => a.rule === 'nhi.ownerless').state).toBe('manual');
    expect(l.graph!.writes.length).toBe(0);

    const noScope = await call(on, readKey, 'POST', `/v1/subjects/${ALICE}/remediation`, { plan: plan.json.id });
    expect(noScope.status).toBe(403);
    const stale = await call(on, remKey, 'POST', `/v1/subjects/${ALICE}/remediation`, { plan: '0123456789abcdef' });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toMatch(/plan changed since it was reviewed/);
    const unknownField = await call(on, remKey, 'POST', `/v1/subjects/${ALICE}/remediation`, { plan: plan.json.id, yes: true });
    expect(unknownField.status).toBe(400);

    const started = await call(on, remKey, 'POST', `/v1/subjects/${ALICE}/remediation`, { plan: plan.json.id });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    expect(started.json.id).toBe(plan.json.id);
    let job = started.json;
    for (let i = 0; i < 120 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await call(on, readKey, 'GET', `/v1/remediation-jobs/${plan.json.id}`)).json;
    }
    expect(job.state).toBe('finished');
    expect(job.summary.done).toBe(6);
    expect(job.calls).toBe(6);
    expect(l.graph!.writes.length).toBe(6);

    // The same plan again: every action was done; nothing is sent.
    const again = await call(on, remKey, 'POST', `/v1/subjects/${ALICE}/remediation`, { plan: plan.json.id });
    expect(again.status).toBe(202);
    let job2 = again.json;
    for (let i = 0; i < 60 && job2.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      job2 = (await call(on, readKey, 'GET', `/v1/remediation-jobs/${plan.json.id}`)).json;
    }
    expect(job2.state).toBe('finished');
    expect(job2.calls).toBe(0);
    expect(l.graph!.writes.length).toBe(6);

    // The journal is the CLI's: the job is also readable by a server that did not run it.
    const elsewhere = await call(off, readKey, 'GET', `/v1/remediation-jobs/${plan.json.id}`);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.json.summary.done).toBe(6);
  }, 180_000);

  test('a server without remediation enabled refuses to apply; the routes are documented', async () => {
    const plan = await call(off, readKey, 'GET', `/v1/subjects/${ALICE}/remediation-plan?include=entra.dormant-ownership`);
    expect(plan.status).toBe(200);
    expect(plan.json.options.include).toEqual(['entra.dormant-ownership']);
    const refused = await call(off, remKey, 'POST', `/v1/subjects/${ALICE}/remediation`, { plan: plan.json.id, include: ['entra.dormant-ownership'] });
    expect(refused.status).toBe(403);
    expect(refused.json.message).toMatch(/remediation is disabled/);
    const bad = await call(off, readKey, 'GET', `/v1/subjects/${ALICE}/remediation-plan?include=no.such-rule`);
    expect(bad.status).toBe(400);
    const missing = await call(off, readKey, 'GET', `/v1/subjects/nobody@example.com/remediation-plan`);
    expect(missing.status).toBe(404);
    const doc = (await (await fetch(`${off.origin}/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/subjects/{subject}/remediation-plan', '/v1/subjects/{subject}/remediation', '/v1/remediation-jobs/{id}']));
  }, 120_000);
});
