/**
 * Progress for long work (load, report): a cli-progress bar on a terminal (file, objects, rate,
 * ETA), nothing when stderr is not a terminal (cron, CI, pipes).
 */
import cliProgress from 'cli-progress';
import type { LoadProgress } from '../store/writeSnapshot.js';

export function loadProgress(): { onProgress?: (p: LoadProgress) => void; stop(): void } {
  if (!process.stderr.isTTY || process.env.CI) return { stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {file} |{bar}| {value}/{total} objects | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  let started = 0;
  return {
    onProgress(p) {
      if (p.file !== current) {
        if (current) bar.stop();
        current = p.file;
        started = Date.now();
        bar.start(p.expected ?? p.lines, 0, { file: p.file, rate: 0 });
      }
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      if (p.lines > bar.getTotal()) bar.setTotal(p.lines);
      bar.update(p.lines, { file: p.file, rate: Math.round(p.lines / secs) });
    },
    stop() {
      if (current) bar.stop();
    },
  };
}
