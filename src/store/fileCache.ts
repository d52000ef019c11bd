/**
 * A process-wide cache of what is parsed from published snapshot files (`<id>.sqlite`: never
 * written again once renamed into place; a compaction renames a new file over it). Entries are
 * keyed by the file's path, inode, size and modification time, so a replaced file is never read
 * from the cache; the least recently used entries go beyond a byte budget. Event-driven refreshes
 * use it: each one reads the record index and the analysis units of the same large base snapshot.
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** The cache's byte budget (least recently used entries go beyond it). */
export const MAX_BYTES = 1024 * 1024 * 1024;
/**
 * The largest entry kept: half the budget. At 250k people the group-members record index of one
 * snapshot is about 390 MB; a quarter of the budget (256 MB) left it uncached, so every Entra
 * refresh re-read it from SQLite (bench/README.md, session 8 events).
 */
export const MAX_ENTRY_BYTES = MAX_BYTES / 2;

const entries = new Map<string, { value: unknown; bytes: number }>();
let total = 0;

/** The cache key of a published snapshot file's contents, or null (in memory, or a file being written). */
export function publishedFileKey(db: Database.Database): string | null {
  return db.memory ? null : publishedPathKey(db.name);
}

/** publishedFileKey of the file at `name` (the path a reader opens it by). */
export function publishedPathKey(name: string): string | null {
  if (!name.endsWith('.sqlite')) return null;
  try {
    const st = statSync(name);
    return `${name}\u0000${st.ino}\u0000${st.size}\u0000${st.mtimeMs}`;
  } catch {
    return null;
  }
}

/**
 * Put a value made elsewhere (a warm-up on a worker thread: src/api/events/warmUp.ts) under `key`,
 * unless the key is cached already or the value is larger than an entry may be. The value must be
 * exactly what the `make` of a `cached` call with that key would have returned.
 */
export function prime(key: string, value: unknown, bytes: number): void {
  if (entries.has(key) || bytes > MAX_ENTRY_BYTES) return;
  cached(key, () => ({ value, bytes }));
}

/** The cached value of `key`, or what `make` returns (cached when `key` is not null; `bytes`: its size). */
export function cached<T>(key: string | null, make: () => { value: T; bytes: number }): T {
  if (key === null) return make().value;
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key);
    entries.set(key, hit);
    return hit.value as T;
  }
  const made = make();
  if (made.bytes > MAX_ENTRY_BYTES) return made.value;
  entries.set(key, made);
  total += made.bytes;
  for (const [k, e] of entries) {
    if (total <= MAX_BYTES) break;
    entries.delete(k);
    total -= e.bytes;
  }
  return made.value;
}
