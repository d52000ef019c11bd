/**
 * `load` as every caller needs it (CLI, HTTP API refresh, reports, demo): write the collections
 * as a new snapshot and, before it becomes visible, analyse it — residual access of every
 * departed subject at the collection time — and store the findings in it. The snapshot only
 * appears (atomic rename) once both are done. Then its changes are appended to the store's change
 * feed (a failure there is a warning: the snapshot is in place, and the server appends what the
 * feed lacks when it swaps the snapshot in).
 *
 * `loadDelta` writes a delta snapshot on a base (the latest by default): only what changed, and
 * only the analysis units that read something that changed (or whose answer time alone changed
 * since, or whose source's coverage changed) are analysed again; the stored document is then
 * the base's with those units replaced — the same document a full load of the same collections
 * stores. Its changes go to the change feed the same way.
 */
import Database from 'better-sqlite3';
import { parseNodeKey } from '../src/model/ids.js';
import { EdgeKind, NodeKind } from '../src/model/schema.js';
import { CompactGraph, compactAt } from '../src/store/CompactGraph.js';
import type { DeltaSummary } from '../src/store/delta/writeDelta.js';
import type { GraphReader, SourceInfo } from '../src/store/GraphReader.js';
import { LazyGraph } from '../src/store/LazyGraph.js';
import { SnapshotDb } from '../src/store/SnapshotDb.js';
import type { Store } from '../src/store/Store.js';
import {
  type StoredUnit,
  hasUnits,
  readStoredCoverage,
  type DocChange,
  patchDocChange,
  readStoredFindings,
  readPending,
  readUnits,
  duePendingUnits,
  hasPendingUnits,
  minPendingUnits,
  writePendingUnits,
  unitsReading,
  writeDeltaFindings,
  writeStoredFindings,
  writePending,
  writeUnits,
} from '../src/store/storedFindings.js';
import type { LoadProgress, LoadSummary } from '../src/store/writeSnapshot.js';
import type { SnapshotWriter } from '../src/store/SnapshotWriter.js';
import { StoreError } from '../src/model/errors.js';
import type { FindingsDoc, PersonReport, SubjectReport, Finding } from './residual.js';
import { coverageOf, outOfScope, ruleOrderIds } from './residual.js';
import { uncoveredForSubject } from '../src/analysis/coverage.js';
import { departureReads } from '../src/analysis/accounts.js';
import { DEP_STRIDE } from '../src/store/delta/deps.js';
import { edgeKindIndex } from '../src/store/kindCodes.js';
import { SOURCES } from '../ingest/sources.js';
import { phaseTimer } from '../src/store/phaseTimer.js';
import { type UnitResult, UnitAnalyser, docFromUnits } from './residualUnits.js';
import { type CaughtUp, reusableUnit, sweepHolds } from './timeCatchUp.js';

export interface LoadResult {
  id: string;
  summary: LoadSummary;
  findings: number;
  departed: number;
}

/** A unit as stored (`missing`: keys it read that named no node, kept in its kinds as `missing:KEY`). */
export function storedUnitOf(u: UnitResult): StoredUnit & { missing: string[] } {
  return {
    key: u.key,
    next: u.next,
    kinds: [...u.kinds, ...u.missing.map((m) => `missing:${m}`)],
    sources: u.sources,
    subjects: u.subjects.map((s) => s.key),
    person: u.person?.id ?? null,
    deps: Float64Array.from(u.deps).sort(),
    missing: u.missing,
  };
}

/**
 * Analyse a finished (not yet published) snapshot and store its findings in its file. The
 * analysis runs on the writer's memory (no re-read of the nodes and edges; the sources' ledgers
 * and the edge properties are read back from the file, as stored), unit by unit, and stores what
 * each unit read.
 */
