/**
 * The codes a snapshot stores kinds under: node kinds 1…, the schema's then those the registered
 * sources contribute (GitHub's …), and edge kind indexes 0… the same way (stored as
 * EDGE_CODE_BASE + index in a snapshot's `kinds` table; an adjacency record holds the index, a
 * dependency code too — below 64). Full loads, delta loads, compaction and the analysis units'
 * dependency codes all take them from here, so a delta over a snapshot with GitHub in it, or its
 * compaction, keeps every kind.
 */
import { SOURCES } from '../../ingest/sources.js';
import { EDGE_KINDS, type EdgeKind, NODE_KINDS } from '../model/schema.js';
import { ERR, StoreError } from '../model/errors.js';
import { EDGE_CODE_BASE } from './snapshotSchema.js';

const NODE_CODE = new Map<string, number>(NODE_KINDS.map((k, i) => [k, i + 1]));
const EDGE_INDEX = new Map<string, number>(EDGE_KINDS.map((k, i) => [k, i]));
const EDGE_BY_INDEX: string[] = [...EDGE_KINDS];

/** Add the kinds the sources registered since the last call (registration order: stable for a revenant). */
function sync(): void {
  for (const k of SOURCES.contributedNodeKinds()) if (!NODE_CODE.has(k)) NODE_CODE.set(k, NODE_CODE.size + 1);
  for (const k of SOURCES.contributedEdgeKinds()) {
    if (EDGE_INDEX.has(k)) continue;
    EDGE_INDEX.set(k, EDGE_INDEX.size);
    EDGE_BY_INDEX.push(k);
  }
}

/** Every node kind and its code. */
export function nodeCodes(): ReadonlyMap<string, number> {
  sync();
  return NODE_CODE;
}

/** Every edge kind and its index. */
export function edgeIndexes(): ReadonlyMap<string, number> {
  sync();
  return EDGE_INDEX;
}

export function nodeKindCode(kind: string): number {
  return NODE_CODE.get(kind) ?? nodeCodes().get(kind)!;
}

export function edgeKindIndex(kind: string): number {
  return EDGE_INDEX.get(kind) ?? edgeIndexes().get(kind)!;
}

export function edgeKindAt(index: number): EdgeKind {
  if (index >= EDGE_BY_INDEX.length) sync();
  return EDGE_BY_INDEX[index] as EdgeKind;
}

/** Write every kind into a new snapshot's `kinds` table. */
export function writeKinds(db: { prepare(sql: string): { run(...a: unknown[]): unknown } }): void {
  const ins = db.prepare('INSERT INTO kinds(code, name) VALUES (?, ?)');
  for (const [k, c] of nodeCodes()) ins.run(c, k);
  for (const [k, i] of edgeIndexes()) ins.run(EDGE_CODE_BASE + i, k);
}

/**
 * Check that a snapshot a delta builds on stores its kinds under these codes (a snapshot written
 * by a revenant whose sources registered in another order does not): else the delta cannot share
 * its adjacency.
 */
export function checkKinds(kinds: Iterable<{ code: number; name: string }>, id: string): void {
  for (const { code, name } of kinds) {
    const index = edgeIndexes().get(name);
    const want = code >= EDGE_CODE_BASE ? (index === undefined ? undefined : EDGE_CODE_BASE + index) : nodeCodes().get(name);
    if (want !== code) {
      throw new StoreError(`snapshot ${id} stores the kind ${name} under code ${code}, this revenant under ${want ?? 'none'}: load the collections in full once`, ERR.SNAPSHOT_UNREADABLE);
    }
  }
}
