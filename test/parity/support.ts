/**
 * Parity helpers: one collection loaded once (an in-memory SQLite snapshot, exactly as
 * `--collection` loads it), analysed by the embedded engine in process and pushed into the test
 * Neo4j (test/support/neo4j.ts: a missing server fails the suite, never skips it) as an ephemeral
 * snapshot the Neo4j engine queries; and comparisons of the two engines' answers as sets, with a
 * readable list of differences; and which rules a suite exercised (no rule may pass parity vacuously).
 */
import { randomUUID } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import type { BlastRadius } from '../../queries/blast-radius.js';
import type { PathsResult } from '../../queries/paths.js';
import { type FindingsDoc, runResidual } from '../../queries/residual.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { RULES } from '../../queries/residual-access/index.js';
import type { GraphNode } from '../../src/model/types.js';
import { compareWithExpected } from '../support/compareFindings.js';
import type { Expected } from '../support/scenarios.js';
import { expect } from 'vitest';
import type { Neo4jSnapshot } from '../../src/store/neo4jGraph.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import type { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { neo4jUri } from '../support/neo4j.js';

export interface Pair {
  db: SnapshotDb;
  /** The embedded engine's graph over the snapshot. */
  graph: LazyGraph;
  /** The same snapshot in Neo4j. */
  snap: Neo4jSnapshot;
  store: Neo4jStore;
  id: string;
  close(): Promise<void>;
}

/** Load `dirs` once and put the same snapshot in both engines. */
export async function pair(driver: Driver, dirs: string[]): Promise<Pair> {
  const db = await loadInMemory(dirs);
  const store = new Neo4jStore(driver, neo4jUri());
  const id = `parity-${randomUUID()}`;
  await store.push(db, id, { ephemeral: true });
  const snap = await store.openScope(id, null);
  return {
    db,
    graph: new LazyGraph(db, null),
    snap,
    store,
    id,
    close: async () => {
      db.close();
      await store.remove(id);
    },
  };
}

const key = (f: FindingsDoc['findings'][number]) => `${f.rule} ${f.subject.source}:${f.subject.id} via ${f.via.id}`;

/** Differences between two findings documents, compared as sets (empty: the same answer). */
export function docDifferences(embedded: FindingsDoc, neo4j: FindingsDoc): string[] {
  const out: string[] = [];
  if (embedded.at !== neo4j.at) out.push(`at: ${embedded.at} vs ${neo4j.at}`);
  if (embedded.snapshot !== neo4j.snapshot) out.push(`snapshot: ${embedded.snapshot} vs ${neo4j.snapshot}`);
  const e = new Map(embedded.findings.map((f) => [key(f), f]));
  const n = new Map(neo4j.findings.map((f) => [key(f), f]));
  for (const [k, f] of e) {
    const g = n.get(k);
    if (!g) {
      out.push(`only embedded: ${k} ${f.status} ${f.severity}`);
      continue;
    }
    if (g.status !== f.status) out.push(`status ${k}: ${f.status} vs ${g.status}`);
    if (g.severity !== f.severity) out.push(`severity ${k}: ${f.severity} vs ${g.severity}`);
    if (g.validUntil !== f.validUntil) out.push(`validUntil ${k}: ${f.validUntil} vs ${g.validUntil}`);
    if (JSON.stringify(g) !== JSON.stringify(f)) out.push(`finding ${k} differs: ${JSON.stringify(f)} vs ${JSON.stringify(g)}`);
  }
  for (const [k, g] of n) if (!e.has(k)) out.push(`only neo4j: ${k} ${g.status} ${g.severity}`);
  const subjects = (d: FindingsDoc) => new Map(d.subjects.map((s) => [`${s.source}:${s.id}`, JSON.stringify(s)]));
  const es = subjects(embedded);
  const ns = subjects(neo4j);
  for (const [k, s] of es) if (ns.get(k) !== s) out.push(`subject ${k}: ${s} vs ${ns.get(k) ?? '(missing)'}`);
  for (const k of ns.keys()) if (!es.has(k)) out.push(`subject only in neo4j: ${k}`);
  const persons = (d: FindingsDoc) => new Set(d.persons.map((p) => JSON.stringify(p)));
  const ep = persons(embedded);
  const np = persons(neo4j);
  for (const p of ep) if (!np.has(p)) out.push(`person only embedded: ${p}`);
  for (const p of np) if (!ep.has(p)) out.push(`person only neo4j: ${p}`);
  for (const [sk, c] of Object.entries(embedded.coverage)) {
    const d = neo4j.coverage[sk];
    if (JSON.stringify([...c.uncoveredRules].sort()) !== JSON.stringify([...(d?.uncoveredRules ?? [])].sort())) out.push(`uncovered rules of ${sk}: ${c.uncoveredRules} vs ${d?.uncoveredRules}`);
    if (JSON.stringify(c) !== JSON.stringify(d)) out.push(`coverage of ${sk} differs`);
  }
  if (Object.keys(neo4j.coverage).length !== Object.keys(embedded.coverage).length) out.push('coverage sources differ');
  // Beyond sets: the documents are meant to be byte-identical.
  if (out.length === 0 && JSON.stringify(embedded) !== JSON.stringify(neo4j)) out.push('same sets, but the documents are not identical (order)');
  return out;
}

