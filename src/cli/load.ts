/** `revenant load`: placeholder until its issue lands. */
import type { Command } from 'commander';

export function registerLoad(program: Command): void {
  void program;
}
