/**
 * Works the event queue: refreshes of subjects (batched per source: every subject waiting is
 * read again — jobs for the same subject once —, then the refreshed subjects are loaded as one
 * delta snapshot on the snapshot being served, which writes and analyses again only what they
 * changed — in the embedded store, and pushed into Neo4j when the server runs on Neo4j —, and it
 * is swapped in and published), and the chores a source's deliveries queue (its own code runs them).
 * Each source (and tenant) is a lane: the batches of different lanes are read side by side, and
 * their loads are one at a time, each on the newest snapshot — batches read meanwhile are loaded
 * together, as one delta snapshot. A lane is free again once its batch of per-subject collections
 * is read: the next batch of that lane is read while the previous one loads (a burst of events
 * waits for one read, not for one read and load per batch). Failures are retried
 * with backoff up to `events.maxAttempts`; a subject that no longer exists, or a refresher that is
 * not configured, fails at once. Chores are run by the job's source (its `events.chore`). On shutdown the worker drains: it finishes every job already due
 * within the grace period, then aborts what still runs (those jobs stay queued for the next start).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDelta } from '../../../queries/loadSnapshot.js';
import { combineSubjectCollections } from '../../../ingest/collection/mergeSubjectCollection.js';
import { NotFoundError } from '../../model/errors.js';
import { API_TOKEN_PREFIX, EventConfigError, PermanentEventError } from '../../model/sourceEvents.js';
import Database from 'better-sqlite3';
import type { Store } from '../../store/Store.js';
import { hasTable, readPendingOf } from '../../store/storedFindings.js';
import type { ApiConfig } from '../config.js';
import type { ApiMetrics } from '../metrics.js';
import type { SnapshotManager } from '../snapshot/SnapshotManager.js';
import type { SnapshotView } from '../snapshot/SnapshotView.js';
import { type CaughtUp, SWEEP_AHEAD_MS, sweepHolds } from '../../../queries/timeCatchUp.js';
import { type CatchUpRunner, catchUpInChild } from './catchUpInChild.js';
import { type EventQueue, type Job, laneOf } from './EventQueue.js';
import { revenantCli, spawnBackground } from './revenantCli.js';
import { canRefreshAny, eventContext, eventsOf, refreshableSources } from './sourceEvents.js';
import type { SubjectRefresher } from './SubjectRefresher.js';
import { warmSnapshot } from './warmUp.js';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EventWorkerDeps {
  queue: EventQueue;
  store: Store;
  snapshots: SnapshotManager;
  refresher: SubjectRefresher;
  config: ApiConfig;
  metrics: ApiMetrics;
  log: WorkerLog;
  env?: NodeJS.ProcessEnv;
  /** How the time catch-up of the served snapshot runs (default: in a child process; tests hold it open). */
  catchUp?: CatchUpRunner;
}

/** Subjects of one batch read at the same time. */
export const READ_PARALLEL = 4;

/** How often the served snapshot is caught up with time (besides when a snapshot is loaded). */
export const CATCH_UP_EVERY_MS = 10 * 60_000;

const normTenant = (t: string) => t.trim().replace(/\/+$/, '').toLowerCase();

class Permanent extends Error {}

/** A batch whose subjects were read, waiting for its load. */
interface Read {
  source: string;
  sourceKey: string;
  /** Whether `folder` is a whole source folder, built on `baseFolder` (the source's folder when it was read). */
  whole: boolean;
  baseFolder: string;
  folder: string;
  refreshed: { jobs: Job[]; subject: string; dir: string }[];
  collectMs: number;
  settle: () => void;
}

/** A background compaction: its child process, and how long it was stopped for refreshes. */
interface Compaction {
  child: ChildProcess;
  ids: string[];
  done: Promise<void>;
  /** When it was stopped (SIGSTOP), or null while it runs. */
  pausedAt: number | null;
  pausedMs: number;
  pauses: number;
}

export class EventWorker {
  private running: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private stopping = false;
  private draining = false;
  private abort = new AbortController();
  /** The batches being worked on, by lane (EventQueue's laneOf), with their jobs' seqs. */
  private readonly lanes = new Map<string, { done: Promise<void>; seqs: number[] }>();
  /** Batches read, waiting for their load; whether a load is running. */
  private pending: Read[] = [];
  private loading = false;
  /** Batch folders of refreshes not loaded yet (never pruned). */
  private readonly inUse = new Set<string>();
  /** Loads of batches whose lane was freed once they were read (awaited on shutdown). */
  private readonly loads = new Set<Promise<void>>();
  /** The source folders of each snapshot file, by path (a published file is never written again; keyed by inode, size and mtime). */
  private readonly foldersOf = new Map<string, { stamp: string; folders: string[] }>();

