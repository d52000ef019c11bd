/**
 * Whether a process still runs: how the store tells a partial snapshot file or a lock file left
 * by a dead process (which may be removed or taken over) from one a live process still holds.
 */

/** True when process `pid` exists (signal 0 reaches it, or it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
