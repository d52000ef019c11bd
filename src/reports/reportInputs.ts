/**
 * Everything a report reads, gathered from the store in one place: the reported snapshot and its
 * stored analysis; the baseline it is compared with (`--since SNAPSHOT|DATE`, else the snapshot
 * of the previous report in the ledger, else the previous snapshot) and the period start; the
 * finding history (first/last seen); counts by status and severity for the trend charts; the
 * acceptances; and each snapshot's metadata and input file hashes for the method appendix.
 * Nothing here recomputes analysis: every consumer sees what `load` stored.
 */
import type { FindingsDoc } from '../../queries/residual.js';
import { InputError, StoreError } from '../model/errors.js';
import { instant } from '../model/time.js';
import type { InputFile, SourceInfo } from '../store/GraphReader.js';
import { findingHistory } from '../store/history.js';
import { SnapshotDb } from '../store/SnapshotDb.js';
import { Store } from '../store/Store.js';
import { readStoredFindings } from '../store/storedFindings.js';
import { type AcceptancesFile, readAcceptances } from './acceptances.js';
import { readLedger } from './ledger.js';

/** How many snapshots (ending with the reported one) the trend charts show. */
const TREND_SNAPSHOTS = 26;

export interface SnapshotMeta {
  id: string;
  /** The snapshot's collection time: the analysis time of its stored findings. */
  at: string;
  createdAt: string;
  collections: string[];
  sources: SourceInfo[];
  files: InputFile[];
}

export interface TrendPoint {
  snapshot: string;
  at: string;
  byStatus: Record<string, number>;
  bySeverity: Record<string, number>;
}

export interface Seen {
  snapshot: string;
  at: string;
}

export interface ReportInputs {
  storeDir: string;
  current: SnapshotMeta;
  doc: FindingsDoc;
  baseline: { meta: SnapshotMeta | null; doc: FindingsDoc | null; why: string };
  /** Start of the period (exclusive): the baseline's time or the `--since` date; null = from the beginning. */
  periodFrom: string | null;
  trend: TrendPoint[];
  history: Map<string, { firstSeen: Seen; lastSeen: Seen }>;
  acceptances: AcceptancesFile;
  /** Every snapshot id in the store, oldest first. */
  allSnapshots: string[];
}

export interface GatherOptions {
  store?: string;
  snapshot?: string;
  since?: string;
  onProgress?: (stage: string) => void;
}

/** An ISO-8601 instant in its canonical form (`…T00:00:00.000Z`), or the text as it was. */
function isoOrRaw(v: string): string {
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}

function snapshotMeta(db: SnapshotDb, id: string): SnapshotMeta {
  let collections: string[] = [];
  try {
    collections = JSON.parse(db.meta.get('collections') ?? '[]') as string[];
  } catch {
    collections = [];
  }
  return {
    id,
    at: isoOrRaw(db.meta.get('collectedAt') ?? ''),
    createdAt: db.meta.get('createdAt') ?? '',
    collections,
    sources: db.sources(),
    files: db.files(),
  };
}

/** Open one snapshot and read its metadata and stored findings. */
export function readSnapshot(store: Store, id: string): { meta: SnapshotMeta; doc: FindingsDoc } {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    const doc = readStoredFindings(db);
    if (!doc.snapshot) doc.snapshot = id;
    return { meta: snapshotMeta(db, id), doc };
  } finally {
    db.close();
  }
}

/**
 * Counts by status and by severity of a snapshot's stored findings. Counted in SQL over the
 * stored findings table (one row per finding) so the trend stays cheap with many large
 * snapshots; falls back to reading the document if that table has another shape.
 */
function countFindings(store: Store, id: string): TrendPoint {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    const at = isoOrRaw(db.meta.get('collectedAt') ?? '');
    const byStatus: Record<string, number> = {};
    const bySeverity: Record<string, number> = {};
    try {
      const rows = db.db.prepare('SELECT status, severity, COUNT(*) AS n FROM findings GROUP BY status, severity').all() as { status: string; severity: string; n: number }[];
      for (const r of rows) {
        byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
        bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + r.n;
      }
    } catch {
      for (const f of readStoredFindings(db).findings) {
        byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
        bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
      }
    }
    return { snapshot: id, at, byStatus, bySeverity };
  } finally {
    db.close();
  }
}

