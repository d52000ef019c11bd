/**
 * Blast radius: everything a principal (account, group, service principal, application,
 * credential, token) can reach through the privilege graph, with the shortest path to each
 * privilege. When it reaches a tenant-wide privilege (Global Administrator, Application
 * Administrator, Application.ReadWrite.All, Okta SUPER_ADMIN …) the output says so and
 * summarises the tenant by kind instead of enumerating every object.
 */
import { buildPrivilegeGraph, shortestPaths, TENANT_WIDE, type PrivilegeGraph } from '../src/analysis/privilegeGraph.js';
import { privilegeOf } from '../src/analysis/reach.js';
import type { GraphNode } from '../src/model/types.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import type { PathStep } from './residual-access/Rule.js';
import { resolveNode } from './principals.js';
import { nodeName, sourceOfKey } from '../src/model/props.js';
import { SOURCES } from '../ingest/sources.js';

export interface ReachedPrivilege {
  label: string;
  tier0: boolean;
  depth: number;
  path: PathStep[];
}

export interface BlastRadius {
  format: 'revenant-blast-radius/1';
  snapshot: string | null;
  principal: { source: string; kind: string; id: string; name: string };
  maxDepth: number;
  truncated: boolean;
  tier0: boolean;
  /** Tenant-wide control: the whole tenant is in reach (summarised). */
  wholeTenant: { tenant: string; via: string; path: PathStep[] }[];
  privileges: ReachedPrivilege[];
  /** Objects reached, counted by kind. */
  reached: Record<string, number>;
  /** Reached objects by kind (omitted kinds are only counted). */
  objects: { kind: string; id: string; name: string; depth: number }[];
}

export function toPath(pg: PrivilegeGraph, p: { nodes: string[]; edges: { edge: string; reverse: boolean }[] }): PathStep[] {
  const out: PathStep[] = [];
  p.nodes.forEach((k, i) => {
    const n = pg.graph.getNodeAttributes(k);
    out.push({ kind: n.kind, id: n.id, name: nodeName(n), source: sourceOfKey(n.sourceKey) });
    const e = p.edges[i];
    if (e) out.push(e.reverse ? { edge: e.edge, reverse: true } : { edge: e.edge });
  });
  return out;
}

/** The kinds listed by name (SourcePrivileges.listed: groups, applications, users …); others are only counted. */
const listed = (): ReadonlySet<string> => new Set(SOURCES.all().flatMap((s) => s.privileges?.listed ?? []));

export function blastRadius(g: GraphReader, principal: string | GraphNode, opts: { maxDepth?: number; listLimit?: number } = {}): BlastRadius {
  const start = typeof principal === 'string' ? resolveNode(g, principal) : principal;
  const maxDepth = opts.maxDepth ?? 8;
  return summariseBlastRadius(g, start, buildPrivilegeGraph(g, start.key, maxDepth), maxDepth, opts.listLimit);
}

/**
 * The blast-radius document from a privilege graph, whichever engine built it (the Neo4j engine
 * builds it in Cypher: queries/blast-radius.cypher.ts). `g` answers the questions privilege
 * labels ask (a role assignment's definition, an app role's resource).
 */
export function summariseBlastRadius(g: GraphReader, start: GraphNode, pg: PrivilegeGraph, maxDepth: number, listLimit?: number): BlastRadius {
  const privileges: ReachedPrivilege[] = [];
  const wholeTenant: BlastRadius['wholeTenant'] = [];
  const reached: Record<string, number> = {};
  const objects: BlastRadius['objects'] = [];
  const pathTo = (k: string) => toPath(pg, shortestPaths(pg, k, 1)[0] ?? { nodes: [k], edges: [] });
  const counted = new Set<string>([start.key]);
  const LISTED = listed();
  const tenants = new Set<string>(SOURCES.tenantKinds());
  for (const [key, depth] of [...pg.depth].sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))) {
    if (key === start.key) continue;
    const n = pg.graph.getNodeAttributes(key);
    // A node reached both as a terminal target and as a principal is one object.
    if (!counted.has(n.key)) {
      counted.add(n.key);
      reached[n.kind] = (reached[n.kind] ?? 0) + 1;
      if (LISTED.has(n.kind) && objects.length < (listLimit ?? 200)) objects.push({ kind: n.kind, id: n.id, name: nodeName(n), depth });
    }
    if (tenants.has(n.kind)) {
      for (const pred of pg.graph.inNeighbors(key)) {
        const e = pg.graph.getDirectedEdgeAttributes(pred, key);
        if (TENANT_WIDE.has(e.edge)) wholeTenant.push({ tenant: nodeName(n), via: e.edge, path: toPath(pg, shortestPaths(pg, pred, 1)[0] ?? { nodes: [pred], edges: [] }).concat([{ edge: e.edge }, { kind: n.kind, id: n.id, name: String(n.props.name), source: sourceOfKey(n.sourceKey) }]) });
      }
    } else {
      // The privilege a node confers by the step that reached it, as its source says (an Entra or
      // Okta role assignment, a service principal's app permission, an okta.* scope, GitHub org owner).
      const p = pg.graph.inNeighbors(key).map((pred) => privilegeOf(g, n, pg.graph.getDirectedEdgeAttributes(pred, key).edge, pred)).find((x) => x);
      if (p) privileges.push({ label: p.label, tier0: p.tier0, depth, path: pathTo(key) });
    }
  }
  privileges.sort((a, b) => Number(b.tier0) - Number(a.tier0) || a.depth - b.depth || a.label.localeCompare(b.label));
  return {
    format: 'revenant-blast-radius/1',
    snapshot: g.snapshotId,
    principal: { source: sourceOfKey(start.sourceKey), kind: start.kind, id: start.id, name: nodeName(start) },
    maxDepth,
    truncated: pg.truncated,
    tier0: privileges.some((p) => p.tier0),
    wholeTenant,
    privileges,
    reached,
    objects,
  };
}
