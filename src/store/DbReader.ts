/**
 * A GraphReader straight over a snapshot database, without a cache and without building a
 * graphology graph: each call is one indexed query. The API uses it for the hot, small lookups
 * (resolving a subject name to its accounts on every `/v1/subjects/…` request), where building a
 * graph per request would cost more than the lookup itself. It is stateless, so one instance
 * serves every request on its snapshot concurrently. Traversals (blast radius, paths, what-if)
 * use a per-request LazyGraph instead.
 */
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { GraphEdge, GraphNode } from '../model/types.js';
import type { GraphReader, InputFile, SourceInfo } from './GraphReader.js';
import type { SnapshotDb } from './SnapshotDb.js';

export class DbReader implements GraphReader {
  readonly sources: readonly SourceInfo[];
  readonly collectedAt: string;

  constructor(
    private readonly db: SnapshotDb,
    readonly snapshotId: string | null,
  ) {
    this.sources = db.sources();
    this.collectedAt = db.meta.get('collectedAt') ?? this.sources.map((s) => s.collectedAt).sort().at(-1) ?? new Date(0).toISOString();
  }

  node(key: string): GraphNode | undefined {
    return this.db.node(key);
  }

  out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.db.step(key, kind, 'out').map((s) => s.edge);
  }

  in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.db.step(key, kind, 'in').map((s) => s.edge);
  }

  nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    return this.db.nodesOfKind(kind);
  }

  lookup(name: string): string[] {
    return this.db.lookup(name);
  }

  files(): InputFile[] {
    return this.db.files();
  }
}
