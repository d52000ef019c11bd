/** `revenant snapshots [--prune N]`: lists the snapshots in the store (newest last), or removes all but the newest N. */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { formatOf, writeOut } from './options.js';

export function registerSnapshots(program: Command): void {
  program
    .command('snapshots')
    .description('list the snapshots in the store (oldest first), or prune old ones')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--prune <n>', 'remove all but the newest N snapshots')
    .option('--format <format>', 'table or json')
    .action(async (o: { store?: string; prune?: string; format?: string }) => {
      const [{ Store }, { table }] = await Promise.all([import('../store/Store.js'), import('./renderFindings.js')]);
      const store = new Store(o.store);
      if (o.prune !== undefined) {
        const n = Number(o.prune);
        if (!Number.isInteger(n) || n < 1) throw new InputError('--prune: must be a whole number of snapshots to keep (1 or more)', { field: '--prune' });
        const removed = store.prune(n);
        process.stderr.write(`removed ${removed.length} snapshot${removed.length === 1 ? '' : 's'}${removed.length ? `: ${removed.join(', ')}` : ''}\n`);
        return;
      }
      const list = store.list();
      if (formatOf(o.format) === 'json') {
        await writeOut(`${JSON.stringify({ store: store.dir, snapshots: list }, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        await writeOut(`no snapshots in ${store.dir} (run \`revenant load <collection>\`)\n`);
        return;
      }
      await writeOut(
        `${table(
          ['SNAPSHOT', 'CREATED', 'COLLECTED', 'NODES', 'EDGES', 'SOURCES'],
          list.map((s) => [s.id, s.createdAt, s.collectedAt, String(s.nodes), String(s.edges), s.sources.map((x) => `${x.source}:${x.tenant}`).join(' ')]),
          80,
        )}\n`,
      );
    });
}
