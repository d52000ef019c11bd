/**
 * A GraphReader over the facts a Cypher query returned — a handful of nodes and the edges
 * between them — so the engine's shared post-processing (account states, privilege labels and
 * tiers, name resolution, path rendering) runs unchanged on Neo4j results. It never reaches
 * back into Neo4j: a question about something the query did not return has no answer (an
 * unknown node, no edges), and `lookup` only knows the names it was primed with.
 */
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { GraphEdge, GraphNode } from '../model/types.js';
import type { GraphReader, InputFile, SourceInfo } from './GraphReader.js';

export class FactGraph implements GraphReader {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly outs = new Map<string, GraphEdge[]>();
  private readonly ins = new Map<string, GraphEdge[]>();
  private readonly edgeKeys = new Set<string>();
  private readonly names = new Map<string, string[]>();

  constructor(
    readonly snapshotId: string | null = null,
    readonly sources: readonly SourceInfo[] = [],
    readonly collectedAt: string = new Date(0).toISOString(),
    private readonly inputFiles: InputFile[] = [],
  ) {}

  addNode(n: GraphNode | null | undefined): this {
    if (n && !this.nodes.has(n.key)) this.nodes.set(n.key, n);
    return this;
  }

  /** Add an edge once (edges are told apart by kind, ends and provenance, as in the embedded graph). */
  addEdge(e: GraphEdge | null | undefined): this {
    if (!e) return this;
    const k = `${e.from}\u0001${e.kind}\u0001${e.to}\u0001${e.prov ? `${e.prov.file}:${e.prov.line}` : ''}`;
    if (this.edgeKeys.has(k)) return this;
    this.edgeKeys.add(k);
    const o = `${e.kind}\u0000${e.from}`;
    const i = `${e.kind}\u0000${e.to}`;
    (this.outs.get(o) ?? this.outs.set(o, []).get(o)!).push(e);
    (this.ins.get(i) ?? this.ins.set(i, []).get(i)!).push(e);
    return this;
  }

  /** An edge made from two nodes (for facts a query returned as a pair). */
  link(kind: EdgeKind, from: GraphNode | null | undefined, to: GraphNode | null | undefined): this {
    if (from && to) this.addNode(from).addNode(to).addEdge({ kind, from: from.key, to: to.key });
    return this;
  }

  /** Prime `lookup(name)` with the keys a Cypher lookup found. */
  setLookup(name: string, keys: string[]): this {
    this.names.set(name.trim().toLowerCase(), keys);
    return this;
  }

  node(key: string): GraphNode | undefined {
    return this.nodes.get(key);
  }

  out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.outs.get(`${kind}\u0000${key}`) ?? [];
  }

  in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.ins.get(`${kind}\u0000${key}`) ?? [];
  }

  *nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    for (const n of this.nodes.values()) if (n.kind === kind) yield n;
  }

  lookup(name: string): string[] {
    const keys = this.names.get(name.trim().toLowerCase());
    if (!keys) throw new Error(`FactGraph: name ${JSON.stringify(name)} was not looked up in Neo4j`);
    return keys;
  }

  files(): InputFile[] {
    return this.inputFiles;
  }
}
