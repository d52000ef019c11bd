/**
 * Serialisation of what a Neo4j snapshot keeps beside its graph: the `:RevenantSnapshot` record
 * (written by the push, read back by listing and opening) and the `:RevenantFinding` rows (one
 * per stored finding, with the node keys its subject and `via` resolve to). Node and
 * relationship properties are neo4jSchema.ts's.
 */
import type { Finding } from '../../queries/residual.js';
import type { SourceInfo } from './GraphReader.js';
import type { SnapshotDb } from './SnapshotDb.js';
import type { SweepFacts } from './neo4jSweepFacts.js';
import { text } from '../model/text.js';

export type Neo4jSnapshotStatus = 'loading' | 'complete' | 'ephemeral' | 'deleting';

export interface Neo4jSnapshotInfo {
  id: string;
  status: Neo4jSnapshotStatus;
  createdAt: string;
  collectedAt: string;
  loadedAt: string | null;
  nodes: number;
  edges: number;
  findings: number;
  sources: { source: string; tenant: string; collectedAt: string }[];
  latest: boolean;
}

/** A snapshot record as listed, with the heartbeat prune reads. */
export type Neo4jSnapshotRow = Neo4jSnapshotInfo & { heartbeat: number };

/** The properties the listing reads from a `:RevenantSnapshot` (the `s {…}` projection). */
export const SNAPSHOT_LIST_FIELDS = '.id, .status, .createdAt, .collectedAt, .loadedAt, .nodes, .edges, .findings, .sources, .heartbeat';

/** One listed snapshot record (`s` projected with SNAPSHOT_LIST_FIELDS) and the store's latest id. */
export function snapshotRowOf(s: Record<string, unknown>, latest: unknown): Neo4jSnapshotRow {
  const sources = JSON.parse(text(s.sources ?? '[]')) as SourceInfo[];
  return {
    id: String(s.id),
    status: s.status as Neo4jSnapshotStatus,
    createdAt: text(s.createdAt),
    collectedAt: text(s.collectedAt),
    loadedAt: (s.loadedAt as string | null) ?? null,
    nodes: Number(s.nodes ?? 0),
    edges: Number(s.edges ?? 0),
    findings: Number(s.findings ?? 0),
    sources: sources.map((x) => ({ source: x.source, tenant: x.tenant, collectedAt: x.collectedAt })),
    latest: latest === s.id,
    heartbeat: Number(s.heartbeat ?? 0),
  };
}

/** The input files of a snapshot, in index order. */
export interface SnapshotFileRow {
  idx: number;
  name: string;
  objects: number;
  bytes: number;
  sha256: string;
}

/** The input files of a snapshot (a delta's with its base's), by index. */
export function snapshotFileRows(sdb: SnapshotDb): SnapshotFileRow[] {
  return sdb.fileRows();
}

/** The properties of a new `:RevenantSnapshot` record for `sdb` (status `loading` or `ephemeral`). */
export function snapshotRecord(
  sdb: SnapshotDb,
  o: { id: string; store: string; ephemeral: boolean; fileRows: SnapshotFileRow[]; findings: number; now: number; sweep: SweepFacts },
): Record<string, unknown> {
  const sources = sdb.sources();
  return {
    id: o.id,
    store: o.store,
    status: o.ephemeral ? 'ephemeral' : 'loading',
    createdAt: sdb.meta.get('createdAt') ?? new Date(o.now).toISOString(),
    collectedAt: sdb.meta.get('collectedAt') ?? sources.map((x) => x.collectedAt).sort().at(-1) ?? '',
    sources: JSON.stringify(sources),
    fileNames: JSON.stringify(Object.fromEntries(o.fileRows.map((f) => [String(f.idx), f.name]))),
    files: JSON.stringify(o.fileRows.map(({ name, objects, bytes, sha256 }) => ({ name, objects, bytes, sha256 }))),
    collections: sdb.meta.get('collections') ?? '[]',
    nodes: Number(sdb.meta.get('nodes') ?? 0),
    edges: Number(sdb.meta.get('edges') ?? 0),
    findings: o.findings,
    // Whether `residual --all` may be read from the stored findings (queries/storedSweep.cypher.ts).
    sweep: JSON.stringify(o.sweep),
    heartbeat: o.now,
  };
}

/** The properties of the `:RevenantFinding` of finding `f` (the `ord`-th of the stored document). */
export function findingRecord(f: Finding, ord: number): Record<string, unknown> {
  return {
    id: f.id,
    ord,
    rule: f.rule,
    status: f.status,
    severity: f.severity,
    subjectSource: f.subject.source,
    subjectId: f.subject.id,
    subjectName: f.subject.name,
    viaKind: f.via.kind,
    viaId: f.via.id,
    viaName: f.via.name,
    validUntil: f.validUntil,
    tier0: f.reaches.tier0,
    doc: JSON.stringify(f),
  };
}
