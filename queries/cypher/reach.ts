/**
 * Reach from the facts the Cypher reach subqueries return (the sources' named reaches in Cypher,
 * SourcePrivileges.reach): each fact is one privilege-granting node with what names it (a role
 * assignment and its definition; an app role assignment, its service principal and the resource
 * whose appRoles name it; an Okta role; an Okta scope grant and its app). The label and tier of
 * each privilege come from the source's own fact reader (SourcePrivileges.facts), which runs the
 * embedded engine's functions on a FactGraph holding just that fact, so both engines name and
 * rank privileges identically.
 */
import { type Privilege, type Reach, reachOf } from '../../src/analysis/reach.js';
import { completeDatasets } from '../../src/model/reachContext.js';
import type { FactContext } from '../../src/model/source.js';
import { FactGraph } from '../../src/store/neo4jFacts.js';
import type { Neo4jSnapshot, Row } from '../../src/store/neo4jGraph.js';
import { SOURCES } from '../../ingest/sources.js';
import { cypherConstants, isReachRequest, reachQuery } from './fragments.js';

/** One fact's privileges, by the reader its source registered for the fact's `t`. */
function privilegesOf(c: FactContext, fact: unknown): Privilege[] {
  const f = fact as Record<string, unknown>;
  const read = typeof f.t === 'string' ? SOURCES.factReader(f.t) : undefined;
  if (!read) throw new Error(`reach: unknown fact type ${JSON.stringify(f.t)}`);
  return read(f, c);
}

/** The Reach of a list of facts (or of several lists, merged). */
function reachOfFacts(snap: Neo4jSnapshot, ...lists: unknown[][]): Reach {
  const c: FactContext = { node: (v) => snap.node(v), maybeNode: (v) => snap.maybeNode(v), graph: () => new FactGraph() };
  return reachOf(lists.flatMap((l) => (l ?? []).flatMap((f) => privilegesOf(c, f))));
}

const REACH_BATCH = 2_000;

/** Queries and what they fetch: one batched query per reach kind (and batch of keys). */
export interface ReachQueries {
  queries: { query: string; params: Record<string, unknown> }[];
  /** The reach facts of every request from the queries' rows (in the queries' order), keyed `kind\0key`. */
  collect(rows: Row[][]): Map<string, unknown[]>;
}

/** The queries fetching the reach facts of every distinct request at `at`: one batched query per kind. */
export function reachQueries(snap: Neo4jSnapshot, requests: Iterable<{ reach: string; key: string }>, at: number): ReachQueries {
  const complete = completeDatasets(snap.sources);
  const byKind = new Map<string, Set<string>>();
  for (const r of requests) (byKind.get(r.reach) ?? byKind.set(r.reach, new Set()).get(r.reach)!).add(r.key);
  const queries: ReachQueries['queries'] = [];
  const kindOf: string[] = [];
  for (const [kind, keySet] of byKind) {
    const query = reachQuery(kind);
    const keys = [...keySet];
    for (let i = 0; i < keys.length; i += REACH_BATCH) {
      queries.push({ query, params: { keys: keys.slice(i, i + REACH_BATCH), k: cypherConstants(), at, complete } });
      kindOf.push(kind);
    }
  }
  return {
    queries,
    collect(rows) {
      const out = new Map<string, unknown[]>();
      rows.forEach((list, i) => {
        for (const row of list) out.set(`${kindOf[i]}\u0000${String(row.key)}`, row.facts as unknown[]);
      });
      for (const [kind, keySet] of byKind) for (const k of keySet) if (!out.has(`${kind}\u0000${k}`)) out.set(`${kind}\u0000${k}`, []);
      return out;
    },
  };
}

/** Fetch the reach facts of every distinct request at `at` (reachQueries, sent together). Keyed `kind\0key`. */
export async function fetchReach(snap: Neo4jSnapshot, requests: Iterable<{ reach: string; key: string }>, at: number): Promise<Map<string, unknown[]>> {
  const q = reachQueries(snap, requests, at);
  return q.collect(await snap.rowsOfAll(q.queries));
}

/** Reach of requests (resolved from `fetched`) and fact lists, merged. */
export function reachOfRequests(snap: Neo4jSnapshot, fetched: Map<string, unknown[]>, requests: unknown[]): Reach {
  const lists = requests.map((r) => {
    if (Array.isArray(r)) return r as unknown[];
    if (isReachRequest(r)) {
      const facts = fetched.get(`${r.reach}\u0000${r.key}`);
      if (!facts) throw new Error(`reach: ${r.reach} of ${r.key} was not fetched`);
      return facts;
    }
    if (r === null || r === undefined) return [];
    throw new Error('reach: not a reach request or a list of facts');
  });
  return reachOfFacts(snap, ...lists);
}