  /**
   * The compaction running in a child process (pruneRefreshSnapshots), and the prune after it. It
   * yields to refreshes: lowest CPU priority, and stopped (SIGSTOP) while a refresh is being read,
   * loaded or waits for its load, continued (SIGCONT) when none is — unless refresh snapshots have
   * piled up another `retainSnapshots` beyond the retained ones (then it runs, at low priority).
   */
  private compaction: Compaction | null = null;
  /** Refresh snapshots beyond `events.retainSnapshots` at the last prune. */
  private backlog = 0;

  /**
   * The time catch-up of the served snapshot (queries/timeCatchUp.ts): the units whose answer time
   * alone changed since it was collected, analysed again off the event path (a child process), so
   * that a refresh does not pay for time passing. `catching` runs; `caught` is the last one done
   * (used by the loads on its snapshot, while its analyses hold). Refreshes never wait for it.
   */
  private catching: { base: string; abort: AbortController; done: Promise<void> } | null = null;
  private caught: CaughtUp | null = null;
  private catchUpTimer: NodeJS.Timeout | null = null;

  /**
   * The warm-up of the served snapshot (warmUp.ts): its record indexes and units read into the
   * process cache on a worker thread, so that the first refresh on it does not read them on the
   * event loop. A load waits for a warm-up still running (it would read the same files itself).
   */
  private warming: { id: string; abort: AbortController; done: Promise<void> } | null = null;

  /** The collectors of the refreshable sources being loaded at start (SubjectRefresher.prepare). */
  private preparing: Promise<void> | null = null;

  constructor(private readonly d: EventWorkerDeps) {
    d.queue.onQueued(() => this.wake());
    d.snapshots.on('swap', (e) => {
      // A refresh's snapshot adds a small delta file to a chain warm already: the next load reads it
      // faster than a worker thread starts (and it would wait for that thread).
      if (!e.refreshed) this.warm(e.next.id);
      // A catch-up of a snapshot no longer served is of no use.
      if (this.catching && this.catching.base !== e.next.id) this.catching.abort.abort();
      if (this.caught && this.caught.base !== e.next.id) this.caught = null;
      // A refresh's snapshot is caught up to its own time; a snapshot loaded elsewhere may not be.
      // Either is swept ahead of its stored pending (see sweepDue), or has its units whose own
      // instant passed analysed (see unitsDue).
      if (!e.refreshed || this.sweepDue(e.next.id, Date.now() + SWEEP_AHEAD_MS) || this.unitsDue(e.next.id)) this.catchUp();
    });
  }

  start(): void {
    const n = this.d.queue.requeueRunning();
    if (n) this.d.log.warn({ jobs: n }, 'event jobs interrupted by the last shutdown are queued again');
    this.d.queue.prune();
    this.running = this.loop();
    this.prepare();
    const served = this.d.snapshots.current;
    if (served) this.warm(served.id);
    this.catchUp();
    this.catchUpTimer = setInterval(() => this.catchUp(), CATCH_UP_EVERY_MS);
    this.catchUpTimer.unref();
  }

  /** The last time catch-up done (its snapshot, instant and units), for tests and metrics. */
  get caughtUp(): CaughtUp | null {
    return this.caught;
  }

