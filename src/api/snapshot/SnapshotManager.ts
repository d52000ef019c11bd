/**
 * Keeps the API on the latest snapshot of the store. It watches the snapshots folder (file-system
 * events, and a poll as a fallback for file systems that do not deliver them); when a new
 * snapshot file appears — from `revenant load` in another process or from an event-driven
 * refresh in this one — it builds the new view completely, then swaps one reference. Requests
 * already running keep the view they started with; the old view closes when the last of them is
 * done. Listeners of `swap` (push, metrics) learn about every new snapshot exactly once.
 * Before a swap the change feed is brought up to date: a snapshot published without its events
 * (a crash between the two, an older revenant, a snapshot pushed into Neo4j from elsewhere) gets
 * them now, in order, and history older than the oldest snapshot of the source is dropped.
 */
import { EventEmitter } from 'node:events';
import { type FSWatcher, mkdirSync, watch } from 'node:fs';
import type { ChangeFeed } from '../../store/ChangeFeed.js';
import type { SnapshotSource } from './SnapshotSource.js';
import { type Known, type SnapshotView, type ViewLog, buildView } from './SnapshotView.js';

export interface SwapEvent {
  prev: SnapshotView | null;
  next: SnapshotView;
  /** Set when the swap came from an event-driven refresh: the subjects refreshed. */
  refreshed?: { source: string; subject: string; reason: string }[];
}

export interface SnapshotManagerLog extends ViewLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class SnapshotManager extends EventEmitter<{ swap: [SwapEvent] }> {
  private view: SnapshotView | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<SnapshotView | null> | null = null;
  private again = false;
  private stopped = false;
  swaps = 0;
  lastError: string | null = null;

  constructor(
    readonly source: SnapshotSource,
    private readonly opts: { pollMs: number; log: SnapshotManagerLog; feed?: ChangeFeed },
  ) {
    super();
  }

  /** The current view (no reference taken). */
  get current(): SnapshotView | null {
    return this.view;
  }

  /** The current view with a reference taken; the caller must `release()` it. */
  acquire(): SnapshotView | null {
    return this.view ? this.view.acquire() : null;
  }

  /** Load the latest snapshot and start watching for new ones. */
  async start(): Promise<void> {
    const dir = this.source.watchDir;
    if (dir) mkdirSync(dir, { recursive: true });
    await this.check();
    if (dir) {
      try {
        this.watcher = watch(dir, { persistent: false }, (_type, name) => {
          if (!name || String(name).endsWith('.sqlite')) void this.check();
        });
        this.watcher.on('error', () => {
          this.watcher?.close();
          this.watcher = null;
        });
      } catch {
        // polling alone
      }
    }
    this.timer = setInterval(() => void this.check(), this.opts.pollMs);
    this.timer.unref();
  }

  /**
   * Swap to the latest snapshot if it is not the current one. Concurrent calls share one build;
   * a call during a build schedules one more check after it.
   */
  check(refreshed?: SwapEvent['refreshed']): Promise<SnapshotView | null> {
    if (refreshed) this.pendingRefreshed.push(...refreshed);
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    const run = async (): Promise<SnapshotView | null> => {
      // Yield first, so that `pending` is set before this body can clear it.
      await Promise.resolve();
      try {
        do {
          this.again = false;
          if (this.stopped) break;
          await this.swapToLatest();
        } while (this.again);
        return this.view;
      } finally {
        this.pending = null;
      }
    };
    this.pending = run();
    return this.pending;
  }

  private pendingRefreshed: NonNullable<SwapEvent['refreshed']> = [];

  private async swapToLatest(): Promise<void> {
    let latest: string | undefined;
    let next: SnapshotView;
    const started = performance.now();
    let feedMs = 0;
    try {
      latest = await this.source.latestId();
      if (!latest || latest === this.view?.id) return;
      // The latest's document, when it is a delta on the one served: its change over the document in memory (once).
      const docs = new Map<string, Known>();
      await this.syncFeed(docs);
      feedMs = performance.now() - started;
      next = await buildView(this.source, latest, this.view, this.opts.log, this.opts.feed, docs.get(latest));
    } catch (e) {
      const msg = (e as Error).message;
      if (this.lastError !== msg) {
        this.opts.log.error({ snapshot: latest ?? null, err: msg }, this.view ? 'cannot load the latest snapshot; still serving the previous one' : 'cannot load the latest snapshot');
      }
      this.lastError = msg;
      // Nothing served yet (a start with an unreadable newest file): serve the newest snapshot that reads.
      const older = this.view ? null : await this.newestReadable(latest);
      if (!older) return;
      next = older;
    }
    this.lastError = null;
    if (this.stopped) {
      next.retire();
      return;
    }
    const prev = this.view;
    this.view = next;
    this.swaps++;
    prev?.retire();
    const refreshed = this.pendingRefreshed.length ? this.pendingRefreshed.splice(0) : undefined;
    const viewMs = performance.now() - started - feedMs;
    const emitted = performance.now();
    this.emit('swap', { prev, next, refreshed });
    // How long: the change feed brought up to date, the view built, the swap's listeners (push, warm-up, catch-up).
    this.opts.log.info(
      {
        snapshot: next.id,
        previous: prev?.id ?? null,
        findings: next.doc.findings.length,
        ms: Math.round(performance.now() - started),
        feedMs: Math.round(feedMs),
        viewMs: Math.round(viewMs),
        listenersMs: Math.round(performance.now() - emitted),
      },
      'serving snapshot',
    );
  }

  /** Append to the change feed the snapshots of the source it lacks (their documents go into `docs`); keep its history from the oldest snapshot on. */
  private async syncFeed(docs: Map<string, Known>): Promise<void> {
    const feed = this.opts.feed;
    if (!feed) return;
    try {
      const ids = await this.source.ids();
      const appended = await feed.sync(ids, async (id) => {
        const v = this.view;
        const on = v && this.source.readDocOn ? await this.source.readDocOn(id, v.id, v.doc, v.engine) : null;
        const doc = on?.doc ?? (await this.source.readDoc(id));
        docs.set(id, on ?? { doc });
        return { doc, at: (await this.source.info(id)).collectedAt || doc.at, change: on?.change };
      });
      if (appended.length) this.opts.log.info({ snapshots: appended }, 'change feed: appended the events of snapshots published without them');
      feed.retainFrom(ids[0]);
    } catch (e) {
      this.opts.log.error({ err: (e as Error).message }, 'cannot bring the change feed up to date');
    }
  }

  /** The view of the newest snapshot older than `bad` that can be built, or null. */
  private async newestReadable(bad: string | undefined): Promise<SnapshotView | null> {
    let ids: string[];
    try {
      ids = await this.source.ids();
    } catch {
      return null;
    }
    for (const id of ids.filter((x) => bad === undefined || x < bad).reverse()) {
      try {
        const v = await buildView(this.source, id, null, this.opts.log, this.opts.feed);
        this.opts.log.info({ snapshot: id, unreadable: bad ?? null }, 'serving the newest snapshot that can be read');
        return v;
      } catch {
        // try the one before
      }
    }
    return null;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stop and close the current view once no request holds it. */
  close(): void {
    this.stop();
    this.view?.retire();
    this.view = null;
  }
}