/** Differences between two blast radii: endpoints (privileges, whole-tenant reach, objects) as sets, then the whole document. */
export function blastDifferences(e: BlastRadius, n: BlastRadius): string[] {
  const out: string[] = [];
  const set = (xs: unknown[]) => new Set(xs.map((x) => JSON.stringify(x)));
  const cmp = (what: string, a: unknown[], b: unknown[]) => {
    const sa = set(a);
    const sb = set(b);
    for (const x of sa) if (!sb.has(x)) out.push(`${what} only embedded: ${x}`);
    for (const x of sb) if (!sa.has(x)) out.push(`${what} only neo4j: ${x}`);
  };
  cmp('privilege', e.privileges, n.privileges);
  cmp('whole tenant', e.wholeTenant, n.wholeTenant);
  cmp('object', e.objects, n.objects);
  if (JSON.stringify(e.reached) !== JSON.stringify(n.reached)) out.push(`reached ${JSON.stringify(e.reached)} vs ${JSON.stringify(n.reached)}`);
  if (e.truncated !== n.truncated || e.tier0 !== n.tier0) out.push('truncated or tier0 differ');
  if (out.length === 0 && JSON.stringify(e) !== JSON.stringify(n)) out.push('same sets, but the documents are not identical');
  return out;
}

export function pathDifferences(e: PathsResult, n: PathsResult): string[] {
  const out: string[] = [];
  const a = new Set(e.paths.map((p) => JSON.stringify(p)));
  const b = new Set(n.paths.map((p) => JSON.stringify(p)));
  for (const x of a) if (!b.has(x)) out.push(`path only embedded: ${x}`);
  for (const x of b) if (!a.has(x)) out.push(`path only neo4j: ${x}`);
  if (out.length === 0 && JSON.stringify(e) !== JSON.stringify(n)) out.push('same paths, but the documents are not identical');
  return out;
}

/** Run both and return [embedded, neo4j] results or the same error message from both. */
export async function both<T>(embedded: () => T, neo4j: () => Promise<T>): Promise<{ e?: T; n?: T; error?: string; mismatch?: string }> {
  let e: T | undefined;
  let n: T | undefined;
  let ee: string | undefined;
  let ne: string | undefined;
  try {
    e = embedded();
  } catch (x) {
    ee = (x as Error).message;
  }
  try {
    n = await neo4j();
  } catch (x) {
    ne = (x as Error).message;
  }
  if (ee !== undefined || ne !== undefined) {
    return ee === ne ? { error: ee } : { mismatch: `embedded: ${ee ?? 'ok'} | neo4j: ${ne ?? 'ok'}` };
  }
  return { e, n };
}

/**
 * What rules a parity suite has exercised, per engine: no rule may pass parity vacuously, so each
 * suite records the findings both engines gave and finally asks which rules had none in either.
 */
export class RulesSeen {
  private readonly embedded = new Set<string>();
  private readonly neo4j = new Set<string>();
  add(embedded: FindingsDoc, neo4j: FindingsDoc): void {
    for (const f of embedded.findings) this.embedded.add(f.rule);
    for (const f of neo4j.findings) this.neo4j.add(f.rule);
  }
  /** Rules of the engine's catalogue (of the given sources, or all) without a finding in both engines' answers (empty: none passed vacuously). */
  vacuous(sources?: readonly string[]): string[] {
    return RULES.filter((r) => !sources || sources.includes(r.source))
      .map((r) => r.id)
      .filter((id) => !this.embedded.has(id) || !this.neo4j.has(id));
  }
}

/**
 * Residual access on one scenario agrees in both engines and matches its expected findings: the
 * sweep at the scenario's time (with its what-if), each account named alone and assumed departed,
 * and every active account assumed departed at once.
 */
export async function expectResidualParity(p: Pair, name: string, exp: Expected, accounts: GraphNode[], seen: RulesSeen, assumeDeparted: string[] = []): Promise<void> {
  const at = Date.parse(exp.at);
  const sweep = { all: true, at, assumeDeparted };
  const e = runResidual(p.graph, sweep);
  const n = await runResidualNeo4j(p.snap, sweep);
  expect(docDifferences(e, n)).toEqual([]);
  expect(compareWithExpected(n, exp)).toEqual([]);
  seen.add(e, n);
  for (const a of accounts) {
    const ref = `${a.sourceKey.split(':')[0]}:${a.id}`;
    for (const opts of [{ subjects: [ref], at }, { assumeDeparted: [ref], at }]) {
      const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
      expect(r.mismatch, `${name} ${JSON.stringify(opts)}`).toBeUndefined();
      if (r.e && r.n) expect(docDifferences(r.e, r.n), `${name} ${JSON.stringify(opts)}`).toEqual([]);
    }
  }
  const active = accounts.filter((a) => a.props.accountEnabled === true || a.props.status === 'ACTIVE').map((a) => `${a.sourceKey.split(':')[0]}:${a.id}`);
  const all = { all: true, at, assumeDeparted: active };
  const ea = runResidual(p.graph, all);
  const na = await runResidualNeo4j(p.snap, all);
  expect(docDifferences(ea, na)).toEqual([]);
  seen.add(ea, na);
}
