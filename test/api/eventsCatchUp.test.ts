/**
 * The time catch-up of the served snapshot (queries/timeCatchUp.ts, EventWorker): an event's
 * refresh never waits for it — its findings are pushed while a catch-up is held open, and on a
 * snapshot that stores its units' instants a refresh past one analyses the due unit itself — and a
 * refresh on a caught-up snapshot takes the units time alone changed from the catch-up instead of
 * analysing them, with the document a full load of the same collections gives.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { type CaughtUp, catchUpUnits, readCaughtUp, writeCaughtUp } from '../../queries/timeCatchUp.js';
import type { CatchUpRequest, CatchUpRunner } from '../../src/api/events/catchUpInChild.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { HOOK_SECRET, FolderRefresher, webhookSink, bearer, cleanupTemps, cli, cliLoad, createKey, editJsonl, makeApp, scenario, setCollectedAt, tempDir, testConfig, waitFor } from './helpers.js';

type Raw = Record<string, any>;

afterAll(() => cleanupTemps());

const GINA = '00ubGOAizuyeSy1b3nuL';
/** Another person of the scenario: her unit reads nothing of Gina's (Gina's is the one time changes). */
const OTHER = '00uHE6mm5T5QIxZFsjiN';
const TOKEN = '00Te26dgEUl0xyFnOwGf';

/** Okta says now (the real clock, as a live per-subject collection would): Gina's API token is gone. */
const tokenRevoked = () =>
  new FolderRefresher((d, req) => {
    editJsonl(join(d, 'apiTokens.jsonl'), (t) => (t.userId === req.subject && t.id === TOKEN ? null : t));
    setCollectedAt(d, new Date().toISOString());
  });

const revokeEvent = (uuid: string) => ({
  source: 'https://example.okta.com/api/v1/eventHooks/who1',
  data: { events: [{ uuid, eventType: 'system.api_token.revoke', actor: { id: '00uADMIN', type: 'User' }, target: [{ id: TOKEN, type: 'Token', displayName: 'gina-automation' }] }] },
});

