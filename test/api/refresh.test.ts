/**
 * Event-driven refreshes in detail: a per-subject collection loaded as a delta snapshot (replace
 * what was read again, drop what is gone, keep the rest, mark unreadable data partial), finding
 * an API token's owner for a token revocation, publishing the refreshed subject's findings to
 * the sinks, and atomic swaps under load — requests on a real socket while snapshots are swapped
 * in never fail and never mix two snapshots.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRA_DATASETS } from '../../ingest/entra/datasets.js';
import { mergeSubjectCollection } from '../../ingest/collection/mergeSubjectCollection.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { buildServer } from '../../src/api/server.js';
import { Store } from '../../src/store/Store.js';
import { comparableDoc, storedDoc } from '../delta/storedDoc.js';
import {
  CLIENT_STATE,
  FolderRefresher,
  HOOK_SECRET,
  bearer,
  cleanupTemps,
  cliLoad,
  copyScenario,
  createKey,
  editJsonl,
  makeApp,
  scenario,
  setCollectedAt,
  tempDir,
  testConfig,
  waitFor,
  webhookSink,
} from './helpers.js';

type Raw = Record<string, any>;

afterAll(() => cleanupTemps());


function writeSource(dir: string, manifest: Raw, data: Record<string, Raw[]>): void {
  mkdirSync(dir, { recursive: true });
  const datasets: Raw = {};
  for (const d of ENTRA_DATASETS) {
    const lines = data[d] ?? [];
    writeFileSync(join(dir, `${d}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    datasets[d] = { status: 'complete', count: lines.length, ...(manifest.datasets?.[d] ?? {}) };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'revenant-collection/1', source: 'entra', ...manifest, datasets }, null, 2));
}

/** Every node (key, kind, properties) and edge (ends, kind, properties) of a snapshot, sorted: what a reader can see. */
function graphOf(store: Store, id: string): string[] {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    const out: string[] = [];
    const keyOf = new Map<number, string>();
    for (const r of db.allNodeRows()) {
      keyOf.set(r.nid, r.key);
      out.push(`node ${r.key} ${db.kindOf(r.kind)} ${r.props}`);
    }
    for (const e of db.edges()) out.push(`edge ${keyOf.get(e.src)} ${e.kind} ${keyOf.get(e.dst)} ${JSON.stringify(e.props ?? null)}`);
    return out.sort();
  } finally {
    db.close();
  }
}

