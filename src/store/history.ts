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
      for (const f of readStoredFindingIds(db)) {
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
