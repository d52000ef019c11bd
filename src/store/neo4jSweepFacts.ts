/**
 * What decides whether `residual --all` on a Neo4j snapshot may be served from its stored
 * findings instead of a sweep — queries/storedSweep.ts's rules for the embedded store, whose
 * inputs a push or import copies onto the `:RevenantSnapshot` (its `sweep` property, read back by
 * queries/storedSweep.cypher.ts): the stored `pending` (absent: an older revenant stored none),
 * the revenant that wrote the analysis when it is this one (null: another, or unknown), and the
 * earliest instant at which time alone changes an analysis unit (null: never; absent: no units
 * stored, as hasUnits decides). A delta's units are its own over its base's: the earliest over
 * every level is kept — never later than its current units' earliest, so it can only make a sweep
 * more likely, never serve a stale document.
 */
import type { SnapshotDb } from './SnapshotDb.js';
import { hasTable, readPending, writtenByThisVersion } from './storedFindings.js';
import { VERSION } from '../model/version.js';

export interface SweepFacts {
  pending?: number | null;
  revenant: string | null;
  next?: number | null;
}

/** The sweep facts of a snapshot file (a delta's over its base's). */
export function sweepFacts(sdb: SnapshotDb): SweepFacts {
  const out: SweepFacts = { revenant: writtenByThisVersion(sdb) ? VERSION : null };
  const pending = readPending(sdb);
  if (pending !== undefined) out.pending = pending;
  let next: number | null = null;
  for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) {
    if (!hasTable(s.db, 'units')) {
      // As hasUnits: a snapshot has units when its full snapshot (the bottom level) has them.
      if (!s.overlay) return out;
      continue;
    }
    const m = (s.db.prepare('SELECT MIN(next) AS m FROM units').get() as { m: number | null }).m;
    next = next === null ? m : m === null ? next : Math.min(next, m);
  }
  out.next = next;
  return out;
}