export function analyseSnapshotFile(path: string, id: string, writer: SnapshotWriter, summary: LoadSummary): { findings: number; departed: number; doc: FindingsDoc } {
  const sdb = new SnapshotDb(path);
  // The sweep reads edge properties and names back from the file, one row at a time in no
  // particular order: with SQLite's default 2 MB page cache each read walked the B-tree from the
  // OS again (edgePropsText took 26 times the 50k load's time at 250k, for 5 times the edges).
  // 64 MB keeps the trees' inner pages and much of their leaves (bounded: peak RSS at 1M is close to its budget).
  sdb.db.pragma('cache_size = -65536');
  let doc;
  let units: UnitResult[];
  let pending: number | null = null;
  let instants: Map<string, number> = new Map();
  let src;
  try {
    const sources = sdb.sources();
    src = writer.compactSource({ sources, collectedAt: summary.collectedAt, snapshotId: id }, { edgeProps: (eid, kind) => sdb.edgePropsOf(eid, kind), lookup: (name) => sdb.lookup(name) });
    const g = new CompactGraph(src);
    const at = Date.parse(g.collectedAt);
    const analyser = new UnitAnalyser(g, at, coverageOf(sources), (k) => g.nidOf(k));
    const swept = analyser.sweep();
    pending = swept.pending;
    instants = swept.instants;
    units = swept.units.map((k) => analyser.analyse(k)).filter((u): u is UnitResult => !!u);
    doc = docFromUnits(at, id, analyser.coverage, units);
  } finally {
    sdb.close();
  }
  const db = new Database(path);
  try {
    db.pragma('journal_mode = DELETE');
    writeStoredFindings(db, doc, ruleOrderIds(), new Map(units.flatMap((u) => u.findings.map((f) => [f.finding.id, f.pre] as const))));
    writeUnits(
      db,
      units.map((u) => storedUnitOf(u)),
    );
    writePending(db, pending);
    writePendingUnits(db, instants);
  } finally {
    db.close();
  }
  return { findings: doc.findings.length, departed: doc.subjects.filter((s) => s.departed).length, doc };
}

export async function loadSnapshot(store: Store, dirs: string[], onProgress?: (p: LoadProgress) => void): Promise<LoadResult> {
  let doc: FindingsDoc | undefined;
  let stats = { findings: 0, departed: 0 };
  const lap = phaseTimer();
  const { id, summary } = await store.load(dirs, onProgress, (path, snapId, writer, sum) => {
    lap('read+write (through finish)');
    const r = analyseSnapshotFile(path, snapId, writer, sum);
    doc = r.doc;
    stats = { findings: r.findings, departed: r.departed };
    lap('analysis');
  });
  lap('publish');
  try {
    await store.syncFeed({ id, doc: doc!, at: summary.collectedAt });
  } catch (e) {
    summary.warnings.push(`the change feed was not updated (${(e as Error).message}); the server appends the snapshot's changes when it swaps it in`);
  }
  lap('feed');
  return { id, summary, ...stats };
}

export interface DeltaLoadResult {
  id: string;
  baseId: string;
  summary: DeltaSummary;
  findings: number;
  departed: number;
  /** Units analysed again, and of how many. */
  reanalysed: number;
  /** Units whose answer time alone changed, taken from a time catch-up of the base (`precomputed`) instead. */
  caughtUp?: number;
  units: number;
  /** Why everything was analysed again, when it was. */
  full?: string;
  /** Where the time went (ms): writing the delta, choosing the units, analysing them, storing the analysis. */
  ms: { write: number; select: number; analyse: number; store: number };
}

