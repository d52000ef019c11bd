/**
 * OCSF 1.8 output: every event Revenant emits (IAM Analysis Finding 2008 and Detection Finding
 * 2004, from every route that answers in OCSF) carries every required attribute of its class and
 * of the objects it fills in, per the lists vendored from the OCSF schema definition files
 * (src/api/ocsf/requirements.ts names the source files); `finding_info.uid` is the stable
 * finding id; and the activity follows the finding between snapshots: Create when it appears,
 * Update while it persists, Close when it is resolved.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { checkOcsfEvent, OCSF_CLASSES, OCSF_OBJECTS, OCSF_VERSION } from '../../src/api/ocsf/requirements.js';
import { findingToOcsf } from '../../src/api/ocsf/ocsf.js';
import { bearer, cleanupTemps, cliLoad, copyScenario, createKey, editJsonl, makeApp, scenario, setCollectedAt, tempDir, waitFor } from './helpers.js';

type Ev = Record<string, any>;

let storeDir: string;
let app: FastifyInstance;
let key: string;
let s1: string;

const get = async (url: string) => (await app.inject({ url, headers: bearer(key) })).json();

beforeAll(async () => {
  storeDir = tempDir();
  s1 = await cliLoad(storeDir, scenario('cross-source-hr'));
  key = createKey(storeDir, ['read', 'what-if']);
  ({ app } = await makeApp(storeDir));
});

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

function expectConforms(events: Ev[], classUid: number): void {
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) {
    expect(checkOcsfEvent(e), JSON.stringify(e.finding_info?.uid)).toEqual([]);
    // The class's required attributes, one by one, against the vendored definition.
    for (const a of OCSF_CLASSES[classUid as 2008].required) expect(e[a], a).not.toBeUndefined();
    expect(e.class_uid).toBe(classUid);
    expect(e.category_uid).toBe(2);
    expect(e.type_uid).toBe(classUid * 100 + e.activity_id);
    expect(e.metadata.version).toBe(OCSF_VERSION);
    expect(e.metadata.product.name).toBe('Revenant');
    expect(Number.isInteger(e.time)).toBe(true);
    expect([2, 3, 4, 5]).toContain(e.severity_id);
    expect(e.finding_info.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(e.finding_info.uid).toBe(e.metadata.correlation_uid);
    if (classUid === 2008) expect(e.permission_analysis_results.length).toBeGreaterThan(0);
  }
}

describe('required attributes', () => {
  it('IAM Analysis Finding (2008) from /v1/findings carries every required attribute', async () => {
    const body = await get('/v1/findings?format=ocsf&limit=1000');
    expectConforms(body.events, 2008);
    const ids = (await get('/v1/findings?limit=1000')).items.map((f: Ev) => f.id).sort();
    expect(body.events.map((e: Ev) => e.finding_info.uid).sort()).toEqual(ids);
  });

  it('Detection Finding (2004) carries every required attribute', async () => {
    const body = await get('/v1/findings?format=ocsf&ocsfClass=2004&limit=1000');
    expectConforms(body.events, 2004);
    expect(body.events.every((e: Ev) => e.permission_analysis_results === undefined && e.is_alert !== undefined)).toBe(true);
  });

  it('subject, finding and what-if routes emit conforming events', async () => {
    expectConforms((await get('/v1/subjects/qray@contoso.com/residual-access?format=ocsf')).events, 2008);
    expectConforms((await get('/v1/subjects/qray@contoso.com/residual-access?format=ocsf&ocsfClass=2004')).events, 2004);
    const wi = await app.inject({ method: 'POST', url: '/v1/what-if?format=ocsf', headers: bearer(key), payload: { assumeDeparted: ['oscar.wu@contoso.com'] } });
    expectConforms(wi.json().events, 2008);
  });

  it('reports missing attributes (the check is not vacuous)', async () => {
    const e = (await get('/v1/findings?format=ocsf&limit=1')).events[0] as Ev;
    for (const a of OCSF_CLASSES[2008].required) {
      const broken = { ...e };
      delete broken[a];
      expect(checkOcsfEvent(broken).join(';'), a).toMatch(new RegExp(a));
    }
    expect(checkOcsfEvent({ ...e, permission_analysis_results: undefined }).join(';')).toMatch(/at least one of/);
    expect(checkOcsfEvent({ ...e, metadata: { ...e.metadata, product: {} } }).join(';')).toMatch(/metadata.product/);
    expect(checkOcsfEvent({ ...e, finding_info: { title: 'x' } }).join(';')).toMatch(/finding_info: missing required uid/);
    expect(checkOcsfEvent({ ...e, remediation: {} }).join(';')).toMatch(/remediation: missing required desc/);
    expect(checkOcsfEvent({ ...e, type_uid: 200802 }).join(';')).toMatch(/type_uid/);
    expect(Object.keys(OCSF_OBJECTS)).toEqual(expect.arrayContaining(['metadata', 'finding_info', 'remediation', 'user', 'resources']));
  });
});

describe('GitHub and Azure findings', () => {
  // Issue 16, item 7: the new sources' findings go out in OCSF with no special case — a resource
  // named by its GitHub or Azure kind, and every required attribute.
  let gStore: string;
  let gApp: FastifyInstance;
  let gKey: string;
  beforeAll(async () => {
    gStore = tempDir();
    await cliLoad(gStore, fileURLToPath(new URL('../scenarios/github-workload-path', import.meta.url)));
    gKey = createKey(gStore, ['read']);
    ({ app: gApp } = await makeApp(gStore));
  });
  afterAll(async () => {
    await gApp?.close();
  });

  it('names GitHub and Azure resource types and conforms', async () => {
    const gGet = async (url: string) => (await gApp.inject({ url, headers: bearer(gKey) })).json();
    const plain = (await gGet('/v1/findings?limit=1000')).items as Ev[];
    const body = await gGet('/v1/findings?format=ocsf&limit=1000');
    expectConforms(body.events, 2008);
    expect(body.events.map((e: Ev) => e.finding_info.uid).sort()).toEqual(plain.map((f) => f.id).sort());
    const bySource = new Map(plain.map((f) => [f.id, f.via] as const));
    const types = new Set<string>();
    for (const e of body.events as Ev[]) {
      const via = bySource.get(e.finding_info.uid)!;
      expect(e.resources[0]).toMatchObject({ uid: via.id, type: via.kind });
      types.add(`${via.source}:${e.resources[0].type}`);
    }
    expect([...types].some((t) => t.startsWith('github:'))).toBe(true);
    expect([...types].some((t) => t.startsWith('azure:'))).toBe(true);
  });
});

describe('activities between snapshots', () => {
  it('Create when a finding appears, Update while it persists, Close when it is resolved', async () => {
    const first = await get('/v1/findings?format=ocsf&limit=1000');
    expect(first.events.every((e: Ev) => e.activity_id === 1 && e.activity_name === 'Create' && e.status_id === 1)).toBe(true);

    // Next collection: Nora's Okta account deactivated (her other-account finding is resolved), Oscar's Entra account disabled (new findings).
    const col = copyScenario('cross-source-hr');
    editJsonl(join(col, 'okta', 'users.jsonl'), (u) => (u.id === '00uEWtOGUUFB8FlG7rgw' ? { ...u, status: 'DEPROVISIONED', statusChanged: '2026-11-10T00:00:00.000Z' } : u));
    editJsonl(join(col, 'entra', 'users.jsonl'), (u) => (u.id === '9934fad4-756a-51be-8aa7-c84112a40bef' ? { ...u, accountEnabled: false } : u));
    for (const s of ['entra', 'okta', 'hr']) setCollectedAt(join(col, s), '2026-11-20T00:00:00Z');
    const s2 = await cliLoad(storeDir, col);
    await waitFor(async () => (await app.inject('/readyz')).json().snapshot === s2, 'swap');

    const second = await get('/v1/findings?format=ocsf&limit=1000');
    const firstIds = new Set(first.events.map((e: Ev) => e.finding_info.uid));
    for (const e of second.events as Ev[]) {
      if (firstIds.has(e.finding_info.uid)) expect(e.activity_id, 'persisting').toBe(2);
      else expect(e.activity_id, 'new').toBe(1);
      expect(e.unmapped.revenant.snapshot).toBe(s2);
    }
    expect((second.events as Ev[]).some((e) => e.activity_id === 1)).toBe(true);
    const diff = await get(`/v1/diff?from=${s1}&to=${s2}&format=ocsf`);
    const closes = (diff.events as Ev[]).filter((e) => e.activity_id === 3);
    expect(closes.length).toBeGreaterThan(0);
    expectConforms(diff.events, 2008);
    for (const c of closes) {
      expect(c).toMatchObject({ activity_name: 'Close', status_id: 4, status: 'Resolved', type_uid: 200803 });
      expect(firstIds.has(c.finding_info.uid)).toBe(true);
    }
    // An event id is stable for (snapshot, finding, activity): the same diff twice gives the same ids.
    const again = await get(`/v1/diff?from=${s1}&to=${s2}&format=ocsf`);
    expect(again.events.map((e: Ev) => e.metadata.uid)).toEqual(diff.events.map((e: Ev) => e.metadata.uid));
  });

  it('maps every status and severity', () => {
    const base = {
      id: 'a'.repeat(32),
      rule: 'entra.owned-app-secret',
      subject: { source: 'entra', id: 'u', name: 'u@x' },
      via: { source: 'entra', kind: 'PasswordCredential', id: 'k', name: 'key' },
      validUntil: null,
      path: [],
      reaches: { tier0: false, privileges: [] },
      evidence: [],
      remediation: [],
    };
    for (const [severity, id] of [['low', 2], ['medium', 3], ['high', 4], ['critical', 5]] as const) {
      for (const status of ['live', 'window', 'unverified', 'dormant'] as const) {
        for (const cls of [2008, 2004] as const) {
          const e = findingToOcsf({ ...base, severity, status }, { activity: 'update', classUid: cls, snapshot: 's', time: 0 });
          expect(e.severity_id).toBe(id);
          expect(checkOcsfEvent(e)).toEqual([]);
        }
      }
    }
  });
});
