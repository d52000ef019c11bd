/**
 * `revenant snapshots [--prune N] [--neo4j URI]`: lists the snapshots in the store (oldest
 * first), or removes all but the newest N. With Neo4j (`--neo4j` or NEO4J_URI), the snapshots in
 * Neo4j: only complete ones are listed, the latest marked; pruning also removes loads that died.
 */
import { type Command, Option } from 'commander';
import { InputError } from '../model/errors.js';
import { neo4jTarget } from '../store/neo4jTarget.js';
import { NEO4J_DATABASE_HELP, NEO4J_OPTION_HELP, formatOf, writeOut } from './options.js';

function keepOf(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError('--prune: must be a whole number of snapshots to keep (1 or more)', { field: '--prune' });
  return n;
}

export function registerSnapshots(program: Command): void {
  program
    .command('snapshots')
    .description('list the snapshots in the store (oldest first), or prune old ones')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--neo4j <uri>', NEO4J_OPTION_HELP)
    .option('--neo4j-database <name>', NEO4J_DATABASE_HELP)
    .option('--prune <n>', 'remove all but the newest N snapshots (a kept delta whose base goes is compacted first)')
    .option('--compact [id]', 'fold a delta snapshot (default: the latest) and the chain under it into a full snapshot with the same id')
    .option('--format <format>', 'table or json')
    // The server's time catch-up child (src/api/events/catchUpInChild.ts): not for people.
    .addOption(new Option('--catch-up <id>', 'analyse again the units of a snapshot whose answer time alone changed').hideHelp())
    .addOption(new Option('--catch-up-at <iso>', 'the instant to analyse them at').hideHelp())
    .addOption(new Option('--catch-up-out <file>', 'where to write them').hideHelp())
    .action(async (o: { store?: string; neo4j?: string; prune?: string; compact?: string | boolean; format?: string; catchUp?: string; catchUpAt?: string; catchUpOut?: string }) => {
      // The server's catch-up reads its embedded store, whatever Neo4j the environment names.
      if (o.catchUp !== undefined) {
        const at = Date.parse(o.catchUpAt ?? '');
        if (Number.isNaN(at) || !o.catchUpOut) throw new InputError('--catch-up needs --catch-up-at <iso> and --catch-up-out <file>', { field: '--catch-up' });
        const { catchUpUnits, writeCaughtUp } = await import('../../queries/timeCatchUp.js');
        const { Store } = await import('../store/Store.js');
        const store = new Store(o.store);
        const id = store.resolve(o.catchUp);
        const started = Date.now();
        const caught = catchUpUnits(store, id, at);
        const cpu = process.cpuUsage();
        caught.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
        writeCaughtUp(o.catchUpOut, caught);
        process.stderr.write(`caught up ${caught.units.size} unit${caught.units.size === 1 ? '' : 's'} of snapshot ${id} to ${new Date(at).toISOString()} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        return;
      }
      const keep = o.prune === undefined ? undefined : keepOf(o.prune);
      const target = neo4jTarget(o);
      const { table } = await import('./renderFindings.js');
      if (target) {
        const { openNeo4jStore } = await import('../store/neo4jOpen.js');
        const { store, driver } = await openNeo4jStore(target);
        try {
          if (keep !== undefined) {
            const removed = await store.prune(keep);
            process.stderr.write(`removed ${removed.length} snapshot${removed.length === 1 ? '' : 's'} from Neo4j${removed.length ? `: ${removed.join(', ')}` : ''}\n`);
            return;
          }
          const list = await store.list();
          if (formatOf(o.format) === 'json') {
            await writeOut(`${JSON.stringify({ neo4j: store.uri, snapshots: list }, null, 2)}\n`);
            return;
          }
          if (list.length === 0) {
            await writeOut(`no snapshots in Neo4j at ${store.uri} (run \`revenant load <collection> --neo4j ${store.uri}\`)\n`);
            return;
          }
          await writeOut(
            `${table(
              ['SNAPSHOT', 'CREATED', 'COLLECTED', 'NODES', 'EDGES', 'SOURCES'],
              list.map((s) => [`${s.id}${s.latest ? ' (latest)' : ''}`, s.createdAt, s.collectedAt, String(s.nodes), String(s.edges), s.sources.map((x) => `${x.source}:${x.tenant}`).join(' ')]),
              80,
            )}\n`,
          );
        } finally {
          await driver.close();
        }
        return;
      }
      const { Store } = await import('../store/Store.js');
      const store = new Store(o.store);
      if (o.compact !== undefined) {
        const id = store.resolve(typeof o.compact === 'string' ? o.compact : undefined);
        const started = Date.now();
        const done = store.compact(id);
        process.stderr.write(done ? `compacted snapshot ${id} into a full snapshot in ${((Date.now() - started) / 1000).toFixed(1)} s\n` : `snapshot ${id} is already a full snapshot\n`);
        return;
      }
      if (keep !== undefined) {
        const removed = store.prune(keep);
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
          ['SNAPSHOT', 'KIND', 'CREATED', 'COLLECTED', 'NODES', 'EDGES', 'SOURCES'],
          list.map((s) => [s.id, s.base ? `delta on ${s.base}` : 'full', s.createdAt, s.collectedAt, String(s.nodes), String(s.edges), s.sources.map((x) => `${x.source}:${x.tenant}`).join(' ')]),
          80,
        )}\n`,
      );
    });
}
