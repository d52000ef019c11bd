/** `revenant synth`: placeholder until its issue lands. */
import type { Command } from 'commander';

export function registerSynth(program: Command): void {
  void program;
}
