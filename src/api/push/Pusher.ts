/**
 * Pushes finding changes to the configured sinks. For every new snapshot, each sink gets the
 * findings that are new (OCSF Create), changed or persisting for a refreshed subject (Update),
 * and resolved (Close) since the last snapshot that sink was given — computed from the sink's
 * own position, so a sink that was down for several snapshots catches up with one exact diff.
 * Findings that vanished because their data went incomplete are sent as Update with reason
 * `coverage-lost`, never as Close. The events are written to a durable outbox (in
 * `<store>/api.sqlite`) together with the sink's new position in one transaction, then delivered
 * in order, one delivery at a time per sink. A delivery that fails transiently is retried with
 * exponential backoff; after `push.maxAttempts` failures in a row the sink counts as down and is
 * retried after `push.downPauseMs` — its deliveries wait, nothing is dropped. A delivery the
 * receiver rejects as invalid (4xx) `push.maxAttempts` times goes to the dead-letter file.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { type DiffResult, diffDocs } from '../../../queries/diff.js';
import type { Finding } from '../../../queries/residual.js';
import type { ApiConfig } from '../config.js';
import type { ApiMetrics } from '../metrics.js';
import { type Activity, findingToOcsf, type OcsfEvent } from '../ocsf/ocsf.js';
import type { SnapshotManager, SwapEvent } from '../snapshot/SnapshotManager.js';
import { type SnapshotView, subjectKey } from '../snapshot/SnapshotView.js';
import type { Sink } from './sinks.js';

export interface PushLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface OutboxRow {
  seq: number;
  sink: string;
  delivery_id: string;
  snapshot: string;
  events: number;
  payload: string;
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  next_at: number;
  last_error: string | null;
}

export interface SinkStatus {
  name: string;
  type: string;
  position: string | null;
  pending: number;
  dead: number;
  delivered: number;
  down: boolean;
  lastError: string | null;
}

interface Change {
  finding: Finding;
  activity: Activity;
  previousStatus?: string;
  reason?: string;
}

/**
 * The changes a sink must receive to go from `diff.from` to `diff.to`. A view patched from its
 * previous one gives its own diff (`patched`: only the findings its delta touched are listed), so
 * the persisting findings of refreshed subjects are taken from the view, in document order.
 */
export function changesOf(diff: DiffResult, refreshed: Set<string>, view: SnapshotView, patched = false): Change[] {
  const out: Change[] = [];
  for (const f of diff.new) out.push({ finding: f, activity: 'create' });
  for (const c of diff.changed) out.push({ finding: c.after, activity: 'update', previousStatus: c.before.status, reason: c.regression ? 'regression' : 'status-changed' });
  if (patched) {
    const moved = new Set([...diff.new, ...diff.changed.map((c) => c.after)]);
    const theirs = new Set([...refreshed].flatMap((k) => view.bySubject.get(k) ?? []).filter((f) => !moved.has(f)));
    if (theirs.size) for (const f of view.doc.findings) if (theirs.has(f)) out.push({ finding: f, activity: 'update', reason: 'subject-refreshed' });
  } else {
    for (const f of diff.persisting) {
      if (refreshed.has(subjectKey(f.subject.source, f.subject.id))) out.push({ finding: f, activity: 'update', reason: 'subject-refreshed' });
    }
  }
  for (const f of diff.resolved) out.push({ finding: f, activity: 'close' });
  for (const loss of diff.coverageLost) for (const f of loss.findings) out.push({ finding: f, activity: 'update', reason: 'coverage-lost' });
  return out;
}

export class Pusher {
  private readonly sinks: Sink[];
  private readonly wakers = new Map<string, () => void>();
  private readonly loops: Promise<void>[] = [];
  private readonly down = new Map<string, boolean>();
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private onSwap = (e: SwapEvent) => this.safeEnqueue(e);

  constructor(
    private readonly d: {
      db: Database.Database;
      snapshots: SnapshotManager;
      sinks: Sink[];
      config: ApiConfig;
      metrics: ApiMetrics;
      log: PushLog;
      deadLetterFile: string;
    },
  ) {
    this.sinks = d.sinks;
  }

  start(): void {
    if (this.sinks.length === 0) return;
    // A (re)start is a reason to try waiting deliveries again now (the operator may have fixed the sink).
    this.d.db.prepare("UPDATE outbox SET next_at = 0 WHERE state = 'pending'").run();
    this.d.snapshots.on('swap', this.onSwap);
    const cur = this.d.snapshots.current;
    if (cur) this.safeEnqueue({ prev: null, next: cur });
    for (const s of this.sinks) this.loops.push(this.loop(s));
  }

  /** Enqueue in order: one swap's deliveries are written before the next swap's. */
  private queueing: Promise<void> = Promise.resolve();

