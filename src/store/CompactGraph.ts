/**
 * The embedded engine's graph for tenant-wide sweeps (`residual --all`, the analysis stored at
 * load): every node row read once (properties parsed on first use) and the compact adjacency
 * arrays, behind the same GraphReader interface the rules use. One-subject queries and paths use
 * LazyGraph (graphology, filled on demand) instead; both read the same snapshot.
 */
import { parseNodeKey } from '../model/ids.js';
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { GraphEdge, GraphNode, NodeProps } from '../model/types.js';
import type { GraphReader, InputFile, SourceInfo } from './GraphReader.js';
import type { SnapshotDb } from './SnapshotDb.js';

export class CompactGraph implements GraphReader {
  readonly sources: readonly SourceInfo[];
  readonly collectedAt: string;
  private readonly keys: string[] = [];
  private readonly kinds: Uint16Array;
  private readonly propsText: (string | null)[] = [];
  private readonly file: Int32Array;
  private readonly line: Int32Array;
  private readonly nodes = new Map<number, GraphNode>();
  private readonly nidOf = new Map<string, number>();
  private readonly byKind = new Map<string, number[]>();

  constructor(
    readonly db: SnapshotDb,
    readonly snapshotId: string | null,
  ) {
    this.sources = db.sources();
    this.collectedAt = db.meta.get('collectedAt') ?? this.sources.map((s) => s.collectedAt).sort().at(-1) ?? new Date(0).toISOString();
    const count = Number((db.db.prepare('SELECT max(nid) AS n FROM nodes').get() as { n: number | null }).n ?? 0) + 1;
    this.kinds = new Uint16Array(count);
    this.file = new Int32Array(count).fill(-1);
    this.line = new Int32Array(count).fill(-1);
    const rows = db.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes').raw().iterate() as Iterable<[number, string, number, string, number | null, number | null]>;
    for (const [nid, key, kind, props, file, line] of rows) {
      this.keys[nid] = key;
      this.kinds[nid] = kind;
      this.propsText[nid] = props;
      if (file !== null) this.file[nid] = file;
      if (line !== null) this.line[nid] = line;
      this.nidOf.set(key, nid);
      const kname = db.kindOf(kind);
      (this.byKind.get(kname) ?? this.byKind.set(kname, []).get(kname)!).push(nid);
    }
    db.adjacency();
  }

  private at(nid: number): GraphNode | undefined {
    let n = this.nodes.get(nid);
    if (n) return n;
    const key = this.keys[nid];
    if (key === undefined) return undefined;
    const { sourceKey, id } = parseNodeKey(key);
    const file = this.file[nid] >= 0 ? this.db.fileOf(this.file[nid]) : undefined;
    n = {
      key,
      kind: this.db.kindOf(this.kinds[nid]) as NodeKind,
      id,
      sourceKey,
      props: JSON.parse(this.propsText[nid] ?? '{}') as NodeProps,
      prov: file && this.line[nid] >= 0 ? { file, line: this.line[nid] } : undefined,
    };
    this.nodes.set(nid, n);
    return n;
  }

  node(key: string): GraphNode | undefined {
    const nid = this.nidOf.get(key);
    return nid === undefined ? undefined : this.at(nid);
  }

  private step(key: string, kind: EdgeKind, dir: 'out' | 'in'): GraphEdge[] {
    const nid = this.nidOf.get(key);
    if (nid === undefined) return [];
    const out: GraphEdge[] = [];
    for (const eid of this.db.edgeIds(nid, kind, dir)) {
      const e = this.db.edgeRow(eid);
      out.push({
        kind,
        from: this.keys[e.src],
        to: this.keys[e.dst],
        props: e.props,
        prov: e.file && e.line !== undefined ? { file: e.file, line: e.line } : undefined,
      });
    }
    return out;
  }

  out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.step(key, kind, 'out');
  }

  in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    return this.step(key, kind, 'in');
  }

  *nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    for (const nid of this.byKind.get(kind) ?? []) {
      const n = this.at(nid);
      if (n) yield n;
    }
  }

  lookup(name: string): string[] {
    return this.db.lookup(name);
  }

  files(): InputFile[] {
    return this.db.files();
  }
}
