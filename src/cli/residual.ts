/** `revenant residual`: placeholder until its issue lands. */
import type { Command } from 'commander';

export function registerResidual(program: Command): void {
  void program;
}
