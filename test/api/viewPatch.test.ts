/**
 * A delta's served view and change-feed append are patched from the previous ones (only what the
 * delta touched is looked at) instead of rebuilt: after every step of a chain of delta snapshots
 * — disables, suspensions, deletions, re-enables, new credentials, memberships removed, a dataset
 * going partial and complete again — the patched feed holds exactly the events and states of a
 * feed that compared every finding, and the patched view exactly the indexes, activities,
 * history and pushed changes of a view built whole.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { diffDocs } from '../../queries/diff.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { changesOf } from '../../src/api/push/Pusher.js';
import { EmbeddedSource } from '../../src/api/snapshot/SnapshotSource.js';
import { type SnapshotView, buildView, subjectKey } from '../../src/api/snapshot/SnapshotView.js';
import { ChangeFeed } from '../../src/store/ChangeFeed.js';
import { Store } from '../../src/store/Store.js';
import { cleanupTemps, setCollectedAt, tempDir } from './helpers.js';
import { type Raw, lines, rewrite } from '../support/collectionEdits.js';

function setStatus(dir: string, source: string, dataset: string, status: 'complete' | 'partial'): void {
  const mpath = join(dir, source, 'manifest.json');
  const m = JSON.parse(readFileSync(mpath, 'utf8')) as { datasets: Record<string, { status: string; reason?: string }> };
  m.datasets[dataset] = { ...m.datasets[dataset], status, ...(status === 'partial' ? { reason: 'HTTP 503 after 5 retries' } : {}) };
  if (status === 'complete') delete m.datasets[dataset].reason;
  writeFileSync(mpath, JSON.stringify(m, null, 2));
}

/** Who the chain's steps are about: an Entra user and an Okta user with group memberships. */
interface Cast {
  x: string;
  y: string;
  z: string;
  yMemberships: Raw[];
}

function cast(c0: string): Cast {
  const entraMembers = new Set(lines(join(c0, 'entra', 'groupMembers.jsonl')).map((m) => (m.member as Raw).id));
  const x = lines(join(c0, 'entra', 'users.jsonl')).find((u) => u.accountEnabled !== false && entraMembers.has(u.id))!.id as string;
  const oktaMembers = lines(join(c0, 'okta', 'groupMembers.jsonl'));
  const ids = new Set(oktaMembers.map((m) => (m.user as Raw).id));
  const [y, z] = lines(join(c0, 'okta', 'users.jsonl'))
    .filter((u) => u.status === 'ACTIVE' && ids.has(u.id))
    .map((u) => u.id as string);
  return { x, y, z, yMemberships: oktaMembers.filter((m) => (m.user as Raw).id === y) };
}

/**
 * Step k of the chain: a copy of the previous collection with its changes. X (Entra) is disabled
 * (1), renamed (2: findings updated), enabled (3: closed) and disabled again (6: reopened); Y
 * (Okta) is suspended (1), loses its memberships while Okta's group memberships are partial (2:
 * coverage lost, never closed), gets them back complete (4: coverage restored) and is deactivated
 * (5); Z (Okta) too, but its memberships stay gone when the data is complete again (4: closed
 * then). Time passes, 8 h a step. Every step also disables an Entra user, removes a membership, adds an app secret and
 * suspends (or deletes) an Okta user.
 */
