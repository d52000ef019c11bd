/**
 * The privilege graph behind blast radius and paths: starting from a principal, the steps that
 * carry control — membership, ownership, role and app-role assignments, what a credential signs
 * in as, an application's service principal, and the derived tenant-wide privilege edges, as each
 * source declares them (SourceDefinition.privileges.steps) — are expanded from the snapshot (to a depth limit) into a graphology DirectedGraph oriented in the
 * direction control flows; graphology-traversal's BFS then measures depth and paths on it.
 * Terminal steps (a role's definition, an app permission's resource, app access, the tenant)
 * are reached but never expanded: holding Graph's permissions does not give Graph's own roles.
 */
import Graph from 'graphology';
import type { DirectedGraph } from 'graphology';
import { bfsFromNode } from 'graphology-traversal';
import { InputError } from '../model/errors.js';
import { EdgeKind, type NodeKind } from '../model/schema.js';
import { type PrivilegeStep, SOURCES } from '../model/source.js';
import type { GraphEdge, GraphNode } from '../model/types.js';
import { type ReachContext, reachContext } from '../model/reachContext.js';
import { instant } from '../model/time.js';
import type { GraphReader } from '../store/GraphReader.js';

/**
 * A step that carries control: the edge kind, `reverse` (control flows against its direction),
 * `terminal` (reach the node but do not expand from it), `when` (only edges whose property is one
 * of the values). Sources add their own (SourceDefinition.privileges).
 */
export type Step = PrivilegeStep;

let merged: { sources: number; plan: Partial<Record<NodeKind, readonly Step[]>> } | null = null;

/**
 * The traversal plan — which steps carry control out of a node of each kind (the Neo4j engine
 * builds its Cypher traversal from it) — as the registered sources declare it (per node kind, in
 * registration order: ingest/<source>/privileges.ts).
 */
export function plan(): Partial<Record<NodeKind, readonly Step[]>> {
  const sources = SOURCES.all();
  if (merged?.sources === sources.length) return merged.plan;
  const out: Partial<Record<NodeKind, Step[]>> = {};
  for (const src of sources) {
    for (const [k, steps] of Object.entries(src.privileges?.steps ?? {})) out[k as NodeKind] = [...(out[k as NodeKind] ?? []), ...steps];
  }
  merged = { sources: sources.length, plan: out };
  return out;
}

/** Whether an edge may be followed by a step (its `when` filter, if any). */
export function stepAllows(step: Step, e: GraphEdge): boolean {
  if (!step.when) return true;
  const v = e.props?.[step.when.prop];
  return typeof v === 'string' && step.when.values.includes(v.toLowerCase());
}

/** Edge kinds that mean "every object of the tenant" (summarised, never enumerated). */
export const TENANT_WIDE: ReadonlySet<string> = new Set([
  EdgeKind.CAN_ADD_CREDENTIALS,
  EdgeKind.CAN_GRANT_ROLES,
  EdgeKind.CAN_MANAGE_GROUPS,
  EdgeKind.CONTROLS_TENANT,
]);

/**
 * A terminal step reaches a vertex of its own (the node's key with this suffix), apart from the
 * node's own expandable vertex: a node reached both ways (a service principal that is an app
 * permission's resource and also owned through an application) is expanded through the
 * non-terminal arrival, and no path ever continues through a terminal arrival.
 */
export const TERMINAL_VERTEX = '\u0000terminal';
export const vertexOf = (key: string, terminal: boolean): string => (terminal ? `${key}${TERMINAL_VERTEX}` : key);
export interface TravelEdge {
  edge: EdgeKind;
  reverse: boolean;
}

export interface PrivilegeGraph {
  /** Vertices are node keys, or node keys with TERMINAL_VERTEX for terminal arrivals; attributes are the nodes. */
  graph: DirectedGraph<GraphNode, TravelEdge>;
  start: string;
  /** Depth of each reached node from the start (BFS). */
  depth: Map<string, number>;
  /** True when the depth limit cut expansion short. */
  truncated: boolean;
}

/** The deepest traversal any caller may ask for (the CLI and the API allow less). */
export const MAX_TRAVERSAL_DEPTH = 32;

