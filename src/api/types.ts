/**
 * What the API plugins add to fastify's types: the services on the instance, the API key and the
 * snapshot view on each request, and the per-route settings (`config.scope`: the API key scope a
 * route needs; `config.snapshot`: the route reads the current snapshot; `config.queryKey`: the
 * route also accepts the key as `?key=`, for Microsoft Graph, which cannot send headers).
 */
import type Database from 'better-sqlite3';
import type { ChangeFeed } from '../store/ChangeFeed.js';
import type { Store } from '../store/Store.js';
import type { ApiConfig } from './config.js';
import type { EventQueue } from './events/EventQueue.js';
import type { EventWorker } from './events/EventWorker.js';
import type { Watcher } from './events/Watcher.js';
import type { KeyStore, ApiKeyInfo, Scope } from './keys/KeyStore.js';
import type { ApiMetrics } from './metrics.js';
import type { Pusher } from './push/Pusher.js';
import type { RemediationJobs } from './remediation/RemediationJobs.js';
import type { SnapshotManager } from './snapshot/SnapshotManager.js';
import type { SnapshotView } from './snapshot/SnapshotView.js';

export interface RevenantServices {
  store: Store;
  config: ApiConfig;
  db: Database.Database;
  keys: KeyStore;
  snapshots: SnapshotManager;
  /** The change feed of the store (the log `GET /v1/findings` pages through after a listing). */
  feed: ChangeFeed;
  metrics: ApiMetrics;
  queue: EventQueue;
  worker: EventWorker;
  pusher: Pusher;
  /** Remediation jobs (POST /v1/subjects/{s}/remediation) and the store's plans and journals. */
  remediation: RemediationJobs;
  /** The environment secrets (`env:NAME`) are resolved from. */
  env: NodeJS.ProcessEnv;
  /** Polls the identity providers' logs (events.watch), when configured. */
  watcher: Watcher | null;
  startedAt: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    revenant: RevenantServices;
  }
  interface FastifyRequest {
    apiKey: ApiKeyInfo | null;
    view: SnapshotView | null;
  }
  interface FastifyContextConfig {
    scope?: Scope;
    snapshot?: boolean;
    queryKey?: boolean;
  }
}

export {};
