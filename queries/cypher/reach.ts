/**
 * Reach from the facts the Cypher reach subqueries return (queries/cypher/fragments.ts): each
 * fact is one privilege-granting node with what names it (a role assignment and its definition;
 * an app role assignment, its service principal and the resource whose appRoles name it; an Okta
 * role; an Okta scope grant and its app). The label and tier of each privilege come from the
 * embedded engine's own functions in src/analysis/reach.ts, run on a FactGraph holding just
 * that fact, so both engines name and rank privileges identically.
 */
import { type Privilege, type Reach, appPermissionPrivileges, entraRolePrivilege, oktaRolePrivilege, oktaServiceAppReach, reachOf } from '../../src/analysis/reach.js';
import { EdgeKind } from '../../src/model/schema.js';
import { FactGraph } from '../../src/store/neo4jFacts.js';
import type { Neo4jSnapshot } from '../../src/store/neo4jGraph.js';
import { REACH_QUERIES, type ReachKind, cypherConstants, isReachRequest } from './fragments.js';

interface Fact {
  t: 'entraRole' | 'appPerm' | 'oktaRole' | 'oktaScope';
  a: unknown;
  def?: unknown;
  sp?: unknown;
  res?: unknown;
  app?: unknown;
}

/** One fact's privileges. */
function privilegesOf(snap: Neo4jSnapshot, fact: unknown): Privilege[] {
  const f = fact as Fact;
  const a = snap.node(f.a);
  switch (f.t) {
    case 'entraRole':
      return [entraRolePrivilege(new FactGraph().link(EdgeKind.OF_ROLE, a, snap.maybeNode(f.def)).addNode(a), a)];
    case 'appPerm': {
      const sp = snap.node(f.sp);
      const g = new FactGraph().link(EdgeKind.HAS_APP_ROLE, sp, a).link(EdgeKind.ON_RESOURCE, a, snap.maybeNode(f.res));
      return appPermissionPrivileges(g, sp.key).filter((p) => p.via === a.key);
    }
    case 'oktaRole':
      return [oktaRolePrivilege(a)];
    case 'oktaScope': {
      const app = snap.node(f.app);
      return oktaServiceAppReach(new FactGraph().link(EdgeKind.HAS_GRANT, app, a), app.key).privileges;
    }
  }
  throw new Error(`reach: unknown fact type ${JSON.stringify((f as { t?: unknown }).t)}`);
}

/** The Reach of a list of facts (or of several lists, merged). */
function reachOfFacts(snap: Neo4jSnapshot, ...lists: unknown[][]): Reach {
  return reachOf(lists.flatMap((l) => (l ?? []).flatMap((f) => privilegesOf(snap, f))));
}

const REACH_BATCH = 2_000;

/** Fetch the reach facts of every distinct request, one batched query per kind. Keyed `kind\0key`. */
export async function fetchReach(snap: Neo4jSnapshot, requests: Iterable<{ reach: ReachKind; key: string }>): Promise<Map<string, unknown[]>> {
  const byKind = new Map<ReachKind, Set<string>>();
  for (const r of requests) (byKind.get(r.reach) ?? byKind.set(r.reach, new Set()).get(r.reach)!).add(r.key);
  const out = new Map<string, unknown[]>();
  for (const [kind, keySet] of byKind) {
    const query = REACH_QUERIES[kind];
    if (!query) throw new Error(`reach: unknown reach kind ${JSON.stringify(kind)}`);
    const keys = [...keySet];
    for (let i = 0; i < keys.length; i += REACH_BATCH) {
      for (const row of await snap.rows(query, { keys: keys.slice(i, i + REACH_BATCH), k: cypherConstants() })) out.set(`${kind}\u0000${String(row.key)}`, row.facts as unknown[]);
    }
    for (const k of keys) if (!out.has(`${kind}\u0000${k}`)) out.set(`${kind}\u0000${k}`, []);
  }
  return out;
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
