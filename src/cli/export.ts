/**
 * `revenant export --format bloodhound [--out FILE]`: a snapshot of the embedded store as
 * BloodHound OpenGraph JSON (src/export/bloodhoundOpenGraph.ts), with the residual-access findings
 * as node properties, for BloodHound CE's file upload. The latest snapshot unless `--snapshot`.
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a snapshot for another tool (bloodhound: BloodHound OpenGraph JSON, findings as node properties)')
    .requiredOption('--format <format>', 'bloodhound')
    .option('--out <file>', 'output file (default: revenant-<snapshot>.opengraph.json)')
    .option('--snapshot <id>', 'snapshot id or a unique prefix (default: the latest)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .action(async (o: { format: string; out?: string; snapshot?: string; store?: string }) => {
      if (o.format !== 'bloodhound') throw new InputError(`export: --format must be bloodhound (got ${JSON.stringify(o.format)})`, { field: '--format' });
      const [{ Store }, { SnapshotDb }, { readStoredFindings }, { writeOpenGraph }] = await Promise.all([
        import('../store/Store.js'),
        import('../store/SnapshotDb.js'),
        import('../store/storedFindings.js'),
        import('../export/bloodhoundOpenGraph.js'),
      ]);
      const store = new Store(o.store);
      const id = store.resolve(o.snapshot);
      const db = new SnapshotDb(store.pathOf(id));
      try {
        const out = o.out ?? `revenant-${id}.opengraph.json`;
        const r = await writeOpenGraph(db, readStoredFindings(db), out);
        process.stderr.write(`export: snapshot ${id}: ${r.nodes} nodes, ${r.edges} edges as BloodHound OpenGraph JSON in ${out} (upload it in BloodHound CE: Administration > File Ingest)\n`);
      } finally {
        db.close();
      }
    });
}