function isSnapshotRef(store: Store, ids: string[], v: string): string | undefined {
  if (ids.includes(v)) return v;
  if (instant(v) !== null) return undefined; // a date, not an id prefix
  return store.resolve(v);
}

export function gatherInputs(opts: GatherOptions): ReportInputs {
  const progress = opts.onProgress ?? (() => {});
  const store = new Store(opts.store);
  const ids = store.ids();
  const currentId = store.resolve(opts.snapshot);
  const curIdx = ids.indexOf(currentId);
  progress(`reading snapshot ${currentId}`);
  const current = readSnapshot(store, currentId);

  // Baseline and period.
  let baselineId: string | undefined;
  let why: string;
  let periodFrom: string | null = null;
  if (opts.since !== undefined) {
    const since = opts.since.trim();
    const ref = isSnapshotRef(store, ids, since);
    if (ref) {
      if (ids.indexOf(ref) >= curIdx) throw new InputError(`--since: snapshot ${ref} is not older than the reported snapshot ${currentId}`, { field: '--since' });
      baselineId = ref;
      why = `--since ${since}`;
    } else {
      const t = instant(since);
      if (t === null) throw new InputError(`--since: ${JSON.stringify(since)} is neither a snapshot id nor an ISO-8601 date`, { field: '--since' });
      if (t >= Date.parse(current.meta.at)) throw new InputError(`--since: ${since} is not before the reported snapshot's collection time ${current.meta.at}`, { field: '--since' });
      periodFrom = new Date(t).toISOString();
      // The latest older snapshot collected at or before the date.
      for (let i = curIdx - 1; i >= 0; i--) {
        const info = store.info(ids[i]);
        const at = Date.parse(info.collectedAt);
        if (!Number.isNaN(at) && at <= t) {
          baselineId = ids[i];
          break;
        }
      }
      why = baselineId ? `--since ${since}: the latest snapshot collected at or before it` : `--since ${since}: no snapshot collected at or before it, so every finding counts as new`;
    }
  } else {
    const ledger = readLedger(store.dir).filter((e) => {
      const i = ids.indexOf(e.snapshot);
      return i >= 0 && i < curIdx;
    });
    const last = ledger.sort((a, b) => ids.indexOf(a.snapshot) - ids.indexOf(b.snapshot)).at(-1);
    if (last) {
      baselineId = last.snapshot;
      why = `the snapshot of the previous report (written ${last.writtenAt})`;
    } else if (curIdx > 0) {
      baselineId = ids[curIdx - 1];
      why = 'the previous snapshot (no earlier report recorded)';
    } else {
      why = 'first snapshot in the store: every finding counts as new';
    }
  }
  let baseline: ReportInputs['baseline'] = { meta: null, doc: null, why };
  if (baselineId) {
    progress(`reading baseline snapshot ${baselineId}`);
    const b = readSnapshot(store, baselineId);
    baseline = { meta: b.meta, doc: b.doc, why };
    if (periodFrom === null && !Number.isNaN(Date.parse(b.meta.at))) periodFrom = b.meta.at;
  }

  progress('reading finding history');
  const history = findingHistory(store);
  // Only what was known by the reported snapshot counts as history.
  const upTo = new Set(ids.slice(0, curIdx + 1));
  for (const [k, h] of history) {
    if (!upTo.has(h.firstSeen.snapshot)) history.delete(k);
  }

  progress('counting findings over snapshots');
  const trend: TrendPoint[] = [];
  for (const id of ids.slice(Math.max(0, curIdx - TREND_SNAPSHOTS + 1), curIdx + 1)) {
    try {
      trend.push(countFindings(store, id));
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
    }
  }

  return {
    storeDir: store.dir,
    current: current.meta,
    doc: current.doc,
    baseline,
    periodFrom,
    trend,
    history,
    acceptances: readAcceptances(store.dir),
    allSnapshots: ids,
  };
}
