/**
 * Identity events in: Okta event hooks (one-time verification, shared-secret header, de-duplication
 * on uuid, a reply well within 3 s, the listed event types queueing a refresh of the user) and
 * Microsoft Graph change notifications (validationToken echo as text/plain, clientState check,
 * basic notifications queueing a refresh, lifecycle notifications queueing the subscription
 * chore). Accepted events are in the durable queue before the reply and survive a restart. A
 * refresh reads the subject again (here through a refresher that writes the collection folder the
 * collectors would), loads a new snapshot, swaps it in, and the subject's findings change.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { apiDbPath } from '../../src/api/ApiDb.js';
import { LiveRefresher, type RefreshRequest } from '../../src/api/events/SubjectRefresher.js';
import { PermanentEventError } from '../../src/model/sourceEvents.js';
import { CLIENT_STATE, FolderRefresher, HOOK_SECRET, bearer, cleanupTemps, cliLoad, createKey, editJsonl, makeApp, scenario, setCollectedAt, tempDir, testConfig, waitFor } from './helpers.js';

const ORG = 'https://contoso.okta.com';
const TENANT = 'f5cbb77e-0602-5c21-a40d-4b695150da4c';
const MARIA_OKTA = '00uc7jKq6s0N4nrMnofc';
const OSCAR_ENTRA = '9934fad4-756a-51be-8aa7-c84112a40bef';

function oktaDelivery(events: { uuid: string; eventType: string; target?: unknown[]; actor?: unknown }[]) {
  return {
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: `${ORG}/api/v1/eventHooks/whoql0HfiLGPWc8Jx0g3`,
    eventId: 'b5a188b9-5ece-4636-b041-482ffda96311',
    eventTime: '2026-11-05T10:00:00.000Z',
    contentType: 'application/json',
    data: {
      events: events.map((e) => ({
        version: '0',
        severity: 'INFO',
        displayMessage: 'Suspend Okta user',
        published: '2026-11-05T10:00:00.000Z',
        outcome: { result: 'SUCCESS' },
        actor: e.actor ?? { id: '00uADMIN', type: 'User', alternateId: 'admin@contoso.com' },
        target: e.target ?? [],
        ...e,
      })),
    },
  };
}

/** What the identity provider says after the event: the subject's account changed. */
function refresherFor(): FolderRefresher {
  return new FolderRefresher((dir, req: RefreshRequest) => {
    if (req.source === 'okta') {
      editJsonl(join(dir, 'users.jsonl'), (u) => (u.id === req.subject ? { ...u, status: 'SUSPENDED', statusChanged: '2026-11-05T10:00:00.000Z' } : u));
    } else {
      editJsonl(join(dir, 'users.jsonl'), (u) => (u.id === req.subject ? { ...u, accountEnabled: false } : u));
    }
    setCollectedAt(dir, '2026-11-05T10:01:00Z');
  });
}

let storeDir: string;
let app: FastifyInstance;
let events: string;
let readKey: string;
let refresher: FolderRefresher;

beforeAll(async () => {
  storeDir = tempDir();
  await cliLoad(storeDir, scenario('cross-source-hr'));
  events = createKey(storeDir, ['events']);
  readKey = createKey(storeDir, ['read']);
  refresher = refresherFor();
  ({ app } = await makeApp(storeDir, { refresher }));
});

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

function jobs(dir = storeDir): { kind: string; source: string; subject: string; state: string; reason: string; last_error: string | null }[] {
  const db = new Database(apiDbPath(dir), { readonly: true });
  try {
    return db.prepare('SELECT * FROM jobs ORDER BY seq').all() as never;
  } finally {
    db.close();
  }
}

const hook = (extra: Record<string, string> = {}) => ({ ...bearer(events), 'x-revenant-hook-secret': HOOK_SECRET, ...extra });

