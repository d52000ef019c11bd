/**
 * `revenant load DIR... [--neo4j URI]`: loads collections into the store as one new snapshot and
 * prints its id. With Neo4j (`--neo4j` or NEO4J_URI), the snapshot is written to the embedded
 * store as always, then pushed into Neo4j under the same id; the server is checked first, so an
 * unreachable one fails in seconds, before any work; after the push the hot queries' plans are
 * warmed (queries/warmPlans.ts), so the first query does not pay Neo4j's planning.
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import type { Store } from '../store/Store.js';
import { neo4jTarget } from '../store/neo4jTarget.js';
import { NEO4J_DATABASE_HELP } from './options.js';
import type { loadProgress as LoadProgressFn } from './progress.js';

type OpenedNeo4j = Awaited<ReturnType<(typeof import('../store/neo4jOpen.js'))['openNeo4jStore']>>;

/** Push a snapshot of the embedded store into Neo4j under the same id (it becomes Neo4j's latest). */
async function pushToNeo4j(neo: OpenedNeo4j, store: Store, id: string, loadProgress: typeof LoadProgressFn): Promise<void> {
  const { SnapshotDb } = await import('../store/SnapshotDb.js');
  const pushStarted = Date.now();
  const sdb = new SnapshotDb(store.pathOf(id));
  const bar = loadProgress();
  let pushed;
  try {
    pushed = await neo.store.push(sdb, id, {
      onProgress: (p) => bar.onProgress?.({ file: `neo4j ${p.phase}`, lines: p.done, expected: p.total, done: false }),
    });
  } catch (e) {
    process.stderr.write(`revenant: snapshot ${id} is in the embedded store, but pushing it into Neo4j failed; Neo4j's latest snapshot is unchanged\n`);
    throw e;
  } finally {
    bar.stop();
    sdb.close();
  }
  process.stderr.write(
    `pushed snapshot ${id} into Neo4j at ${neo.store.uri}: ${pushed.nodes} nodes, ${pushed.edges} relationships, ${pushed.findings} findings` +
      (pushed.delta
        ? ` (a delta on ${pushed.delta.base}, applied in one transaction: ${pushed.delta.nodesWritten} nodes written, ${pushed.delta.nodesRemoved} removed, ${pushed.delta.edgesAdded} relationships added, ${pushed.delta.edgesRemoved} removed)`
        : '') +
      `; in ${((Date.now() - pushStarted) / 1000).toFixed(1)} s\n`,
  );
  // The first query after a load would otherwise pay Neo4j's planning (seconds): bounded, never fails the load.
  const { warmNeo4jPlans, warmMessage } = await import('../../queries/warmPlans.js');
  process.stderr.write(`revenant: ${warmMessage(await warmNeo4jPlans(neo.store, id))}\n`);
}

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('load collections into the store as one new snapshot; prints its id')
    .argument('<dir...>', 'collection folders (one folder per source, each with manifest.json)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--memory-budget <size>', 'refuse a load whose estimated memory exceeds this (e.g. 12G, or off; default: $REVENANT_MEMORY_BUDGET, else 85% of the memory available)')
    .option('--neo4j <uri>', 'also push the snapshot into Neo4j at this URI (bolt://, or neo4j:// / neo4j+s:// for a cluster or Aura; default: $NEO4J_URI unless --store is given; auth from $NEO4J_USER/$NEO4J_PASSWORD)')
    .option('--neo4j-database <name>', NEO4J_DATABASE_HELP)
    .option('--delta', 'write a delta snapshot on the latest one (only what changed; automatic for delta collections)')
    .option('--full', 'write a full snapshot even when a delta would do')
    .option('--base-snapshot <id>', 'the snapshot a delta snapshot builds on (default: the latest)')
    .action(async (dirs: string[], o: { store?: string; neo4j?: string; neo4jDatabase?: string; memoryBudget?: string; delta?: boolean; full?: boolean; baseSnapshot?: string }) => {
      if (o.memoryBudget !== undefined) {
        (await import('../store/memoryBudget.js')).setMemoryBudgetOption(o.memoryBudget);
      }
      const target = neo4jTarget(o);
      const neo = target ? await (await import('../store/neo4jOpen.js')).openNeo4jStore(target) : null;
      try {
        const [{ Store }, { loadProgress }, { loadSnapshot, loadDelta }, { wantsDelta }] = await Promise.all([
          import('../store/Store.js'),
          import('./progress.js'),
          import('../../queries/loadSnapshot.js'),
          import('../store/delta/wantsDelta.js'),
        ]);
        const store = new Store(o.store);
        if (neo) await neo.store.ensureSchema();
        const progress = loadProgress();
        const started = Date.now();
        if (o.delta && o.full) throw new InputError('load: --delta and --full exclude each other');
        const delta = !o.full && (o.delta || o.baseSnapshot !== undefined || wantsDelta(dirs)) && store.ids().length > 0;
        if (!o.full && !delta && wantsDelta(dirs)) throw new InputError('load: these are delta collections, and the store has no snapshot to apply them to: load their base collections first');
        let result;
        try {
          if (delta) {
            const d = await loadDelta(store, dirs, o.baseSnapshot, progress.onProgress);
            progress.stop();
            for (const w of d.summary.warnings) process.stderr.write(`revenant: warning: ${w}\n`);
            process.stderr.write(
              `loaded a delta on ${d.baseId} into snapshot ${d.id}: ${d.summary.upserts} lines added or changed, ${d.summary.removals} removed ` +
                `(${Object.entries(d.summary.modes).map(([k, m]) => `${k} ${m}`).join(', ')}); ${d.summary.changedNodes.size} nodes changed; ` +
                `${d.reanalysed} of ${d.units} analysis units re-analysed${d.full ? ` (${d.full})` : ''}; ${d.departed} departed subjects, ${d.findings} findings; ` +
                `in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
            );
            if (neo) await pushToNeo4j(neo, store, d.id, loadProgress);
            process.stdout.write(`${d.id}\n`);
            return;
          }
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
        if (neo) await pushToNeo4j(neo, store, id, loadProgress);
        process.stdout.write(`${id}\n`);
      } finally {
        await neo?.driver.close();
      }
    });
}
