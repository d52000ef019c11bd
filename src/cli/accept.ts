/**
 * `revenant accept FINDING_ID --reason … --until DATE --by NAME`: records an accepted risk for one
 * finding of the latest snapshot in the store folder (acceptances.json); reports show it apart
 * until the date, then it is open again. `--list` shows the records; `--revoke` ends one early.
 */
import type { Command } from 'commander';
import { InputError, NotFoundError } from '../model/errors.js';
import { formatOf, writeOut } from './options.js';

interface AcceptCliOptions {
  reason?: string;
  until?: string;
  by?: string;
  store?: string;
  list?: boolean;
  revoke?: boolean;
  format?: string;
}

export function registerAccept(program: Command): void {
  program
    .command('accept')
    .description('accept the risk of one finding until a date (shown apart in reports, open again after the date)')
    .argument('[finding-id]', 'the finding id (32 hex digits, or a unique prefix of at least 8) from findings.csv or --format json')
    .option('--reason <text>', 'why the risk is accepted')
    .option('--until <date>', 'ISO-8601 date or date-time the acceptance ends')
    .option('--by <name>', 'who accepts the risk')
    .option('--revoke', 'end the acceptance of this finding now (needs --by)')
    .option('--list', 'list every acceptance record')
    .option('--format <format>', 'table or json (with --list)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .action(async (findingArg: string | undefined, o: AcceptCliOptions) => {
      const [{ Store }, acc, { SnapshotDb }, { readStoredFindings }, { table }] = await Promise.all([
        import('../store/Store.js'),
        import('../reports/acceptances.js'),
        import('../store/SnapshotDb.js'),
        import('../store/storedFindings.js'),
        import('./renderFindings.js'),
      ]);
      const store = new Store(o.store);
      if (o.list) {
        const file = acc.readAcceptances(store.dir);
        if (formatOf(o.format) === 'json') await writeOut(`${JSON.stringify(file, null, 2)}\n`);
        else if (file.acceptances.length === 0) await writeOut(`no acceptances in ${acc.acceptancesPath(store.dir)}\n`);
        else
          await writeOut(
            `${table(
              ['FINDING', 'UNTIL', 'BY', 'RECORDED', 'RULE', 'SUBJECT', 'REASON'],
              file.acceptances.map((a) => [a.finding, a.revoked ? 'revoked' : a.until, a.by, a.recordedAt, a.rule ?? '', a.subject ?? '', a.reason]),
              60,
            )}\n`,
          );
        return;
      }
      if (!findingArg) throw new InputError('accept: name a finding id (or use --list)', { field: 'FINDING_ID' });
      const latest = store.resolve();
      const db = new SnapshotDb(store.pathOf(latest));
      let doc;
      try {
        doc = readStoredFindings(db);
      } finally {
        db.close();
      }
      const want = findingArg.trim().toLowerCase();
      if (!/^[0-9a-f]{8,32}$/.test(want)) throw new InputError(`accept: ${JSON.stringify(findingArg)} is not a finding id (32 hex digits, or a unique prefix of at least 8)`, { field: 'FINDING_ID' });
      const matches = doc.findings.filter((f) => f.id.startsWith(want));
      if (matches.length !== 1) {
        throw new NotFoundError(
          matches.length
            ? `accept: ${want} matches ${matches.length} findings; give more digits`
            : `accept: no finding ${want} in the latest snapshot ${latest} (ids are in findings.csv and \`revenant residual --all --format json\`)`,
        );
      }
      const f = matches[0];
      const about = { rule: f.rule, subject: `${f.subject.source}:${f.subject.name}`, via: `${f.via.kind}:${f.via.name}` };
      if (o.revoke) {
        if (!o.by?.trim()) throw new InputError('accept: --revoke needs --by (who revokes it)', { field: '--by' });
        const cur = acc.currentAcceptances(acc.readAcceptances(store.dir)).get(f.id);
        if (!cur) throw new NotFoundError(`accept: finding ${f.id} has no acceptance to revoke`);
        acc.appendAcceptance(store.dir, { finding: f.id, reason: o.reason?.trim() || 'revoked', until: new Date(Date.parse(doc.at)).toISOString(), by: o.by.trim(), revoked: true, ...about });
        process.stderr.write(`acceptance of finding ${f.id} revoked\n`);
        return;
      }
      const rec = acc.checkAcceptance({ finding: f.id, reason: o.reason, until: o.until, by: o.by }, Date.parse(doc.at));
      const saved = acc.appendAcceptance(store.dir, { ...rec, ...about });
      process.stderr.write(`accepted finding ${f.id} (${f.rule}, ${f.status}, ${f.subject.name} via ${f.via.name}) until ${saved.until}, by ${saved.by}\n`);
      await writeOut(`${f.id}\n`);
    });
}
