/**
 * The privilege graph of blast radius and paths, built in Cypher: one query that expands from
 * the start level by level, following the same traversal plan as the embedded engine
 * (src/analysis/privilegeGraph.ts `plan()`, with the steps sources add: which edge kinds, in which direction, carry control out
 * of a node of each kind, and which steps are terminal), to the same depth limit. Within a level
 * it meets nodes in the embedded engine's order (frontier order, then plan step, then edge order)
 * and keeps a terminal arrival apart from the node's own vertex (TERMINAL_VERTEX), as the embedded
 * engine does, so both expand and draw paths alike; it returns
 * every reached node with its depth, the edges between them (the first step between each pair),
 * whether the limit cut the expansion, and the facts privilege labels need (a role assignment's
 * definition, an app role assignment's resource). Node then only rebuilds that result as the
 * PrivilegeGraph the shared summaries (summariseBlastRadius, pathsIn) read.
 */
import Graph from 'graphology';
import type { DirectedGraph } from 'graphology';
import { type PrivilegeGraph, plan, TERMINAL_VERTEX, type TravelEdge, checkDepth, vertexOf } from '../../src/analysis/privilegeGraph.js';
import { bfsFromNode } from 'graphology-traversal';
import type { EdgeKind as E } from '../../src/model/schema.js';
import type { GraphNode } from '../../src/model/types.js';
import { FactGraph } from '../../src/store/neo4jFacts.js';
import type { Neo4jSnapshot } from '../../src/store/neo4jGraph.js';
import { nodeLabel as L, relTypes } from '../../src/store/neo4jSchema.js';
import { CYPHER_HELPERS, NODE_LABEL, firstOutWithEdge } from './fragments.js';
import { completeDatasets } from '../../src/model/reachContext.js';
import { instant } from '../../src/model/time.js';
import { SOURCES } from '../../ingest/sources.js';

/** The registered sources, as the query cache's key (their steps are part of the query text). */
const SOURCES_SEEN = (): string => SOURCES.kinds().join(',');

interface PlanEntry {
  si: number;
  rev: boolean;
  term: boolean;
  /** A step's `when`: only edges whose property is one of the values (lower-cased). */
  prop?: string;
  values?: readonly string[];
}

/** `$plan`: node kind → `EDGE>` (out) or `EDGE<` (in) → step index and flags. */
function planParam(): Record<string, Record<string, PlanEntry>> {
  const out: Record<string, Record<string, PlanEntry>> = {};
  for (const [kind, steps] of Object.entries(plan())) {
    const m: Record<string, PlanEntry> = {};
    steps.forEach((s, si) => {
      const k = `${s.edge}${s.reverse ? '<' : '>'}`;
      if (!(k in m)) m[k] = { si, rev: !!s.reverse, term: !!s.terminal, ...(s.when ? { prop: s.when.prop, values: s.when.values } : {}) };
    });
    out[kind] = m;
  }
  return out;
}

const planKinds = () =>
  Object.entries(plan())
    .filter(([, steps]) => (steps?.length ?? 0) > 0)
    .map(([k]) => k);

function level(d: number): string {
  const PLAN = plan();
  const OUT_TYPES = [...new Set(Object.values(PLAN).flatMap((steps) => steps.filter((s) => !s.reverse).map((s) => s.edge)))];
  const IN_TYPES = [...new Set(Object.values(PLAN).flatMap((steps) => steps.filter((s) => s.reverse).map((s) => s.edge)))];
  const expand = [
    OUT_TYPES.length ? `MATCH (n)-[r:${relTypes(OUT_TYPES)}]->(o) RETURN r, o, '>' AS dir` : '',
    IN_TYPES.length ? `MATCH (n)<-[r:${relTypes(IN_TYPES)}]-(o) RETURN r, o, '<' AS dir` : '',
  ]
    .filter(Boolean)
    .join('\n      UNION ALL\n      ');
  return `
// level ${d}
CALL (frontier) {
  UNWIND range(0, size(frontier) - 1) AS fi
  WITH fi, frontier[fi] AS n
  CALL (n) {
      ${expand}
  }
  WITH fi, n, r, o, $plan[n.kind][type(r) + dir] AS st
  WHERE st IS NOT NULL AND CASE WHEN st.prop IS NULL THEN true ELSE toLower(toString(r[st.prop])) IN st.values END${activeFilter()}
  WITH fi, n, r, o, st ORDER BY fi, st.si, r.seq
  RETURN collect({n: n, o: o, t: type(r), rev: st.rev, term: st.term}) AS found
}
CALL (found, seenV) {
  UNWIND range(0, size(found) - 1) AS i
  WITH i, found[i].o.key + CASE WHEN found[i].term THEN $terminal ELSE '' END AS v, seenV
  WITH v, i WHERE NOT v IN seenV
  WITH v, min(i) AS first ORDER BY first
  RETURN collect(first) AS fresh
}
CALL (found) {
  UNWIND range(0, size(found) - 1) AS i
  WITH found[i].n AS a, found[i].o AS b, found[i].term AS term, min(i) AS first ORDER BY first
  RETURN collect(first) AS pairs
}
WITH seen + [x IN fresh | found[x].o] AS seen,
     seenV + [x IN fresh | found[x].o.key + CASE WHEN found[x].term THEN $terminal ELSE '' END] AS seenV,
     depths + [x IN fresh | ${d}] AS depths,
     [x IN fresh WHERE NOT found[x].term | found[x].o] AS frontier,
     edges + [x IN pairs | {from: found[x].n.key, to: found[x].o.key, t: found[x].t, rev: found[x].rev, term: found[x].term}] AS edges`;
}

