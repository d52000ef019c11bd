/**
 * The change feed on both engines (issue 11, item 1): the same snapshots — A, B, A again, and a
 * dormant → live escalation — are served once by the embedded engine (loaded into its store) and
 * once by `serve --neo4j` (pushed into Neo4j one by one; the server's feed is appended when it
 * swaps each in), and the same pollers with saved cursors — without a filter and with
 * `status=live` — poll both between snapshots. Every poll returns the same events (finding, kind,
 * reason, status, severity, previous status, snapshot) on both, and each poller's view matches the
 * served snapshot. Runs against the real test Neo4j (test/support/neo4j.ts), in a store of its own.
 */
import { copyFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Finding } from '../../queries/residual.js';
import { Neo4jSource } from '../../src/api/snapshot/SnapshotSource.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { Store } from '../../src/store/Store.js';
import { neo4jUri, openTestDriver, pushSnapshot } from '../support/neo4j.js';
import { type Item, Poller, collection, escalation } from './changeFeedSupport.js';
import { cleanupTemps, cliLoad, createKey, makeApp, tempDir, waitFor } from './helpers.js';

let driver: Driver;
const stores: Neo4jStore[] = [];

beforeAll(() => {
  driver = openTestDriver();
});

afterAll(async () => {
  for (const neo of stores) for (const s of await neo.list().catch(() => [])) await neo.remove(s.id).catch(() => undefined);
  await driver?.close();
  cleanupTemps();
});

/** One engine serving a sequence of snapshots, with its pollers. */
interface Engine {
  app: FastifyInstance;
  /** A `read` key of its store. */
  key: string;
  /** Make snapshot `id` of the embedded store `from` the one served. */
  serve(id: string): Promise<void>;
  close(): Promise<void>;
}

const served = async (app: FastifyInstance) => (await app.inject('/readyz')).json().snapshot as string | undefined;

async function embeddedEngine(from: string, first: string): Promise<Engine> {
  // Its own store, receiving the snapshots in order (a copy of each file, as `load` publishes one).
  const dir = tempDir();
  const own = new Store(dir);
  const src = new Store(from);
  const publish = (id: string) => {
    mkdirSync(dirname(own.pathOf(id)), { recursive: true });
    copyFileSync(src.pathOf(id), `${own.pathOf(id)}.tmp`);
    renameSync(`${own.pathOf(id)}.tmp`, own.pathOf(id));
  };
  publish(first);
  const key = createKey(dir, ['read']);
  const { app } = await makeApp(dir);
  return {
    app,
    key,
    async serve(id) {
      publish(id);
      await waitFor(async () => (await served(app)) === id, `embedded serves ${id}`, 30_000);
    },
    close: () => app.close(),
  };
}

async function neo4jEngine(from: string, first: string, name: string): Promise<Engine> {
  const neo = new Neo4jStore(driver, neo4jUri(), undefined, name);
  stores.push(neo);
  await neo.ensureSchema();
  const push = (id: string) => pushSnapshot(neo, from, id);
  await push(first);
  const appDriver = openTestDriver();
  const dir = tempDir();
  const key = createKey(dir, ['read']);
  const { app } = await makeApp(dir, { source: new Neo4jSource(new Neo4jStore(appDriver, neo4jUri(), undefined, name), appDriver) });
  await waitFor(async () => (await served(app)) === first, `Neo4j serves ${first}`, 60_000);
  return {
    app,
    key,
    async serve(id) {
      await push(id);
      await waitFor(async () => (await served(app)) === id, `Neo4j serves ${id}`, 60_000);
    },
    async close() {
      await app.close();
    },
  };
}

/** What a poll delivered, engine-independent and order-independent (the log orders findings of one snapshot by document order). */
const events = (items: Item[]) =>
  items
    .map((i) => {
      const c = i.change as (Item['change'] & { snapshot?: string; previousSeverity?: string | null }) | undefined;
      return [i.id, c?.kind ?? 'current', c?.reason ?? '', i.status, i.severity, c?.previousStatus ?? '', c?.snapshot ?? ''].join(' ');
    })
    .sort();

function findings(from: string, id: string): Finding[] {
  return new Store(from).readFindings(id).doc.findings;
}

function expectView(p: Poller, want: Finding[]): void {
  expect([...p.open.keys()].sort()).toEqual(want.map((f) => f.id).sort());
  for (const f of want) expect(p.open.get(f.id)?.status, f.id).toBe(f.status);
}

/** Serve `ids` in order on both engines; after each, poll with every (saved-cursor) poller on both and compare. */
async function runBoth(from: string, ids: string[], name: string, queries: Record<string, string>[]): Promise<Item[][]> {
  const engines = [await embeddedEngine(from, ids[0]), await neo4jEngine(from, ids[0], name)];
  const delivered: Item[][] = [];
  try {
    const pollers = engines.map((e) => queries.map((q) => new Poller(e.app, e.key, q, 2)));
    for (const [n, id] of ids.entries()) {
      if (n > 0) for (const e of engines) await e.serve(id);
      for (const [qi, q] of queries.entries()) {
        const [emb, neo] = [await pollers[0][qi].poll(), await pollers[1][qi].poll()];
        expect(events(neo), `snapshot ${n} (${id}), filter ${JSON.stringify(q)}`).toEqual(events(emb));
        const want = findings(from, id).filter((f) => !q.status || f.status === q.status);
        expectView(pollers[0][qi], want);
        expectView(pollers[1][qi], want);
        delivered.push(emb);
      }
    }
  } finally {
    for (const e of engines) await e.close();
  }
  return delivered;
}

const ALL = {};
const LIVE = { status: 'live' };

describe('the change feed on the embedded engine and on Neo4j', () => {
  it('delivers the same events for A, B and A again, with and without a filter', async () => {
    const from = tempDir();
    const ids = [
      await cliLoad(from, collection('A', '2026-11-01T00:00:00Z')),
      await cliLoad(from, collection('B', '2026-11-15T00:00:00Z')),
      await cliLoad(from, collection('A', '2026-11-20T00:00:00Z')),
    ];
    const got = await runBoth(from, ids, `feed-parity-aba-${process.pid}-${Date.now()}`, [ALL, LIVE]);
    // [A all, A live, B all, B live, A all, A live]
    const kinds = (items: Item[]) => new Set(items.map((i) => i.change?.kind ?? 'current'));
    expect(kinds(got[2])).toEqual(new Set(['created', 'closed']));
    expect(kinds(got[4])).toEqual(new Set(['reopened', 'closed']));
    expect(got[5].some((i) => i.change?.kind === 'reopened')).toBe(true);
  }, 300_000);

  it('delivers the same escalation into a status=live filter (dormant → live) after the cursor passed it', async () => {
    const from = tempDir();
    const ids = [await cliLoad(from, escalation(false)), await cliLoad(from, escalation(true))];
    const token = findings(from, ids[0]).find((f) => f.rule === 'okta.api-token-of-departed')!;
    expect(token.status).toBe('dormant');
    const got = await runBoth(from, ids, `feed-parity-esc-${process.pid}-${Date.now()}`, [LIVE]);
    expect(got[0].some((i) => i.id === token.id)).toBe(false);
    expect(got[1].find((i) => i.id === token.id)?.change).toMatchObject({ kind: 'updated', reason: 'regression', previousStatus: 'dormant' });
  }, 300_000);
});
