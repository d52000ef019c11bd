/**
 * The services every route and hook uses, created once per app and torn down in order on close:
 * the API database (keys, event queue, push outbox), the change feed, the snapshot manager (the
 * latest snapshot, swapped atomically), the metrics registry, the event worker and the pusher. On close — after
 * fastify has stopped accepting requests and drained those in flight — the worker drains the
 * event queue and the pusher finishes its deliveries in flight, within the grace period.
 */
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ChangeFeed } from '../../store/ChangeFeed.js';
import type { Store } from '../../store/Store.js';
import { openApiDb } from '../ApiDb.js';
import type { ApiConfig } from '../config.js';
import type { CatchUpRunner } from '../events/catchUpInChild.js';
import { EventQueue } from '../events/EventQueue.js';
import { EventWorker } from '../events/EventWorker.js';
import { Watcher } from '../events/Watcher.js';
import { canRefresh } from '../events/sourceEvents.js';
import { LiveRefresher, type SubjectRefresher } from '../events/SubjectRefresher.js';
import { KeyStore } from '../keys/KeyStore.js';
import { ApiMetrics } from '../metrics.js';
import { Pusher } from '../push/Pusher.js';
import { RemediationJobs } from '../remediation/RemediationJobs.js';
import { makeSink, type Sink } from '../push/sinks.js';
import { SnapshotManager } from '../snapshot/SnapshotManager.js';
import { EmbeddedSource, type SnapshotSource } from '../snapshot/SnapshotSource.js';
import '../types.js';

export interface AppOptions {
  store: Store;
  config: ApiConfig;
  /** How subjects are read again on an event (default: the live collectors, per the config). */
  refresher?: SubjectRefresher;
  /** Push sinks (default: built from config.sinks). */
  sinks?: Sink[];
  /** Where snapshots come from (default: the embedded store; a Neo4jSource to serve from Neo4j). */
  source?: SnapshotSource;
  env?: NodeJS.ProcessEnv;
  /** How the served snapshot is caught up with time (default: a child process; tests hold it open). */
  catchUp?: CatchUpRunner;
}

async function services(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  const { store, config } = opts;
  const env = opts.env ?? process.env;
  const log = fastify.log;
  const sinks = opts.sinks ?? config.sinks.map((c) => makeSink(c, env, config.push.timeoutMs));
  const db = openApiDb(store.dir);
  const keys = new KeyStore(db);
  const source = opts.source ?? new EmbeddedSource(store);
  const feed = ChangeFeed.open(store.dir);
  const snapshots = new SnapshotManager(source, { pollMs: config.snapshotPollMs, log, feed });
  const queue = new EventQueue(db);
  let pusher: Pusher | null = null;
  const metrics = new ApiMetrics({
    findings: () => new Map(snapshots.current?.counts ?? []),
    snapshotTime: () => snapshots.current?.time ?? null,
    queue: () => queue.counts(),
    pending: () => pusher?.pending() ?? {},
  });
  snapshots.on('swap', () => metrics.snapshotSwaps.inc());
  const worker = new EventWorker({
    queue,
    store,
    snapshots,
    refresher: opts.refresher ?? new LiveRefresher(config, env, log),
    config,
    metrics,
    log,
    env,
    catchUp: opts.catchUp,
  });
  pusher = new Pusher({
    db,
    snapshots,
    sinks,
    config,
    metrics,
    log,
    deadLetterFile: config.push.deadLetterFile ?? join(store.dir, 'push-dead-letter.jsonl'),
  });
  const remediation = new RemediationJobs(store.dir, queue, log, (source) => canRefresh(config, source));
  const watcher = config.events.watch ? new Watcher({ db, queue, config, log, env }) : null;
  fastify.decorate('revenant', { store, config, db, keys, snapshots, feed, metrics, queue, worker, pusher, remediation, env, watcher, startedAt: Date.now() });

  fastify.addHook('onReady', async () => {
    await snapshots.start();
    worker.start();
    pusher.start();
    watcher?.start();
  });
  fastify.addHook('onClose', async () => {
    const grace = config.shutdownGraceMs;
    await watcher?.stop();
    // A remediation job stops between calls; its journal lets `--resume` (or resume: true) finish it.
    await remediation.close();
    await Promise.all([worker.stop(grace), pusher.stop(grace)]);
    snapshots.close();
    db.close();
    feed.close();
    await source.close();
  });
}

export default fp(services, { name: 'revenant-services', fastify: '5.x' });
