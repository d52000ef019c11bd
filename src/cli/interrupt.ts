/**
 * Ctrl-C for a long command (`collect`, `remediate --apply`): the first SIGINT aborts the run's
 * signal and says what is kept, so the command can end cleanly (exit 130); a second one quits at
 * once. `dispose` removes the handler when the run is over.
 */
export const SIGINT_EXIT = 130;

export function onInterrupt(kept: string): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let interrupts = 0;
  const handler = () => {
    interrupts++;
    if (interrupts > 1) process.exit(SIGINT_EXIT);
    process.stderr.write(`\nrevenant: interrupted; ${kept} (Ctrl-C again to quit at once)\n`);
    controller.abort(new Error('interrupted (SIGINT)'));
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
