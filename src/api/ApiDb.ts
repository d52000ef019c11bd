/**
 * The API's own state, one SQLite file beside the snapshots (`<store>/api.sqlite`): API keys
 * (hashes only), the durable queue of accepted identity events and refresh jobs, and the push
 * outbox with each sink's delivery position. WAL mode, so `revenant keys` (another process) can
 * write while the server reads; every write is a short transaction, committed before the HTTP
 * reply that depends on it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../store/privateFile.js';

const SCHEMA_VERSION = 1;

const MIGRATION_1 = `
CREATE TABLE IF NOT EXISTS api_keys (
  prefix TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT,
  rate_limit INTEGER
);
CREATE TABLE IF NOT EXISTS seen_events (
  key TEXT PRIMARY KEY,
  at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  tenant TEXT,
  subject TEXT,
  reason TEXT NOT NULL,
  event_key TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL DEFAULT 0,
  received_at TEXT NOT NULL,
  finished_at TEXT,
  result TEXT,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, next_at);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sink TEXT NOT NULL,
  delivery_id TEXT NOT NULL UNIQUE,
  snapshot TEXT NOT NULL,
  events INTEGER NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_sink ON outbox(sink, state, seq);
CREATE TABLE IF NOT EXISTS sink_state (
  sink TEXT PRIMARY KEY,
  snapshot TEXT,
  updated_at TEXT NOT NULL
);
`;

export function apiDbPath(storeDir: string): string {
  return join(storeDir, 'api.sqlite');
}

/** Open (and create or migrate) the API database of a store folder. */
export function openApiDb(storeDir: string): Database.Database {
  const path = apiDbPath(storeDir);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  ensurePrivateFile(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  const v = Number(db.pragma('user_version', { simple: true }));
  if (v < SCHEMA_VERSION) {
    db.exec(MIGRATION_1);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }
  return db;
}