describe('Okta event hooks', () => {
  it('answers the one-time verification', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/events/okta', headers: hook({ 'x-okta-verification-challenge': 'X1tXvDZV6w8s2Wk3mhgVHNdJCJzWCP8p' }) });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ verification: 'X1tXvDZV6w8s2Wk3mhgVHNdJCJzWCP8p' });
    expect((await app.inject({ method: 'GET', url: '/v1/events/okta', headers: hook() })).statusCode).toBe(400);
  });

  it('refuses a forged or missing hook secret, a missing key, and a key without the events scope', async () => {
    const before = jobs().length;
    const body = oktaDelivery([{ uuid: 'forged-1', eventType: 'user.lifecycle.suspend', target: [{ id: MARIA_OKTA, type: 'User' }] }]);
    for (const headers of [hook({ 'x-revenant-hook-secret': 'wrong' }), bearer(events), { 'x-revenant-hook-secret': HOOK_SECRET }]) {
      const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers, payload: body });
      expect(r.statusCode).toBe(401);
    }
    const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers: { ...bearer(readKey), 'x-revenant-hook-secret': HOOK_SECRET }, payload: body });
    expect(r.statusCode).toBe(403);
    const v = await app.inject({ method: 'GET', url: '/v1/events/okta', headers: hook({ 'x-revenant-hook-secret': 'nope', 'x-okta-verification-challenge': 'c' }) });
    expect(v.statusCode).toBe(401);
    expect(jobs().length).toBe(before);
  });

  it('rejects an envelope with unknown fields', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers: hook(), payload: { ...oktaDelivery([]), injected: true } });
    expect(r.statusCode).toBe(400);
  });

  it('accepts a delivery quickly, persists it before replying, de-duplicates on uuid, and refreshes the user', async () => {
    const body = oktaDelivery([
      { uuid: 'f0b5c4d2-1111-11ef-9a3c-000000000001', eventType: 'user.lifecycle.suspend', target: [{ id: MARIA_OKTA, type: 'User', alternateId: 'maria.silva@contoso.com' }] },
      { uuid: 'f0b5c4d2-1111-11ef-9a3c-000000000002', eventType: 'user.session.start', target: [] },
    ]);
    const before = (await app.inject({ url: `/v1/subjects/${MARIA_OKTA}/residual-access`, headers: bearer(readKey) })).json();
    expect(before.findings.map((f: { rule: string }) => f.rule)).toContain('hr.leaver-account-enabled');
    const snap0 = before.snapshot;

    const t0 = performance.now();
    const r = await app.inject({ method: 'POST', url: '/v1/events/okta', headers: hook(), payload: body });
    const ms = performance.now() - t0;
    expect(r.statusCode).toBe(200);
    expect(ms).toBeLessThan(3000);
    expect(r.json()).toMatchObject({ accepted: 2, duplicates: 0, queued: 1, ignored: 1 });
    // In the queue file already (another connection sees it).
    expect(jobs().some((j) => j.subject === MARIA_OKTA && j.reason === 'user.lifecycle.suspend')).toBe(true);

    const dup = await app.inject({ method: 'POST', url: '/v1/events/okta', headers: hook(), payload: body });
    expect(dup.json()).toMatchObject({ accepted: 0, duplicates: 2, queued: 0 });

    await waitFor(async () => (await app.inject('/readyz')).json().snapshot !== snap0, 'refresh snapshot', 20_000);
    await waitFor(() => jobs().find((j) => j.subject === MARIA_OKTA)?.state === 'done', 'job done');
    expect(refresher.calls.filter((c) => c.subject === MARIA_OKTA)).toHaveLength(1);
    expect(refresher.calls[0]).toMatchObject({ source: 'okta', tenant: ORG });
    const after = (await app.inject({ url: `/v1/subjects/${MARIA_OKTA}/residual-access`, headers: bearer(readKey) })).json();
    expect(after.snapshot).not.toBe(snap0);
    const maria = after.subjects.find((s: { id: string }) => s.id === MARIA_OKTA);
    expect(maria.departedBecause.join(' ')).toMatch(/SUSPENDED/);
    expect(after.findings.map((f: { rule: string }) => f.rule)).not.toContain('hr.leaver-account-enabled');
    // The other sources are still there.
    const all = (await app.inject({ url: '/v1/findings?limit=1000', headers: bearer(readKey) })).json();
    expect(all.items.some((f: { subject: { source: string } }) => f.subject.source === 'entra')).toBe(true);
  });
});