  /**
   * Catch the served snapshot up with time in the background, unless that runs already or was
   * done less than CATCH_UP_EVERY_MS ago.
   */
  catchUp(): void {
    const view = this.d.snapshots.current;
    if (!view || !this.running || this.stopping || this.draining) return;
    if (this.catching?.base === view.id) return;
    if (this.caught?.base === view.id && Date.now() - this.caught.at < CATCH_UP_EVERY_MS && !this.sweepDue(view.id, Date.now() + SWEEP_AHEAD_MS) && !this.unitsDue(view.id)) return;
    this.catching?.abort.abort();
    const abort = new AbortController();
    const at = Date.now();
    const started = performance.now();
    const run = this.d.catchUp ?? catchUpInChild;
    const state = { base: view.id, abort, done: Promise.resolve() };
    this.catching = state;
    state.done = run({ store: this.d.store, id: view.id, at, signal: abort.signal })
      .then(
        (c) => {
          if (abort.signal.aborted || !c) return;
          if (this.d.snapshots.current?.id !== c.base) return;
          this.caught = c;
          const sweep = c.sweep ? { sweptAt: new Date(c.sweep.at).toISOString(), sweptUnits: c.sweep.units.length, pendingAfter: c.sweep.pending === null ? null : new Date(c.sweep.pending).toISOString() } : {};
          this.d.log.info({ snapshot: c.base, at: new Date(c.at).toISOString(), units: c.units.size, ...sweep, ms: Math.round(performance.now() - started), cpuMs: c.cpuMs }, 'served snapshot caught up with time');
        },
        (e) => {
          if (!abort.signal.aborted) this.d.log.warn({ snapshot: view.id, err: (e as Error).message }, 'time catch-up of the served snapshot failed (refreshes analyse what time changed themselves)');
        },
      )
      .finally(() => {
        if (this.catching === state) this.catching = null;
      });
  }

  /**
   * Load the collectors of the sources that can be refreshed now, in the background, rather than
   * in the first refresh of each (a refresh meanwhile shares the same module load).
   */
  private prepare(): void {
    const sources = refreshableSources(this.d.config);
    const refresher = this.d.refresher;
    if (!sources.length || !refresher.prepare) return;
    const started = performance.now();
    this.preparing = refresher.prepare(sources).then(
      () => this.d.log.info({ sources, ms: Math.round(performance.now() - started) }, 'collectors loaded for refreshes'),
      (e) => this.d.log.warn({ sources, err: (e as Error).message }, 'could not load the collectors ahead (the first refresh loads them)'),
    );
  }

  /**
   * Warm the process cache for refreshes on snapshot `id` in the background (see `warming`); not
   * when no source can be refreshed (a server that only answers reads has no use for it).
   */
  private warm(id: string): void {
    if (this.warming?.id === id || this.stopping || !canRefreshAny(this.d.config)) return;
    const abort = new AbortController();
    const state = { id, abort, done: Promise.resolve() };
    this.warming = state;
    state.done = warmSnapshot(this.d.store, id, abort.signal)
      .then(
        (w) => {
          if (w && w.files && !abort.signal.aborted) this.d.log.info({ snapshot: id, ...w }, 'snapshot warmed for refreshes');
        },
        (e) => {
          this.d.log.warn({ snapshot: id, err: (e as Error).message }, 'warm-up of the served snapshot failed (refreshes read it themselves)');
        },
      )
      .finally(() => {
        if (this.warming === state) this.warming = null;
      });
  }

  /**
   * Whether a delta on snapshot `id` at instant `t` would sweep the tenant (its stored `pending`
   * passed by then, or none stored) with no sweep of the catch-up that holds at `t`. Never on a
   * snapshot that stores its units' instants: a delta analyses the units whose own instant passed.
   */
  private sweepDue(id: string, t: number): boolean {
    const c = this.caught;
    if (c?.base === id && sweepHolds(c.sweep, t)) return false;
    const { pending, perUnit } = storedTime(this.d.store.pathOf(id));
    if (perUnit) return false;
    return pending === undefined || (pending !== null && pending <= t);
  }

  /**
   * Whether snapshot `id` stores its units' instants and one has passed (its stored `pending`, their
   * minimum), beyond what a catch-up of it analysed (up to SWEEP_AHEAD_MS after its instant): a
   * catch-up analyses those units (and the ones due soon) off the event path. The refreshes do not
   * wait for it — a delta analyses a few units whose instant passed itself.
   */
  private unitsDue(id: string): boolean {
    const { pending, perUnit } = storedTime(this.d.store.pathOf(id));
    if (!perUnit || pending === null || pending === undefined || pending > Date.now()) return false;
    const c = this.caught;
    return !(c?.base === id && pending <= c.at + SWEEP_AHEAD_MS);
  }