/** Which stored units a delta can have changed. */
function affectedUnits(
  base: SnapshotDb,
  view: GraphReader & { readonly sources: readonly SourceInfo[] },
  summary: DeltaSummary,
  units: Map<string, StoredUnit>,
  at: number,
): { keys: Set<string>; all?: string; timed: Set<string>; changedSources: Set<string>; rescoped: Map<string, SourceInfo | undefined> } {
  const baseAt = Date.parse(base.meta.get('collectedAt') ?? '');
  if (!(at >= baseAt)) return { keys: new Set(units.keys()), all: 'the delta was collected before its base', timed: new Set(), changedSources: new Set(), rescoped: new Map() };
  const keys = unitsReading(base, summary.changedDeps, units);
  const kinds = summary.changedKinds;
  // Units there only because time passed their next instant (a catch-up may have analysed them already).
  const timed = new Set<string>();
  for (const u of units.values()) {
    if (u.next !== null && u.next <= at && at > baseAt && !keys.has(u.key)) timed.add(u.key);
    for (const k of u.kinds) {
      if (kinds.has(k)) keys.add(u.key);
      if (k.startsWith('missing:') && view.node(k.slice('missing:'.length))) keys.add(u.key);
    }
  }
  // Coverage: a subject's closure reads the uncovered rules of its source and of the sources
  // paired with it (an Entra account's, those of the Azure folder of its tenant): where they
  // changed, or the scope did, every closure there changes.
  const oldCov = readStoredCoverage(base);
  const newCov = coverageOf(view.sources);
  const baseSources = new Map(base.sources().map((s) => [s.sourceKey, s]));
  const changed = new Set<string>();
  const rescoped = new Map<string, SourceInfo | undefined>();
  for (const sk of new Set([...Object.keys(oldCov), ...Object.keys(newCov)])) {
    if (JSON.stringify(uncoveredForSubject(oldCov, sk)) !== JSON.stringify(uncoveredForSubject(newCov, sk))) changed.add(sk);
  }
  for (const s of view.sources) {
    const old = baseSources.get(s.sourceKey);
    if (JSON.stringify(old?.scope ?? null) !== JSON.stringify(s.scope ?? null)) {
      changed.add(s.sourceKey);
      rescoped.set(s.sourceKey, old);
    }
  }
  for (const sk of Object.keys(oldCov)) if (!newCov[sk]) changed.add(sk);
  if (changed.size) for (const u of units.values()) if (u.sources.some((s) => changed.has(s))) keys.add(u.key);
  for (const k of keys) timed.delete(k);
  for (const k of timed) keys.add(k);
  return { keys, timed, changedSources: changed, rescoped };
}

/**
 * The units of the accounts a scope change brought into scope or put out of it (`rescoped`: the
 * source keys whose scope changed, with the base's source): an account that comes into scope is
 * a subject now if departed, and its person may be no unit of the base (or one through another
 * source only). O(accounts of those sources): scope changes are rare.
 */
function rescopedUnits(graph: GraphReader, rescoped: Map<string, SourceInfo | undefined>, units: Map<string, StoredUnit>, probe: UnitAnalyser, keys: Set<string>): void {
  if (!rescoped.size) return;
  const now = new Map(graph.sources.map((s) => [s.sourceKey, s]));
  for (const kind of SOURCES.accountKinds()) {
    for (const n of graph.nodesOfKind(kind)) {
      if (!rescoped.has(n.sourceKey) || outOfScope(rescoped.get(n.sourceKey), n.id) === outOfScope(now.get(n.sourceKey), n.id)) continue;
      const key = probe.unitOf(n.key);
      if (!keys.has(key) && (units.has(key) || probe.hasDeparted(key))) keys.add(key);
    }
  }
}

/**
 * Load collections as a delta snapshot on `baseId` (default: the latest) and store the analysis
 * of what changed. The base must carry analysis units (written by a load of this revenant).
 */