describe('Microsoft Graph change notifications', () => {
  it('echoes the validation token as text/plain (the key may be in the query)', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 5e2b3a5a-1b1e-4bf0-8c60-3c7d1c2bd0a1';
    const r = await app.inject({
      method: 'POST',
      url: `/v1/events/entra?validationToken=${encodeURIComponent(token)}&key=${events}`,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      payload: '',
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toBe(token);
    const none = await app.inject({ method: 'POST', url: `/v1/events/entra?validationToken=x` });
    expect(none.statusCode).toBe(401);
    const wrongKey = await app.inject({ method: 'POST', url: `/v1/events/entra?validationToken=x&key=rvn_00000000_${'a'.repeat(43)}` });
    expect(wrongKey.statusCode).toBe(401);
  });

  it('refuses notifications with a forged clientState', async () => {
    const before = jobs().length;
    const r = await app.inject({
      method: 'POST',
      url: `/v1/events/entra?key=${events}`,
      payload: { value: [{ subscriptionId: 's1', clientState: 'forged', changeType: 'updated', resource: `Users/${OSCAR_ENTRA}`, tenantId: TENANT, resourceData: { id: OSCAR_ENTRA } }] },
    });
    expect(r.statusCode).toBe(403);
    expect(jobs().length).toBe(before);
    const missing = await app.inject({
      method: 'POST',
      url: `/v1/events/entra?key=${events}`,
      payload: { value: [{ subscriptionId: 's1', changeType: 'updated', resource: `Users/${OSCAR_ENTRA}`, tenantId: TENANT }] },
    });
    expect(missing.statusCode).toBe(403);
  });

  it('queues a refresh for a basic notification (ids only) and re-reads the user', async () => {
    const snap0 = (await app.inject('/readyz')).json().snapshot;
    const before = (await app.inject({ url: `/v1/subjects/${OSCAR_ENTRA}/residual-access`, headers: bearer(readKey) })).json();
    expect(before.subjects.find((s: { id: string }) => s.id === OSCAR_ENTRA).departed).toBe(false);
    const r = await app.inject({
      method: 'POST',
      url: '/v1/events/entra',
      headers: bearer(events),
      payload: {
        value: [
          {
            subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
            subscriptionExpirationDateTime: '2026-12-01T00:00:00Z',
            changeType: 'updated',
            resource: `Users/${OSCAR_ENTRA}`,
            resourceData: { '@odata.type': '#Microsoft.Graph.User', '@odata.id': `Users/${OSCAR_ENTRA}`, id: OSCAR_ENTRA, organizationId: TENANT },
            clientState: CLIENT_STATE,
            tenantId: TENANT,
          },
        ],
      },
    });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ accepted: 1, queued: 1 });
    await waitFor(async () => (await app.inject('/readyz')).json().snapshot !== snap0, 'refresh snapshot', 20_000);
    await waitFor(() => jobs().find((j) => j.subject === OSCAR_ENTRA)?.state === 'done', 'job done');
    const after = (await app.inject({ url: `/v1/subjects/${OSCAR_ENTRA}/residual-access`, headers: bearer(readKey) })).json();
    const oscar = after.subjects.find((s: { id: string }) => s.id === OSCAR_ENTRA);
    expect(oscar.departed).toBe(true);
    expect(after.findings.length).toBeGreaterThan(0);
  });

  it('queues the subscription chore of a lifecycle notification', async () => {
    const r = await app.inject({
      method: 'POST',
      url: `/v1/events/entra?key=${events}`,
      payload: {
        value: [
          { subscriptionId: 'sub-1', subscriptionExpirationDateTime: '2026-12-01T00:00:00Z', tenantId: TENANT, clientState: CLIENT_STATE, lifecycleEvent: 'reauthorizationRequired' },
        ],
      },
    });
    expect(r.statusCode).toBe(202);
    // This server has no Graph credentials configured: the chore fails at once, saying why.
    const j = await waitFor(() => jobs().find((x) => x.kind === 'reauthorize' && x.state === 'failed'), 'reauthorize job');
    expect(j.last_error).toMatch(/no Graph credentials/);
  });
});