  /**
   * Before a load on snapshot `id`: if it would sweep the tenant, have the catch-up child make the
   * sweep (or wait for the one running) — off the event loop — and use it.
   */
  private async sweepFirst(id: string): Promise<void> {
    if (!this.sweepDue(id, Date.now())) return;
    if (this.catching?.base !== id) {
      if (this.caught?.base === id) this.caught = null;
      this.catchUp();
    }
    if (this.catching?.base === id) await this.catching.done;
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** Refreshing, or compacting in the background for the pruning of refresh snapshots. */
  get busy(): boolean {
    return this.lanes.size > 0 || this.loads.size > 0 || this.compaction !== null;
  }

  private get active(): number[] {
    return [...this.lanes.values()].flatMap((l) => l.seqs);
  }

  /** Drain due jobs for up to `graceMs`, then abort what still runs, and stop. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.draining = true;
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), graceMs);
    });
    const outcome = await Promise.race([this.running.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.d.log.warn({ jobs: this.active }, 'shutdown grace period over: aborting the running event jobs (they stay queued)');
      this.stopping = true;
      this.abort.abort(new Error('server shutting down'));
      this.wake();
      await this.running;
    }
    this.running = null;
    await this.preparing;
    const warming = this.warming;
    warming?.abort.abort();
    await warming?.done;
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    this.catchUpTimer = null;
    const catching = this.catching;
    catching?.abort.abort();
    await catching?.done;
    // A compaction still running is stopped (its partial file removed); the next prune starts it again.
    const c = this.compaction;
    if (c) {
      c.child?.kill('SIGTERM');
      if (c.pausedAt !== null) c.child?.kill('SIGCONT');
      await c.done;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const busy = new Set(this.lanes.keys());
      let jobs: Job[];
      try {
        jobs = this.d.queue.take(busy);
      } catch (e) {
        this.d.log.error({ err: (e as Error).message }, 'event queue unreadable');
        jobs = [];
      }
      if (jobs.length === 0) {
        if (this.draining && this.lanes.size === 0) {
          await Promise.all([...this.loads]);
          return;
        }
        const due = this.d.queue.nextDue(busy);
        const wait = due === null ? this.d.config.events.pollMs * 30 : Math.max(10, Math.min(due - Date.now(), this.d.config.events.pollMs * 30));
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          this.wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wakeUp = null;
        continue;
      }
      const lane = laneOf(jobs[0]);
      const done = this.work(jobs).finally(() => {
        this.lanes.delete(lane);
        this.govern();
        this.wake();
      });
      this.lanes.set(lane, { done, seqs: jobs.map((j) => j.seq) });
      this.govern();
    }
    await Promise.all([...this.lanes.values()].map((l) => l.done));
    await Promise.all([...this.loads]);
  }

  private async work(jobs: Job[]): Promise<void> {
    try {
      if (jobs[0].kind === 'refresh') await this.refresh(jobs);
      else await this.chore(jobs[0]);
    } catch (e) {
      for (const j of jobs) this.failed(j, e);
    }
  }

  private failed(j: Job, e: unknown): void {
    if (this.abort.signal.aborted) {
      this.d.queue.release(j.seq);
      return;
    }
    const msg = (e as Error)?.message ?? String(e);
    const permanent = e instanceof Permanent || e instanceof NotFoundError || e instanceof EventConfigError || e instanceof PermanentEventError;
    const give = permanent || j.attempts >= this.d.config.events.maxAttempts;
    const retryAt = give ? null : Date.now() + Math.min(60_000 * 2 ** (j.attempts - 1), 3_600_000);
    this.d.queue.fail(j.seq, msg, retryAt);
    this.d.metrics.refreshes.inc({ source: j.source, result: give ? 'failed' : 'retry' });
    this.d.log[give ? 'error' : 'warn']({ job: j.seq, kind: j.kind, source: j.source, attempts: j.attempts, err: msg }, give ? 'event job failed' : 'event job will be retried');
  }

  /** The account a refresh job is about (an API token's owner is found in the snapshot). */
  private async subjectOf(j: Job, view: SnapshotView): Promise<string | null> {
    const subject = j.subject ?? '';
    if (!subject.startsWith(API_TOKEN_PREFIX)) return subject || null;
    return view.engine.apiTokenOwner(subject.slice(API_TOKEN_PREFIX.length));
  }

  /** Read a batch's subjects again (against the snapshot being served), then wait for its load. */
  private async refresh(jobs: Job[]): Promise<void> {
    const view = this.d.snapshots.acquire();
    if (!view) throw new Error('no snapshot loaded yet: nothing to refresh into');
    let read: Omit<Read, 'settle'> | undefined;
    let batch: string | undefined;
    try {
      const { source, tenant } = jobs[0];
      const sources = view.engine.sources;
      const candidates = sources.filter((s) => s.source === source && (!tenant || normTenant(s.tenant) === normTenant(tenant)));
      if (candidates.length !== 1) {
        throw new Permanent(
          candidates.length === 0
            ? `the snapshot has no ${source} source${tenant ? ` for ${tenant}` : ''} to refresh`
            : `the snapshot has several ${source} sources and the event names none`,
        );
      }
      const src = candidates[0];
      const root = join(this.d.store.dir, 'refresh');
      mkdirSync(root, { recursive: true });
      // Jobs for the same subject are one refresh.
      const bySubject = new Map<string, Job[]>();
      for (const j of jobs) {
        const subject = await this.subjectOf(j, view);
        if (!subject) {
          this.d.queue.done(j.seq, 'nothing to refresh: the event names no account known to the snapshot');
          continue;
        }
        (bySubject.get(subject) ?? bySubject.set(subject, []).get(subject)!).push(j);
      }
      if (bySubject.size === 0) return;
      batch = mkdtempSync(join(root, `${new Date().toISOString().replace(/[:.]/g, '')}-`));
      this.inUse.add(batch);
      // Read the subjects (a few at a time); a refresher returns a per-subject collection, or a
      // whole source folder with the subject's data fresh (then each builds on the previous one).
      const read1: (Read['refreshed'][number] | undefined)[] = [];
      let base = src.folder;
      let whole = false;
      const one = async ([subject, js]: [string, Job[]], n: number) => {
        try {
          const workDir = join(batch!, String(n));
          mkdirSync(workDir, { recursive: true });
          const dir = await this.d.refresher.refreshSubject({ source, tenant: src.tenant, subject, base, workDir, signal: this.abort.signal });
          if (!isSubjectFolder(dir)) {
            whole = true;
            base = dir;
          }
          read1[n] = { jobs: js, subject, dir };
        } catch (e) {
          for (const j of js) this.failed(j, e);
        }
      };
      const subjects = [...bySubject.entries()];
      const started = performance.now();
      // One bounded pool: at most READ_PARALLEL reads side by side, each starting as soon as one
      // before it is done. A refresher that may return whole folders is read one at a time until
      // the first read says which it returns; whole folders build on each other: one at a time.
      let next = 0;
      let done = 0;
      const width = () => (this.d.refresher.perSubject ? READ_PARALLEL : done === 0 || whole ? 1 : READ_PARALLEL);
      await new Promise<void>((resolve) => {
        let running = 0;
        const pump = () => {
          if (next >= subjects.length && running === 0) return resolve();
          while (next < subjects.length && running < width()) {
            const n = next++;
            running++;
            void one(subjects[n], n).finally(() => {
              running--;
              done++;
              pump();
            });
          }
        };
        pump();
      });
      // In the batch's order (not the order the reads ended in).
      const refreshed = read1.filter((r): r is Read['refreshed'][number] => r !== undefined);
      if (refreshed.length === 0) return;
      const subjectDirs = refreshed.map((r) => r.dir).filter(isSubjectFolder);
      const folder = subjectDirs.length === refreshed.length ? await combineSubjectCollections(subjectDirs, join(batch, 'combined', source)) : base;
      read = { source, sourceKey: src.sourceKey, baseFolder: src.folder, whole: subjectDirs.length !== refreshed.length, folder, refreshed, collectMs: Math.round(performance.now() - started) };
    } finally {
      view.release();
      if (!read && batch) this.inUse.delete(batch);
    }
    if (!read) return;
    const ready = read;
    const loaded = new Promise<void>((settle) => {
      this.pending.push({ ...ready, settle });
      void this.flush();
    }).finally(() => {
      if (batch) this.inUse.delete(batch);
    });
    // A whole folder builds on the source's folder as it was read: its lane waits for its load
    // (the next batch then reads on top of it). Per-subject collections are fresh on any
    // snapshot: the lane is free for the next batch's reads while this one loads.
    if (ready.whole) return loaded;
    this.loads.add(loaded);
    void loaded.finally(() => {
      this.loads.delete(loaded);
      this.wake();
    });
  }

  /** Load the batches read, one load at a time; the batches waiting meanwhile are loaded together. */
  private async flush(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      while (this.pending.length) {
        // One batch per source in a load (a whole folder builds on the snapshot it was read against).
        const take: Read[] = [];
        const rest: Read[] = [];
        for (const r of this.pending) (take.some((t) => t.sourceKey === r.sourceKey) ? rest : take).push(r);
        this.pending = rest;
        try {
          await this.load(take);
        } catch (e) {
          for (const r of take) for (const x of r.refreshed) for (const j of x.jobs) this.failed(j, e);
        } finally {
          for (const r of take) r.settle();
        }
      }
    } finally {
      this.loading = false;
      this.govern();
    }
  }

