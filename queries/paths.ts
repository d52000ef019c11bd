/**
 * Access paths between two principals or resources: every shortest path in the privilege graph
 * from FROM to TO (depth-limited, at most `limit`). TO may also be `tier0` (any tier-0
 * privilege) or `tenant` (tenant-wide control).
 */
import { type PrivilegeGraph, buildPrivilegeGraph, shortestPaths, vertexOf } from '../src/analysis/privilegeGraph.js';
import { entraRolePrivilege, oktaRolePrivilege, appPermissionPrivileges } from '../src/analysis/reach.js';
import { isTier0OktaScope } from '../src/analysis/tiers.js';
import { NodeKind } from '../src/model/schema.js';
import type { GraphNode } from '../src/model/types.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import { toPath } from './blast-radius.js';
import { resolveNode } from './principals.js';
import type { PathStep } from './residual-access/Rule.js';
import { text } from '../src/model/text.js';
import { nodeName, sourceOfKey } from '../src/model/props.js';
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
    targets = [...pg.depth.keys()].filter((k) => isTier0Node(g, pg.graph.getNodeAttributes(k), pg.graph.inNeighbors(k)) || sourceTier0(pg, k));
  } else if (want === 'tenant') {
    targets = [...pg.depth.keys()].filter((k) => {
      const kind = pg.graph.getNodeAttributes(k).kind;
      return kind === NodeKind.EntraTenant || kind === NodeKind.OktaOrg;
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

/** A source's node reached as tier 0 by the step that reached it (GitHub: an organisation reached as owner). */
function sourceTier0(pg: PrivilegeGraph, k: string): boolean {
  const n = pg.graph.getNodeAttributes(k);
  const of = SOURCES.get(sourceOfKey(n.sourceKey))?.privileges?.privilegeOf;
  return !!of && pg.graph.inNeighbors(k).some((pred) => of(n, pg.graph.getDirectedEdgeAttributes(pred, k).edge)?.tier0 === true);
}

export function isTier0Node(g: GraphReader, n: GraphNode, preds: string[]): boolean {
  switch (n.kind) {
    case NodeKind.EntraRoleAssignment:
      return entraRolePrivilege(g, n).tier0;
    case NodeKind.OktaRoleAssignment:
      return oktaRolePrivilege(n).tier0;
    case NodeKind.OktaScopeGrant:
      return isTier0OktaScope(text(n.props.scopeId));
    case NodeKind.EntraAppRoleAssignment:
      return preds.some((sp) => appPermissionPrivileges(g, sp).some((p) => p.via === n.key && p.tier0));
    default:
      return false;
  }
}