const read = (dir: string, d: string) =>
  readFileSync(join(dir, `${d}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('mergeSubjectCollection', () => {
  it('replaces what the subject collection read, drops what is gone, keeps the rest, and loads', async () => {
    const T = '11111111-1111-1111-1111-111111111111';
    const A = 'aaaaaaaa-0000-0000-0000-000000000001';
    const B = 'bbbbbbbb-0000-0000-0000-000000000002';
    const user = (id: string, upn: string, enabled: boolean) => ({ id, userPrincipalName: upn, displayName: upn, mail: upn, accountEnabled: enabled });
    const member = (g: string, id: string) => ({ groupId: g, member: { '@odata.type': '#microsoft.graph.user', id } });
    const owner = (app: string, id: string) => ({ applicationId: app, owner: { '@odata.type': '#microsoft.graph.user', id } });
    const root = tempDir();
    const base = join(root, 'base');
    writeSource(base, { tenant: T, collectedAt: '2026-11-01T00:00:00Z' }, {
      users: [user(A, 'a@x.com', true), user(B, 'b@x.com', true)],
      groups: [{ id: 'g1', displayName: 'G1' }, { id: 'g2', displayName: 'G2' }],
      groupMembers: [member('g1', A), member('g1', B), member('g2', A)],
      applications: [{ id: 'app1', appId: 'c1', displayName: 'App 1' }, { id: 'app2', appId: 'c2', displayName: 'App 2' }],
      applicationOwners: [owner('app1', A), owner('app1', B), owner('app2', A)],
      roleAssignments: [
        { id: 'r1', principalId: A, roleDefinitionId: 'rd', directoryScopeId: '/' },
        { id: 'r2', principalId: B, roleDefinitionId: 'rd', directoryScopeId: '/' },
      ],
      directoryAudits: [{ id: 'e1', activityDisplayName: 'Add member to group', activityDateTime: '2026-10-01T00:00:00Z' }],
    });
    const subj = join(root, 'subject');
    writeSource(
      subj,
      {
        tenant: T,
        collectedAt: '2026-11-05T10:00:00Z',
        scope: { kind: 'subject', subject: 'a@x.com', accounts: [{ id: A, userPrincipalName: 'a@x.com', deleted: false }] },
        datasets: { federatedIdentityCredentials: { status: 'partial', reason: 'HTTP 503 after 5 retries' } },
      },
      {
        users: [user(A, 'a@x.com', false)],
        groups: [{ id: 'g1', displayName: 'G1 renamed' }],
        groupMembers: [member('g1', A)],
        applications: [{ id: 'app1', appId: 'c1', displayName: 'App 1 v2' }],
        applicationOwners: [owner('app1', A), owner('app1', B)],
        directoryAudits: [{ id: 'e2', activityDisplayName: 'Disable account', activityDateTime: '2026-11-05T09:00:00Z' }],
      },
    );
    const out = join(root, 'merged', 'entra');
    const res = await mergeSubjectCollection(base, subj, out);
    expect(res).toMatchObject({ accounts: [A], degraded: ['federatedIdentityCredentials'] });
    expect(read(out, 'users').map((u) => [u.id, u.accountEnabled])).toEqual([
      [B, true],
      [A, false],
    ]);
    expect(read(out, 'groupMembers').map((m) => `${m.groupId}:${m.member.id}`).sort()).toEqual([`g1:${A}`, `g1:${B}`]);
    expect(read(out, 'groups').map((g) => g.displayName).sort()).toEqual(['G1 renamed', 'G2']);
    expect(read(out, 'applicationOwners').map((m) => `${m.applicationId}:${m.owner.id}`).sort()).toEqual([`app1:${A}`, `app1:${B}`]);
    expect(read(out, 'applications').map((a) => a.displayName).sort()).toEqual(['App 1 v2', 'App 2']);
    expect(read(out, 'roleAssignments').map((r) => r.id)).toEqual(['r2']);
    expect(read(out, 'directoryAudits').map((e) => e.id).sort()).toEqual(['e1', 'e2']);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.collectedAt).toBe('2026-11-05T10:00:00Z');
    expect(m.scope).toBeUndefined();
    expect(m.datasets.users).toMatchObject({ status: 'complete', count: 2 });
    expect(m.datasets.federatedIdentityCredentials).toMatchObject({ status: 'partial', reason: expect.stringMatching(/could not read federatedIdentityCredentials: HTTP 503/) });
    expect(m.refreshed).toEqual([{ subject: 'a@x.com', accounts: [A], at: '2026-11-05T10:00:00Z' }]);
    // A valid collection: it loads.
    const store = tempDir();
    await cliLoad(store, out);
    // Not a subject collection, or another tenant: refused.
    await expect(mergeSubjectCollection(base, base, join(root, 'x'))).rejects.toThrow(/not a subject collection/);
  });
});

describe('a per-subject refresh as a delta snapshot', () => {
  it('replaces what the subject collection read, drops what is gone, keeps the rest: the graph a full load of the merged data has', async () => {
    const T = '11111111-1111-1111-1111-111111111111';
    const A = 'aaaaaaaa-0000-0000-0000-000000000001';
    const B = 'bbbbbbbb-0000-0000-0000-000000000002';
    const user = (id: string, upn: string, enabled: boolean) => ({ id, userPrincipalName: upn, displayName: upn, mail: upn, accountEnabled: enabled });
    const member = (g: string, id: string) => ({ groupId: g, member: { '@odata.type': '#microsoft.graph.user', id } });
    const owner = (app: string, id: string) => ({ applicationId: app, owner: { '@odata.type': '#microsoft.graph.user', id } });
    const root = tempDir();
    const base = join(root, 'base');
    const app1 = { id: 'app1', appId: 'c1', displayName: 'App 1' };
    writeSource(base, { tenant: T, collectedAt: '2026-11-01T00:00:00Z' }, {
      users: [user(A, 'a@x.com', true), user(B, 'b@x.com', true)],
      groups: [{ id: 'g1', displayName: 'G1' }, { id: 'g2', displayName: 'G2' }],
      groupMembers: [member('g1', A), member('g1', B), member('g2', A)],
      applications: [app1, { id: 'app2', appId: 'c2', displayName: 'App 2' }],
      applicationOwners: [owner('app1', A), owner('app1', B), owner('app2', A)],
      roleAssignments: [
        { id: 'r1', principalId: A, roleDefinitionId: 'rd', directoryScopeId: '/' },
        { id: 'r2', principalId: B, roleDefinitionId: 'rd', directoryScopeId: '/' },
      ],
      directoryAudits: [{ id: 'e1', activityDisplayName: 'Add member to group', activityDateTime: '2026-10-01T00:00:00Z' }],
    });
    const subj = join(root, 'subject');
    writeSource(
      subj,
      {
        tenant: T,
        collectedAt: '2026-11-05T10:00:00Z',
        scope: { kind: 'subject', subject: 'a@x.com', accounts: [{ id: A, userPrincipalName: 'a@x.com', deleted: false }] },
        datasets: { federatedIdentityCredentials: { status: 'partial', reason: 'HTTP 503 after 5 retries' } },
      },
      {
        users: [user(A, 'a@x.com', false)],
        groups: [{ id: 'g1', displayName: 'G1 renamed' }],
        groupMembers: [member('g1', A)],
        applications: [{ id: 'app1', appId: 'c1', displayName: 'App 1 v2' }],
        applicationOwners: [owner('app1', A), owner('app1', B)],
        directoryAudits: [{ id: 'e2', activityDisplayName: 'Disable account', activityDateTime: '2026-11-05T09:00:00Z' }],
      },
    );
    // What the tenant now holds: the subject's lines replaced, what is gone about it gone, the rest kept.
    const merged = join(root, 'merged');
    writeSource(merged, { tenant: T, collectedAt: '2026-11-05T10:00:00Z' }, {
      users: [user(B, 'b@x.com', true), user(A, 'a@x.com', false)],
      groups: [{ id: 'g1', displayName: 'G1 renamed' }, { id: 'g2', displayName: 'G2' }],
      groupMembers: [member('g1', B), member('g1', A)],
      applications: [{ id: 'app1', appId: 'c1', displayName: 'App 1 v2' }, { id: 'app2', appId: 'c2', displayName: 'App 2' }],
      applicationOwners: [owner('app1', A), owner('app1', B)],
      roleAssignments: [{ id: 'r2', principalId: B, roleDefinitionId: 'rd', directoryScopeId: '/' }],
      directoryAudits: [
        { id: 'e1', activityDisplayName: 'Add member to group', activityDateTime: '2026-10-01T00:00:00Z' },
        { id: 'e2', activityDisplayName: 'Disable account', activityDateTime: '2026-11-05T09:00:00Z' },
      ],
    });
    const store = new Store(tempDir());
    await loadSnapshot(store, [base]);
    const d = await loadDelta(store, [subj]);
    expect(d.summary.modes[`entra:${T}`]).toBe('subject');
    const full = new Store(tempDir());
    const f = await loadSnapshot(full, [merged]);
    expect(graphOf(store, d.id)).toEqual(graphOf(full, f.id));
    // The same merge as a folder (what remediation's verify loads): the same graph.
    const folded = new Store(tempDir());
    const g = await loadSnapshot(folded, [(await mergeSubjectCollection(base, subj, join(root, 'folded', 'entra'))).dir]);
    expect(graphOf(folded, g.id)).toEqual(graphOf(full, f.id));
    // The ledger: the tenant's, the dataset the refresh could not read partial, the refresh recorded.
    const db = new SnapshotDb(store.pathOf(d.id));
    try {
      const [src] = db.db.prepare('SELECT path, manifest FROM sources').all() as { path: string; manifest: string }[];
      expect(src.path).toBe(base);
      const m = JSON.parse(src.manifest);
      expect(m.collectedAt).toBe('2026-11-05T10:00:00Z');
      expect(m.datasets.users).toMatchObject({ status: 'complete' });
      expect(m.datasets.federatedIdentityCredentials).toMatchObject({ status: 'partial', reason: expect.stringMatching(/could not read federatedIdentityCredentials: HTTP 503/) });
      expect(m.refreshed).toEqual([{ subject: 'a@x.com', accounts: [A], at: '2026-11-05T10:00:00Z', folder: subj }]);
    } finally {
      db.close();
    }
  });
});

describe('per-subject refreshes of two sources, loaded out of the order they were collected in', () => {
  it("keeps every source's own instant: the delta is at the latest of them, analyses only what changed, and equals a full load of the merged data", async () => {
    const T1 = '11111111-1111-1111-1111-111111111111';
    const T2 = '22222222-2222-2222-2222-222222222222';
    const A = 'aaaaaaaa-0000-0000-0000-000000000001';
    const C = 'cccccccc-0000-0000-0000-000000000003';
    const user = (id: string, upn: string, enabled: boolean) => ({ id, userPrincipalName: upn, displayName: upn, mail: upn, accountEnabled: enabled });
    const owner = (app: string, id: string) => ({ applicationId: app, owner: { '@odata.type': '#microsoft.graph.user', id } });
    const tenant = (id: string, u: string, upn: string, enabled: boolean) => ({
      users: [user(u, upn, enabled), user(`${u.slice(0, -1)}9`, `other@${id.slice(0, 1)}.com`, true)],
      applications: [{ id: `app-${id.slice(0, 1)}`, appId: `c-${id.slice(0, 1)}`, displayName: 'App', passwordCredentials: [{ keyId: `k-${id.slice(0, 1)}`, endDateTime: '2027-06-01T00:00:00Z' }] }],
      applicationOwners: [owner(`app-${id.slice(0, 1)}`, u)],
    });
    const subjectOf = (u: string, upn: string) => ({ kind: 'subject', subject: upn, accounts: [{ id: u, userPrincipalName: upn, deleted: false }] });
    const root = tempDir();
    const [base1, base2, subj1, subj2] = ['base1', 'base2', 'subj1', 'subj2'].map((d) => join(root, d));
    writeSource(base1, { tenant: T1, collectedAt: '2026-11-01T00:00:00Z' }, tenant(T1, A, 'a@1.com', true));
    writeSource(base2, { tenant: T2, collectedAt: '2026-11-01T00:00:00Z' }, tenant(T2, C, 'c@2.com', true));
    // The first source's refresh was collected last but loads first (two refreshes read side by side).
    writeSource(subj1, { tenant: T1, collectedAt: '2026-11-05T10:00:05Z', scope: subjectOf(A, 'a@1.com') }, { ...tenant(T1, A, 'a@1.com', false), users: [user(A, 'a@1.com', false)] });
    writeSource(subj2, { tenant: T2, collectedAt: '2026-11-05T10:00:00Z', scope: subjectOf(C, 'c@2.com') }, { ...tenant(T2, C, 'c@2.com', false), users: [user(C, 'c@2.com', false)] });
    const store = new Store(tempDir());
    await loadSnapshot(store, [base1, base2]);
    const d1 = await loadDelta(store, [subj1, base2]);
    const d2 = await loadDelta(store, [base1, subj2]);
    expect(d2.summary.modes).toEqual({ [`entra:${T1}`]: 'same', [`entra:${T2}`]: 'subject' });
    // Not "collected before its base": only the refreshed subject's unit is analysed again.
    expect(d2.full).toBeUndefined();
    expect(d2.reanalysed).toBe(1);
    const instants = (id: string) => {
      const db = new SnapshotDb(store.pathOf(id));
      try {
        return { at: db.meta.get('collectedAt'), sources: db.db.prepare('SELECT source_key AS k, collected_at AS at FROM sources ORDER BY idx').all() };
      } finally {
        db.close();
      }
    };
    expect(instants(d2.id)).toEqual({
      at: '2026-11-05T10:00:05.000Z',
      sources: [
        { k: `entra:${T1}`, at: '2026-11-05T10:00:05Z' },
        { k: `entra:${T2}`, at: '2026-11-05T10:00:00Z' },
      ],
    });
    expect(instants(d1.id).sources[0]).toEqual({ k: `entra:${T1}`, at: '2026-11-05T10:00:05Z' });
    // A full load of the merged folders: the same findings, at the same instant.
    const m1 = (await mergeSubjectCollection(base1, subj1, join(root, 'merged1', 'entra'))).dir;
    const m2 = (await mergeSubjectCollection(base2, subj2, join(root, 'merged2', 'entra'))).dir;
    const full = new Store(tempDir());
    const f = await loadSnapshot(full, [m1, m2]);
    expect(comparableDoc(storedDoc(store, d2.id))).toEqual(comparableDoc(storedDoc(full, f.id)));
  });
});

describe('refresh details', () => {
  it("finds an API token's owner for system.api_token.revoke, and publishes the refreshed subject's findings", async () => {
    const { url, hook, close: closeSink } = await webhookSink();
    const dir = tempDir();
    await cliLoad(dir, scenario('okta-lifecycle'));
    const k = createKey(dir, ['events', 'read']);
    const GINA = '00ubGOAizuyeSy1b3nuL';
    const TOKEN = '00Te26dgEUl0xyFnOwGf';
    const refresher = new FolderRefresher((d, req) => {
      // Okta says: the token is gone.
      editJsonl(join(d, 'apiTokens.jsonl'), (t) => (t.userId === req.subject && t.id === TOKEN ? null : t));
      setCollectedAt(d, '2026-11-02T00:00:00Z');
    });
    const { app } = await makeApp(dir, { refresher, config: testConfig({ sinks: [{ type: 'webhook', name: 'h', url, secret: 's3cret-s3cret' }] }) });
    try {
      await waitFor(() => hook.length >= 1, 'initial push');
      const before = (await app.inject({ url: `/v1/subjects/${GINA}/residual-access`, headers: bearer(k) })).json();
      const tokenFinding = before.findings.find((f: Raw) => f.rule === 'okta.api-token-of-departed');
      expect(tokenFinding).toBeDefined();
      const persisting = before.findings.filter((f: Raw) => f.id !== tokenFinding.id).map((f: Raw) => f.id);
      const snap0 = before.snapshot;
      const r = await app.inject({
        method: 'POST',
        url: '/v1/events/okta',
        headers: { ...bearer(k), 'x-revenant-hook-secret': HOOK_SECRET },
        payload: {
          source: 'https://example.okta.com/api/v1/eventHooks/who1',
          data: { events: [{ uuid: 'tok-1', eventType: 'system.api_token.revoke', actor: { id: '00uADMIN', type: 'User' }, target: [{ id: TOKEN, type: 'Token', displayName: 'gina-automation' }] }] },
        },
      });
      expect(r.json()).toMatchObject({ queued: 1 });
      await waitFor(async () => (await app.inject('/readyz')).json().snapshot !== snap0, 'refresh');
      expect(refresher.calls.map((c) => c.subject)).toEqual([GINA]);
      const after = (await app.inject({ url: `/v1/subjects/${GINA}/residual-access`, headers: bearer(k) })).json();
      expect(after.findings.map((f: Raw) => f.id)).not.toContain(tokenFinding.id);
      await waitFor(() => hook.some((h) => h.snapshot === after.snapshot), 'refresh push');
      const events = hook.filter((h) => h.snapshot === after.snapshot).flatMap((h) => h.events);
      const close = events.find((e: Raw) => e.finding_info.uid === tokenFinding.id);
      expect(close).toMatchObject({ activity_id: 3 });
      // The subject's remaining findings are published too (Update, reason subject-refreshed).
      for (const id of persisting) {
        const e = events.find((x: Raw) => x.finding_info.uid === id);
        expect(e, id).toMatchObject({ activity_id: 2, unmapped: { revenant: { reason: 'subject-refreshed' } } });
      }
      // Nobody else's unchanged findings are sent again.
      expect(events.every((e: Raw) => e.activity_id !== 2 || e.unmapped.revenant.subject.id === GINA)).toBe(true);
    } finally {
      await app.close();
      closeSink();
    }
  });

  it('swaps atomically under load: no request fails, none mixes two snapshots', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const k = createKey(dir, ['read', 'events'], { rateLimit: 1_000_000 });
    const { app } = await makeApp(dir, { config: testConfig({ snapshotPollMs: 50 }) });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const cols = [1, 2, 3].map((i) => {
      const c = copyScenario('cross-source-hr');
      editJsonl(join(c, 'entra', 'users.jsonl'), (u) => (u.id === '9934fad4-756a-51be-8aa7-c84112a40bef' ? { ...u, accountEnabled: i % 2 === 0 } : u));
      for (const s of ['entra', 'okta', 'hr']) setCollectedAt(join(c, s), `2026-11-0${i + 1}T00:00:00Z`);
      return c;
    });
    let stop = false;
    const errors: string[] = [];
    const seen = new Set<string>();
    let requests = 0;
    const client = async () => {
      while (!stop) {
        const paths = ['/v1/findings?limit=3', '/v1/subjects/qray@contoso.com/residual-access', '/v1/subjects/oscar.wu@contoso.com/residual-access'];
        const p = paths[requests % paths.length];
        try {
          const r = await fetch(`${address}${p}`, { headers: bearer(k) });
          requests++;
          const body = (await r.json()) as Raw;
          if (r.status !== 200) errors.push(`${r.status} ${JSON.stringify(body)}`);
          else if (r.headers.get('x-revenant-snapshot') !== body.snapshot) errors.push('header and body name different snapshots');
          else seen.add(body.snapshot);
          for (const f of (body.items ?? body.findings ?? []) as Raw[]) {
            if (f.lastSeen && f.lastSeen.snapshot !== body.snapshot) errors.push('a finding from another snapshot');
          }
        } catch (e) {
          errors.push(String(e));
        }
      }
    };
    try {
      const clients = Array.from({ length: 8 }, () => client());
      for (const c of cols) {
        await cliLoad(dir, c);
        await new Promise((r) => setTimeout(r, 150));
      }
      await waitFor(() => seen.size >= 4, 'every snapshot served');
      stop = true;
      await Promise.all(clients);
      expect(errors).toEqual([]);
      expect(requests).toBeGreaterThan(50);
      expect(seen.size).toBe(4);
    } finally {
      stop = true;
      await app.close();
    }
  });

  it('drains requests in flight on close: they finish with 200, later ones are refused', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const k = createKey(dir, ['read'], { rateLimit: 1_000_000 });
    const app = await buildServer({ store: new Store(dir), config: testConfig(), logger: false });
    // Slow requests down so that they are surely in flight when the server closes.
    let received = 0;
    app.addHook('onRequest', async () => {
      received++;
      await new Promise((r) => setTimeout(r, 400));
    });
    await app.ready();
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const inflight = Array.from({ length: 20 }, () => fetch(`${address}/v1/findings?limit=1000`, { headers: bearer(k) }).then((r) => r.status, (e) => String(e)));
    await waitFor(() => received === 20, 'requests in flight');
    const closing = app.close();
    const late = await fetch(`${address}/healthz`).then((r) => r.status, () => 'refused');
    const statuses = await Promise.all(inflight);
    await closing;
    expect(statuses).toEqual(Array(20).fill(200));
    expect([503, 'refused']).toContain(late);
    void CLIENT_STATE;
  });
});
