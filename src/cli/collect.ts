/** `revenant collect`: placeholder until its issue lands. */
import type { Command } from 'commander';

export function registerCollect(program: Command): void {
  void program;
}
