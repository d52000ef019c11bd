/**
 * The read routes of the HTTP API on a real store made with `revenant load` from the shared
 * scenarios: findings (filters, cursors, cursors across a snapshot swap), one subject, what-if,
 * blast radius and paths, snapshots and diff, the OpenAPI document, health and metrics.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import type { Finding } from '../../queries/residual.js';
import { bearer, cleanupTemps, cliLoad, copyScenario, createKey, editJsonl, makeApp, scenario, setCollectedAt, tempDir, waitFor } from './helpers.js';

let storeDir: string;
let app: FastifyInstance;
let key: string;
let firstId: string;

const get = async (url: string, k = key) => app.inject({ method: 'GET', url, headers: bearer(k) });

beforeAll(async () => {
  storeDir = tempDir();
  firstId = await cliLoad(storeDir, scenario('cross-source-hr'));
  key = createKey(storeDir, ['read', 'what-if']);
  ({ app } = await makeApp(storeDir));
});

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

function storedFindings(id: string): Finding[] {
  const db = new SnapshotDb(new Store(storeDir).pathOf(id));
  try {
    return readStoredFindings(db).findings;
  } finally {
    db.close();
  }
}

describe('health', () => {
  it('answers /healthz and /readyz with the snapshot served', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const r = await app.inject('/readyz');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ready', snapshot: firstId });
  });

  it('is not ready without a snapshot, and becomes ready when one is loaded', async () => {
    const dir = tempDir();
    const { app: empty } = await makeApp(dir);
    try {
      const r = await empty.inject('/readyz');
      expect(r.statusCode).toBe(503);
      const k = createKey(dir, ['read']);
      const f = await empty.inject({ url: '/v1/findings', headers: bearer(k) });
      expect(f.statusCode).toBe(503);
      expect(f.json()).toMatchObject({ statusCode: 503, requestId: expect.any(String) });
      const id = await cliLoad(dir, scenario('okta-lifecycle'));
      await waitFor(async () => (await empty.inject('/readyz')).statusCode === 200, 'readiness');
      expect((await empty.inject('/readyz')).json().snapshot).toBe(id);
    } finally {
      await empty.close();
    }
  });
});

describe('GET /v1/findings', () => {
  it('returns every stored finding of the latest snapshot, with first/last seen', async () => {
    const r = await get('/v1/findings?limit=1000');
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-revenant-snapshot']).toBe(firstId);
    const body = r.json();
    const want = storedFindings(firstId);
    expect(body.count).toBe(want.length);
    expect(new Set(body.items.map((f: Finding) => f.id))).toEqual(new Set(want.map((f) => f.id)));
    for (const f of body.items) {
      expect(f.firstSeen).toEqual({ snapshot: firstId, at: '2026-11-01T00:00:00.000Z' });
      expect(want.find((w) => w.id === f.id)).toMatchObject({ rule: f.rule, status: f.status, severity: f.severity, subject: f.subject, via: f.via });
    }
    expect(body.hasMore).toBe(false);
    expect(typeof body.next).toBe('string');
  });

  it('filters by status, severity, rule and source', async () => {
    const all: Finding[] = (await get('/v1/findings?limit=1000')).json().items;
    const crit = (await get('/v1/findings?severity=critical')).json().items as Finding[];
    expect(crit.length).toBe(all.filter((f) => f.severity === 'critical').length);
    expect(crit.length).toBeGreaterThan(0);
    const two = (await get('/v1/findings?status=live&status=dormant')).json().items as Finding[];
    expect(two.length).toBe(all.filter((f) => f.status === 'live' || f.status === 'dormant').length);
    const rule = (await get('/v1/findings?rule=person.other-account-active')).json().items as Finding[];
    expect(rule.every((f) => f.rule === 'person.other-account-active')).toBe(true);
    expect(rule.length).toBe(2);
    const okta = (await get('/v1/findings?source=okta')).json().items as Finding[];
    expect(okta.every((f) => f.subject.source === 'okta')).toBe(true);
    const future = (await get('/v1/findings?since=2030-01-01T00:00:00Z')).json();
    expect(future.count).toBe(0);
    expect(typeof future.next).toBe('string');
    expect((await get('/v1/findings?severity=extreme')).statusCode).toBe(400);
    expect((await get('/v1/findings?rule=no.such-rule')).statusCode).toBe(400);
  });

  it('pages with cursors, returns a cursor on the last (empty) page, and refuses foreign cursors', async () => {
    const seen: string[] = [];
    let url = '/v1/findings?limit=2';
    let pages = 0;
    let next = '';
    for (;;) {
      const body = (await get(url)).json();
      pages++;
      seen.push(...body.items.map((f: Finding) => f.id));
      expect(typeof body.next).toBe('string');
      next = body.next;
      if (!body.hasMore) break;
      url = `/v1/findings?limit=2&cursor=${body.next}`;
    }
    const total = storedFindings(firstId).length;
    expect(new Set(seen).size).toBe(total);
    expect(seen.length).toBe(total);
    expect(pages).toBe(Math.ceil(total / 2));
    const empty = (await get(`/v1/findings?limit=2&cursor=${next}`)).json();
    expect(empty.count).toBe(0);
    expect(empty.next).toBe(next);
    const foreign = await get(`/v1/findings?limit=2&severity=low&cursor=${next}`);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().message).toMatch(/other filters/);
    expect((await get('/v1/findings?cursor=bm90LWEtY3Vyc29y')).statusCode).toBe(400);
    expect((await get('/v1/findings?limit=0')).statusCode).toBe(400);
    expect((await get('/v1/findings?limit=100000')).statusCode).toBe(400);
  });

  it('answers in OCSF', async () => {
    const body = (await get('/v1/findings?format=ocsf&ocsfClass=2004')).json();
    expect(body.items).toBeUndefined();
    expect(body.events.length).toBe(body.count);
    for (const e of body.events) expect(e).toMatchObject({ class_uid: 2004, category_uid: 2, type_uid: 200401 });
  });

  it('gets one finding by id', async () => {
    const f = storedFindings(firstId)[0];
    const r = (await get(`/v1/findings/${f.id}`)).json();
    expect(r.finding).toMatchObject({ id: f.id, rule: f.rule });
    const o = (await get(`/v1/findings/${f.id}?format=ocsf`)).json();
    expect(o.event.finding_info.uid).toBe(f.id);
    expect((await get(`/v1/findings/${'0'.repeat(32)}`)).statusCode).toBe(404);
    expect((await get('/v1/findings/not-an-id')).statusCode).toBe(400);
  });
});

describe('GET /v1/subjects/{subject}/residual-access', () => {
  it('finds a departed subject by id, UPN, mail (case-insensitive) or employee id', async () => {
    for (const name of ['891c8227-6ea5-5c9a-a89e-be6a1661540c', 'qray@contoso.com', 'QUINN.RAY@contoso.com', 'entra:qray@contoso.com']) {
      const r = await get(`/v1/subjects/${encodeURIComponent(name)}/residual-access`);
      expect(r.statusCode, name).toBe(200);
      const body = r.json();
      const entra = body.subjects.find((s: { source: string }) => s.source === 'entra');
      expect(entra).toMatchObject({ id: '891c8227-6ea5-5c9a-a89e-be6a1661540c', departed: true, closed: false });
      const rules = body.findings.filter((f: Finding) => f.subject.id === entra.id).map((f: Finding) => f.rule).sort();
      expect(rules).toEqual(['entra.sessions-not-revoked', 'person.other-account-active']);
      expect(body.coverage['entra:f5cbb77e-0602-5c21-a40d-4b695150da4c'].uncoveredRules).toEqual([]);
    }
    // An HR employee id resolves to the person's accounts.
    const byEmp = (await get('/v1/subjects/E6002/residual-access')).json();
    expect(byEmp.subjects.map((s: { id: string }) => s.id).sort()).toEqual(['00uEWtOGUUFB8FlG7rgw', 'ed4bb628-1026-5b3e-88cb-3871f0b3b87b']);
  });

  it('reports an account that has not departed, and 404 for an unknown one', async () => {
    const r = (await get('/v1/subjects/okta:oscar.wu@contoso.com/residual-access')).json();
    expect(r.subjects).toEqual([expect.objectContaining({ source: 'okta', id: '00uGbzbKHBj1rx75zt0d', departed: false, findings: 0 })]);
    expect(r.findings).toEqual([]);
    const nf = await get('/v1/subjects/nobody@contoso.com/residual-access');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().message).toMatch(/not found/);
  });

  it('answers in OCSF', async () => {
    const r = (await get('/v1/subjects/qray@contoso.com/residual-access?format=ocsf')).json();
    expect(r.findings).toBeUndefined();
    expect(r.events.map((e: { finding_info: { analytic: { uid: string } } }) => e.finding_info.analytic.uid).sort()).toEqual([
      'entra.sessions-not-revoked',
      'person.other-account-active',
    ]);
  });
});

describe('POST /v1/what-if', () => {
  it('reports what would remain if an account were disabled now', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/what-if', headers: bearer(key), payload: { assumeDeparted: ['oscar.wu@contoso.com'] } });
    expect(r.statusCode).toBe(200);
    const doc = r.json().doc;
    expect(doc.format).toBe('revenant-findings/1');
    const oscar = doc.subjects.filter((s: { assumed: boolean }) => s.assumed);
    expect(oscar.length).toBeGreaterThan(0);
    expect(doc.findings.length).toBeGreaterThan(0);
    const ocsf = await app.inject({ method: 'POST', url: '/v1/what-if?format=ocsf', headers: bearer(key), payload: { assumeDeparted: ['oscar.wu@contoso.com'] } });
    expect(ocsf.json().events.length).toBe(doc.findings.length);
  });

  it('needs the what-if scope, and rejects unknown fields and unknown subjects', async () => {
    const readOnly = createKey(storeDir, ['read']);
    expect((await app.inject({ method: 'POST', url: '/v1/what-if', headers: bearer(readOnly), payload: { assumeDeparted: ['x'] } })).statusCode).toBe(403);
    const extra = await app.inject({ method: 'POST', url: '/v1/what-if', headers: bearer(key), payload: { assumeDeparted: ['oscar.wu@contoso.com'], dryRun: true } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toMatch(/additional properties/i);
    const unknown = await app.inject({ method: 'POST', url: '/v1/what-if', headers: bearer(key), payload: { assumeDeparted: ['ghost@contoso.com'] } });
    expect(unknown.statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/v1/what-if', headers: bearer(key), payload: { assumeDeparted: [] } })).statusCode).toBe(400);
  });
});

describe('graph routes', () => {
  it('answers blast radius and paths, 404 for unknown principals', async () => {
    const br = await get('/v1/blast-radius/qray@contoso.com');
    expect(br.statusCode).toBe(200);
    expect(br.json()).toMatchObject({ format: 'revenant-blast-radius/1', principal: { id: '891c8227-6ea5-5c9a-a89e-be6a1661540c' } });
    expect((await get('/v1/blast-radius/ghost@contoso.com')).statusCode).toBe(404);
    const p = await get('/v1/paths?from=qray@contoso.com&to=tier0');
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ format: 'revenant-paths/1', to: 'tier0', paths: expect.any(Array) });
    expect((await get('/v1/paths?from=qray@contoso.com')).statusCode).toBe(400);
    expect((await get('/v1/paths?from=ghost@x&to=tier0')).statusCode).toBe(404);
  });
});

describe('snapshots, diff, and cursors across a swap', () => {
  it('keeps a cursor valid across a snapshot swap: the listing goes on, then every change since its snapshot follows', async () => {
    const page1 = (await get('/v1/findings?limit=2')).json();
    expect(page1.snapshot).toBe(firstId);
    expect(page1.phase).toBe('list');
    // The next collection: Oscar's Entra account is disabled (new findings); Nora's Okta account deprovisioned (one resolved).
    const col = copyScenario('cross-source-hr');
    editJsonl(join(col, 'entra', 'users.jsonl'), (u) => (u.id === '9934fad4-756a-51be-8aa7-c84112a40bef' ? { ...u, accountEnabled: false } : u));
    editJsonl(join(col, 'okta', 'users.jsonl'), (u) =>
      u.id === '00uEWtOGUUFB8FlG7rgw' ? { ...u, status: 'DEPROVISIONED', statusChanged: '2026-11-10T00:00:00.000Z' } : u,
    );
    for (const s of ['entra', 'okta', 'hr']) setCollectedAt(join(col, s), '2026-11-15T00:00:00Z');
    const secondId = await cliLoad(storeDir, col);
    await waitFor(async () => (await app.inject('/readyz')).json().snapshot === secondId, 'swap');

    const before = storedFindings(firstId);
    const after = storedFindings(secondId);
    type Item = Finding & { change?: { kind: string } };
    const rest: Item[] = [];
    let cursor = page1.next;
    const phases: string[] = [];
    for (;;) {
      const body = (await get(`/v1/findings?limit=2&cursor=${cursor}`)).json();
      expect(body.snapshot).toBe(secondId);
      phases.push(body.phase);
      rest.push(...body.items);
      cursor = body.next;
      if (!body.hasMore) break;
    }
    // The listing finishes, then the changes since the first snapshot follow.
    expect(phases[0]).toBe('list');
    expect(phases.at(-1)).toBe('changes');
    expect(phases.indexOf('changes')).toBeGreaterThan(phases.lastIndexOf('list'));
    // What a SIEM ends with (upsert each item, drop a closed one) is exactly the second snapshot.
    const open = new Map<string, Item>();
    for (const f of [...page1.items, ...rest] as Item[]) {
      if (f.change?.kind === 'closed') open.delete(f.id);
      else open.set(f.id, f);
    }
    expect([...open.keys()].sort()).toEqual(after.map((f) => f.id).sort());
    for (const f of after) expect(open.get(f.id)).toMatchObject({ status: f.status, severity: f.severity });
    const newIds = after.filter((f) => !before.some((b) => b.id === f.id)).map((f) => f.id);
    expect(newIds.length).toBeGreaterThan(0);
    const created = rest.filter((f) => f.change?.kind === 'created');
    expect(created.map((f) => f.id).sort()).toEqual([...newIds].sort());
    for (const f of created) expect((f as Finding & { firstSeen?: unknown }).firstSeen).toEqual({ snapshot: secondId, at: '2026-11-15T00:00:00.000Z' });
    // A finding is delivered twice only when it changed while the listing was in progress.
    const counts = new Map<string, number>();
    for (const f of [...page1.items, ...rest] as Item[]) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
    const changedIds = new Set(rest.filter((f) => f.change).map((f) => f.id));
    for (const [id, n] of counts) if (n > 1) expect(changedIds.has(id), id).toBe(true);
    // The last cursor, asked again, has nothing new.
    const again = (await get(`/v1/findings?limit=2&cursor=${cursor}`)).json();
    expect(again).toMatchObject({ count: 0, hasMore: false, next: cursor, phase: 'changes' });

    // Snapshots and diff
    const snaps = (await get('/v1/snapshots')).json();
    expect(snaps.current).toBe(secondId);
    expect(snaps.snapshots.map((s: { id: string }) => s.id)).toEqual([firstId, secondId]);
    expect(snaps.snapshots[0].path).toBeUndefined();
    const diff = (await get('/v1/diff')).json();
    expect(diff).toMatchObject({ from: firstId, to: secondId });
    expect(diff.new.map((f: Finding) => f.id).sort()).toEqual([...newIds].sort());
    expect(diff.resolved.map((f: Finding) => f.rule)).toContain('person.other-account-active');
    const explicit = (await get(`/v1/diff?from=${firstId}&to=${secondId}&format=ocsf`)).json();
    const acts = explicit.events.map((e: { activity_id: number }) => e.activity_id);
    expect(acts).toContain(1);
    expect(acts).toContain(3);
    expect((await get('/v1/diff?from=20990101-000000-000')).statusCode).toBe(404);
    expect((await get('/v1/diff?from=../../etc')).statusCode).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents every route with request and response schemas', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Finding).toBeDefined();
    const want = [
      '/v1/findings',
      '/v1/findings/{id}',
      '/v1/subjects/{subject}/residual-access',
      '/v1/what-if',
      '/v1/blast-radius/{principal}',
      '/v1/paths',
      '/v1/snapshots',
      '/v1/diff',
      '/v1/events/okta',
      '/v1/events/entra',
      '/v1/admin/status',
      '/healthz',
      '/readyz',
      '/metrics',
    ];
    for (const p of want) expect(doc.paths[p], p).toBeDefined();
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>)) {
      for (const [m, op] of Object.entries(ops)) {
        expect(op.responses['200'] ?? op.responses['202'], `${m} ${p}`).toBeDefined();
        if (p.startsWith('/v1/')) {
          expect(op.security, `${m} ${p}`).toEqual([{ bearerAuth: [] }]);
          expect(op.responses['401'], `${m} ${p}`).toBeDefined();
        }
      }
    }
    expect(doc.paths['/openapi.json']).toBeUndefined();
  });
});

describe('metrics', () => {
  it('exposes request counts, latencies, findings by status and severity, queue depth', async () => {
    await get('/v1/findings');
    const text = (await get('/metrics', createKey(storeDir, ['metrics']))).body;
    expect(text).toMatch(/revenant_http_requests_total\{method="GET",route="\/v1\/findings",status="200"\} \d+/);
    expect(text).toMatch(/revenant_http_request_duration_seconds_bucket\{/);
    expect(text).toMatch(/revenant_findings\{status="live",severity="critical"\} \d+/);
    expect(text).toMatch(/revenant_event_queue_depth\{state="queued"\} 0/);
    expect(text).toMatch(/revenant_push_failures_total/);
  });
});
