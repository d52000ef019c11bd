/**
 * The embedded engine's graph: a graphology MultiDirectedGraph filled from a snapshot either on
 * demand — each (node, edge kind, direction) step is fetched once with one indexed query, so a
 * one-subject query touches only its neighbourhood — or all at once for tenant-wide sweeps.
 * Queries read it through the GraphReader interface; paths and blast radius traverse the
 * graphology graph itself.
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
  private complete = false;

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
    if (this.complete) return undefined;
    const n = this.db.node(key);
    if (n) this.addNode(n);
    return n;
  }

  private step(key: string, kind: EdgeKind, dir: 'out' | 'in'): readonly GraphEdge[] {
    const k = `${dir}\u0000${kind}\u0000${key}`;
    const hit = this.adj.get(k);
    if (hit) return hit;
    if (this.complete) return EMPTY;
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
    if (this.complete) {
      for (const { attributes } of this.graph.nodeEntries()) if (attributes.kind === kind) yield attributes;
      return;
    }
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

  /** Read the whole snapshot into the graph (for sweeps over every subject). */
  preloadAll(): this {
    if (this.complete) return this;
    this.graph.clear();
    const keyOf = new Map<number, string>();
    const rows = this.db.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes').iterate() as Iterable<{
      nid: number;
      key: string;
      kind: number;
      props: string;
      file: number | null;
      line: number | null;
    }>;
    for (const r of rows) {
      keyOf.set(r.nid, r.key);
      this.graph.addNode(r.key, this.db.toNode(r));
    }
    this.adj.clear();
    const edges = this.db.db.prepare('SELECT src, kind, dst, props, file, line FROM edges').iterate() as Iterable<{
      src: number;
      kind: number;
      dst: number;
      props: string | null;
      file: number | null;
      line: number | null;
    }>;
    for (const r of edges) {
      const file = this.db.fileOf(r.file);
      const e: GraphEdge = {
        kind: this.db.kindOf(r.kind) as EdgeKind,
        from: keyOf.get(r.src)!,
        to: keyOf.get(r.dst)!,
        props: r.props ? JSON.parse(r.props) : undefined,
        prov: file && r.line !== null ? { file, line: r.line } : undefined,
      };
      this.graph.addEdge(e.from, e.to, e);
      const ko = `out\u0000${e.kind}\u0000${e.from}`;
      const ki = `in\u0000${e.kind}\u0000${e.to}`;
      (this.adj.get(ko) ?? this.adj.set(ko, []).get(ko)!).push(e);
      (this.adj.get(ki) ?? this.adj.set(ki, []).get(ki)!).push(e);
    }
    this.complete = true;
    return this;
  }
}