  /** Load batches read as one delta snapshot on the snapshot being served, publish it, and swap it in. */
  private async load(reads: Read[]): Promise<void> {
    const view = this.d.snapshots.acquire();
    if (!view) throw new Error('no snapshot loaded yet: nothing to refresh into');
    try {
      const sources = view.engine.sources;
      // A whole folder was built on the source's folder when it was read: it stands if the source's
      // folder is still that one (a refresh of another source changes nothing of it); a
      // per-subject collection is fresh on any snapshot of its source.
      const ready = reads.filter((r) => {
        const now = sources.find((s) => s.sourceKey === r.sourceKey);
        if (now && (!r.whole || now.folder === r.baseFolder)) return true;
        for (const x of r.refreshed) for (const j of x.jobs) this.d.queue.release(j.seq);
        this.d.log.info({ subjects: r.refreshed.map((x) => x.subject) }, 'a new snapshot arrived during the refresh: refreshing again on top of it');
        return false;
      });
      if (ready.length === 0) return;
      const folders = new Map(ready.map((r) => [r.sourceKey, r.folder]));
      const dirs = sources.map((s) => folders.get(s.sourceKey) ?? s.folder);
      const started = performance.now();
      // The warm-up reads what this load would read first: wait for it rather than read it twice.
      // A sweep of the tenant is made by the catch-up child, not here on the event loop.
      await Promise.all([this.warming?.done, this.sweepFirst(view.id)]);
      let loaded: Awaited<ReturnType<typeof loadDelta>>;
      let publishMs: number;
      try {
        // A delta on the snapshot being served: only what the subjects changed is written and analysed again.
        // The units time alone changed are taken from the catch-up of this snapshot where it holds.
        const precomputed = this.caught?.base === view.id ? this.caught : undefined;
        loaded = await loadDelta(this.d.store, dirs, view.id, undefined, { count: false, precomputed });
        const published = performance.now();
        // On Neo4j, the new snapshot becomes the latest there too (as `load --neo4j` does).
        await this.d.snapshots.source.publish(this.d.store, loaded.id);
        publishMs = Math.round(performance.now() - published);
      } catch (e) {
        for (const r of ready) for (const x of r.refreshed) for (const j of x.jobs) this.failed(j, e);
        return;
      }
      const id = loaded.id;
      const loadMs = Math.round(performance.now() - started) - publishMs;
      const swapStarted = performance.now();
      await this.d.snapshots.check(ready.flatMap((r) => r.refreshed.map((x) => ({ source: r.source, subject: x.subject, reason: x.jobs[0].reason }))));
      const swapMs = Math.round(performance.now() - swapStarted);
      for (const r of ready) {
        for (const x of r.refreshed) {
          for (const j of x.jobs) this.d.queue.done(j.seq, `snapshot ${id}`);
          this.d.metrics.refreshes.inc({ source: r.source, result: 'done' });
        }
      }
      this.d.log.info(
        {
          sources: ready.map((r) => r.source),
          subjects: ready.flatMap((r) => r.refreshed.map((x) => x.subject)),
          snapshot: id,
          collectMs: ready.map((r) => r.collectMs),
          loadMs,
          load: loaded.ms,
          reanalysed: loaded.reanalysed,
          caughtUp: loaded.caughtUp ?? 0,
          units: loaded.units,
          publishMs,
          swapMs,
        },
        'subjects refreshed',
      );
      const root = join(this.d.store.dir, 'refresh');
      await this.pruneRefreshSnapshots(root, id);
      this.pruneRefreshFolders(root);
    } finally {
      view.release();
    }
  }

