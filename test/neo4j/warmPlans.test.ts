/**
 * Warming Neo4j's plan cache (queries/warmPlans.ts) against the real test Neo4j, in a store of
 * its own: the warm-up sends every query (text and parameter shape, list sizes bucketed as
 * Neo4j's plan cache buckets them) that a first one-subject question — residual access of any
 * departed subject with findings, a tier-0 principal's blast radius and paths, the person view —
 * sends, so none of them is planned cold; it is bounded (a timeout returns, never throws), can be
 * switched off, says when there is nothing to warm; `serve --neo4j` warms in the background and
 * logs it (`load --neo4j` is covered in store.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { Neo4jEngine } from '../../queries/Neo4jEngine.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { warmMessage, warmNeo4jPlans } from '../../queries/warmPlans.js';
import { Neo4jSnapshot } from '../../src/store/neo4jGraph.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { Store } from '../../src/store/Store.js';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { BIN } from '../support/cli.js';
import { neo4jUri, openTestDriver, pushSnapshot } from '../support/neo4j.js';

const AT = '2026-11-01T00:00:00Z';
const STORE = `warm-test-${process.pid}-${Date.now()}`;

let driver: Driver;
let store: Neo4jStore;
let id: string;
const dirs: string[] = [];

/** A parameter's shape as the plan cache keys it: its type, and for a list its size bucket (powers of ten). */
function shape(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `list[${v.length === 0 ? 0 : 10 ** Math.floor(Math.log10(v.length))}]<${v.length ? shape(v[0]) : ''}>`;
  if (typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${k}:${shape((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return typeof v;
}
const signature = (query: string, params: Record<string, unknown> = {}) => `${query}\n${shape(params)}`;

/** Record every statement the engine and the store send while `fn` runs. */
async function capture(fn: () => Promise<unknown>): Promise<Set<string>> {
  const seen = new Set<string>();
  const rows = Neo4jSnapshot.prototype.rows;
  const rowsOfAll = Neo4jSnapshot.prototype.rowsOfAll;
  const q = Neo4jStore.prototype.q;
  Neo4jSnapshot.prototype.rows = function (this: Neo4jSnapshot, query, params) {
    seen.add(signature(query, params));
    return rows.call(this, query, params);
  };
  Neo4jSnapshot.prototype.rowsOfAll = function (this: Neo4jSnapshot, queries) {
    for (const x of queries) seen.add(signature(x.query, x.params));
    return rowsOfAll.call(this, queries);
  };
  Neo4jStore.prototype.q = function (this: Neo4jStore, query, params, ...rest) {
    seen.add(signature(query, params));
    return q.call(this, query, params, ...rest);
  };
  try {
    await fn();
  } finally {
    Object.assign(Neo4jSnapshot.prototype, { rows, rowsOfAll });
    Neo4jStore.prototype.q = q;
  }
  return seen;
}

beforeAll(async () => {
  driver = openTestDriver();
  store = new Neo4jStore(driver, neo4jUri(), undefined, STORE);
  await store.ensureSchema();
  const out = mkdtempSync(join(tmpdir(), 'revenant-warm-'));
  dirs.push(out);
  await synthesize({ users: 300, seed: 6, out, at: AT });
  // Through the embedded store, as `load --neo4j` does: the warm-up reads the stored findings.
  const storeDir = mkdtempSync(join(tmpdir(), 'revenant-warm-store-'));
  dirs.push(storeDir);
  id = (await loadSnapshot(new Store(storeDir), [out])).id;
  await pushSnapshot(store, storeDir, id);
}, 300_000);

afterAll(async () => {
  if (id) await store?.remove(id).catch(() => undefined);
  await driver?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('warming the Neo4j plan cache', () => {
  it('sends every query a first one-subject question sends, in the same shapes', async () => {
    let result: Awaited<ReturnType<typeof warmNeo4jPlans>> | undefined;
    const warmed = await capture(async () => {
      result = await warmNeo4jPlans(store);
    });
    expect(result?.status, result && warmMessage(result)).toBe('warm');
    expect(result!.queries).toBeGreaterThan(10);
    expect(warmMessage(result!)).toMatch(/^Neo4j query plans warm in \d+\.\d s \(\d+ queries\)$/);

    const snap = await store.open();
    const all = await runResidualNeo4j(snap, { all: true });
    const subjects = [...new Set(all.findings.map((f) => `${f.subject.source}:${f.subject.id}`))];
    const tier0 = [...new Set(all.findings.filter((f) => f.reaches.tier0).map((f) => `${f.subject.source}:${f.subject.id}`))];
    expect(subjects.length).toBeGreaterThan(5);
    expect(tier0.length).toBeGreaterThan(0);
    const engine = new Neo4jEngine(snap);
    const asked = await capture(async () => {
      await store.open();
      for (const s of subjects) await engine.whatIf({ subjects: [s], at: Date.now() });
      for (const p of tier0.slice(0, 5)) {
        await engine.blastRadius(p, {});
        await engine.paths(p, 'tier0', {});
        await engine.person(p);
      }
    });
    const cold = [...asked].filter((s) => !warmed.has(s));
    expect(cold, cold.map((s) => s.slice(0, 300)).join('\n\n')).toEqual([]);
  }, 300_000);

  it('is bounded: past its time it returns (status timeout) and never throws', async () => {
    const r = await warmNeo4jPlans(store, id, 1);
    expect(r.status).toBe('timeout');
    expect(warmMessage(r)).toMatch(/^stopped warming Neo4j query plans after/);
  });

  it('can be switched off, and says when there is nothing to warm', async () => {
    const before = process.env.REVENANT_NEO4J_WARM;
    process.env.REVENANT_NEO4J_WARM = 'off';
    try {
      const sent = await capture(async () => expect((await warmNeo4jPlans(store)).status).toBe('off'));
      expect(sent.size).toBe(0);
    } finally {
      if (before === undefined) delete process.env.REVENANT_NEO4J_WARM;
      else process.env.REVENANT_NEO4J_WARM = before;
    }
    const empty = await warmNeo4jPlans(new Neo4jStore(driver, neo4jUri(), undefined, `${STORE}-empty`));
    expect(empty.status).toBe('empty');
  });

  it('serve --neo4j warms the plans in the background when it starts, and logs it', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--neo4j', neo4jUri(), '--port', '0'], {
      env: { ...process.env, NEO4J_URI: '', REVENANT_NEO4J_STORE: STORE, REVENANT_NEO4J_WARM: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    try {
      await new Promise<void>((done, fail) => {
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (/revenant: (Neo4j query plans warm in|stopped warming|warming Neo4j query plans failed|no snapshot or stored finding)/.test(err)) done();
        });
        child.on('exit', (code) => fail(new Error(`serve exited (${code}): ${err}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    const lines = err.split('\n');
    const serving = lines.findIndex((l) => l.startsWith('revenant: serving Neo4j'));
    const warming = lines.findIndex((l) => l === 'revenant: warming Neo4j query plans in the background');
    expect(serving, err).toBeGreaterThanOrEqual(0);
    expect(warming, err).toBeGreaterThan(serving);
    expect(err).toMatch(/revenant: Neo4j query plans warm in [\d.]+ s \(\d+ queries\)/);
  }, 180_000);
});
