/**
 * The time catch-up of a snapshot, off the event path: the analysis units whose answer time alone
 * changed since the snapshot was collected (their `next` instant is passed) analysed again at a
 * later instant, ahead of the next refresh. A refresh's delta on that snapshot (loadDelta's
 * `precomputed`) then takes such a unit's analysis from here instead of analysing it, when the
 * analysis still holds at the refresh's time — its next instant not passed — and the refresh
 * changed nothing it read: the refresh's document is exactly the one it would have analysed
 * itself (a full load's). The server runs `catchUpUnits` in a child process
 * (`revenant snapshots --catch-up`), so the event loop and the refreshes never wait for it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CompactGraph, compactAt } from '../src/store/CompactGraph.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import { LazyGraph } from '../src/store/LazyGraph.js';
import { SnapshotDb } from '../src/store/SnapshotDb.js';
import type { Store } from '../src/store/Store.js';
import { duePendingInstants, hasPendingUnits, hasUnits, readPending, readUnits } from '../src/store/storedFindings.js';
import { coverageOf } from './residual.js';
import { type UnitResult, UnitAnalyser } from './residualUnits.js';

/**
 * How far ahead of the snapshot's stored `pending` the catch-up sweeps: a catch-up that runs less
 * than this before it (the server runs one every CATCH_UP_EVERY_MS, and when it serves a snapshot
 * whose `pending` is this close) sweeps at that instant, so that the refreshes after it do not.
 * On a snapshot that stores its units' instants (pending_units) it sweeps nothing: it analyses the
 * units whose own instant is this close, each at that instant.
 */
export const SWEEP_AHEAD_MS = 30 * 60_000;

/**
 * The tenant-wide sweep of a snapshot at instant `at` (UnitAnalyser.sweep: every unit with a
 * departed account, and `pending`, the next instant after `at` time alone can make another
 * account departed). A delta on that snapshot at an instant in [at, pending) takes it instead of
 * sweeping (loadDelta): nothing time alone changes happens in between.
 */
export interface CaughtUpSweep {
  at: number;
  units: string[];
  pending: number | null;
  /**
   * Each unit's own instant (UnitAnalyser.sweep's `instants`: a unit not listed has none): a delta
   * that takes the sweep stores them over its base's, as after a sweep of its own — else the base's
   * instants that passed would stay, and its `pending` with them.
   */
  instants: [string, number][];
}

/** Whether a delta at instant `t` may take `sweep` instead of sweeping: nothing time alone changes lies between. */
export const sweepHolds = (sweep: CaughtUpSweep | undefined, t: number): sweep is CaughtUpSweep =>
  !!sweep && sweep.at <= t && (sweep.pending === null || sweep.pending > t);

/** A unit analysed again by a catch-up. */
export interface CaughtUnit {
  unit: UnitResult;
  /** Keys it read that named no node in the base. */
  missing: string[];
  /** The instant it was analysed at, when not the catch-up's `at` (a unit whose own instant was ahead of it: at that instant). */
  at?: number;
  /**
   * Its own instant after that (UnitAnalyser.unitPending; null: none), on a base that stores its
   * units' instants: a delta that takes this analysis stores it over the base's.
   */
  instant?: number | null;
}

/** Units of snapshot `base` analysed again at `at` (ms): those whose next instant was passed by then. */
export interface CaughtUp {
  base: string;
  at: number;
  /** Each unit's analysis, with the keys it read that named no node in `base`. */
  units: Map<string, CaughtUnit>;
  /**
   * The sweep of `base`, when its stored `pending` is passed at `at` or comes within
   * SWEEP_AHEAD_MS of it (swept at `at`, or at `pending`); the units it finds that are no unit of
   * `base` are analysed in `units` when it swept at `at`.
   */
  sweep?: CaughtUpSweep;
  /** CPU milliseconds the catch-up took (its process's, when it ran in one). */
  cpuMs?: number;
}

/**
 * Analyse again, at `at`, the units of snapshot `id` whose next instant is at or before `at`
 * (none when `at` is not after the snapshot's collection time), and — the server's catch-up, not
 * `residual` — what time alone changes up to SWEEP_AHEAD_MS later (see catchUpOn). `onUnit` is
 * called after each one (a test holds the catch-up open there).
 */
export function catchUpUnits(store: Store, id: string, at: number, onUnit?: (key: string) => void): CaughtUp {
  const sdb = new SnapshotDb(store.pathOf(id));
  try {
    return catchUpOn(sdb, id, at, onUnit, true);
  } finally {
    sdb.close();
  }
}

/**
 * catchUpUnits on an open snapshot (`residual --all` from the stored document: queries/storedSweep.ts).
 * Time alone also departs accounts that were not: on a snapshot that stores its units' instants,
 * the units whose own instant is passed at `at` are analysed at `at` (a delta would analyse just
 * those), and with `ahead` those whose instant comes within SWEEP_AHEAD_MS after it at that
 * instant; on one that does not, the tenant is swept (a delta would sweep it), at `at` or ahead at
 * the stored `pending`.
 */