export async function loadDelta(
  store: Store,
  dirs: string[],
  baseId?: string,
  onProgress?: (p: LoadProgress) => void,
  opts: {
    count?: boolean;
    /** A time catch-up of the base (queries/timeCatchUp.ts): units it analysed are taken from it where they still hold. */
    precomputed?: CaughtUp;
    /** Above this many persons to probe (or units to analyse) the delta reads the whole view in compact form (default: CompactGraph's compactAt of the view's size; the tests set it to take either path). */
    compactAt?: number;
  } = {},
): Promise<DeltaLoadResult> {
  const ms = { write: 0, select: 0, analyse: 0, store: 0 };
  let out: Omit<DeltaLoadResult, 'id' | 'baseId' | 'summary'> = { findings: 0, departed: 0, reanalysed: 0, units: 0, ms };
  let doc: FindingsDoc | undefined;
  let change: DocChange | undefined;
  let t = performance.now();
  let cpu = process.cpuUsage();
  const phase = phaseTimer();
  const lap = (what: string) => {
    const now = performance.now();
    const d = Math.round(now - t);
    t = now;
    const c = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    phase(`delta ${what} (${((c.user + c.system) / 1e6).toFixed(2)} s CPU)`);
    return d;
  };
  const r = await store.loadDelta(dirs, baseId, onProgress, (db, id, base, summary) => {
    ms.write = lap('write');
    if (!hasUnits(base)) throw new StoreError(`snapshot ${base.id} has no analysis units (written by an older revenant): load the collections in full once`);
    const view = new SnapshotDb(db, { base });
    const graph = new LazyGraph(view, id);
    const at = Date.parse(summary.collectedAt);
    const coverage = coverageOf(graph.sources);
    const units = readUnits(base);
    const { keys, all, timed, changedSources, rescoped } = affectedUnits(base, graph, summary, units, at);
    // Time alone: a person who is not a unit becomes one when an account of theirs becomes
    // departed with nothing of theirs changed (a leave or termination date passes). The base
    // stores the earliest instant that can happen at (`pending`), and that instant per unit
    // (pending_units): a delta that passes some analyses those units again. On a base that
    // stores no instants per unit (written by an older revenant), a delta that passes `pending`
    // (or on a base that does not store it) sweeps every account's state again, over the whole
    // view in compact form — which then also serves the rest of this delta.
    const baseAt = Date.parse(base.meta.get('collectedAt') ?? '');
    const basePending = readPending(base);
    const perUnit = basePending !== undefined && hasPendingUnits(base);
    const pre = opts.precomputed?.base === base.id && !all ? opts.precomputed : undefined;
    // The server's time catch-up of the base may have made that sweep already, off the event path
    // (queries/timeCatchUp.ts), at an instant up to this one with nothing time alone changes in between.
    const preSweep = sweepHolds(pre?.sweep, at) ? pre?.sweep : undefined;
    const passed = at > baseAt && (basePending === undefined || (basePending !== null && basePending <= at));
    const sweeping = !!all || (passed && !preSweep && !perUnit);
    // The units whose own instant passed: analysed again (one that has no departed account gives nothing).
    const due = !all && passed && perUnit ? duePendingUnits(base, at) : [];
    // The units a change can depart someone in (departureUnits): only changes a departure reads
    // (an account's row, its person, the person's HR records, asserted links, a source's own reads
    // such as GitHub's SCIM identities) — not a membership change, which touches thousands of
    // accounts of people who never left. The base's units among them are analysed again; the others
    // count only when one of their accounts is departed now (a probe): else analysing one gives
    // nothing, as it gave nothing in the base. After a sweep, every unit with a departed account is
    // added below: no probe.
    const accounts = new Set<string>(SOURCES.accountKinds());
    for (const k of due) if (!units.has(k)) keys.add(k);
    const toProbe: string[] = [];
    for (const key of departureUnits(graph, view, base, summary.changedDeps, accounts)) {
      if (keys.has(key)) continue;
      if (units.has(key)) keys.add(key);
      else if (!sweeping) toProbe.push(key);
    }
    // Many probes: reading each one's neighbourhood costs more than the whole view in compact form
    // (at 50k, 12,042 probes: 5.6 s CPU through LazyGraph, 1.5 s in compact form after 2.8 s to build it).
    const compactFrom = opts.compactAt ?? compactAt(summary.nodes);
    const compact = sweeping || toProbe.length > compactFrom ? new CompactGraph(view, id) : undefined;
    // Units share most of what they read (groups, roles, apps): each key is looked up once.
    const nids = new Map<string, number | undefined>();
    const nidOf = compact
      ? (k: string): number | undefined => compact.nidOf(k)
      : (k: string): number | undefined => {
          if (nids.has(k)) return nids.get(k);
          const n = view.nodeRow(k)?.nid;
          nids.set(k, n);
          return n;
        };
    const swept = compact && sweeping ? new UnitAnalyser(compact, at, coverage, nidOf).sweep() : undefined;
    const reader: GraphReader = compact ?? graph;
    const probe = new UnitAnalyser(reader, at, coverage, nidOf);
    let analyser = probe;
    for (const key of toProbe) if (!keys.has(key) && probe.hasDeparted(key)) keys.add(key);
    if (!all) rescopedUnits(reader, rescoped, units, probe, keys);
    // The units a time catch-up of the base analysed, where its analysis still holds now (a unit
    // added above reads the changed person or account: reusableUnit finds that in its reads).
    // The units the catch-up's sweep found that are no units of the base become units (as after a sweep here).
    const sweptNew = swept || preSweep ? (swept ?? preSweep)!.units.filter((k) => !units.has(k)) : [];
    for (const k of sweptNew) keys.add(k);
    const reused = new Map<string, UnitResult>();
    if (pre) {
      const changes = { changedDeps: summary.changedDeps, changedKinds: summary.changedKinds, changedSources };
      // And the units whose own instant passed that are no units of the base (their analysis by the catch-up, at or after that instant).
      const candidates = new Set([...timed, ...(preSweep ? sweptNew : []), ...due.filter((k) => !units.has(k))]);
      for (const key of candidates) {
        const u = reusableUnit(pre, key, at, changes, nidOf);
        if (u) reused.set(key, u);
      }
    }
    let pending: number | null = swept ? swept.pending : preSweep ? preSweep.pending : (basePending ?? null);
    ms.select = lap('select');
    if (process.env.REVENANT_TIMING) process.stderr.write(`delta select: ${keys.size} units (${due.length} due by their own instant, ${timed.size} by their next), ${reused.size} from a catch-up${sweeping ? ', swept' : ''}; ${toProbe.length} persons probed${compact ? ', in compact form' : ''}\n`);
    // Many units: the whole view in compact form costs less than reading their neighbourhoods one by one.
    if (compact || keys.size - reused.size > compactFrom) analyser = new UnitAnalyser(compact ?? new CompactGraph(view, id), at, coverage, nidOf);
    const subjects = new Map<string, SubjectReport | null>();
    const persons = new Map<string, PersonReport | null>();
    const findings: { pre: string; finding: Finding }[] = [];
    const gone: string[] = [];
    const unitsGone: string[] = [];
    const fresh: ReturnType<typeof storedUnitOf>[] = [];
    const findingsOf = findingIdsBySubject(base);
    const sorted = [...keys].sort();
    // What the old units said goes first, then what they say now: an account that moved to
    // another person's unit is reported by its new unit whatever order the two are in.
    for (const key of sorted) {
      const old = units.get(key);
      if (!old) continue;
      for (const s of old.subjects) {
        subjects.set(s, null);
        gone.push(...findingsOf(s));
      }
      if (old.person) persons.set(old.person, null);
    }
    for (const key of sorted) {
      const u = reused.get(key) ?? analyser.analyse(key);
      if (!u) {
        if (units.has(key)) unitsGone.push(key);
        continue;
      }
      for (const s of u.subjects) subjects.set(s.key, s.report);
      if (u.person) persons.set(u.person.id, u.person);
      findings.push(...u.findings);
      fresh.push(storedUnitOf(u));
    }
    ms.analyse = lap('analyse');
    writeDeltaFindings(db, { format: 'revenant-findings/1', at: new Date(at).toISOString(), snapshot: id, coverage }, ruleOrderIds(), { subjects, persons, findings, gone, unitsGone });
    writeUnits(db, fresh);
    // What this delta analysed again may become departed at another instant (the rest, at the base's).
    if (perUnit) {
      // The instants of the units it analysed (or probed) replace the base's; `pending` is the
      // earliest over them and the base's others. After a sweep (its own, or the catch-up's it
      // took), every unit's: the sweep's, and none for a unit of the base the sweep lists none for.
      const mine = new Map<string, number | null>();
      const sweptInstants = swept ? swept.instants : preSweep ? new Map(preSweep.instants) : undefined;
      if (sweptInstants) {
        for (const [k, t] of sweptInstants) mine.set(k, t);
        for (const k of duePendingUnits(base, Infinity)) if (!mine.has(k)) mine.set(k, null);
      }
      // A unit taken from the catch-up: its instant as the catch-up found it (the same: nothing it read changed or dated in between).
      for (const k of reused.keys()) {
        const i = pre?.units.get(k)?.instant;
        if (i !== undefined) mine.set(k, i);
      }
      for (const an of analyser === probe ? [probe] : [probe, analyser]) for (const k of an.visited) mine.set(k, an.unitPending(k));
      writePendingUnits(db, mine);
      let min = sweptInstants ? null : minPendingUnits(base, new Set(mine.keys()));
      for (const t of mine.values()) if (t !== null && (min === null || t < min)) min = t;
      pending = swept ? swept.pending : min;
      if (preSweep && preSweep.pending !== null && (pending === null || preSweep.pending < pending)) pending = preSweep.pending;
    }
    for (const p of [probe.pending(), analyser.pending()]) if (p !== null && (pending === null || p < pending)) pending = p;
    writePending(db, pending);
    out = { findings: -1, departed: -1, reanalysed: keys.size - reused.size, caughtUp: reused.size, units: units.size, full: all, ms };
    if (opts.count !== false) {
      // The document and what it changes over the base's (the same document readStoredFindings
      // gives): with the change, the feed compares only what the delta touched.
      const written = new SnapshotDb(db, { base });
      ({ doc, change } = written.overlay ? patchDocChange(readStoredFindings(written.overlay.parent), written) : { doc: readStoredFindings(written), change: undefined });
      out.findings = doc.findings.length;
      out.departed = doc.subjects.filter((s) => s.departed).length;
    }
    ms.store = lap('store');
  });
  // Without the document in hand (count: false, the server's refreshes), the server appends the
  // snapshot's changes to the feed when it swaps it in.
  if (doc) {
    try {
      await store.syncFeed({ id: r.id, doc, at: r.summary.collectedAt, change });
    } catch (e) {
      r.summary.warnings.push(`the change feed was not updated (${(e as Error).message}); the server appends the snapshot's changes when it swaps it in`);
    }
  }
  return { id: r.id, baseId: r.baseId, summary: r.summary, ...out };
}

