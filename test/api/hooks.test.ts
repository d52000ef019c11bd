/**
 * Hooks reject what they should (issue 11, item 7): an Okta event with an empty, blank or missing
 * `uuid` is refused (400) and nothing of its delivery is queued, so no event escapes replay
 * protection; a Graph notification whose `resource` does not decode is rejected on its own while
 * the rest of its batch is accepted; and event-driven refreshes prune their own snapshots under
 * `events.retainSnapshots`, so a steady stream of 200 events leaves a bounded number of snapshots
 * and refresh folders and bounded disk use.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDbPath } from '../../src/api/ApiDb.js';
import type { RefreshRequest } from '../../src/api/events/SubjectRefresher.js';
import { Store } from '../../src/store/Store.js';
import { CLIENT_STATE, FolderRefresher, HOOK_SECRET, bearer, cleanupTemps, cliLoad, createKey, editJsonl, makeApp, scenario, setCollectedAt, tempDir, testConfig, waitFor } from './helpers.js';

const TENANT = 'f5cbb77e-0602-5c21-a40d-4b695150da4c';
const OSCAR_ENTRA = '9934fad4-756a-51be-8aa7-c84112a40bef';
const MARIA_OKTA = '00uc7jKq6s0N4nrMnofc';

afterAll(() => cleanupTemps());

function jobCount(dir: string): number {
  const db = new Database(apiDbPath(dir), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function bytesUnder(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + bytesUnder(join(path, f)), 0);
}

const oktaEvent = (uuid: unknown, subject = MARIA_OKTA) => ({
  ...(uuid === undefined ? {} : { uuid }),
  eventType: 'user.lifecycle.suspend',
  published: '2026-11-05T10:00:00.000Z',
  target: [{ id: subject, type: 'User' }],
});

describe('Okta events without a replay key', () => {
  it('refuses a delivery with an event whose uuid is missing, empty or blank, and queues nothing of it', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const k = createKey(dir, ['events']);
    const { app } = await makeApp(dir, { refresher: new FolderRefresher(() => undefined) });
    try {
      const headers = { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET };
      for (const uuid of [undefined, '', ' ', '\t', null, 42]) {
        const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers, payload: { data: { events: [oktaEvent('good-1'), oktaEvent(uuid)] } } });
        expect(r.statusCode, JSON.stringify(uuid)).toBe(400);
        expect(r.json().code, JSON.stringify(uuid)).toBe('REVENANT_ERR_VALIDATION');
      }
      expect(jobCount(dir)).toBe(0);
      // With a uuid it is accepted once, and a replay is a duplicate.
      const ok = await app.inject({ method: 'POST', url: '/v1/events/okta', headers, payload: { data: { events: [oktaEvent('good-1')] } } });
      expect(ok.json()).toMatchObject({ accepted: 1, duplicates: 0 });
      const replay = await app.inject({ method: 'POST', url: '/v1/events/okta', headers, payload: { data: { events: [oktaEvent('good-1')] } } });
      expect(replay.json()).toMatchObject({ accepted: 0, duplicates: 1, queued: 0 });
    } finally {
      await app.close();
    }
  });
});

describe('Graph notifications that cannot be read', () => {
  it('rejects a notification whose resource does not decode, and accepts the rest of the batch', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const k = createKey(dir, ['events']);
    const { app } = await makeApp(dir, { refresher: new FolderRefresher(() => undefined) });
    try {
      const n = (id: string, resource: string, extra: Record<string, unknown> = {}) => ({ id, subscriptionId: 's1', clientState: CLIENT_STATE, changeType: 'updated', resource, tenantId: TENANT, ...extra });
      const r = await app.inject({
        method: 'POST',
        url: `/v1/events/entra?key=${k}`,
        payload: { value: [n('n-1', 'Users/%E0%A4%A'), n('n-2', `Users/${OSCAR_ENTRA}`), n('n-3', 'Users/%ZZ'), n('n-4', 'Users/%2F')] },
      });
      expect(r.statusCode).toBe(202);
      expect(r.json()).toMatchObject({ accepted: 1, queued: 1, rejected: 3 });
      const all = await app.inject({ method: 'POST', url: `/v1/events/entra?key=${k}`, payload: { value: [n('n-5', 'Users/%C0')] } });
      expect(all.statusCode).toBe(400);
      expect(all.json().code).toBe('REVENANT_ERR_VALIDATION');
      // The good one is queued for a refresh of the user.
      expect(jobCount(dir)).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('snapshots of event-driven refreshes', () => {
  it('keeps at most events.retainSnapshots of them under a steady stream of 200 events, with bounded disk use', async () => {
    const dir = tempDir();
    const initial = await cliLoad(dir, scenario('cross-source-hr'));
    const store = new Store(dir);
    const snapshotBytes = statSync(store.pathOf(initial)).size;
    const k = createKey(dir, ['events']);
    let n = 0;
    const refresher = new FolderRefresher((folder, req: RefreshRequest) => {
      n++;
      editJsonl(join(folder, 'users.jsonl'), (u) => (u.id === req.subject ? { ...u, status: n % 2 ? 'SUSPENDED' : 'ACTIVE', statusChanged: '2026-11-05T10:00:00.000Z' } : u));
      setCollectedAt(folder, `2026-11-05T10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`);
    });
    const retain = 3;
    const { app } = await makeApp(dir, { refresher, config: testConfig({ events: { retainSnapshots: retain } }) });
    try {
      const headers = { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET };
      const snapshotsSeen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers, payload: { data: { events: [oktaEvent(`stream-${i}`)] } } });
        expect(r.statusCode).toBe(200);
        snapshotsSeen.add((await app.inject('/readyz')).json().snapshot);
        await new Promise((res) => setTimeout(res, 20));
      }
      await waitFor(() => app.revenant.queue.counts().queued === 0 && !app.revenant.worker.busy, 'queue drained', 60_000);
      snapshotsSeen.add((await app.inject('/readyz')).json().snapshot);
      const ids = store.ids();
      // Enough refreshes ran for pruning to matter…
      expect(refresher.calls.length).toBeGreaterThan(retain + 2);
      // …and only the last `retain` of their snapshots are left, beside the one `load` wrote.
      expect(ids[0]).toBe(initial);
      expect(ids.length).toBeLessThanOrEqual(1 + retain);
      expect(ids.at(-1)).toBe((await app.inject('/readyz')).json().snapshot);
      const refreshFolders = readdirSync(join(dir, 'refresh'));
      expect(refreshFolders.length).toBeLessThanOrEqual(retain);
      const snapshotsDisk = bytesUnder(store.snapshotsDir);
      expect(snapshotsDisk).toBeLessThan(snapshotBytes * (2 + retain) * 1.5);
      const refreshDisk = bytesUnder(join(dir, 'refresh'));
      expect(refreshDisk).toBeLessThan(bytesUnder(scenario('cross-source-hr')) * (retain + 1) * 1.5);
    } finally {
      await app.close();
    }
  });
});
