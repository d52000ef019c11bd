/**
 * Applying changed collection lines to a DeltaGraph, the way a load would have read them: the
 * facts of a line that is removed or replaced go (its edges carry the line as provenance, on the
 * nodes it touched, which the record index lists; a node it defined loses its definition), then
 * the new lines go through their dataset's transform, in load order, with an `Emit` that numbers
 * nodes after the base's and records what each line touched for the new record index. Nodes
 * left without a definition become stubs while a line still references them, and disappear when
 * none does — as a full load of the same lines would have them.
 */
import type { Emit, Transform } from '../../model/Emit.js';
import { nodeKey, parseNodeKey } from '../../model/ids.js';
import type { NodeKind } from '../../model/schema.js';
import type { BaseProps } from '../../model/types.js';
import { REC, R_FILE, R_LINE } from '../Adjacency.js';
import type { RecordRef } from '../records/RecordIndex.js';
import { stubProps, upgradesStub } from '../SnapshotWriter.js';
import { DeltaGraph, kindCode, lineKey } from './DeltaGraph.js';

export class RecordApplier {
  /** Nodes whose defining line went and that no new line has defined (yet). */
  private readonly undefinedNodes = new Set<number>();
  /** Nodes touched by removed lines (candidates for becoming stubs or disappearing). */
  private readonly orphans = new Set<number>();

  constructor(readonly g: DeltaGraph) {}

  /**
   * Remove the facts of current lines (replaced or removed): their edges at the nodes they
   * touched, all at once (DeltaGraph.removeLineEdges), and their definitions.
   */
  removeRecords(records: Iterable<RecordRef>): void {
    const g = this.g;
    const lines = new Map<number, Set<number>>();
    for (const r of records) {
      const line = lineKey(r.file, r.line);
      for (let i = 0; i < r.touched.length; i += 2) {
        const nid = r.touched[i];
        const mode = r.touched[i + 1];
        (lines.get(nid) ?? lines.set(nid, new Set()).get(nid)!).add(line);
        this.orphans.add(nid);
        if (mode === 0) {
          const row = g.row(nid);
          if (row && row.file === r.file && row.line === r.line) this.undefinedNodes.add(nid);
        }
      }
    }
    g.removeLineEdges(lines);
  }

  /** Run one new line through its transform; returns the (nid, mode) pairs it touched. */
  addRecord(sourceKey: string, transform: Transform, value: Record<string, unknown>, file: number, line: number): number[] {
    const g = this.g;
    const touched: number[] = [];
    const emit: Emit = {
      sourceKey,
      node: (kind, space, id, props) => {
        const key = nodeKey(sourceKey, space, id);
        const nid = g.ensureNid(key);
        g.setRow(nid, { key, kind, props: props as unknown as Record<string, unknown>, file, line });
        this.undefinedNodes.delete(nid);
        touched.push(nid, 0);
        return nid as never;
      },
      ref: (kind, space, id, name) => {
        const key = nodeKey(sourceKey, space, id);
        const nid = g.ensureNid(key);
        const row = g.row(nid);
        if (!row) {
          g.setRow(nid, { key, kind, props: stubProps(kind, id, name), file: -1, line: -1 });
        } else if (row.props.stub === true && upgradesStub(row.kind, kind)) {
          g.setRow(nid, { ...row, kind, props: stubProps(kind, id, name ?? (row.props.name as string | undefined)) });
        }
        touched.push(nid, kindCode(kind) + 1);
        return nid as never;
      },
      edge: (kind, from, to, props) => {
        g.addEdge(kind, from, to, file, line, props ? JSON.stringify(props) : undefined);
      },
    };
    transform(value, emit);
    return touched;
  }

  /**
   * After every line is applied: a node that lost its definition becomes a stub while a line
   * still references it, else it goes; a stub no line references any more goes too.
   */
  settle(): void {
    const g = this.g;
    for (const nid of this.undefinedNodes) {
      const row = g.row(nid);
      if (!row) continue;
      if (g.hasPrimaryEdge(nid)) g.setRow(nid, { key: row.key, kind: row.kind, props: stubProps(row.kind, parseNodeKey(row.key).id, undefined), file: -1, line: -1 });
      else g.remove(nid);
    }
    for (const nid of this.orphans) {
      const row = g.row(nid);
      if (row && row.props.stub === true && !g.hasPrimaryEdge(nid)) g.remove(nid);
    }
    this.undefinedNodes.clear();
    this.orphans.clear();
  }
}

/** Whether an edge-end list holds an end read from line (file, line). */
export function holdsLine(list: readonly number[], file: number, line: number): boolean {
  for (let p = 0; p < list.length; p += REC) if (list[p + R_FILE] === file && list[p + R_LINE] === line) return true;
  return false;
}

export type { NodeKind, BaseProps };
