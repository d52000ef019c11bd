/**
 * Access paths between two principals or resources: every shortest path in the privilege graph
 * from FROM to TO (depth-limited, at most `limit`). TO may also be `tier0` (any tier-0
 * privilege) or `tenant` (tenant-wide control).
 */
import { type PrivilegeGraph, buildPrivilegeGraph, shortestPaths, vertexOf } from '../src/analysis/privilegeGraph.js';
import { privilegeOf } from '../src/analysis/reach.js';
import type { GraphNode } from '../src/model/types.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import { toPath } from './blast-radius.js';
import { resolveNode } from './principals.js';
import type { PathStep } from './residual-access/Rule.js';
import { nodeName } from '../src/model/props.js';
import { SOURCES } from '../ingest/sources.js';

export interface PathsResult {
  format: 'revenant-paths/1';
  snapshot: string | null;
  from: { kind: string; id: string; name: string };
  to: string;
  maxDepth: number;
  truncated: boolean;
  paths: { length: number; steps: PathStep[] }[];
}

export function findPaths(g: GraphReader, from: string, to: string, opts: { maxDepth?: number; limit?: number } = {}): PathsResult {
  const start = resolveNode(g, from, 'from');
  const maxDepth = opts.maxDepth ?? 8;
  return pathsIn(g, start, buildPrivilegeGraph(g, start.key, maxDepth), to, { maxDepth, limit: opts.limit });
}

/**
 * The paths document from a privilege graph, whichever engine built it (the Neo4j engine builds
 * it in Cypher: queries/paths.cypher.ts). `g` resolves TO and answers the questions the tier-0
 * test asks.
 */
export function pathsIn(g: GraphReader, start: GraphNode, pg: PrivilegeGraph, to: string, opts: { maxDepth: number; limit?: number }): PathsResult {
  const maxDepth = opts.maxDepth;
  const limit = opts.limit ?? 20;
  let targets: string[];
  const want = to.trim().toLowerCase();
  if (want === 'tier0') {
    targets = [...pg.depth.keys()].filter((k) => reachedAsTier0(g, pg, k));
  } else if (want === 'tenant') {
    const tenants = new Set<string>(SOURCES.tenantKinds());
    targets = [...pg.depth.keys()].filter((k) => {
      const kind = pg.graph.getNodeAttributes(k).kind;
      return tenants.has(kind);
    });
  } else {
    const target = resolveNode(g, to, 'to');
    targets = [target.key, vertexOf(target.key, true)].filter((v) => pg.depth.has(v));
  }
  const paths: PathsResult['paths'] = [];
  for (const t of targets.sort((a, b) => (pg.depth.get(a) ?? 0) - (pg.depth.get(b) ?? 0))) {
    for (const p of shortestPaths(pg, t, limit - paths.length)) paths.push({ length: p.edges.length, steps: toPath(pg, p) });
    if (paths.length >= limit) break;
  }
  return {
    format: 'revenant-paths/1',
    snapshot: g.snapshotId,
    from: { kind: start.kind, id: start.id, name: nodeName(start) },
    to,
    maxDepth,
    truncated: pg.truncated,
    paths,
  };
}

/**
 * A node reached as tier 0 by a step that reached it, as its source says (an Entra role
 * assignment of a tier-0 role at "/", a tier-0 Graph permission of a service principal, an Okta
 * SUPER_ADMIN role or okta.*.manage scope, a GitHub organisation reached as owner).
 */
function reachedAsTier0(g: GraphReader, pg: PrivilegeGraph, k: string): boolean {
  const n = pg.graph.getNodeAttributes(k);
  return pg.graph.inNeighbors(k).some((pred) => privilegeOf(g, n, pg.graph.getDirectedEdgeAttributes(pred, k).edge, pred)?.tier0 === true);
}
