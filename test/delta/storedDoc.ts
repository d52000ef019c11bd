/**
 * The findings document a snapshot stores, and a form of it two loads of the same data can be
 * compared by (shared by the delta tests): what names the snapshot and the collection files
 * differs by construction between a delta and a full load, so it is left out.
 */
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import type { Store } from '../../src/store/Store.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';

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
