/** `revenant paths`: placeholder until its issue lands. */
import type { Command } from 'commander';

export function registerPaths(program: Command): void {
  void program;
}