/**
 * The units whose departed accounts a delta's changes can change (`changedDeps`, dependency
 * codes): for every node whose row changed, or whose edges of a kind a departure reads changed
 * (departureReads: a membership change is none), the units whose departure reads it — a person's
 * own; an account's (its person's, or itself) and those of the accounts that borrow their
 * departure from it (an asserted link: a GitHub account departs with its IdP account); for any
 * other node, the accounts and persons that reach it by an edge a departure reads (an HR record's
 * person, a SCIM identity's or audit event's account), and for a node a departure reads by key
 * (GitHub's settings) every account of its source that reads it. A person reached this way also
 * brings the borrowers of its accounts (their linked accounts read its HR records). A removed node
 * is found through the nodes whose edges to it changed (and by its base row for a keyed kind).
 */
function departureUnits(g: GraphReader, view: SnapshotDb, base: SnapshotDb, changedDeps: Iterable<number>, accounts: ReadonlySet<string>): Set<string> {
  const reads = departureReads();
  // Edge parts of the dependency codes a departure reads (deps.ts: 1 + 64·direction + kind index).
  const read = new Set(reads.edges.map((e) => 1 + (e.dir === 'out' ? 0 : 64) + edgeKindIndex(e.kind)));
  const nids = new Set<number>();
  for (const d of changedDeps) {
    const part = d % DEP_STRIDE;
    if (part === 0 || read.has(part)) nids.add((d - part) / DEP_STRIDE);
  }
  const out = new Set<string>();
  const kindOf = (key: string): string | undefined => g.node(key)?.kind;
  const unitOf = (key: string): string => g.out(key, EdgeKind.BELONGS_TO)[0]?.to ?? key;
  const borrowers = (key: string): void => {
    for (const e of [...g.out(key, EdgeKind.SAME_PERSON), ...g.in(key, EdgeKind.SAME_PERSON)]) {
      if (e.props?.key !== 'asserted') continue;
      const other = e.from === key ? e.to : e.from;
      if (other !== key) out.add(unitOf(other));
    }
  };
  const account = (key: string): void => {
    out.add(unitOf(key));
    borrowers(key);
  };
  const person = (key: string): void => {
    out.add(key);
    for (const e of g.in(key, EdgeKind.BELONGS_TO)) if (accounts.has(kindOf(e.from) ?? '')) borrowers(e.from);
  };
  for (const n of nids) {
    const row = view.nodeRowByNid(n);
    if (!row) {
      // Removed: a keyed kind's readers are found by its base row; the others' through their changed edges.
      const was = base.nodeRowByNid(n);
      const kind = was ? base.kindOf(was.kind) : undefined;
      if (was && kind && reads.keyed.has(kind as NodeKind)) keyedReaders(g, was.key, reads.keyed.get(kind as NodeKind)!, out);
      continue;
    }
    const kind = view.kindOf(row.kind);
    if (kind === NodeKind.Person) person(row.key);
    else if (accounts.has(kind)) account(row.key);
    else {
      if (reads.keyed.has(kind as NodeKind)) keyedReaders(g, row.key, reads.keyed.get(kind as NodeKind)!, out);
      for (const e of reads.edges) {
        // A departure that reads `e` from X reaches this node: X is at the other end, the other way.
        for (const x of e.dir === 'out' ? g.in(row.key, e.kind) : g.out(row.key, e.kind)) {
          const k = e.dir === 'out' ? x.from : x.to;
          const xk = kindOf(k);
          if (xk === NodeKind.Person) person(k);
          else if (xk && accounts.has(xk)) account(k);
        }
      }
    }
  }
  return out;
}

/** The units of the accounts (of `kinds`, in the source of `key`) that read the node `key` by key: every one of them. */
function keyedReaders(g: GraphReader, key: string, kinds: readonly NodeKind[], out: Set<string>): void {
  const sourceKey = parseNodeKey(key).sourceKey;
  for (const kind of kinds) for (const n of g.nodesOfKind(kind)) if (n.sourceKey === sourceKey) out.add(g.out(n.key, EdgeKind.BELONGS_TO)[0]?.to ?? n.key);
}

/** Ids of a snapshot's findings about one subject (its account key), at every level of a delta chain. */
function findingIdsBySubject(base: SnapshotDb): (subjectKey: string) => string[] {
  const levels: Database.Database[] = [];
  for (let s: SnapshotDb | undefined = base; s; s = s.overlay?.parent) levels.push(s.db);
  const stmts = levels.map((db) => db.prepare('SELECT id FROM findings WHERE subject_source = ? AND subject_id = ?'));
  return (subjectKey) => {
    const { sourceKey, id } = parseNodeKey(subjectKey);
    const source = sourceKey.split(':')[0];
    const out = new Set<string>();
    for (const st of stmts) for (const r of st.all(source, id) as { id: string }[]) out.add(r.id);
    return [...out];
  };
}
