/**
 * Read access to one snapshot file (or an in-memory snapshot): prepared statements for a node
 * by key or number, the edges of one kind out of or into a node (joined with the node at the
 * other end, so one query fetches a whole step), nodes of a kind, name lookup, sources, files.
 */
import Database from 'better-sqlite3';
import { parseNodeKey } from '../model/ids.js';
import type { EdgeKind, NodeKind } from '../model/schema.js';
import type { EdgeProps, GraphEdge, GraphNode, NodeProps } from '../model/types.js';
import type { InputFile, SourceInfo } from './GraphReader.js';
import { SNAPSHOT_SCHEMA_VERSION } from './snapshotSchema.js';
import { StoreError } from '../model/errors.js';
import type { SourceKind } from '../model/schema.js';

interface NodeRow {
  nid: number;
  key: string;
  kind: number;
  props: string;
  file: number | null;
  line: number | null;
}

interface StepRow extends NodeRow {
  eprops: string | null;
  efile: number | null;
  eline: number | null;
}

export class SnapshotDb {
  readonly db: Database.Database;
  private readonly kindName = new Map<number, string>();
  private readonly kindCode = new Map<string, number>();
  private readonly fileName = new Map<number, string>();
  readonly meta: Map<string, string>;
  private readonly sNodeByKey: Database.Statement;
  private readonly sOut: Database.Statement;
  private readonly sIn: Database.Statement;
  private readonly sKind: Database.Statement;
  private readonly sName: Database.Statement;

  constructor(pathOrDb: string | Database.Database) {
    this.db = typeof pathOrDb === 'string' ? new Database(pathOrDb, { readonly: true, fileMustExist: true }) : pathOrDb;
    this.meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    const v = Number(this.meta.get('schemaVersion'));
    if (v !== SNAPSHOT_SCHEMA_VERSION) {
      throw new StoreError(`snapshot ${this.meta.get('id') ?? ''} has schema version ${v}; this revenant reads version ${SNAPSHOT_SCHEMA_VERSION} (reload the collection)`);
    }
    for (const r of this.db.prepare('SELECT code, name FROM kinds').all() as { code: number; name: string }[]) {
      this.kindName.set(r.code, r.name);
      this.kindCode.set(r.name, r.code);
    }
    for (const r of this.db.prepare('SELECT idx, name FROM files').all() as { idx: number; name: string }[]) this.fileName.set(r.idx, r.name);
    this.sNodeByKey = this.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes WHERE key = ?');
    const step = (join: string, where: string) =>
      this.db.prepare(
        `SELECT n.nid, n.key, n.kind, n.props, n.file, n.line, e.props AS eprops, e.file AS efile, e.line AS eline
         FROM edges e JOIN nodes n ON n.nid = e.${join} WHERE e.${where} = (SELECT nid FROM nodes WHERE key = ?) AND e.kind = ?`,
      );
    this.sOut = step('dst', 'src');
    this.sIn = step('src', 'dst');
    this.sKind = this.db.prepare('SELECT nid, key, kind, props, file, line FROM nodes WHERE kind = ?');
    this.sName = this.db.prepare('SELECT DISTINCT n.key FROM names m JOIN nodes n ON n.nid = m.nid WHERE m.name = ?');
  }

  get id(): string {
    return this.meta.get('id') ?? '';
  }

  kindOf(code: number): string {
    return this.kindName.get(code)!;
  }

  codeOf(kind: string): number {
    return this.kindCode.get(kind)!;
  }

  fileOf(idx: number | null): string | undefined {
    return idx === null ? undefined : this.fileName.get(idx);
  }

  toNode(r: NodeRow): GraphNode {
    const { sourceKey, id } = parseNodeKey(r.key);
    const file = this.fileOf(r.file);
    return {
      key: r.key,
      kind: this.kindName.get(r.kind) as NodeKind,
      id,
      sourceKey,
      props: JSON.parse(r.props) as NodeProps,
      prov: file && r.line !== null ? { file, line: r.line } : undefined,
    };
  }

  node(key: string): GraphNode | undefined {
    const r = this.sNodeByKey.get(key) as NodeRow | undefined;
    return r ? this.toNode(r) : undefined;
  }

  /** Edges of `kind` from (`dir` out) or to (`dir` in) `key`, with the node at the other end. */
  step(key: string, kind: EdgeKind, dir: 'out' | 'in'): { edge: GraphEdge; other: GraphNode }[] {
    const rows = (dir === 'out' ? this.sOut : this.sIn).all(key, this.codeOf(kind)) as StepRow[];
    return rows.map((r) => {
      const other = this.toNode(r);
      const file = this.fileOf(r.efile);
      const edge: GraphEdge = {
        kind,
        from: dir === 'out' ? key : other.key,
        to: dir === 'out' ? other.key : key,
        props: r.eprops ? (JSON.parse(r.eprops) as EdgeProps) : undefined,
        prov: file && r.eline !== null ? { file, line: r.eline } : undefined,
      };
      return { edge, other };
    });
  }

  *nodesOfKind(kind: NodeKind): Generator<GraphNode> {
    const code = this.codeOf(kind);
    if (code === undefined) return;
    for (const r of this.sKind.all(code) as NodeRow[]) yield this.toNode(r);
  }

  lookup(name: string): string[] {
    return (this.sName.all(name.trim().toLowerCase()) as { key: string }[]).map((r) => r.key);
  }

  sources(): SourceInfo[] {
    const rows = this.db.prepare('SELECT source, tenant, source_key, folder, path, collected_at, manifest FROM sources ORDER BY idx').all() as {
      source: string;
      tenant: string;
      source_key: string;
      folder: string;
      path: string;
      collected_at: string;
      manifest: string;
    }[];
    return rows.map((r) => ({
      sourceKey: r.source_key,
      source: r.source as SourceKind,
      tenant: r.tenant,
      folder: r.path,
      collectedAt: r.collected_at,
      datasets: (JSON.parse(r.manifest) as { datasets: SourceInfo['datasets'] }).datasets ?? {},
    }));
  }

  files(): InputFile[] {
    return this.db.prepare('SELECT name, objects, bytes, sha256 FROM files ORDER BY idx').all() as InputFile[];
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