describe('lanes', () => {
  it('reads an Okta and an Entra batch side by side, and both land', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const k = createKey(dir, ['events']);
    const inner = refresherFor();
    const started = new Set<string>();
    let bothStarted!: () => void;
    const both = new Promise<void>((r) => (bothStarted = r));
    // Neither read finishes before the other has started: only lanes read side by side both finish.
    const sideBySide = {
      async refreshSubject(req: RefreshRequest): Promise<string> {
        started.add(req.source);
        if (started.size === 2) bothStarted();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([both, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`${req.source} read alone`)), 10_000)))]);
        } finally {
          clearTimeout(timer);
        }
        return inner.refreshSubject(req);
      },
    };
    const { app: a } = await makeApp(dir, { refresher: sideBySide });
    try {
      const okta = await a.inject({
        method: 'POST',
        url: '/v1/events/okta',
        headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET },
        payload: oktaDelivery([{ uuid: 'lanes-1', eventType: 'user.lifecycle.suspend', target: [{ id: MARIA_OKTA, type: 'User' }] }]),
      });
      expect(okta.statusCode).toBe(200);
      const entra = await a.inject({
        method: 'POST',
        url: `/v1/events/entra?key=${k}`,
        payload: { value: [{ subscriptionId: 's1', changeType: 'updated', resource: `Users/${OSCAR_ENTRA}`, resourceData: { id: OSCAR_ENTRA }, clientState: CLIENT_STATE, tenantId: TENANT }] },
      });
      expect(entra.statusCode).toBe(202);
      await waitFor(() => ['okta', 'entra'].every((s) => jobs(dir).find((j) => j.kind === 'refresh' && j.source === s)?.state === 'done'), 'both refreshes done', 30_000);
      expect([...started].sort()).toEqual(['entra', 'okta']);
      const read = createKey(dir, ['read']);
      const maria = (await a.inject({ url: `/v1/subjects/${MARIA_OKTA}/residual-access`, headers: bearer(read) })).json();
      expect(maria.subjects.find((s: { id: string }) => s.id === MARIA_OKTA).departedBecause.join(' ')).toMatch(/SUSPENDED/);
      const oscar = (await a.inject({ url: `/v1/subjects/${OSCAR_ENTRA}/residual-access`, headers: bearer(read) })).json();
      expect(oscar.subjects.find((s: { id: string }) => s.id === OSCAR_ENTRA).departed).toBe(true);
    } finally {
      await a.close();
    }
  });
});

