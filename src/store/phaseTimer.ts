/**
 * Phase timings of a long command on stderr (`timing: <phase> <seconds> s`) when REVENANT_TIMING
 * is set: each call reports the time since the previous one. `load` uses it for its phases
 * (bench/scale.mjs records them).
 */
export function phaseTimer(): (what: string) => void {
  let last = performance.now();
  return (what) => {
    if (!process.env.REVENANT_TIMING) return;
    const now = performance.now();
    process.stderr.write(`timing: ${what} ${((now - last) / 1000).toFixed(2)} s\n`);
    last = now;
  };
}
