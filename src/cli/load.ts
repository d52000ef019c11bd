/** `revenant load DIR...`: loads collections into the store as one new snapshot and prints its id. */
import type { Command } from 'commander';

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('load collections into the store as one new snapshot; prints its id')
    .argument('<dir...>', 'collection folders (one folder per source, each with manifest.json)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .action(async (dirs: string[], o: { store?: string }) => {
      const [{ Store }, { loadProgress }, { loadSnapshot }] = await Promise.all([
        import('../store/Store.js'),
        import('./progress.js'),
        import('../../queries/loadSnapshot.js'),
      ]);
      const store = new Store(o.store);
      const progress = loadProgress();
      const started = Date.now();
      let result;
      try {
        result = await loadSnapshot(store, dirs, progress.onProgress);
      } finally {
        progress.stop();
      }
      const { id, summary, findings, departed } = result;
      for (const w of summary.warnings) process.stderr.write(`revenant: warning: ${w}\n`);
      process.stderr.write(
        `loaded ${summary.objects} objects from ${summary.sources.length} source${summary.sources.length === 1 ? '' : 's'} ` +
          `(${summary.sources.map((s) => `${s.source} ${s.tenant}`).join(', ')}) into snapshot ${id}: ` +
          `${summary.nodes} nodes, ${summary.edges} edges, ${summary.persons} persons; ${departed} departed subjects, ${findings} findings; ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      process.stdout.write(`${id}\n`);
    });
}
