// Preloaded into benchmarked CLI runs (`node --require bench/rss.cjs …`): reports the process's
// peak resident set size on stderr when it exits, so the benchmark can record memory per step.
process.on('exit', () => {
  try {
    require('node:fs').writeSync(2, `\nbench-rss-kb: ${process.resourceUsage().maxRSS}\n`);
  } catch {
    // stderr closed: nothing to report to
  }
});