function step(from: string, to: string, k: number, c: Cast): void {
  cpSync(from, to, { recursive: true });
  rewrite(to, 'entra', 'users', (rows) => {
    const enabled = rows.filter((u) => u.accountEnabled !== false && u.id !== c.x);
    enabled[k * 3].accountEnabled = false;
    const x = rows.find((u) => u.id === c.x)!;
    if (k === 1 || k === 6) x.accountEnabled = false;
    if (k === 3) x.accountEnabled = true;
    if (k === 2) x.displayName = `${String(x.displayName)} (left)`;
    return rows;
  });
  rewrite(to, 'entra', 'groupMembers', (rows) => rows.filter((m, i) => i !== k * 5 || (m.member as Raw).id === c.x));
  rewrite(to, 'entra', 'applications', (rows) => {
    const a = rows[k % rows.length];
    a.passwordCredentials = [...((a.passwordCredentials as Raw[]) ?? []), { keyId: `00000000-0000-4000-8000-0000000000${10 + k}`, displayName: `new ${k}`, startDateTime: '2026-10-01T00:00:00Z', endDateTime: '2027-10-01T00:00:00Z' }];
    return rows;
  });
  rewrite(to, 'okta', 'users', (rows) => {
    const active = rows.filter((u) => u.status === 'ACTIVE' && u.id !== c.y && u.id !== c.z);
    active[k].status = 'SUSPENDED';
    const y = rows.find((u) => u.id === c.y)!;
    if (k === 1) for (const u of rows.filter((x) => x.id === c.y || x.id === c.z)) u.status = 'SUSPENDED';
    if (k === 5) y.status = 'DEPROVISIONED';
    // A deleted Okta user: its findings are resolved.
    return k === 7 ? rows.filter((u) => u !== active[k + 40]) : rows;
  });
  // Time passes (8 h a step): window findings turn dormant (updated, status changed).
  for (const source of ['entra', 'okta', 'hr']) {
    const mpath = join(to, source, 'manifest.json');
    const m = JSON.parse(readFileSync(mpath, 'utf8')) as { collectedAt: string };
    setCollectedAt(join(to, source), new Date(Date.parse(m.collectedAt) + 8 * 3_600_000).toISOString());
  }
  if (k === 2) {
    rewrite(to, 'okta', 'groupMembers', (rows) => rows.filter((m) => (m.user as Raw).id !== c.y && (m.user as Raw).id !== c.z));
    setStatus(to, 'okta', 'groupMembers', 'partial');
  }
  if (k === 4) {
    rewrite(to, 'okta', 'groupMembers', (rows) => [...rows, ...c.yMemberships]);
    setStatus(to, 'okta', 'groupMembers', 'complete');
  }
}

const feedRows = (feed: ChangeFeed) => ({
  events: feed.db.prepare('SELECT * FROM feed_events ORDER BY seq').all(),
  states: feed.db.prepare('SELECT * FROM feed_state ORDER BY finding').all(),
  snapshots: feed.db.prepare('SELECT snapshot, at, end_seq, events FROM feed_snapshots ORDER BY snapshot').all(),
});

/** Everything a view answers with, in a comparable form. */
function viewShape(v: SnapshotView) {
  const ids = (fs: readonly { id: string }[]) => fs.map((f) => f.id);
  const sortedEntries = <V>(m: ReadonlyMap<string, V>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    id: v.id,
    previous: v.previous,
    doc: JSON.stringify(v.doc),
    activity: sortedEntries(v.activity),
    previousStatus: sortedEntries(v.previousStatus),
    resolved: ids(v.resolved),
    sorted: ids(v.sorted),
    byId: sortedEntries(v.byId).map(([k, f]) => [k, JSON.stringify(f)]),
    bySubject: sortedEntries(v.bySubject).map(([k, fs]) => [k, ids(fs)]),
    counts: sortedEntries(v.counts),
    subjects: sortedEntries(v.subjects).map(([k, s]) => [k, JSON.stringify(s)]),
    history: sortedEntries(v.history),
    feedEnd: v.feedEnd,
  };
}

