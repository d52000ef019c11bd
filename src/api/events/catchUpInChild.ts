/**
 * The server's time catch-up of a snapshot (queries/timeCatchUp.ts) in a child process
 * (`revenant snapshots --catch-up ID`), at the lowest CPU priority: the units whose answer time
 * alone changed are analysed again there, and the event loop and the refreshes never wait for it.
 * Aborting the signal stops the child. Null when the CLI is not built (nothing caught up).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CaughtUp, readCaughtUp } from '../../../queries/timeCatchUp.js';
import type { Store } from '../../store/Store.js';
import { revenantCli, spawnBackground } from './revenantCli.js';

export interface CatchUpRequest {
  store: Store;
  /** The snapshot to catch up (the one served). */
  id: string;
  /** The instant (ms) to analyse at. */
  at: number;
  signal: AbortSignal;
}

/** Runs a time catch-up; the server's is `catchUpInChild` (tests inject their own). */
export type CatchUpRunner = (req: CatchUpRequest) => Promise<CaughtUp | null>;

export const catchUpInChild: CatchUpRunner = async ({ store, id, at, signal }) => {
  const cli = revenantCli();
  if (!cli || signal.aborted) return null;
  // Beside the snapshots (the store's permissions): the analyses name people and their access.
  const dir = mkdtempSync(join(store.dir, '.catch-up-'));
  const out = join(dir, 'units.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const { child, stderr } = spawnBackground(cli, ['snapshots', '--store', store.dir, '--catch-up', id, '--catch-up-at', new Date(at).toISOString(), '--catch-up-out', out]);
      const stop = () => child.kill('SIGTERM');
      signal.addEventListener('abort', stop, { once: true });
      child.on('error', reject);
      child.on('close', (code, sig) => {
        signal.removeEventListener('abort', stop);
        if (code === 0) resolve();
        else reject(new Error(signal.aborted ? 'aborted' : `revenant snapshots --catch-up exited ${code ?? sig}: ${stderr().trim().slice(-500)}`));
      });
    });
    return readCaughtUp(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
