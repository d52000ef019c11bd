/**
 * The durable queue of accepted identity events (in `<store>/api.sqlite`). An event hook's
 * request is answered 2xx only after its events are committed here (synchronous, fsynced), so a
 * crash or restart loses none. Events are de-duplicated on their key (Okta's `uuid`, a Graph
 * notification's id); each turns into jobs: a refresh of one subject (coalesced with a refresh
 * of the same subject still waiting), or a subscription chore (reauthorize, recreate). Jobs left
 * running by a crash are queued again at start.
 */
import type Database from 'better-sqlite3';
import type { EventItem, EventJobInput } from '../../model/sourceEvents.js';

/** `refresh`, or a chore a source's deliveries queue (its `events.chore` runs it). */
export type JobKind = string;
export type JobState = 'queued' | 'running' | 'done' | 'failed';

export type JobInput = EventJobInput;

export interface Job extends Required<JobInput> {
  seq: number;
  eventKey: string | null;
  state: JobState;
  attempts: number;
  nextAt: number;
  receivedAt: string;
  finishedAt: string | null;
  result: string | null;
  lastError: string | null;
}

export type AcceptItem = EventItem;

export interface AcceptResult {
  accepted: number;
  duplicates: number;
  queued: number;
  coalesced: number;
}

interface JobRow {
  seq: number;
  kind: JobKind;
  source: string;
  tenant: string | null;
  subject: string | null;
  reason: string;
  event_key: string | null;
  state: JobState;
  attempts: number;
  next_at: number;
  received_at: string;
  finished_at: string | null;
  result: string | null;
  last_error: string | null;
}

const toJob = (r: JobRow): Job => ({
  seq: r.seq,
  kind: r.kind,
  source: r.source,
  tenant: r.tenant,
  subject: r.subject,
  reason: r.reason,
  eventKey: r.event_key,
  state: r.state,
  attempts: r.attempts,
  nextAt: r.next_at,
  receivedAt: r.received_at,
  finishedAt: r.finished_at,
  result: r.result,
  lastError: r.last_error,
});

export class EventQueue {
  private readonly sSeen: Database.Statement;
  private readonly sMarkSeen: Database.Statement;
  private readonly sWaiting: Database.Statement;
  private readonly sInsert: Database.Statement;
  private listeners: (() => void)[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.sSeen = db.prepare('SELECT 1 FROM seen_events WHERE key = ?');
    this.sMarkSeen = db.prepare('INSERT INTO seen_events(key, at) VALUES (?, ?)');
    this.sWaiting = db.prepare(
      "SELECT seq FROM jobs WHERE state = 'queued' AND kind = ? AND source = ? AND IFNULL(tenant, '') = IFNULL(?, '') AND IFNULL(subject, '') = IFNULL(?, '') LIMIT 1",
    );
    this.sInsert = db.prepare(
      "INSERT INTO jobs(kind, source, tenant, subject, reason, event_key, state, received_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)",
    );
  }