  private safeEnqueue(e: SwapEvent): void {
    this.queueing = this.queueing.then(() =>
      this.enqueue(e).catch((err) => {
        this.d.log.error({ err: (err as Error).message, snapshot: e.next.id }, 'cannot queue push deliveries');
      }),
    );
  }

  /** Write the deliveries of a new snapshot for every sink that has not had it yet. */
  async enqueue(e: SwapEvent): Promise<void> {
    const view = e.next;
    const refreshed = new Set((e.refreshed ?? []).map((r) => subjectKey(r.source, r.subject.toLowerCase())));
    // Refreshed subjects are named by the event (an id); findings carry the canonical id.
    for (const r of e.refreshed ?? []) refreshed.add(subjectKey(r.source, r.subject));
    const getPos = this.d.db.prepare('SELECT snapshot FROM sink_state WHERE sink = ?');
    for (const sink of this.sinks) {
      const pos = (getPos.get(sink.name) as { snapshot: string | null } | undefined)?.snapshot ?? null;
      if (pos === view.id) continue;
      let changes: Change[];
      if (pos === null) {
        changes = this.d.config.push.initial === 'all' ? view.doc.findings.map((f) => ({ finding: f, activity: 'create' as const })) : [];
      } else if (view.diff && view.previous === pos && e.prev?.id === pos) {
        changes = changesOf(view.diff, refreshed, view, true);
      } else {
        let diff: DiffResult;
        if (e.prev && e.prev.id === pos) diff = diffDocs(e.prev.doc, view.doc);
        else if ((await this.d.snapshots.source.ids()).includes(pos)) diff = await this.d.snapshots.source.diff(pos, view.id);
        else {
          this.d.log.warn({ sink: sink.name, position: pos }, 'the snapshot this sink last received is gone from the store: sending every current finding');
          diff = diffDocs(null, view.doc);
        }
        changes = changesOf(diff, refreshed, view);
      }
      this.write(sink, view, changes);
    }
    for (const w of this.wakers.values()) w();
  }

  private write(sink: Sink, view: SnapshotView, changes: Change[]): void {
    const batch = this.d.config.push.batchSize;
    const now = new Date().toISOString();
    const ins = this.d.db.prepare(
      "INSERT OR IGNORE INTO outbox(sink, delivery_id, snapshot, events, payload, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
    );
    this.d.db.transaction(() => {
      for (let i = 0; i < changes.length; i += batch) {
        const part = changes.slice(i, i + batch);
        const events: OcsfEvent[] = part.map((c) =>
          findingToOcsf(c.finding, {
            activity: c.activity,
            classUid: sink.ocsfClass,
            snapshot: view.id,
            time: view.time,
            firstSeen: view.history.get(c.finding.id)?.firstSeen,
            lastSeen: view.history.get(c.finding.id)?.lastSeen,
            previousStatus: c.previousStatus,
            reason: c.reason,
          }),
        );
        const id = createHash('sha256')
          .update(`${sink.name}\u0000${view.id}\u0000${i}\u0000${part.map((c) => `${c.finding.id}:${c.activity}`).join(',')}`)
          .digest('hex')
          .slice(0, 32);
        ins.run(sink.name, `dlv_${id}`, view.id, events.length, JSON.stringify(events), now);
      }
      this.d.db
        .prepare('INSERT INTO sink_state(sink, snapshot, updated_at) VALUES (?, ?, ?) ON CONFLICT(sink) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at')
        .run(sink.name, view.id, now);
    })();
    if (changes.length) this.d.log.info({ sink: sink.name, snapshot: view.id, events: changes.length }, 'push deliveries queued');
  }