/** A stored findings document without its snapshot id (two stores name their snapshots apart). */
/** A catch-up runner that records its requests and holds each open until `release` (never finishing on its own). */
function heldCatchUp(): { calls: CatchUpRequest[]; catchUp: CatchUpRunner; release: () => void; finished: () => boolean } {
  const calls: CatchUpRequest[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let done = false;
  const catchUp: CatchUpRunner = async (req) => {
    calls.push(req);
    await held;
    done = true;
    return null;
  };
  return { calls, catchUp, release, finished: () => done };
}

function docOf(store: Store, id: string): Raw {
  const { doc } = store.readFindings(id);
  return { ...doc, snapshot: null };
}

describe('time catch-up of the served snapshot', () => {
  it('analyses again, at a later instant, the units whose answer time alone changed, and round-trips through its file', async () => {
    const dir = tempDir();
    const id = await cliLoad(dir, scenario('okta-lifecycle'));
    const store = new Store(dir);
    const at = Date.now();
    const c = catchUpUnits(store, id, at);
    expect(c.units.size).toBeGreaterThan(0);
    for (const { unit } of c.units.values()) expect(unit.next === null || unit.next > at).toBe(true);
    // Nothing to catch up at (or before) the collection time.
    const sdb = new SnapshotDb(store.pathOf(id));
    const collected = Date.parse(sdb.meta.get('collectedAt')!);
    sdb.close();
    expect(catchUpUnits(store, id, collected).units.size).toBe(0);
    const file = join(tempDir(), 'c.json');
    writeCaughtUp(file, c);
    const back = readCaughtUp(file);
    expect(back.base).toBe(id);
    expect(back.at).toBe(at);
    expect([...back.units.keys()]).toEqual([...c.units.keys()]);
  });

  it('runs as the hidden `snapshots --catch-up` command on the embedded store, even where the environment names a Neo4j', async () => {
    const dir = tempDir();
    const id = await cliLoad(dir, scenario('okta-lifecycle'));
    const at = Date.now();
    const file = join(tempDir(), 'out.json');
    const before = process.env.NEO4J_URI;
    process.env.NEO4J_URI = 'bolt://127.0.0.1:1';
    try {
      const r = await cli('snapshots', '--store', dir, '--catch-up', id, '--catch-up-at', new Date(at).toISOString(), '--catch-up-out', file);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      if (before === undefined) delete process.env.NEO4J_URI;
      else process.env.NEO4J_URI = before;
    }
    const c = readCaughtUp(file);
    expect(c.base).toBe(id);
    expect(c.at).toBe(at);
    expect([...c.units.keys()]).toEqual([...catchUpUnits(new Store(dir), id, at).units.keys()]);
    const bad = await cli('snapshots', '--store', dir, '--catch-up', id);
    expect(bad.code).toBe(2);
  });

  it("pushes an event's findings while a catch-up of the served snapshot is held open", async () => {
    const s = await webhookSink();
    const dir = tempDir();
    const snap0 = await cliLoad(dir, scenario('okta-lifecycle'));
    const k = createKey(dir, ['events', 'read']);
    const { calls, catchUp, release, finished } = heldCatchUp();
    const { app } = await makeApp(dir, { refresher: tokenRevoked(), catchUp, config: testConfig({ sinks: [{ type: 'webhook', name: 'h', url: s.url, secret: 's3cret-s3cret' }] }) });
    try {
      await waitFor(() => calls.length === 1, 'the catch-up to start');
      expect(calls[0].id).toBe(snap0);
      await waitFor(() => s.hook.length >= 1, 'initial push');
      const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET }, payload: revokeEvent('tok-held') });
      expect(r.json()).toMatchObject({ queued: 1 });
      const pushed = await waitFor(
        () => s.hook.find((h) => h.snapshot !== snap0 && h.events.some((e: Raw) => e.activity_id === 3 && e.unmapped.revenant.subject.id === GINA)),
        "the refreshed subject's findings to be pushed",
      );
      expect(pushed.snapshot).not.toBe(snap0);
      // The catch-up is still held open: the event did not wait for it.
      expect(finished()).toBe(false);
      expect(calls).toHaveLength(1);
    } finally {
      release();
      await app.close();
      s.close();
    }
  });

  it("on a snapshot with its units' instants, a refresh past one does not wait for the catch-up: it analyses the due unit itself", async () => {
    // Oscar's HR termination date moved before now: at the collection he had not left, by now he
    // has (his unit's own instant passed; the snapshot's pending with it).
    const scen = join(tempDir(), 'cross-source-hr');
    cpSync(scenario('cross-source-hr'), scen, { recursive: true });
    const people = join(scen, 'hr', 'people.jsonl');
    writeFileSync(people, readFileSync(people, 'utf8').replace('"terminationDate": "2026-12-15"', '"terminationDate": "2026-12-01"'));
    const dir = tempDir();
    const snap0 = await cliLoad(dir, scen);
    const k = createKey(dir, ['events', 'read']);
    const { calls, catchUp, release, finished } = heldCatchUp();
    const refresher = new FolderRefresher((d) => setCollectedAt(d, new Date().toISOString()));
    const { app, store } = await makeApp(dir, { refresher, catchUp });
    try {
      await waitFor(() => calls.length === 1, 'the catch-up to start');
      const oscarOf = (id: string) => (docOf(store, id).subjects as Raw[]).filter((x) => String(x.name ?? x.id).toLowerCase().includes('oscar'));
      expect(oscarOf(snap0)).toEqual([]);
      const r = await app.inject({
        method: 'POST',
        url: '/v1/events/okta',
        headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET },
        payload: {
          source: 'https://contoso.okta.com/api/v1/eventHooks/who1',
          data: { events: [{ uuid: 'suspend-maria', eventType: 'user.lifecycle.suspend', target: [{ id: '00uc7jKq6s0N4nrMnofc', type: 'User' }] }] },
        },
      });
      expect(r.json()).toMatchObject({ queued: 1 });
      const snap1 = await waitFor(async () => {
        const s = (await app.inject('/readyz')).json().snapshot;
        return s !== snap0 ? (s as string) : null;
      }, 'the refresh');
      // Refreshed while the catch-up is still held open, and Oscar departed by time alone.
      expect(finished()).toBe(false);
      expect(oscarOf(snap1).length).toBeGreaterThan(0);
    } finally {
      release();
      await app.close();
    }
  });

  it('takes the units time alone changed from the catch-up, and the refreshed document is the one a full load gives', async () => {
    const dir = tempDir();
    const snap0 = await cliLoad(dir, scenario('okta-lifecycle'));
    const k = createKey(dir, ['events', 'read']);
    const done: CaughtUp[] = [];
    // In this process (the server runs it in a child: the same function).
    const catchUp: CatchUpRunner = async ({ store, id, at }) => {
      const c = catchUpUnits(store, id, at);
      done.push(c);
      return c;
    };
    // Okta says now: the other person, suspended, is deactivated (only her line changes).
    const refresher = new FolderRefresher((d, req) => {
      const f = join(d, 'users.jsonl');
      const from = `"id": "${req.subject}", "status": "SUSPENDED"`;
      expect(readFileSync(f, 'utf8')).toContain(from);
      writeFileSync(f, readFileSync(f, 'utf8').replace(from, `"id": "${req.subject}", "status": "DEPROVISIONED"`));
      setCollectedAt(d, new Date().toISOString());
    });
    const { app, store, logs } = await makeApp(dir, { refresher, catchUp });
    try {
      const caught = await waitFor(() => app.revenant.worker.caughtUp, 'the catch-up');
      expect(caught.base).toBe(snap0);
      expect(caught.units.size).toBeGreaterThan(0);
      const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET }, payload: {
          source: 'https://example.okta.com/api/v1/eventHooks/who1',
          data: { events: [{ uuid: 'deactivate-other', eventType: 'user.lifecycle.deactivate', target: [{ id: OTHER, type: 'User' }] }] },
        },
      });
      expect(r.json()).toMatchObject({ queued: 1 });
      const snap1 = await waitFor(async () => {
        const s = (await app.inject('/readyz')).json().snapshot;
        return s !== snap0 ? (s as string) : null;
      }, 'refresh');
      const line = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'subjects refreshed');
      expect(line.snapshot).toBe(snap1);
      // Gina's unit, which time alone changed, came from the catch-up; the other person's was analysed.
      expect(refresher.calls.map((c) => c.subject)).toEqual([OTHER]);
      expect(line.caughtUp).toBe(caught.units.size);
      expect(line.reanalysed).toBeGreaterThan(0);
      // The refreshed folder, loaded in full at the same collection time: the same document.
      const folder = join(refresher.calls[0].workDir, 'okta');
      const full = new Store(tempDir());
      const loaded = await loadSnapshot(full, [folder]);
      expect(docOf(store, snap1)).toEqual(docOf(full, loaded.id));
      expect(done).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it("does not take a caught-up unit the refresh changed: it is analysed again, and the document is still a full load's", async () => {
    const dir = tempDir();
    const base = await cliLoad(dir, scenario('okta-lifecycle'));
    const store = new Store(dir);
    const caught = catchUpUnits(store, base, Date.now());
    expect([...caught.units.keys()]).toHaveLength(1);
    // A wrong analysis in the catch-up: taken, it would show in the document.
    const [entry] = caught.units.values();
    const poisoned: CaughtUp = { ...caught, units: new Map([[entry.unit.key, { ...entry, unit: { ...entry.unit, findings: [] } }]]) };
    // Gina's token revoked: her unit (the one time changed) read it.
    const folder = join(tempDir(), 'okta');
    cpSync(scenario('okta-lifecycle/okta'), folder, { recursive: true });
    editJsonl(join(folder, 'apiTokens.jsonl'), (t) => (t.id === TOKEN ? null : t));
    setCollectedAt(folder, new Date().toISOString());
    const d = await loadDelta(store, [folder], base, undefined, { count: false, precomputed: poisoned });
    expect(d.caughtUp).toBe(0);
    const full = new Store(tempDir());
    const loaded = await loadSnapshot(full, [folder]);
    expect(docOf(store, d.id)).toEqual(docOf(full, loaded.id));
  });

  it('takes a caught-up unit only while its analysis holds: a catch-up after the refresh time is not used', async () => {
    const dir = tempDir();
    const base = await cliLoad(dir, scenario('okta-lifecycle'));
    const store = new Store(dir);
    const folder = join(tempDir(), 'okta');
    cpSync(scenario('okta-lifecycle/okta'), folder, { recursive: true });
    const at = Date.now();
    setCollectedAt(folder, new Date(at).toISOString());
    const later = catchUpUnits(store, base, at + 60_000);
    expect(later.units.size).toBe(1);
    const d = await loadDelta(store, [folder], base, undefined, { count: false, precomputed: later });
    expect(d.caughtUp).toBe(0);
    const same = catchUpUnits(store, base, at);
    const e = await loadDelta(store, [folder], base, undefined, { count: false, precomputed: same });
    expect(e.caughtUp).toBe(1);
    expect(docOf(store, e.id)).toEqual(docOf(store, d.id));
  });
});