  /** Called after every commit that queued work (the worker wakes up). */
  onQueued(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Persist accepted events and their jobs in one transaction (durable when this returns). */
  accept(items: AcceptItem[]): AcceptResult {
    const at = new Date(this.now()).toISOString();
    const res: AcceptResult = { accepted: 0, duplicates: 0, queued: 0, coalesced: 0 };
    this.db.transaction(() => {
      for (const it of items) {
        if (it.key) {
          if (this.sSeen.get(it.key)) {
            res.duplicates++;
            continue;
          }
          this.sMarkSeen.run(it.key, at);
        }
        res.accepted++;
        for (const j of it.jobs) {
          if (j.kind === 'refresh' && this.sWaiting.get(j.kind, j.source, j.tenant ?? null, j.subject ?? null)) {
            res.coalesced++;
            continue;
          }
          this.sInsert.run(j.kind, j.source, j.tenant ?? null, j.subject ?? null, j.reason, it.key, at);
          res.queued++;
        }
      }
    })();
    if (res.queued) for (const fn of this.listeners) fn();
    return res;
  }

  /** Jobs a crash left running go back to the queue. */
  requeueRunning(): number {
    return this.db.prepare("UPDATE jobs SET state = 'queued' WHERE state = 'running'").run().changes;
  }

  /**
   * The next due job and, for a refresh, every other due refresh of the same source and tenant; all
   * marked running. Jobs of a lane in `busy` (laneOf) are left for later: the worker runs one
   * batch per lane at a time.
   */
  take(busy: ReadonlySet<string> = new Set()): Job[] {
    const now = this.now();
    return this.db.transaction(() => {
      const first = (this.db.prepare("SELECT * FROM jobs WHERE state = 'queued' AND next_at <= ? ORDER BY seq LIMIT 500").all(now) as JobRow[]).find(
        (r) => !busy.has(laneOf(r)),
      );
      if (!first) return [];
      let rows: JobRow[] = [first];
      if (first.kind === 'refresh') {
        rows = this.db
          .prepare(
            "SELECT * FROM jobs WHERE state = 'queued' AND next_at <= ? AND kind = 'refresh' AND source = ? AND IFNULL(tenant, '') = IFNULL(?, '') ORDER BY seq LIMIT 50",
          )
          .all(now, first.source, first.tenant) as JobRow[];
      }
      const mark = this.db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1 WHERE seq = ?");
      for (const r of rows) mark.run(r.seq);
      return rows.map((r) => toJob({ ...r, state: 'running', attempts: r.attempts + 1 }));
    })();
  }

  done(seq: number, result: string): void {
    this.db.prepare("UPDATE jobs SET state = 'done', finished_at = ?, result = ?, last_error = NULL WHERE seq = ?").run(new Date(this.now()).toISOString(), result, seq);
  }

  /** A failed attempt: retry at `retryAt` (ms), or give up (`null`). */
  fail(seq: number, error: string, retryAt: number | null): void {
    if (retryAt === null) {
      this.db.prepare("UPDATE jobs SET state = 'failed', finished_at = ?, last_error = ? WHERE seq = ?").run(new Date(this.now()).toISOString(), error.slice(0, 2000), seq);
    } else {
      this.db.prepare("UPDATE jobs SET state = 'queued', next_at = ?, last_error = ? WHERE seq = ?").run(retryAt, error.slice(0, 2000), seq);
    }
  }

  /** Put a running job back without counting the attempt (shutdown interrupted it). */
  release(seq: number): void {
    this.db.prepare("UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0) WHERE seq = ? AND state = 'running'").run(seq);
  }

  get(seq: number): Job | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE seq = ?').get(seq) as JobRow | undefined;
    return r ? toJob(r) : undefined;
  }

  list(limit = 100): Job[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY seq DESC LIMIT ?').all(limit) as JobRow[]).map(toJob);
  }

  counts(): Record<JobState, number> {
    const out: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  /** The earliest time a queued job (outside the lanes in `busy`) becomes due (ms), or null. */
  nextDue(busy: ReadonlySet<string> = new Set()): number | null {
    if (busy.size === 0) return (this.db.prepare("SELECT MIN(next_at) AS t FROM jobs WHERE state = 'queued'").get() as { t: number | null }).t;
    const rows = this.db.prepare("SELECT kind, source, tenant, next_at FROM jobs WHERE state = 'queued' ORDER BY next_at LIMIT 500").all() as JobRow[];
    return rows.find((r) => !busy.has(laneOf(r)))?.next_at ?? null;
  }

  /** Forget finished jobs and de-duplication keys older than `days`. */
  prune(days = 14): void {
    const cutoff = new Date(this.now() - days * 86_400_000).toISOString();
    this.db.prepare("DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < ?").run(cutoff);
    this.db.prepare('DELETE FROM seen_events WHERE at < ?').run(cutoff);
  }
}

/** The lane of a job: refreshes of one source and tenant, or the chores of one source. */
export function laneOf(j: Pick<Job, 'kind' | 'source' | 'tenant'>): string {
  return j.kind === 'refresh' ? `refresh\u0000${j.source}\u0000${j.tenant ?? ''}` : `chore\u0000${j.source}`;
}
