/**
 * The engine-neutral read interface every query runs on: nodes by key, edges of one kind out of
 * or into a node, nodes of one kind, name lookup, and the sources with their completeness
 * ledgers. The embedded engine implements it over a graphology graph filled from a snapshot;
 * the Neo4j engine answers the same questions in Cypher.
 */
import type { DatasetLedger } from '../../ingest/collection/manifest.js';
import type { EdgeKind, NodeKind, SourceKind } from '../model/schema.js';
import type { GraphEdge, GraphNode } from '../model/types.js';

export interface SourceInfo {
  sourceKey: string;
  source: SourceKind;
  tenant: string;
  folder: string;
  collectedAt: string;
  datasets: Record<string, DatasetLedger>;
  /**
   * A per-subject collection (`collect --subject`) lists the accounts it is complete for; its
   * datasets say nothing about any other account. Absent for tenant-wide collections.
   */
  scope?: { kind: 'subject'; accounts: string[] };
}

export interface InputFile {
  name: string;
  objects: number;
  bytes: number;
  sha256: string;
}

export interface GraphReader {
  /** The snapshot id, or null when analysing collections directly. */
  readonly snapshotId: string | null;
  readonly sources: readonly SourceInfo[];
  /** When the data was collected (the latest source's collectedAt): the default analysis time. */
  readonly collectedAt: string;
  node(key: string): GraphNode | undefined;
  out(key: string, kind: EdgeKind): readonly GraphEdge[];
  in(key: string, kind: EdgeKind): readonly GraphEdge[];
  nodesOfKind(kind: NodeKind): Iterable<GraphNode>;
  /** Keys of nodes whose id, display name, UPN, mail, login or employee id equals `name` (case-insensitive). */
  lookup(name: string): string[];
  /** The input files (with hashes) the snapshot was made from. */
  files(): InputFile[];
}