export function catchUpOn(sdb: SnapshotDb, id: string, at: number, onUnit?: (key: string) => void, ahead = false): CaughtUp {
  const out: CaughtUp = { base: id, at, units: new Map() };
  const baseAt = Date.parse(sdb.meta.get('collectedAt') ?? '');
  if (!(at > baseAt) || !hasUnits(sdb)) return out;
  const stored = readUnits(sdb);
  const keys = [...stored.values()].filter((u) => u.next !== null && u.next <= at).map((u) => u.key);
  const pending = readPending(sdb);
  const perUnit = pending !== undefined && hasPendingUnits(sdb);
  // Units whose own instant comes after `at` (within SWEEP_AHEAD_MS), by that instant.
  const later = new Map<number, string[]>();
  if (perUnit && pending !== null && pending <= at + SWEEP_AHEAD_MS) {
    const now = new Set(keys);
    for (const [k, t] of duePendingInstants(sdb, ahead ? at + SWEEP_AHEAD_MS : at)) {
      if (now.has(k)) continue;
      if (t <= at) keys.push(k);
      else (later.get(t) ?? later.set(t, []).get(t)!).push(k);
    }
  }
  // The sweep a delta on this snapshot would make once its pending passes (none stored: an older
  // revenant wrote it, every delta sweeps), made here instead, at `at` or at that instant.
  const sweepAt = perUnit ? undefined : pending === undefined ? at : pending !== null && pending <= at + SWEEP_AHEAD_MS ? Math.max(at, pending) : undefined;
  let compact: CompactGraph | undefined;
  if (sweepAt !== undefined) {
    compact = new CompactGraph(sdb, id);
    const swept = new UnitAnalyser(compact, sweepAt, {}, (k) => compact!.nidOf(k)).sweep();
    out.sweep = { at: sweepAt, units: swept.units, pending: swept.pending, instants: [...swept.instants] };
    if (sweepAt === at) for (const k of swept.units) if (!stored.has(k)) keys.push(k);
  }
  const count = keys.length + [...later.values()].reduce((n, ks) => n + ks.length, 0);
  if (count === 0) return out;
  keys.sort();
  const lazy = new LazyGraph(sdb, id);
  // As loadDelta reads: compactly when many units are analysed.
  const reader: GraphReader = compact ?? (count > compactAt(Number(sdb.meta.get('nodes') ?? 0)) ? new CompactGraph(sdb, id) : lazy);
  const nids = new Map<string, number | undefined>();
  const nidOf = (k: string) => (nids.has(k) ? nids.get(k) : nids.set(k, sdb.nodeRow(k)?.nid).get(k));
  const coverage = coverageOf(lazy.sources);
  const batches: [number, string[]][] = [[at, keys], ...[...later].sort((x, y) => x[0] - y[0]).map(([t, ks]): [number, string[]] => [t, ks.sort()])];
  for (const [t, ks] of batches) {
    const analyser = new UnitAnalyser(reader, t, coverage, nidOf);
    for (const key of ks) {
      const u = analyser.analyse(key);
      if (u) out.units.set(key, { unit: u, missing: u.missing, ...(t === at ? {} : { at: t }), ...(perUnit ? { instant: analyser.unitPending(key) } : {}) });
      onUnit?.(key);
    }
  }
  return out;
}

/** What a delta changed, as loadDelta's unit selection sees it. */
export interface DeltaChanges {
  changedDeps: ReadonlySet<number>;
  changedKinds: ReadonlySet<string>;
  /** Sources whose coverage or scope changed (every unit there is analysed again). */
  changedSources: ReadonlySet<string>;
}

/**
 * The caught-up analysis of unit `key` if it is what analysing it now, at `at`, on the delta's
 * graph gives: caught up at or before `at`, its next instant after `at`, and nothing it read (a
 * node, a node's edges of a kind, a node kind it scanned, a key that named no node) changed by the
 * delta. Else undefined (the caller analyses it).
 */
export function reusableUnit(
  caught: CaughtUp,
  key: string,
  at: number,
  changes: DeltaChanges,
  nidOf: (key: string) => number | undefined,
): UnitResult | undefined {
  const e = caught.units.get(key);
  if (!e || (e.at ?? caught.at) > at) return undefined;
  const u = e.unit;
  if (u.next !== null && u.next <= at) return undefined;
  if (u.kinds.some((k) => changes.changedKinds.has(k))) return undefined;
  if (u.sources.some((s) => changes.changedSources.has(s))) return undefined;
  // A key that named no node then and names one now.
  if (e.missing.some((k) => nidOf(k) !== undefined)) return undefined;
  // A read the delta changed.
  for (const d of u.deps) if (changes.changedDeps.has(d)) return undefined;
  return u;
}

/** Write a catch-up to `file` (atomically: a reader never sees half of it). */
export function writeCaughtUp(file: string, c: CaughtUp): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: 'revenant-catch-up/5', base: c.base, at: c.at, cpuMs: c.cpuMs, sweep: c.sweep, units: [...c.units.values()] }));
  renameSync(tmp, file);
}

/** Read a catch-up `writeCaughtUp` wrote. */
export function readCaughtUp(file: string): CaughtUp {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { format: string; base: string; at: number; cpuMs?: number; sweep?: CaughtUpSweep; units: CaughtUnit[] };
  // /5: with each unit's instants (and its own analysis instant); /4 (without), /3 (a sweep
  // without instants), /2 (no sweep) and /1 (string reads) are refused, never misread.
  if (raw.format !== 'revenant-catch-up/5') throw new Error(`${file}: not a revenant catch-up of this version (format ${String(raw.format)})`);
  return { base: raw.base, at: raw.at, cpuMs: raw.cpuMs, sweep: raw.sweep, units: new Map(raw.units.map((e) => [e.unit.key, e])) };
}
