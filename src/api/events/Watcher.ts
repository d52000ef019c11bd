/**
 * Polling for deployments where the identity providers cannot reach us (no inbound hooks): every
 * N minutes, each source that can be polled (its registration's `events.pollLog`: the Okta System
 * Log, the Entra directory audit log) and has collector settings is read since the last poll
 * (minus an overlap: both logs receive events with a delay), and the users their events name are
 * queued for a refresh — the same jobs an Okta event hook or a Graph change notification queues,
 * de-duplicated on the event id, so an event seen twice (overlap, or a hook too) is one refresh.
 * The event worker then refreshes the subjects as one delta snapshot and the pusher sends what
 * changed. The position of each log is kept in the API database, so a restart resumes where the
 * last poll ended. Reads go through the collectors' clients (retries, throttling, token renewal).
 */
import type Database from 'better-sqlite3';
import type { ApiConfig } from '../config.js';
import type { EventQueue } from './EventQueue.js';
import { type PollingSource, pollingSources } from './sourceEvents.js';

export interface WatchLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WatcherDeps {
  db: Database.Database;
  queue: EventQueue;
  config: ApiConfig;
  log: WatchLog;
  env?: NodeJS.ProcessEnv;
  /** The clock (tests). */
  now?: () => number;
}

export interface PollResult {
  /** Per source polled: the log events read and the refreshes they queued. */
  polled: Record<string, { events: number; queued: number }>;
  errors: string[];
}

export class Watcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PollResult> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly d: WatcherDeps) {
    d.db.exec('CREATE TABLE IF NOT EXISTS watch_state (log TEXT PRIMARY KEY, since TEXT NOT NULL)');
  }

  private get now(): number {
    return (this.d.now ?? Date.now)();
  }

  private since(log: string): string {
    const r = this.d.db.prepare('SELECT since FROM watch_state WHERE log = ?').get(log) as { since: string } | undefined;
    const first = this.now - (this.d.config.events.watch?.firstLookbackMinutes ?? 60) * 60_000;
    return r?.since ?? new Date(first).toISOString();
  }

  private setSince(log: string, since: string): void {
    this.d.db.prepare('INSERT INTO watch_state(log, since) VALUES (?, ?) ON CONFLICT(log) DO UPDATE SET since = excluded.since').run(log, since);
  }

  start(): void {
    const w = this.d.config.events.watch;
    if (!w) return;
    const tick = () => {
      this.running = this.poll().finally(() => {
        this.running = null;
      });
      void this.running.then(() => {
        if (!this.abort.signal.aborted) this.timer = setTimeout(tick, w.intervalMinutes * 60_000);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('stopping'));
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Read every configured source's log once, queue what they name. */
  async poll(): Promise<PollResult> {
    const out: PollResult = { polled: {}, errors: [] };
    const overlap = (this.d.config.events.watch?.overlapMinutes ?? 15) * 60_000;
    const until = new Date(this.now).toISOString();
    const one = async ({ source, events, ctx }: PollingSource) => {
      const since = this.since(source);
      const { events: n, items } = await events.pollLog!(ctx, { since: new Date(Date.parse(since) - overlap).toISOString(), until });
      const r = this.d.queue.accept(items);
      out.polled[source] = { events: n, queued: r.queued + r.coalesced };
      this.setSince(source, until);
    };
    const sources = await pollingSources(this.d.config, { env: this.d.env ?? process.env, signal: this.abort.signal, log: this.d.log });
    await Promise.all(
      sources.map((p) =>
        one(p).catch((e) => {
          out.errors.push(`${p.source}: ${(e as Error).message}`);
        }),
      ),
    );
    if (out.errors.length) this.d.log.warn({ errors: out.errors }, 'watch: a log could not be read; its position is kept, the next poll reads it again');
    else this.d.log.info({ polled: out.polled }, 'watch: logs polled');
    return out;
  }
}