const queries = new Map<string, string>();

/**
 * The steps' `active` filters (a node reached by the step is followed only while it still confers
 * what the step carries: an Azure assignment not ended through its PIM schedule instances), one
 * per step that declares one, by the step's index in its kind's plan; reads `$at` and `$complete`.
 */
function activeFilter(): string {
  const conds = Object.entries(plan()).flatMap(([kind, steps]) =>
    (steps ?? []).flatMap((s, si) => (s.active ? [`(n.kind = '${kind}' AND st.si = ${si} AND NOT ${s.active.cypher('o', CYPHER_HELPERS)})`] : [])),
  );
  return conds.length ? `\n    AND NOT (${conds.join('\n      OR ')})` : '';
}

/**
 * The facts privilege labels need beyond the walk, for every reached node: the first target of
 * the edge each source's `privileges.labelFacts` names for its kind (Entra: a role assignment's
 * definition, an app role assignment's resource); none declared, none fetched.
 */
function labelFacts(): string {
  const facts = SOURCES.labelFacts();
  if (!facts.length) return 'WITH *, [] AS labels';
  return `CALL (seen) {
  UNWIND seen AS x
  WITH x WHERE ${facts.map(([kind]) => `x:${L(kind)}`).join(' OR ')}
  RETURN collect(CASE ${facts.map(([kind, edge]) => `WHEN x:${L(kind)} THEN ${firstOutWithEdge('x', edge)}`).join(' ')} END) AS labels
}`;
}

/** The whole expansion for a depth limit (query text depends only on the depth and the schema). */
function privilegeGraphQuery(maxDepth: number): string {
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 32) throw new Error(`privilege graph: depth ${maxDepth} out of range`);
  const cacheKey = `${maxDepth}|${SOURCES_SEEN()}`;
  let q = queries.get(cacheKey);
  if (q) return q;
  const levels = Array.from({ length: maxDepth }, (_, i) => level(i + 1)).join('\n');
  q = `MATCH (start:${NODE_LABEL} {snapshot: $snapshot, key: $start})
WITH [start] AS frontier, [start] AS seen, [start.key] AS seenV, [0] AS depths, [] AS edges
${levels}
${labelFacts()}
RETURN [x IN seen | x {.key, .kind, .props, .file, .line}] AS reached, seenV, depths, edges, labels,
  any(x IN frontier WHERE x.kind IN $planKinds) AS truncated`;
  queries.set(cacheKey, q);
  return q;
}

export interface CypherPrivilegeGraph {
  pg: PrivilegeGraph;
  /** The reached nodes, the edges between them (as stored) and the label facts, for the shared summaries. */
  facts: FactGraph;
}

/**
 * Build the privilege graph from `start` in Neo4j. `into` (a FactGraph, e.g. one primed for name
 * resolution) receives the reached nodes, their edges and the label facts.
 */
export async function cypherPrivilegeGraph(snap: Neo4jSnapshot, start: GraphNode, maxDepth: number, into?: FactGraph): Promise<CypherPrivilegeGraph> {
  checkDepth(maxDepth);
  // The context of privilegeContext (src/analysis/privilegeGraph.ts): the collection time and the complete datasets.
  const ctx = { at: instant(snap.collectedAt) ?? 0, complete: completeDatasets(snap.sources) };
  const rows = await snap.rows(privilegeGraphQuery(maxDepth), { start: start.key, plan: planParam(), planKinds: planKinds(), terminal: TERMINAL_VERTEX, ...ctx });
  const row = rows[0];
  if (!row) throw new Error(`privilege graph: no node ${start.key}`);
  const G = (Graph as unknown as { DirectedGraph: new () => DirectedGraph<GraphNode, TravelEdge> }).DirectedGraph;
  const graph = new G();
  const facts = into ?? new FactGraph(snap.snapshotId, snap.sources, snap.collectedAt, snap.files());
  const levels = new Map<string, number>();
  const depths = row.depths as number[];
  const vertices = row.seenV as string[];
  (row.reached as unknown[]).forEach((v, i) => {
    const n = snap.node(v);
    graph.addNode(vertices[i], n);
    facts.addNode(n);
    levels.set(vertices[i], depths[i]);
  });
  for (const e of row.edges as { from: string; to: string; t: string; rev: boolean; term: boolean }[]) {
    const to = vertexOf(e.to, e.term);
    if (!graph.hasDirectedEdge(e.from, to)) graph.addDirectedEdge(e.from, to, { edge: e.t as E, reverse: e.rev });
    facts.addEdge(e.rev ? { kind: e.t as E, from: e.to, to: e.from } : { kind: e.t as E, from: e.from, to: e.to });
  }
  for (const l of row.labels as ({ r: unknown; n: unknown } | null)[]) {
    if (!l) continue;
    facts.addNode(snap.node(l.n)).addEdge(snap.edge(l.r));
  }
  // Depths in the order the embedded engine lists them (graphology's BFS over the same graph,
  // edges added in the same order); they are the levels Cypher found them at.
  const depth = new Map<string, number>();
  bfsFromNode(graph, start.key, (key, _attrs, d) => {
    depth.set(key, d);
  });
  for (const [k, d] of depth) if (levels.get(k) !== d) throw new Error(`privilege graph: ${k} at depth ${d}, Cypher found it at ${levels.get(k)}`);
  return { pg: { graph, start: start.key, depth, truncated: row.truncated === true }, facts };
}

