/**
 * A GraphReader that answers every read from another one: the base of the readers that watch what
 * an analysis reads (residualUnits.ts's TracingReader and DateReader) and override only the reads
 * they watch.
 */
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { GraphEdge, GraphNode } from '../model/types.js';
import type { GraphReader, InputFile, SourceInfo } from './GraphReader.js';

export class ForwardingReader implements GraphReader {
  constructor(readonly inner: GraphReader) {}

  get snapshotId(): string | null {
    return this.inner.snapshotId;
  }
  get sources(): readonly SourceInfo[] {
    return this.inner.sources;
  }
  get collectedAt(): string {
    return this.inner.collectedAt;
  }
  node(key: string): GraphNode | undefined {
    return this.inner.node(key);
  }
  out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.inner.out(key, kind);
  }
  in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.inner.in(key, kind);
  }
  nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    return this.inner.nodesOfKind(kind);
  }
  lookup(name: string): string[] {
    return this.inner.lookup(name);
  }
  files(): InputFile[] {
    return this.inner.files();
  }
}
