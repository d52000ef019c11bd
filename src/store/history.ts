/**
 * Finding history across the snapshots of a store: when each finding (by its stable id) was
 * first and last seen, by snapshot and analysis time. Reads only the ids stored in each
 * snapshot, so it stays cheap with many snapshots. Unreadable snapshots are skipped.
 */
import { StoreError } from '../model/errors.js';
import { SnapshotDb } from './SnapshotDb.js';
import type { Store } from './Store.js';
import { readStoredFindingIds } from './storedFindings.js';

export interface Seen {
  snapshot: string;
  at: string;
}

export function findingHistory(store: Store): Map<string, { firstSeen: Seen; lastSeen: Seen }> {
  const out = new Map<string, { firstSeen: Seen; lastSeen: Seen }>();
  // A delta snapshot's findings are its base's with its change: the previous snapshot's list is kept for it.
  let prev: { id: string; list: Map<string, string> } | null = null;
  for (const id of store.ids()) {
    let db: SnapshotDb;
    try {
      db = new SnapshotDb(store.pathOf(id));
    } catch (e) {
      // A snapshot pruned meanwhile, or a file that cannot be read, adds nothing to the history.
      if (e instanceof StoreError) continue;
      throw e;
    }
    try {
      const seen: Seen = { snapshot: id, at: db.meta.get('collectedAt') ?? '' };
      const list = readStoredFindingIds(db, prev && db.meta.get('base') === prev.id ? prev.list : undefined);
      prev = { id, list: new Map(list.map((f) => [f.id, f.status])) };
      for (const f of list) {
        const h = out.get(f.id);
        if (h) h.lastSeen = seen;
        else out.set(f.id, { firstSeen: seen, lastSeen: seen });
      }
    } finally {
      db.close();
    }
  }
  return out;
}
