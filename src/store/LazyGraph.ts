/**
 * The embedded engine's graph for one-subject queries: a graphology MultiDirectedGraph filled
 * from a snapshot on demand — each (node, edge kind, direction) step is fetched once from the
 * compact adjacency, so a query touches only its neighbourhood. Tenant-wide sweeps use
 * CompactGraph instead (building a general graph of a whole tenant costs too much: see
 * Adjacency.ts). Queries read it through the GraphReader interface.
 */
import Graph from 'graphology';
import type { MultiDirectedGraph } from 'graphology';
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { GraphEdge, GraphNode } from '../model/types.js';
import type { GraphReader, InputFile, SourceInfo } from './GraphReader.js';
import type { SnapshotDb } from './SnapshotDb.js';

const EMPTY: readonly GraphEdge[] = Object.freeze([]);

function edgeKey(e: GraphEdge): string {
  return `${e.from}\u0001${e.kind}\u0001${e.to}\u0001${e.prov ? `${e.prov.file}:${e.prov.line}` : ''}`;
}

export class LazyGraph implements GraphReader {
  readonly graph: MultiDirectedGraph<GraphNode, GraphEdge>;
  readonly sources: readonly SourceInfo[];
  readonly collectedAt: string;
  readonly snapshotId: string | null;
  private readonly adj = new Map<string, GraphEdge[]>();

  constructor(
    readonly db: SnapshotDb,
    snapshotId: string | null,
  ) {
    const G = (Graph as unknown as { MultiDirectedGraph: new (o?: object) => MultiDirectedGraph<GraphNode, GraphEdge> }).MultiDirectedGraph;
    this.graph = new G({ allowSelfLoops: true });
    this.sources = db.sources();
    this.collectedAt = db.meta.get('collectedAt') ?? this.sources.map((s) => s.collectedAt).sort().at(-1) ?? new Date(0).toISOString();
    this.snapshotId = snapshotId;
  }

  private addNode(n: GraphNode): void {
    if (!this.graph.hasNode(n.key)) this.graph.addNode(n.key, n);
  }

  private addEdge(e: GraphEdge): void {
    const k = edgeKey(e);
    if (!this.graph.hasEdge(k)) this.graph.addEdgeWithKey(k, e.from, e.to, e);
  }

  node(key: string): GraphNode | undefined {
    if (this.graph.hasNode(key)) return this.graph.getNodeAttributes(key);
    const n = this.db.node(key);
    if (n) this.addNode(n);
    return n;
  }

  private step(key: string, kind: EdgeKind, dir: 'out' | 'in'): readonly GraphEdge[] {
    const k = `${dir}\u0000${kind}\u0000${key}`;
    const hit = this.adj.get(k);
    if (hit) return hit;
    if (!this.node(key)) {
      this.adj.set(k, []);
      return EMPTY;
    }
    const list: GraphEdge[] = [];
    for (const { edge, other } of this.db.step(key, kind, dir)) {
      this.addNode(other);
      this.addEdge(edge);
      list.push(edge);
    }
    this.adj.set(k, list);
    return list;
  }

  out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.step(key, kind, 'out');
  }

  in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.step(key, kind, 'in');
  }

  *nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    for (const n of this.db.nodesOfKind(kind)) {
      this.addNode(n);
      yield this.graph.getNodeAttributes(n.key);
    }
  }

  lookup(name: string): string[] {
    return this.db.lookup(name);
  }

  files(): InputFile[] {
    return this.db.files();
  }
}