  private backoff(attempts: number): number {
    const p = this.d.config.push;
    const base = Math.min(p.maxBackoffMs, p.backoffMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  private async loop(sink: Sink): Promise<void> {
    const next = this.d.db.prepare("SELECT * FROM outbox WHERE sink = ? AND state = 'pending' ORDER BY seq LIMIT 1");
    const p = this.d.config.push;
    while (!this.stopping) {
      const row = next.get(sink.name) as OutboxRow | undefined;
      const wait = row ? row.next_at - Date.now() : 60_000;
      if (!row || wait > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.max(5, Math.min(wait, 60_000)));
          this.wakers.set(sink.name, () => {
            clearTimeout(t);
            resolve();
          });
        });
        continue;
      }
      const events = JSON.parse(row.payload) as OcsfEvent[];
      const sending = sink.send({ deliveryId: row.delivery_id, snapshot: row.snapshot, events }, this.abort.signal);
      this.inflight.add(sending);
      let res;
      try {
        res = await sending;
      } catch (e) {
        res = { ok: false as const, kind: 'transient' as const, status: 0, message: `${sink.type} ${sink.name}: ${(e as Error).message}` };
      } finally {
        this.inflight.delete(sending);
      }
      if (this.abort.signal.aborted) return;
      const attempts = row.attempts + 1;
      if (res.ok) {
        this.d.db.prepare("UPDATE outbox SET state = 'done', attempts = ?, delivered_at = ?, last_error = NULL, payload = '[]' WHERE seq = ?").run(attempts, new Date().toISOString(), row.seq);
        this.d.metrics.pushDelivered.inc({ sink: sink.name });
        if (this.down.get(sink.name)) this.d.log.info({ sink: sink.name }, 'push sink is back');
        this.down.set(sink.name, false);
        continue;
      }
      this.d.metrics.pushFailures.inc({ sink: sink.name, kind: res.kind });
      if (res.kind === 'rejected' && attempts >= p.maxAttempts) {
        this.deadLetter(sink, row, attempts, res.message);
        continue;
      }
      let nextAt: number;
      if (res.kind === 'transient' && attempts % p.maxAttempts === 0) {
        nextAt = Date.now() + p.downPauseMs;
        if (!this.down.get(sink.name)) this.d.log.warn({ sink: sink.name, err: res.message, retryInMs: p.downPauseMs }, 'push sink is down: deliveries wait');
        this.down.set(sink.name, true);
      } else {
        nextAt = Date.now() + this.backoff(attempts);
      }
      this.d.db.prepare('UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ?').run(attempts, nextAt, res.message.slice(0, 1000), row.seq);
    }
  }

  private deadLetter(sink: Sink, row: OutboxRow, attempts: number, error: string): void {
    try {
      mkdirSync(dirname(this.d.deadLetterFile), { recursive: true });
      appendFileSync(
        this.d.deadLetterFile,
        `${JSON.stringify({ at: new Date().toISOString(), sink: sink.name, deliveryId: row.delivery_id, snapshot: row.snapshot, attempts, error, events: JSON.parse(row.payload) as unknown })}\n`,
        { mode: 0o600 },
      );
    } catch (e) {
      this.d.log.error({ sink: sink.name, err: (e as Error).message }, 'cannot write the dead-letter file: the delivery stays queued');
      this.d.db.prepare('UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ?').run(attempts, Date.now() + this.d.config.push.downPauseMs, error, row.seq);
      return;
    }
    this.d.db.prepare("UPDATE outbox SET state = 'dead', attempts = ?, last_error = ?, payload = '[]' WHERE seq = ?").run(attempts, error.slice(0, 1000), row.seq);
    this.d.metrics.pushDeadLetters.inc({ sink: sink.name });
    this.d.log.error({ sink: sink.name, delivery: row.delivery_id, err: error }, 'push delivery rejected by the receiver: written to the dead-letter file');
  }

  pending(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.sinks.map((s) => [s.name, 0]));
    for (const r of this.d.db.prepare("SELECT sink, COUNT(*) AS n FROM outbox WHERE state = 'pending' GROUP BY sink").all() as { sink: string; n: number }[]) {
      if (r.sink in out) out[r.sink] = r.n;
    }
    return out;
  }

  status(): SinkStatus[] {
    const count = this.d.db.prepare('SELECT state, COUNT(*) AS n FROM outbox WHERE sink = ? GROUP BY state');
    const pos = this.d.db.prepare('SELECT snapshot FROM sink_state WHERE sink = ?');
    const err = this.d.db.prepare("SELECT last_error FROM outbox WHERE sink = ? AND state = 'pending' AND last_error IS NOT NULL ORDER BY seq LIMIT 1");
    return this.sinks.map((s) => {
      const c = Object.fromEntries((count.all(s.name) as { state: string; n: number }[]).map((r) => [r.state, r.n]));
      return {
        name: s.name,
        type: s.type,
        position: (pos.get(s.name) as { snapshot: string } | undefined)?.snapshot ?? null,
        pending: c.pending ?? 0,
        dead: c.dead ?? 0,
        delivered: c.done ?? 0,
        down: this.down.get(s.name) ?? false,
        lastError: (err.get(s.name) as { last_error: string } | undefined)?.last_error ?? null,
      };
    });
  }

  /** Finish the deliveries in flight (up to `graceMs`), then stop; what is left stays in the outbox. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.d.snapshots.off('swap', this.onSwap);
    for (const w of this.wakers.values()) w();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.abort.abort();
    await Promise.allSettled(this.loops);
    await this.queueing;
    this.d.db.prepare("DELETE FROM outbox WHERE state = 'done' AND delivered_at < ?").run(new Date(Date.now() - 7 * 86_400_000).toISOString());
  }
}
