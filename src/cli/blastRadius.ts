/** `revenant blastRadius`: placeholder until its issue lands. */
import type { Command } from 'commander';

export function registerBlastRadius(program: Command): void {
  void program;
}