describe('reading a batch', () => {
  const NORA_OKTA = '00uEWtOGUUFB8FlG7rgw';

  /** Deliver one Okta hook naming two users (one batch of two subjects) to a server with this refresher; the reads it saw at once at most. */
  async function batchOfTwo(r: { perSubject?: boolean }): Promise<{ most: number; subjects: string[]; errors: (string | null)[] }> {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const k = createKey(dir, ['events']);
    let reading = 0;
    let most = 0;
    const subjects: string[] = [];
    const refresher = {
      ...r,
      async refreshSubject(req: RefreshRequest): Promise<string> {
        subjects.push(req.subject);
        reading++;
        most = Math.max(most, reading);
        // Held until the other subject's read has started, or for a while (the refresher that reads one at a time).
        await waitFor(() => reading === 2, 'the other read', 1_000).catch(() => undefined);
        reading--;
        throw new PermanentEventError(`held ${req.subject}`);
      },
    };
    const { app: a } = await makeApp(dir, { refresher });
    try {
      const r1 = await a.inject({
        method: 'POST',
        url: '/v1/events/okta',
        headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET },
        payload: oktaDelivery([
          { uuid: 'batch-1', eventType: 'user.lifecycle.suspend', target: [{ id: MARIA_OKTA, type: 'User' }] },
          { uuid: 'batch-2', eventType: 'user.lifecycle.suspend', target: [{ id: NORA_OKTA, type: 'User' }] },
        ]),
      });
      expect(r1.statusCode).toBe(200);
      const failed = await waitFor(() => {
        const js = jobs(dir).filter((j) => j.kind === 'refresh');
        return js.length === 2 && js.every((j) => j.state === 'failed') ? js : null;
      }, 'both jobs failed', 20_000);
      return { most, subjects, errors: failed.map((j) => j.last_error) };
    } finally {
      await a.close();
    }
  }

  it('reads the subjects of a batch side by side when the refresher returns per-subject collections', async () => {
    const r = await batchOfTwo({ perSubject: true });
    expect(r.subjects.sort()).toEqual([MARIA_OKTA, NORA_OKTA].sort());
    expect(r.most).toBe(2);
    expect(r.errors.sort()).toEqual([`held ${MARIA_OKTA}`, `held ${NORA_OKTA}`].sort());
  });

  it('reads the first subject alone when the refresher may return whole folders (they build on each other)', async () => {
    const r = await batchOfTwo({});
    expect(r.subjects.sort()).toEqual([MARIA_OKTA, NORA_OKTA].sort());
    expect(r.most).toBe(1);
  });

  it("loads the refreshable sources' collectors when it starts, before any event", async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const prepared: string[][] = [];
    const refresher = {
      async refreshSubject(): Promise<string> {
        throw new Error('no event is delivered here');
      },
      async prepare(sources: readonly string[]): Promise<void> {
        prepared.push([...sources]);
      },
    };
    // Only Okta can be read again (its collect settings); Entra only takes deliveries.
    const config = testConfig({ events: { okta: { hookSecret: HOOK_SECRET, collect: { orgUrl: ORG, token: 'env:NO_SUCH_TOKEN' } } } });
    const { app: a, logs } = await makeApp(dir, { refresher, config });
    try {
      await waitFor(() => logs.some((l) => l.includes('collectors loaded for refreshes')), 'collectors loaded');
      expect(prepared).toEqual([['okta']]);
    } finally {
      await a.close();
    }
  });

  it("the live refresher's prepare loads each source's collector", async () => {
    const live = new LiveRefresher(testConfig());
    expect(live.perSubject).toBe(true);
    await expect(live.prepare(['okta', 'entra'])).resolves.toBeUndefined();
  });
});

describe('durability', () => {
  it('keeps accepted events across a restart: an interrupted refresh runs again on the next start', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const k = createKey(dir, ['events']);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const stuck = {
      async refreshSubject(req: RefreshRequest): Promise<string> {
        started++;
        await Promise.race([gate, new Promise((_, rej) => req.signal.addEventListener('abort', () => rej(new Error('aborted'))))]);
        throw new Error('unreachable');
      },
    };
    const first = await makeApp(dir, { refresher: stuck, config: testConfig({ shutdownGraceMs: 200 }) });
    const r = await first.app.inject({
      method: 'POST',
      url: '/v1/events/okta',
      headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET },
      payload: oktaDelivery([{ uuid: 'restart-1', eventType: 'user.lifecycle.deactivate', target: [{ id: MARIA_OKTA, type: 'User' }] }]),
    });
    expect(r.statusCode).toBe(200);
    await waitFor(() => started > 0, 'refresh started');
    await first.app.close();
    release();
    expect(jobs(dir).find((j) => j.subject === MARIA_OKTA)?.state).toBe('queued');

    const again = refresherFor();
    const second = await makeApp(dir, { refresher: again });
    try {
      await waitFor(() => jobs(dir).find((j) => j.subject === MARIA_OKTA)?.state === 'done', 'job done after restart', 20_000);
      expect(again.calls.map((c) => c.subject)).toEqual([MARIA_OKTA]);
      // The same delivery again is a duplicate, also after the restart.
      const dup = await second.app.inject({
        method: 'POST',
        url: '/v1/events/okta',
        headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET },
        payload: oktaDelivery([{ uuid: 'restart-1', eventType: 'user.lifecycle.deactivate', target: [{ id: MARIA_OKTA, type: 'User' }] }]),
      });
      expect(dup.json()).toMatchObject({ duplicates: 1, queued: 0 });
    } finally {
      await second.app.close();
    }
  });
});