/** Every traversal is bounded: a depth that is not a whole number from 0 to MAX_TRAVERSAL_DEPTH is refused. */
export function checkDepth(maxDepth: number): number {
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 0 || maxDepth > MAX_TRAVERSAL_DEPTH) {
    throw new InputError(`privilege graph: maxDepth must be a whole number from 0 to ${MAX_TRAVERSAL_DEPTH}`, { field: 'maxDepth' });
  }
  return maxDepth;
}

/**
 * The context a privilege graph is built in: the snapshot's collection time and its sources'
 * complete datasets (a step's `active`: an Azure assignment whose PIM schedule instances all ended
 * by then is not held; an unknown time ends nothing). The Neo4j engine passes the same as `$at`
 * and `$complete`.
 */
export function privilegeContext(g: Pick<GraphReader, 'sources' | 'collectedAt'>): ReachContext {
  return reachContext(g.sources, instant(g.collectedAt) ?? 0);
}

/** Expand the privilege graph from `start` to `maxDepth` steps and measure depths with BFS. */
export function buildPrivilegeGraph(g: GraphReader, start: string, maxDepth: number): PrivilegeGraph {
  checkDepth(maxDepth);
  const ctx = privilegeContext(g);
  const G = (Graph as unknown as { DirectedGraph: new () => DirectedGraph<GraphNode, TravelEdge> }).DirectedGraph;
  const graph = new G();
  const root = g.node(start);
  if (!root) throw new Error(`privilege graph: no node ${start}`);
  graph.addNode(start, root);
  let frontier = [start];
  let truncated = false;
  const expanded = new Set<string>();
  const PLAN = plan();
  for (let d = 0; d < maxDepth && frontier.length; d++) {
    const next: string[] = [];
    for (const key of frontier) {
      if (expanded.has(key)) continue;
      expanded.add(key);
      const node = graph.getNodeAttributes(key);
      for (const step of PLAN[node.kind] ?? []) {
        const edges = step.reverse ? g.in(key, step.edge) : g.out(key, step.edge);
        for (const e of edges) {
          if (!stepAllows(step, e)) continue;
          const other = step.reverse ? e.from : e.to;
          const v = vertexOf(other, !!step.terminal);
          if (!graph.hasNode(v)) {
            const n = g.node(other);
            if (!n || (step.active && !step.active.of(n, g, ctx))) continue;
            graph.addNode(v, n);
            if (!step.terminal) next.push(v);
          }
          if (!graph.hasDirectedEdge(key, v)) graph.addDirectedEdge(key, v, { edge: step.edge, reverse: !!step.reverse });
        }
      }
    }
    frontier = next;
  }
  if (frontier.some((k) => !expanded.has(k) && (PLAN[graph.getNodeAttributes(k).kind]?.length ?? 0) > 0)) truncated = true;
  const depth = new Map<string, number>();
  bfsFromNode(graph, start, (key, _attrs, dep) => {
    depth.set(key, dep);
  });
  return { graph, start, depth, truncated };
}

/**
 * Every shortest path from the start to `target`, as alternating node keys and travel edges
 * (at most `limit`). Uses the BFS depths: a predecessor of a node at depth d is an in-neighbour
 * at depth d - 1.
 */
export function shortestPaths(pg: PrivilegeGraph, target: string, limit: number): { nodes: string[]; edges: TravelEdge[] }[] {
  const out: { nodes: string[]; edges: TravelEdge[] }[] = [];
  if (!pg.depth.has(target)) return out;
  const walk = (node: string, nodes: string[], edges: TravelEdge[]) => {
    if (out.length >= limit) return;
    if (node === pg.start) {
      out.push({ nodes: [node, ...nodes], edges: [...edges] });
      return;
    }
    const d = pg.depth.get(node)!;
    for (const pred of pg.graph.inNeighbors(node).sort()) {
      if (pg.depth.get(pred) !== d - 1) continue;
      walk(pred, [node, ...nodes], [pg.graph.getDirectedEdgeAttributes(pred, node), ...edges]);
    }
  };
  walk(target, [], []);
  return out;
}
