/**
 * Polling for deployments where the identity providers cannot reach us (no inbound hooks): every
 * N minutes, the Okta System Log and the Entra directory audit log are read since the last poll
 * (minus an overlap: both logs receive events with a delay), and the users their events name are
 * queued for a refresh — the same jobs an Okta event hook or a Graph change notification queues,
 * de-duplicated on the event id, so an event seen twice (overlap, or a hook too) is one refresh.
 * The event worker then refreshes the subjects as one delta snapshot and the pusher sends what
 * changed. The position of each log is kept in the API database, so a restart resumes where the
 * last poll ended. Reads go through the collectors' clients (retries, throttling, token renewal).
 */
import { text } from '../../model/text.js';
import type Database from 'better-sqlite3';
import { createGraphSession } from '../../../ingest/entra/client.js';
import { graphList } from '../../../ingest/entra/graphPages.js';
import { createOktaSession, oktaList } from '../../../ingest/okta/client.js';
import { newStats } from '../../../ingest/collection/runDatasets.js';
import { type ApiConfig, resolveSecret } from '../config.js';
import type { AcceptItem, EventQueue, JobInput } from './EventQueue.js';
import { OKTA_REFRESH_EVENTS, oktaItems } from './hooks.js';

/** Okta events a poll reads: those a hook would refresh on, and the lifecycle changes that start or end access. */
export const OKTA_WATCH_EVENTS: readonly string[] = [...OKTA_REFRESH_EVENTS, 'user.lifecycle.activate', 'user.lifecycle.reactivate', 'user.lifecycle.unsuspend', 'user.lifecycle.delete.initiated', 'group.user_membership.remove', 'user.account.privilege.grant'];

/** Entra audit activities whose User targets are refreshed. */
export const ENTRA_WATCH_ACTIVITIES = [
  'Disable account',
  'Enable account',
  'Delete user',
  'Hard Delete user',
  'Restore user',
  'Update user',
  'Remove member from group',
  'Add member to group',
  'Remove member from role',
  'Add member to role',
  'Remove app role assignment from user',
  'Add app role assignment grant to user',
  'Add owner to application',
  'Remove owner from application',
  'Add owner to service principal',
  'Remove owner from service principal',
];

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
  okta?: { events: number; queued: number };
  entra?: { events: number; queued: number };
  errors: string[];
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

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

  /** Read both logs once, queue what they name. */
  async poll(): Promise<PollResult> {
    const out: PollResult = { errors: [] };
    const overlap = (this.d.config.events.watch?.overlapMinutes ?? 15) * 60_000;
    const until = new Date(this.now).toISOString();
    const jobs: Promise<void>[] = [];
    const okta = this.d.config.events.okta?.collect;
    if (okta) {
      jobs.push(
        (async () => {
          const since = this.since('okta');
          const session = createOktaSession({
            orgUrl: okta.orgUrl,
            auth: okta.auth,
            token: okta.token ? resolveSecret(okta.token, 'events.okta.collect.token', this.d.env) : undefined,
            clientId: okta.clientId,
            privateKey: okta.privateKey ? resolveSecret(okta.privateKey, 'events.okta.collect.privateKey', this.d.env) : undefined,
            keyId: okta.keyId,
            signal: this.abort.signal,
          });
          const filter = OKTA_WATCH_EVENTS.map((t) => `eventType eq "${t}"`).join(' or ');
          const params = new URLSearchParams({ since: new Date(Date.parse(since) - overlap).toISOString(), until, filter, sortOrder: 'ASCENDING', limit: '1000' });
          const events: Record<string, unknown>[] = [];
          for await (const ev of oktaList<Record<string, unknown>>(session, newStats(), `/api/v1/logs?${params.toString().replace(/\+/g, '%20')}`)) events.push(ev);
          const { items } = oktaItems({ source: `${session.orgUrl}/api/v1/eventHooks/watch`, data: { events } }, OKTA_WATCH_EVENTS);
          const r = this.d.queue.accept(items);
          out.okta = { events: events.length, queued: r.queued + r.coalesced };
          this.setSince('okta', until);
        })().catch((e) => {
          out.errors.push(`okta: ${(e as Error).message}`);
        }),
      );
    }
    const entra = this.d.config.events.entra?.collect;
    if (entra) {
      jobs.push(
        (async () => {
          const since = this.since('entra');
          const session = createGraphSession({
            tenant: entra.tenant,
            mode: entra.mode,
            token: entra.token ? resolveSecret(entra.token, 'events.entra.collect.token', this.d.env) : undefined,
            clientId: entra.clientId,
            certificatePath: entra.certificatePath,
            graphUrl: entra.graphUrl,
            authorityHost: entra.authorityHost,
            env: this.d.env,
            signal: this.abort.signal,
          });
          const filter = `(${ENTRA_WATCH_ACTIVITIES.map((a) => `activityDisplayName eq ${q(a)}`).join(' or ')}) and activityDateTime ge ${new Date(Date.parse(since) - overlap).toISOString()} and activityDateTime le ${until}`;
          const items: AcceptItem[] = [];
          let n = 0;
          for await (const ev of graphList<Record<string, unknown>>(session, newStats(), `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}&$top=999`)) {
            n++;
            const users = ((Array.isArray(ev.targetResources) ? ev.targetResources : []) as Record<string, unknown>[])
              .filter((t) => text(t?.type).toLowerCase() === 'user' && typeof t.id === 'string')
              .map((t) => String(t.id).toLowerCase());
            const jobsOf: JobInput[] = [...new Set(users)].map((u) => ({ kind: 'refresh', source: 'entra', tenant: null, subject: u, reason: `audit.${String(ev.activityDisplayName)}` }));
            items.push({ key: typeof ev.id === 'string' ? `entra:audit:${ev.id}` : null, jobs: jobsOf });
          }
          const r = this.d.queue.accept(items);
          out.entra = { events: n, queued: r.queued + r.coalesced };
          this.setSince('entra', until);
        })().catch((e) => {
          out.errors.push(`entra: ${(e as Error).message}`);
        }),
      );
    }
    await Promise.all(jobs);
    if (out.errors.length) this.d.log.warn({ errors: out.errors }, 'watch: a log could not be read; its position is kept, the next poll reads it again');
    else this.d.log.info({ okta: out.okta, entra: out.entra }, 'watch: logs polled');
    return out;
  }
}
