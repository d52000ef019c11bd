/** `revenant snapshots`: placeholder until its issue lands. */
import type { Command } from 'commander';

export function registerSnapshots(program: Command): void {
  void program;
}