  /**
   * The source folders each snapshot of the embedded store was loaded from, with the per-subject
   * refreshes a delta snapshot read (unreadable snapshots: none).
   */
  private snapshotFolders(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const ids = this.d.store.ids();
    const paths = new Set<string>();
    // Each file's own sources table (a delta's lists every source): no chain of bases opened; a
    // file read before (same inode, size and mtime: published files are never written again, a
    // compaction renames a new one over) is not opened again.
    for (const id of ids) {
      const path = this.d.store.pathOf(id);
      paths.add(path);
      let stamp: string;
      try {
        const st = statSync(path);
        stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
      } catch {
        continue;
      }
      const known = this.foldersOf.get(path);
      if (known?.stamp === stamp) {
        out.set(id, known.folders);
        continue;
      }
      let db: Database.Database;
      try {
        db = new Database(this.d.store.pathOf(id), { readonly: true, fileMustExist: true });
      } catch {
        continue;
      }
      try {
        const rows = db.prepare('SELECT path, manifest FROM sources ORDER BY idx').all() as { path: string; manifest: string }[];
        const folders = rows.map((r) => r.path);
        // Per-subject refreshes a delta snapshot read its lines from (its evidence points there).
        for (const r of rows) {
          for (const x of (JSON.parse(r.manifest) as { refreshed?: { folder?: string }[] }).refreshed ?? []) if (x.folder) folders.push(x.folder);
        }
        out.set(id, folders);
        this.foldersOf.set(path, { stamp, folders });
      } catch {
        // unreadable: none
      } finally {
        db.close();
      }
    }
    for (const p of this.foldersOf.keys()) if (!paths.has(p)) this.foldersOf.delete(p);
    return out;
  }

