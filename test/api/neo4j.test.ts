/**
 * `revenant serve` on Neo4j: the API serves the latest snapshot in Neo4j (pushed there by
 * `load --neo4j`), with the same answers as on the embedded store — one subject, findings, what-if,
 * blast radius and paths run in Cypher; the console's routes (board, search, person view,
 * neighbourhood, evidence) answer exactly as on the embedded store — and an event-driven refresh
 * lands in Neo4j too (loaded in the embedded store, pushed into Neo4j, swapped in). Runs against
 * the real test Neo4j (test/support/neo4j.ts: NEO4J_URI or `npm run neo4j:start`).
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Neo4jSource } from '../../src/api/snapshot/SnapshotSource.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { Store } from '../../src/store/Store.js';
import { neo4jUri, openTestDriver, pushSnapshot } from '../support/neo4j.js';
import { FolderRefresher, HOOK_SECRET, bearer, cleanupTemps, cliLoad, createKey, editJsonl, makeApp, makeWritable, scenario, setCollectedAt, tempDir, waitFor } from './helpers.js';

type Raw = Record<string, any>;

let driver: Driver;
let neo: Neo4jStore;
let app: FastifyInstance;
let embedded: FastifyInstance;
let key: string;
let embeddedKey: string;
let storeDir: string;
let first: string;
const mine: string[] = [];

beforeAll(async () => {
  driver = openTestDriver();
  neo = new Neo4jStore(driver, neo4jUri());
  await neo.ensureSchema();
  storeDir = tempDir();
  first = await cliLoad(storeDir, scenario('cross-source-hr'));
  await pushSnapshot(neo, storeDir, first);
  mine.push(first);
  key = createKey(storeDir, ['read', 'what-if', 'events']);
  const refresher = new FolderRefresher((dir, req) => {
    editJsonl(join(dir, 'users.jsonl'), (u) => (u.id === req.subject ? { ...u, status: 'SUSPENDED', statusChanged: '2026-11-05T10:00:00.000Z' } : u));
    setCollectedAt(dir, '2026-11-05T10:01:00Z');
  });
  const appDriver = openTestDriver();
  ({ app } = await makeApp(storeDir, { source: new Neo4jSource(new Neo4jStore(appDriver, neo4jUri()), appDriver), refresher }));
  // The same snapshot on the embedded engine, for comparison (a copy of the store: its own queue).
  const copy = tempDir();
  cpSync(join(storeDir, 'snapshots'), join(copy, 'snapshots'), { recursive: true });
  embeddedKey = createKey(copy, ['read', 'what-if']);
  ({ app: embedded } = await makeApp(copy));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await embedded?.close();
  for (const id of mine) await neo.remove(id).catch(() => undefined);
  await driver?.close();
  cleanupTemps();
});

const get = async (a: FastifyInstance, url: string) => (await a.inject({ url, headers: bearer(a === embedded ? embeddedKey : key) })).json();
const sortF = (xs: Raw[]) => xs.map((f) => `${f.id}:${f.status}:${f.severity}`).sort();

describe('serving from Neo4j', () => {
  it('serves the latest Neo4j snapshot with the same findings as the embedded engine', async () => {
    await waitFor(async () => (await app.inject('/readyz')).json().snapshot === first, 'Neo4j snapshot served', 30_000);
    const n = await get(app, '/v1/findings?limit=1000');
    const e = await get(embedded, '/v1/findings?limit=1000');
    expect(n.snapshot).toBe(first);
    expect(sortF(n.items)).toEqual(sortF(e.items));
    const ns = await get(app, '/v1/subjects/qray@contoso.com/residual-access');
    const es = await get(embedded, '/v1/subjects/qray@contoso.com/residual-access');
    expect(ns.subjects.map((s: Raw) => s.id).sort()).toEqual(es.subjects.map((s: Raw) => s.id).sort());
    expect(sortF(ns.findings)).toEqual(sortF(es.findings));
    expect((await app.inject({ url: '/v1/subjects/ghost@contoso.com/residual-access', headers: bearer(key) })).statusCode).toBe(404);
    expect((await get(app, '/v1/snapshots')).snapshots.map((s: Raw) => s.id)).toContain(first);
  }, 60_000);

  it('runs what-if, blast radius and paths in Cypher', async () => {
    const body = { assumeDeparted: ['oscar.wu@contoso.com'] };
    const n = (await app.inject({ method: 'POST', url: '/v1/what-if', headers: bearer(key), payload: body })).json();
    const e = (await embedded.inject({ method: 'POST', url: '/v1/what-if', headers: bearer(embeddedKey), payload: body })).json();
    expect(sortF(n.doc.findings)).toEqual(sortF(e.doc.findings));
    const nb = await get(app, '/v1/blast-radius/qray@contoso.com');
    const eb = await get(embedded, '/v1/blast-radius/qray@contoso.com');
    expect(nb.principal).toEqual(eb.principal);
    expect(nb.privileges.map((p: Raw) => p.label).sort()).toEqual(eb.privileges.map((p: Raw) => p.label).sort());
    const np = await get(app, '/v1/paths?from=qray@contoso.com&to=tier0');
    expect(np.format).toBe('revenant-paths/1');
  }, 60_000);

  it('serves the console on Neo4j: the board, search, person view, neighbourhood and evidence answer as on the embedded store', async () => {
    const both = async (url: string) => {
      const [n, e] = await Promise.all([app.inject({ url, headers: bearer(key) }), embedded.inject({ url, headers: bearer(embeddedKey) })]);
      expect(n.statusCode, url).toBe(e.statusCode);
      // An error's request id is the request's own; everything else must match.
      const body = (r: { json(): Raw }) => ({ ...r.json(), requestId: undefined });
      expect(body(n), url).toEqual(body(e));
      return n.json();
    };
    const board = await both('/v1/leavers');
    expect(board.items.length).toBeGreaterThan(0);
    await both('/v1/leavers?sort=name&offset=1&limit=2');
    for (const q of ['m', 'maria', 'qray@', '00uc7jKq6s0N4nrMnofc', 'contoso', 'zzzz-nothing']) {
      const r = await both(`/v1/search?q=${encodeURIComponent(q)}&limit=8`);
      if (q === 'maria') expect(r.items.length).toBeGreaterThan(0);
    }
    const person = await both('/v1/persons/qray@contoso.com');
    expect(person.members.length).toBeGreaterThan(1);
    expect(person.links.length).toBeGreaterThan(0);
    for (const row of board.items as Raw[]) await both(`/v1/persons/${encodeURIComponent(String(row.accounts?.[0]?.id ?? row.id))}`);
    await both('/v1/persons/nobody@contoso.com');
    const nb = await both(`/v1/graph/neighbourhood?node=${encodeURIComponent('okta:00uZfBEhJBXQWWfp1yxe')}&limit=1`);
    expect(nb.groups.length).toBeGreaterThan(0);
    for (const g of nb.groups as Raw[]) {
      for (const item of g.items as Raw[]) await both(`/v1/graph/neighbourhood?node=${encodeURIComponent(item.key)}&offset=1&limit=2`);
    }
    await both(`/v1/graph/neighbourhood?node=${encodeURIComponent(nb.node.key)}&dir=out&edges=BELONGS_TO`);
    await both('/v1/graph/neighbourhood?node=nothing-here');
    const finding = person.findings.find((f: Raw) => f.evidence?.length);
    expect(finding, 'a finding with evidence').toBeDefined();
    const ev = await both(`/v1/evidence?ref=${encodeURIComponent(finding.evidence[0])}`);
    expect(ev.verified).toBe(true);
  }, 90_000);

  it('refreshes a subject on an event: the new snapshot lands in Neo4j and is served', async () => {
    const MARIA = '00uc7jKq6s0N4nrMnofc';
    // A SIEM lists everything first and keeps its cursor.
    let cursor = (await get(app, '/v1/findings?limit=1000')).next as string;
    const r = await app.inject({
      method: 'POST',
      url: '/v1/events/okta',
      headers: { ...bearer(key), 'x-revenant-hook-secret': HOOK_SECRET },
      payload: { source: 'https://contoso.okta.com/api/v1/eventHooks/x', data: { events: [{ uuid: `neo-${Date.now()}`, eventType: 'user.lifecycle.suspend', target: [{ id: MARIA, type: 'User' }] }] } },
    });
    expect(r.json()).toMatchObject({ queued: 1 });
    const snap = await waitFor(async () => {
      const s = (await app.inject('/readyz')).json().snapshot;
      return s !== first ? s : null;
    }, 'refreshed snapshot from Neo4j', 60_000);
    mine.push(snap);
    expect((await neo.list()).map((s) => s.id)).toContain(snap);
    // The server read the refresh's document as the delta's change over the one it served (not
    // every finding back from Neo4j): the same document Neo4j stores for it.
    const viaDelta = await new Neo4jSource(neo, driver, { local: new Store(storeDir) }).readDocOn(snap, first, await neo.storedFindings(first));
    expect(viaDelta, 'the refresh is a delta on the snapshot served').not.toBeNull();
    expect(JSON.stringify(viaDelta!.doc)).toBe(JSON.stringify(await neo.storedFindings(snap)));
    const after = await get(app, `/v1/subjects/okta:${MARIA}/residual-access`);
    expect(after.snapshot).toBe(snap);
    expect(after.subjects[0].departedBecause.join(' ')).toMatch(/SUSPENDED/);
    // Its next poll gets the change: Maria's enabled-leaver finding is closed.
    const changes = await get(app, `/v1/findings?limit=1000&cursor=${cursor}`);
    expect(changes.phase).toBe('changes');
    const closed = changes.items.filter((i: Raw) => i.change.kind === 'closed');
    expect(closed.map((i: Raw) => `${i.rule}:${i.subject.id}`)).toContain(`hr.leaver-account-enabled:${MARIA}`);
    cursor = changes.next;

    // A snapshot pushed into Neo4j from another machine's store (never in this server's feed):
    // the server appends its changes when it serves it.
    const elsewhere = tempDir();
    const col = join(tempDir(), 'col');
    cpSync(scenario('cross-source-hr'), col, { recursive: true });
    makeWritable(col);
    editJsonl(join(col, 'entra', 'users.jsonl'), (u) => (u.id === '9934fad4-756a-51be-8aa7-c84112a40bef' ? { ...u, accountEnabled: false } : u));
    const other = await cliLoad(elsewhere, col);
    await pushSnapshot(neo, elsewhere, other);
    mine.push(other);
    await waitFor(async () => (await app.inject('/readyz')).json().snapshot === other, 'the pushed snapshot served', 60_000);
    const more = await get(app, `/v1/findings?limit=1000&cursor=${cursor}`);
    expect(more.snapshot).toBe(other);
    expect(more.items.filter((i: Raw) => i.change.kind === 'created').map((i: Raw) => i.subject.id)).toContain('9934fad4-756a-51be-8aa7-c84112a40bef');
    // (Maria is not suspended in that collection: her finding comes back.)
    expect(more.items.filter((i: Raw) => i.change.kind === 'reopened').map((i: Raw) => i.subject.id)).toContain(MARIA);
  }, 120_000);
});
