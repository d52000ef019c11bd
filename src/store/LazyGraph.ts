/**
 * The embedded engine's graph for one-subject queries: filled from a snapshot on demand — each
 * (node, edge kind, direction) step is fetched once from the compact adjacency and each node read
 * once, so a query touches only its neighbourhood. Tenant-wide sweeps use CompactGraph instead
 * (building a general graph of a whole tenant costs too much: see Adjacency.ts). Queries read it
 * through the GraphReader interface. Plain maps hold what was read (graphology cost a one-subject
 * query ~10 ms of CPU to load, for a cache: bench/subject.mjs).
 */
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { GraphEdge, GraphNode } from '../model/types.js';
import type { GraphReader, InputFile, SourceInfo } from './GraphReader.js';
import type { SnapshotDb } from './SnapshotDb.js';

const EMPTY: readonly GraphEdge[] = Object.freeze([]);

export class LazyGraph implements GraphReader {
  /** Every node read so far, by key (the first object read for a key is the one returned from then on). */
  private readonly nodes = new Map<string, GraphNode>();
  readonly sources: readonly SourceInfo[];
  readonly collectedAt: string;
  readonly snapshotId: string | null;
  private readonly adj = new Map<string, GraphEdge[]>();

  constructor(
    readonly db: SnapshotDb,
    snapshotId: string | null,
  ) {
    this.sources = db.sources();
    this.collectedAt = db.meta.get('collectedAt') ?? this.sources.map((s) => s.collectedAt).sort().at(-1) ?? new Date(0).toISOString();
    this.snapshotId = snapshotId;
  }

  /** The node read before under this key, else `n` (now the one read). */
  private addNode(n: GraphNode): GraphNode {
    const had = this.nodes.get(n.key);
    if (had) return had;
    this.nodes.set(n.key, n);
    return n;
  }

  node(key: string): GraphNode | undefined {
    const had = this.nodes.get(key);
    if (had) return had;
    const n = this.db.node(key);
    if (n) this.nodes.set(key, n);
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
    for (const n of this.db.nodesOfKind(kind)) yield this.addNode(n);
  }

  lookup(name: string): string[] {
    return this.db.lookup(name);
  }

  files(): InputFile[] {
    return this.db.files();
  }
}