describe('patched view and change feed = rebuilt ones, along a chain of deltas', () => {
  const root = tempDir();
  const STEPS = 8;
  const dirs: string[] = [];

  beforeAll(async () => {
    dirs.push(join(root, 'c0'));
    await synthesize({ users: 300, seed: 5, out: dirs[0] });
    const c = cast(dirs[0]);
    for (let k = 1; k <= STEPS; k++) {
      dirs.push(join(root, `c${k}`));
      step(dirs[k - 1], dirs[k], k, c);
    }
  }, 300_000);

  afterAll(() => cleanupTemps());

  test(`${STEPS} deltas: same feed events and states, same view, same pushed changes`, async () => {
    const store = new Store(join(root, 'store'));
    const source = new EmbeddedSource(store);
    for (const f of ['feed-patched', 'feed-whole']) mkdirSync(join(root, f));
    const patchedFeed = ChangeFeed.open(join(root, 'feed-patched'));
    const wholeFeed = ChangeFeed.open(join(root, 'feed-whole'));
    const first = await loadSnapshot(store, [dirs[0]]);
    const doc0 = await source.readDoc(first.id);
    const at0 = store.info(first.id).collectedAt;
    patchedFeed.append(first.id, doc0, at0);
    wholeFeed.append(first.id, doc0, at0);
    let patched = await buildView(source, first.id, null, undefined, patchedFeed, { doc: doc0 });
    let whole = await buildView(source, first.id, null, undefined, wholeFeed, { doc: doc0 });
    const kinds = new Set<string>();
    let pushedRefreshed = 0;
    try {
      for (let k = 1; k <= STEPS; k++) {
        const d = await loadDelta(store, [dirs[k]]);
        expect(d.baseId).toBe(patched.id);
        const at = store.info(d.id).collectedAt;
        // Patched, as the server swaps a delta on the view it serves.
        const on = await source.readDocOn(d.id, patched.id, patched.doc);
        expect(on, `step ${k} is a delta on the served snapshot`).not.toBeNull();
        expect(on!.change.base).toBe(patched.id);
        expect(on!.change.findings.length + on!.change.gone.length).toBeLessThan(on!.doc.findings.length);
        patchedFeed.append(d.id, on!.doc, at, on!.change);
        const next = await buildView(source, d.id, patched, undefined, patchedFeed, on!);
        expect(next.diff, `step ${k} view is patched`).not.toBeNull();
        // Whole: the document read in full, every finding compared.
        const doc = await source.readDoc(d.id);
        expect(JSON.stringify(on!.doc)).toBe(JSON.stringify(doc));
        wholeFeed.append(d.id, doc, at);
        const rebuilt = await buildView(source, d.id, whole, undefined, wholeFeed, { doc });
        expect(rebuilt.diff).toBeNull();
        expect(feedRows(patchedFeed), `step ${k}: feed`).toEqual(feedRows(wholeFeed));
        expect(viewShape(next), `step ${k}: view`).toEqual(viewShape(rebuilt));
        // A view built with no previous one (history read from the store) agrees too.
        const fresh = await buildView(source, d.id, null, undefined, wholeFeed);
        expect(viewShape(next).history, `step ${k}: history`).toEqual(viewShape(fresh).history);
        fresh.retire();
        // What a sink receives: the same changes, in the same order, with the subjects the step touched as refreshed.
        const refreshed = new Set(on!.change.findings.slice(0, 5).map((f) => subjectKey(f.subject.source, f.subject.id)));
        const shape = (cs: ReturnType<typeof changesOf>) => cs.map((c) => `${c.finding.id}:${c.activity}:${c.previousStatus ?? ''}:${c.reason ?? ''}`);
        const viaPatch = shape(changesOf(next.diff!, refreshed, next, true));
        expect(viaPatch, `step ${k}: pushed changes`).toEqual(shape(changesOf(diffDocs(whole.doc, rebuilt.doc), refreshed, rebuilt)));
        pushedRefreshed += viaPatch.filter((c) => c.endsWith('subject-refreshed')).length;
        patched.retire();
        whole.retire();
        patched = next;
        whole = rebuilt;
      }
      for (const e of feedRows(wholeFeed).events as { kind: string; reason: string | null }[]) kinds.add(`${e.kind}:${e.reason ?? ''}`);
    } finally {
      patched.retire();
      whole.retire();
      patchedFeed.close();
      wholeFeed.close();
    }
    // The chain exercised every kind of feed event the patch must get right.
    for (const k of ['created:', 'closed:resolved', 'closed:resolved-after-coverage-returned', 'reopened:', 'updated:coverage-lost', 'updated:coverage-restored']) expect([...kinds], k).toContain(k);
    expect([...kinds].some((k) => k.startsWith('updated:') && !k.includes('coverage'))).toBe(true);
    expect(pushedRefreshed).toBeGreaterThan(0);
  }, 300_000);
});
