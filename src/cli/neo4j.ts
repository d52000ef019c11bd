/**
 * `revenant neo4j import [--snapshot ID] --neo4j-home DIR`: the offline first load of a new Neo4j
 * database (src/store/neo4jImport.ts): a snapshot of the embedded store (the latest by default,
 * as `revenant load --store` just wrote it) goes through `neo4j-admin database import full` with
 * the server stopped, then the server is started and the snapshot becomes Neo4j's latest. A
 * database that holds data is refused (`load --neo4j` adds snapshots to it). Prints the id.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { neo4jTarget } from '../store/neo4jTarget.js';
import { NEO4J_DATABASE_HELP } from './options.js';

interface ImportFlags {
  store?: string;
  snapshot?: string;
  neo4j?: string;
  neo4jDatabase?: string;
  neo4jHome?: string;
  neo4jAdmin?: string;
  neo4jStart?: string;
  neo4jStop?: string;
  startTimeout: string;
}

/** `<home>/bin/<name>` when it exists (a Neo4j tarball's layout). */
function homeBin(home: string, name: string): string | undefined {
  const p = path.join(home, 'bin', name);
  return fs.existsSync(p) ? p : undefined;
}

export function registerNeo4j(program: Command): void {
  const neo = program.command('neo4j').description('Neo4j engine tools');
  neo
    .command('import')
    .description('first load of a new Neo4j database, offline through neo4j-admin database import (far faster than load --neo4j); prints the snapshot id')
    .option('--store <path>', 'embedded store folder the snapshot is read from (default: $REVENANT_STORE or ./.revenant)')
    .option('--snapshot <id>', 'the embedded snapshot to import (default: the latest)')
    .option('--neo4j <uri>', 'Bolt URI of the server after the import (default: $NEO4J_URI; auth from $NEO4J_USER/$NEO4J_PASSWORD)')
    .option('--neo4j-database <name>', `${NEO4J_DATABASE_HELP}; its files are <home>/data/databases/<name> (default name: neo4j)`)
    .option('--neo4j-home <dir>', "the server's NEO4J_HOME (required)")
    .option('--neo4j-admin <path>', 'the neo4j-admin executable (default: <home>/bin/neo4j-admin)')
    .option('--neo4j-start <command>', "shell command that starts the server and returns (default: '<home>/bin/neo4j start')")
    .option('--neo4j-stop <command>', "shell command that stops the server, when it runs (default: '<home>/bin/neo4j stop')")
    .option('--start-timeout <seconds>', 'how long to wait for Bolt after starting the server', '300')
    .action(async (o: ImportFlags) => {
      const target = neo4jTarget({ neo4j: o.neo4j, neo4jDatabase: o.neo4jDatabase });
      if (!target) throw new InputError('neo4j import: give the Bolt URI of the server after the import with --neo4j or NEO4J_URI', { field: '--neo4j' });
      if (!o.neo4jHome) throw new InputError("neo4j import: --neo4j-home DIR is required (the server's NEO4J_HOME)", { field: '--neo4j-home' });
      const home = path.resolve(o.neo4jHome);
      const admin = o.neo4jAdmin ?? homeBin(home, 'neo4j-admin');
      if (!admin) throw new InputError(`neo4j import: no ${path.join(home, 'bin', 'neo4j-admin')}: give the neo4j-admin executable with --neo4j-admin`, { field: '--neo4j-admin' });
      const server = homeBin(home, 'neo4j');
      const start = o.neo4jStart ?? (server ? `'${server}' start` : undefined);
      if (!start) throw new InputError(`neo4j import: no ${path.join(home, 'bin', 'neo4j')}: give the command that starts the server with --neo4j-start`, { field: '--neo4j-start' });
      const stop = o.neo4jStop ?? (server ? `'${server}' stop` : undefined);
      const timeout = Number(o.startTimeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new InputError('--start-timeout: must be a number of seconds', { field: '--start-timeout' });

      const [{ Store }, { SnapshotDb }, { importSnapshot }] = await Promise.all([import('../store/Store.js'), import('../store/SnapshotDb.js'), import('../store/neo4jImport.js')]);
      const store = new Store(o.store);
      const id = store.resolve(o.snapshot);
      const started = Date.now();
      const sdb = new SnapshotDb(store.pathOf(id));
      let r;
      try {
        r = await importSnapshot(sdb, id, {
          target,
          home,
          admin,
          start,
          stop,
          startTimeoutMs: timeout * 1000,
          onPhase: (m) => process.stderr.write(`revenant: neo4j import: ${m}\n`),
        });
      } catch (e) {
        process.stderr.write(`revenant: importing snapshot ${id} into Neo4j failed; nothing of it is left in Neo4j\n`);
        throw e;
      } finally {
        sdb.close();
      }
      const s = r.seconds;
      process.stderr.write(
        `imported snapshot ${id} into Neo4j at ${target.uri.replace(/^([a-z0-9+]+:\/\/)[^@/]*@/i, '$1')}: ${r.nodes} nodes, ${r.edges} relationships, ${r.findings} findings` +
          `${r.fixups ? ` (${r.fixups} values set over Bolt)` : ''}; in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
          `(stop ${s.stop} s, csv ${s.csv} s, neo4j-admin ${s.import} s, start ${s.start} s, schema and finish ${s.finish} s)\n`,
      );
      // As after `load --neo4j`: the first query would otherwise pay Neo4j's planning.
      const [{ openNeo4jStore }, { warmNeo4jPlans, warmMessage }] = await Promise.all([import('../store/neo4jOpen.js'), import('../../queries/warmPlans.js')]);
      const opened = await openNeo4jStore(target);
      try {
        process.stderr.write(`revenant: ${warmMessage(await warmNeo4jPlans(opened.store, id))}\n`);
      } finally {
        await opened.driver.close();
      }
      process.stdout.write(`${id}\n`);
    });
}