  /**
   * Keep the newest `events.retainSnapshots` snapshots made by refreshes (those loaded from a
   * folder under `<store>/refresh/`) and remove the older ones — from the embedded store and, on
   * Neo4j, from Neo4j too — so a steady stream of events keeps disk use bounded. Snapshots written
   * by `revenant load` are never removed here, nor the one being served.
   */
  private async pruneRefreshSnapshots(root: string, served: string): Promise<void> {
    try {
      const made = [...this.snapshotFolders()].filter(([, folders]) => folders.some((f) => f.startsWith(`${root}/`))).map(([id]) => id);
      const drop = made.slice(0, Math.max(0, made.length - this.d.config.events.retainSnapshots)).filter((id) => id !== served);
      this.backlog = drop.length;
      if (drop.length === 0) return;
      // A kept delta on a snapshot that goes must become a full snapshot first: a re-write of the
      // whole tenant (minutes at 250,000 people), so it runs in a child process, off the event
      // path; the snapshots go at the next prune once nothing stands on them.
      const dropped = new Set(drop);
      const baseOf = new Map(this.d.store.ids().map((id) => [id, this.d.store.baseOf(id)]));
      // What the kept snapshots stand on (their chains): those go only after a compaction.
      const needed = new Set<string>();
      for (const id of baseOf.keys()) {
        if (dropped.has(id)) continue;
        for (let b = baseOf.get(id); b && !needed.has(b); b = baseOf.get(b)) needed.add(b);
      }
      const onDropped = [...baseOf].filter(([id, b]) => !dropped.has(id) && b && dropped.has(b)).map(([id]) => id);
      if (onDropped.length) this.compactInBackground(onDropped, root);
      const now = drop.filter((id) => !needed.has(id));
      if (now.length === 0) return;
      await this.d.snapshots.source.forget(this.d.store, now);
      this.d.log.info({ removed: now.length, kept: made.length - now.length }, 'removed old snapshots of event-driven refreshes (events.retainSnapshots)');
    } catch (e) {
      this.d.log.warn({ err: (e as Error).message }, 'could not prune the snapshots of refreshes');
    }
  }

