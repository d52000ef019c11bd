/**
 * Files of the store that hold findings, keys or events are private to the user the process runs
 * as: a database file is created with mode 0600 before SQLite opens it (SQLite gives its journal,
 * WAL and shared-memory files the database file's mode), and an existing one is tightened to 0600.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';

export const PRIVATE_MODE = 0o600;

/** Create `path` (if missing) with mode 0600, or set an existing file's mode to 0600 (SQLite's in-memory and temporary names are left alone). */
export function ensurePrivateFile(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return;
  closeSync(openSync(path, 'a', PRIVATE_MODE));
  chmodSync(path, PRIVATE_MODE);
}
