/**
 * A complete change feed (issue 11, item 1): SIEM pollers that keep only their last cursor — one
 * without filters, one with `status=live` — poll `GET /v1/findings` between loads of A, B and A
 * again, and after every poll what each has (upsert on each item, drop on `closed` or when the
 * item's state leaves its filter) is exactly the served snapshot's findings under its filter: new
 * findings arrive as created, resolved ones as closed, a finding that comes back as reopened, and a
 * dormant finding that becomes live after the live poller's cursor passed it is delivered as an
 * update (a regression). Also: loading the same collection twice changes nothing; a snapshot
 * published without its events (a crash between the two) gets them when the server swaps it in;
 * a cursor older than the retained history or of another feed is 410 REVENANT_ERR_CURSOR_EXPIRED,
 * one of the first cursor version 400 REVENANT_ERR_CURSOR_OUTDATED; paging stays bounded under a sparse filter.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { analyseSnapshotFile } from '../../queries/loadSnapshot.js';
import type { Finding } from '../../queries/residual.js';
import { FEED_FILE } from '../../src/store/ChangeFeed.js';
import { Store } from '../../src/store/Store.js';
import { Poller, collection, escalation } from './changeFeedSupport.js';
import { bearer, cleanupTemps, cli, cliLoad, createKey, makeApp, tempDir, waitFor } from './helpers.js';

afterAll(() => cleanupTemps());

function servedFindings(storeDir: string, id: string): Finding[] {
  return new Store(storeDir).readFindings(id).doc.findings;
}

async function served(app: FastifyInstance): Promise<string> {
  return (await app.inject('/readyz')).json().snapshot;
}

async function loadAndSwap(app: FastifyInstance, storeDir: string, col: string): Promise<string> {
  const id = await cliLoad(storeDir, col);
  await waitFor(async () => (await served(app)) === id, `swap to ${id}`);
  return id;
}

function expectInSync(p: Poller, storeDir: string, id: string, filter: (f: Finding) => boolean = () => true): void {
  const want = servedFindings(storeDir, id).filter(filter);
  expect([...p.open.keys()].sort()).toEqual(want.map((f) => f.id).sort());
  for (const f of want) expect(p.open.get(f.id), f.id).toMatchObject({ status: f.status, severity: f.severity, rule: f.rule });
}

describe('polling with saved cursors between loads of A, B and A again', () => {
  it('delivers every new, changed, resolved and returning finding, filtered or not', async () => {
    const dir = tempDir();
    const a1 = await cliLoad(dir, collection('A', '2026-11-01T00:00:00Z'));
    const key = createKey(dir, ['read']);
    const { app } = await makeApp(dir);
    try {
      const everything = new Poller(app, key);
      const live = new Poller(app, key, { status: 'live' }, 1);
      const isLive = (f: Finding) => f.status === 'live';
      await everything.poll();
      await live.poll();
      expectInSync(everything, dir, a1);
      expectInSync(live, dir, a1, isLive);
      // Nothing changed: a poll returns nothing and keeps the cursor.
      const cursor = everything.cursor;
      expect(await everything.poll()).toEqual([]);
      expect(everything.cursor).toBe(cursor);

      const b = await loadAndSwap(app, dir, collection('B', '2026-11-15T00:00:00Z'));
      const before = new Set(servedFindings(dir, a1).map((f) => f.id));
      const after = servedFindings(dir, b);
      const created = after.filter((f) => !before.has(f.id)).map((f) => f.id);
      const resolved = [...before].filter((id) => !after.some((f) => f.id === id));
      expect(created.length).toBeGreaterThan(0);
      expect(resolved.length).toBeGreaterThan(0);
      const got = await everything.poll();
      expect(got.filter((i) => i.change?.kind === 'created').map((i) => i.id).sort()).toEqual([...created].sort());
      expect(got.filter((i) => i.change?.kind === 'closed').map((i) => i.id).sort()).toEqual([...resolved].sort());
      expect(got.every((i) => i.change && i.change.seq > 0)).toBe(true);
      expectInSync(everything, dir, b);
      await live.poll();
      expectInSync(live, dir, b, isLive);

      // A again: B's new findings are resolved, and the one B resolved comes back.
      const a2 = await loadAndSwap(app, dir, collection('A', '2026-11-20T00:00:00Z'));
      const again = await everything.poll();
      expect(again.filter((i) => i.change?.kind === 'reopened').map((i) => i.id).sort()).toEqual([...resolved].sort());
      expect(again.filter((i) => i.change?.kind === 'closed').map((i) => i.id).sort()).toEqual([...created].sort());
      expectInSync(everything, dir, a2);
      const liveAgain = await live.poll();
      expectInSync(live, dir, a2, isLive);
      const returned = servedFindings(dir, a2).filter((f) => resolved.includes(f.id) && isLive(f));
      expect(returned.length).toBeGreaterThan(0);
      for (const f of returned) expect(liveAgain.find((i) => i.id === f.id)?.change?.kind).toBe('reopened');

      // The same collection once more: no change, nothing delivered.
      await loadAndSwap(app, dir, collection('A', '2026-11-20T00:00:00Z'));
      expect(await everything.poll()).toEqual([]);
      expect(await live.poll()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('delivers an escalation into the filter after the filtered cursor passed the finding (dormant → live)', async () => {
    const dir = tempDir();
    const first = await cliLoad(dir, escalation(false));
    const key = createKey(dir, ['read']);
    const { app } = await makeApp(dir);
    try {
      const token = servedFindings(dir, first).find((f) => f.rule === 'okta.api-token-of-departed')!;
      expect(token.status).toBe('dormant');
      const live = new Poller(app, key, { status: 'live' }, 1);
      const ocsf = new Poller(app, key, { status: 'live', severity: ['high', 'critical'] }, 5);
      await live.poll();
      await ocsf.poll();
      expect(live.open.has(token.id)).toBe(false);
      // The token's owner goes from SUSPENDED to DEPROVISIONED: the token finding turns live.
      const second = await loadAndSwap(app, dir, escalation(true));
      expect(servedFindings(dir, second).find((f) => f.id === token.id)?.status).toBe('live');
      const got = await live.poll();
      const esc = got.find((i) => i.id === token.id);
      expect(esc?.change).toMatchObject({ kind: 'updated', reason: 'regression', previousStatus: 'dormant' });
      expect(esc?.status).toBe('live');
      // It was first seen in the first snapshot, before the live poller's cursor: still delivered.
      expect((esc as unknown as { firstSeen: { snapshot: string } }).firstSeen.snapshot).toBe(first);
      expectInSync(live, dir, second, (f) => f.status === 'live');
      await ocsf.poll();
      expect(ocsf.open.has(token.id)).toBe(true);
      // The same in OCSF: an Update with the previous status.
      const o = await app.inject({ url: `/v1/findings?status=live&format=ocsf&cursor=${encodeURIComponent(live.cursor!)}`, headers: bearer(key) });
      expect(o.json().events).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('the feed around crashes, pruning and resets', () => {
  it('appends a snapshot published without its events when the server swaps it in', async () => {
    const dir = tempDir();
    await cliLoad(dir, collection('A', '2026-11-01T00:00:00Z'));
    const key = createKey(dir, ['read']);
    const { app } = await makeApp(dir);
    try {
      const p = new Poller(app, key, {}, 50);
      await p.poll();
      // As if `load` died between publishing the snapshot and appending to the feed.
      const store = new Store(dir);
      const { id } = await store.load([collection('B', '2026-11-15T00:00:00Z')], undefined, (path, snapId, writer, sum) => {
        analyseSnapshotFile(path, snapId, writer, sum);
      });
      await waitFor(async () => (await served(app)) === id, 'swap');
      const got = await p.poll();
      expect(got.some((i) => i.change?.kind === 'created')).toBe(true);
      expect(got.some((i) => i.change?.kind === 'closed')).toBe(true);
      expectInSync(p, dir, id);
    } finally {
      await app.close();
    }
  });

  it('answers 410 for a cursor older than the retained history or of another feed, and 400 for one of the first version', async () => {
    const dir = tempDir();
    await cliLoad(dir, collection('A', '2026-11-01T00:00:00Z'));
    const key = createKey(dir, ['read']);
    const { app } = await makeApp(dir);
    try {
      const p = new Poller(app, key, {}, 100);
      await p.poll();
      const stale = p.cursor!;
      const midList = (await app.inject({ url: '/v1/findings?limit=1', headers: bearer(key) })).json().next;
      await loadAndSwap(app, dir, collection('B', '2026-11-15T00:00:00Z'));
      const c = await loadAndSwap(app, dir, collection('A', '2026-11-20T00:00:00Z'));
      // Still retained: continues.
      expect((await app.inject({ url: `/v1/findings?cursor=${stale}`, headers: bearer(key) })).statusCode).toBe(200);
      expect((await cli('snapshots', '--prune', '1', '--store', dir)).code).toBe(0);
      for (const cur of [stale, midList]) {
        const r = await app.inject({ url: `/v1/findings?limit=100&cursor=${cur}`, headers: bearer(key) });
        expect(r.statusCode).toBe(410);
        expect(r.json().code).toBe('REVENANT_ERR_CURSOR_EXPIRED');
      }
      // Resync: list again, then poll on.
      const fresh = new Poller(app, key, {}, 100);
      await fresh.poll();
      expectInSync(fresh, dir, c);
      // The first cursor version.
      const v1 = Buffer.from(JSON.stringify({ v: 1, s: '20261101-000000-000', i: 'a'.repeat(32), f: 'x' })).toString('base64url');
      const legacy = await app.inject({ url: `/v1/findings?cursor=${v1}`, headers: bearer(key) });
      expect(legacy.statusCode).toBe(400);
      expect(legacy.json().code).toBe('REVENANT_ERR_CURSOR_OUTDATED');
      expect(legacy.json().message).toMatch(/first cursor version.*list again without a cursor/);
    } finally {
      await app.close();
    }
    // A feed that was reset (the file removed): old cursors expire instead of skipping.
    const p2Cursor = await (async () => {
      const { app: a } = await makeApp(dir);
      try {
        const r = await a.inject({ url: '/v1/findings?limit=1000', headers: bearer(key) });
        return r.json().next as string;
      } finally {
        await a.close();
      }
    })();
    rmSync(join(dir, FEED_FILE), { force: true });
    rmSync(join(dir, `${FEED_FILE}-wal`), { force: true });
    rmSync(join(dir, `${FEED_FILE}-shm`), { force: true });
    const { app: reset } = await makeApp(dir);
    try {
      const r = await reset.inject({ url: `/v1/findings?cursor=${p2Cursor}`, headers: bearer(key) });
      expect(r.statusCode).toBe(410);
      expect(r.json().code).toBe('REVENANT_ERR_CURSOR_EXPIRED');
    } finally {
      await reset.close();
    }
  });

  it('keeps pages bounded under a sparse filter: every page returns a cursor that moves forward', async () => {
    const dir = tempDir();
    await cliLoad(dir, collection('A', '2026-11-01T00:00:00Z'));
    const key = createKey(dir, ['read']);
    const { app } = await makeApp(dir);
    try {
      const p = new Poller(app, key, { rule: 'okta.api-token-of-departed' }, 1);
      await p.poll();
      expect(p.open.size).toBe(0);
      await loadAndSwap(app, dir, collection('B', '2026-11-15T00:00:00Z'));
      expect(await p.poll()).toEqual([]);
      expect(p.pages).toBeLessThan(10);
    } finally {
      await app.close();
    }
  });
});