  /**
   * Fold these delta snapshots (and the chains under them) into full snapshots with the same ids,
   * in a child process (`revenant snapshots --compact`: readers see no difference), then prune
   * again. One at a time; a failure is logged and the next prune tries again.
   */
  private compactInBackground(ids: string[], root: string): void {
    if (this.compaction || this.stopping || this.draining) return;
    const cli = revenantCli();
    if (!cli) {
      this.d.log.warn({ snapshots: ids }, 'cannot compact in the background (the revenant CLI is not built): refresh snapshots are kept for now');
      return;
    }
    const started = performance.now();
    const run = (id: string) =>
      new Promise<{ code: number | null; child: ChildProcess }>((resolve) => {
        const { child, stderr } = spawnBackground(cli, ['snapshots', '--store', this.d.store.dir, '--compact', id]);
        if (this.compaction) {
          this.compaction.child = child;
          this.compaction.pausedAt = null;
        }
        this.govern();
        child.on('close', (code) => {
          if (this.compaction?.child === child && this.compaction.pausedAt !== null) this.resume(this.compaction);
          if (code !== 0) {
            for (const ext of ['', '-journal', '-wal', '-shm']) rmSync(join(this.d.store.snapshotsDir, `${id}.${child.pid}.partial${ext}`), { force: true });
            this.d.log.warn({ snapshot: id, code, err: stderr().trim().slice(-500) }, 'background compaction of a refresh snapshot failed');
          }
          resolve({ code, child });
        });
      });
    const state: Compaction = { child: undefined as unknown as ChildProcess, ids, done: Promise.resolve(), pausedAt: null, pausedMs: 0, pauses: 0 };
    this.compaction = state;
    state.done = (async () => {
      try {
        for (const id of ids) if ((await run(id)).code !== 0) return;
        this.d.log.info(
          { snapshots: ids, ms: Math.round(performance.now() - started), pausedMs: Math.round(state.pausedMs), pauses: state.pauses },
          'compacted refresh snapshots in the background (their bases can go)',
        );
        this.compaction = null;
        if (this.stopping || this.draining) return;
        const served = this.d.snapshots.current?.id;
        if (served) await this.pruneRefreshSnapshots(root, served);
        this.pruneRefreshFolders(root);
      } finally {
        if (this.compaction === state) this.compaction = null;
      }
    })();
  }

  /** Stop the background compaction while refreshes run; continue it when none does (see `compaction`). */
  private govern(): void {
    const c = this.compaction;
    if (!c?.child || c.child.exitCode !== null || c.child.signalCode !== null) return;
    const refreshing = this.lanes.size > 0 || this.pending.length > 0 || this.loading;
    const yieldNow = refreshing && this.backlog <= this.d.config.events.retainSnapshots;
    if (yieldNow && c.pausedAt === null) {
      if (c.child.kill('SIGSTOP')) {
        c.pausedAt = performance.now();
        c.pauses++;
      }
    } else if (!yieldNow && c.pausedAt !== null) {
      this.resume(c);
    }
  }

  private resume(c: Compaction): void {
    c.child.kill('SIGCONT');
    if (c.pausedAt !== null) c.pausedMs += performance.now() - c.pausedAt;
    c.pausedAt = null;
  }

  /**
   * Remove refresh folders that no snapshot in the store was loaded from, except the batches still
   * being read or waiting for their load. The worker is the only writer under `<store>/refresh/`.
   */
  private pruneRefreshFolders(root: string): void {
    try {
      const used = [...this.snapshotFolders().values()].flat();
      for (const name of readdirSync(root)) {
        const dir = join(root, name);
        if (this.inUse.has(dir)) continue;
        if (used.some((u) => u.startsWith(`${dir}/`) || u === dir)) continue;
        rmSync(dir, { recursive: true, force: true });
      }
    } catch (e) {
      this.d.log.warn({ err: (e as Error).message }, 'could not prune refresh folders');
    }
  }

  /** A job other than a refresh: a chore of its source (e.g. a Graph subscription's lifecycle). */
  private async chore(j: Job): Promise<void> {
    const events = await eventsOf(j.source);
    if (!events?.chore) throw new Permanent(`${j.source}: no chore ${j.kind}`);
    const ctx = eventContext(this.d.config, j.source, { env: this.d.env ?? process.env, signal: this.abort.signal, log: this.d.log });
    this.d.queue.done(j.seq, await events.chore(ctx, j));
  }
}

/** Whether a folder a refresher returned is a per-subject collection (else a whole source folder). */
function isSubjectFolder(dir: string): boolean {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return false;
  try {
    return (JSON.parse(readFileSync(p, 'utf8')) as { scope?: { kind?: string } }).scope?.kind === 'subject';
  } catch {
    return false;
  }
}

/**
 * The `pending` a snapshot file stores (undefined: none stored, or unreadable — a delta on it
 * sweeps), and whether it stores its units' instants (a delta stores them only on a base that
 * does, so the top file says it for the chain).
 */
function storedTime(path: string): { pending: number | null | undefined; perUnit: boolean } {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const pending = readPendingOf(db);
      return { pending, perUnit: pending !== undefined && hasTable(db, 'pending_units') };
    } finally {
      db.close();
    }
  } catch {
    return { pending: undefined, perUnit: false };
  }
}
