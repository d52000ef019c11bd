/**
 * Small JSON files in the store folder that several processes may update (acceptances, the
 * report ledger): read them, and change them under an exclusive lock file with an atomic write
 * (temporary file, fsync, rename, fsync of the folder), so a crash never leaves half a file and
 * two concurrent writers never lose each other's update. A lock left by a dead process is
 * taken over; a live one is waited for (up to a few seconds) and then reported.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileChunks } from '../output/writeChunks.js';
import { StoreError } from '../model/errors.js';
import { pidAlive } from '../store/pidAlive.js';

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Parse a JSON file, or return `fallback` when it does not exist. */
export function readJsonFile<T>(path: string, fallback: T): T {
  if (!existsSync(path)) return fallback;
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new StoreError(`${path}: not valid JSON (${(e as Error).message}); fix or remove the file`);
  }
}

/** Write a file atomically: temporary file in the same folder, fsync, rename, fsync of the folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFileChunks(path, [data]);
}

/** Run `fn` holding `<path>.lock` (created exclusively; a dead holder's lock is taken over). */
export function withLock<T>(path: string, fn: () => T, waitMs = 5000): T {
  const lock = `${path}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue; // released meanwhile
      }
      if (!Number.isInteger(holder) || holder <= 0 || !pidAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new StoreError(`${lock} is held by process ${holder}; try again when it has finished`);
      sleep(25);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Read-modify-write a JSON file under its lock, atomically. */
export function updateJsonFile<T>(path: string, fallback: T, change: (current: T) => T): T {
  return withLock(path, () => {
    const next = change(readJsonFile(path, fallback));
    writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
    return next;
  });
}
