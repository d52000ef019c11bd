/**
 * The findings document a snapshot stores, and a form of it two loads of the same data can be
 * compared by (shared by the delta tests): what names the snapshot and the collection files
 * differs by construction between a delta and a full load, so it is left out; a collection
 * re-stamped to a later instant (the delta tests' "a day later"); and what a full load of a
 * collection stores, to compare a delta with.
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { readPending, readPendingUnits, readStoredFindings, readUnits } from '../../src/store/storedFindings.js';

export function storedDoc(store: Store, id: string): ReturnType<typeof readStoredFindings> {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    return readStoredFindings(db);
  } finally {
    db.close();
  }
}

/** The document without what names the snapshot and the collection files (they differ by construction). */
export const comparableDoc = (doc: ReturnType<typeof storedDoc>): string =>
  JSON.stringify({ ...doc, snapshot: null, findings: doc.findings.map((f) => ({ ...f, evidence: f.evidence.length })) });

/** A copy of a collection collected at `at` (every source's manifest), its data unchanged. */
export function restamped(from: string, to: string, at: string): void {
  cpSync(from, to, { recursive: true });
  for (const src of readdirSync(to, { withFileTypes: true })) {
    if (!src.isDirectory()) continue;
    const path = join(to, src.name, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { collectedAt: string };
    m.collectedAt = at;
    writeFileSync(path, JSON.stringify(m, null, 2));
  }
}

/** A snapshot's instants: when it was collected, its stored pending, its units' next instants in order. */
export function storedInstants(store: Store, id: string): { collectedAt: number; pending: number | null | undefined; nexts: number[] } {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    return {
      collectedAt: Date.parse(db.meta.get('collectedAt') ?? ''),
      pending: readPending(db),
      nexts: [...readUnits(db).values()].map((u) => u.next).filter((n): n is number => n !== null).sort((a, b) => a - b),
    };
  } finally {
    db.close();
  }
}

/** A full load of collection `dir` into a new store at `storeDir`: its departed count, comparable document, stored pending and units' instants. */
export async function fullLoadOf(
  dir: string,
  storeDir: string,
): Promise<{ departed: number; doc: string; pending: number | null | undefined; pendingUnits: Map<string, number> | undefined }> {
  const s = new Store(storeDir);
  const r = await loadSnapshot(s, [dir]);
  const db = new SnapshotDb(s.pathOf(r.id));
  const pending = readPending(db);
  const pendingUnits = readPendingUnits(db);
  db.close();
  return { departed: r.departed, doc: comparableDoc(storedDoc(s, r.id)), pending, pendingUnits };
}
