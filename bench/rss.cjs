// Preloaded into benchmarked CLI runs (`node --require bench/rss.cjs …`): reports the process's
// peak resident set size and the largest V8 heap seen (sampled every 100 ms while the event loop
// turns, and at exit) on stderr when it exits, so the benchmark can record memory per step.
const v8 = require('node:v8');
let heapPeak = 0;
const sample = () => {
  const h = v8.getHeapStatistics().used_heap_size;
  if (h > heapPeak) heapPeak = h;
};
setInterval(sample, 100).unref();
process.on('exit', () => {
  sample();
  try {
    require('node:fs').writeSync(2, `\nbench-rss-kb: ${process.resourceUsage().maxRSS}\nbench-heap-kb: ${Math.round(heapPeak / 1024)}\n`);
  } catch {
    // stderr closed: nothing to report to
  }
});
