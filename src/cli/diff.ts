/** `revenant diff [A] [B]`: findings new, resolved, persisting, changed (regressions) and coverage lost between two snapshots. */
import type { Command } from 'commander';
import { formatOf, writeOut } from './options.js';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('findings that appeared, were resolved, persisted or changed status between two snapshots (default: the last two)')
    .argument('[from]', 'earlier snapshot id (default: the one before B)')
    .argument('[to]', 'later snapshot id (default: the latest)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--format <format>', 'table or json')
    .action(async (from: string | undefined, to: string | undefined, o: { store?: string; format?: string }) => {
      const [{ Store }, { diffSnapshots }, { tableLines }, { jsonChunks, withNewline }] = await Promise.all([
        import('../store/Store.js'),
        import('../../queries/diff.js'),
        import('./renderFindings.js'),
        import('../output/jsonChunks.js'),
      ]);
      const d = diffSnapshots(new Store(o.store), from, to);
      if (formatOf(o.format) === 'json') {
        await writeOut(withNewline(jsonChunks(d, 2, 4))); // down to each finding of a coverage loss
        return;
      }
      const lines: string[] = [`diff ${d.from ?? '(nothing)'} → ${d.to}`];
      lines.push(
        `${d.new.length} new, ${d.resolved.length} resolved, ${d.persisting.length} persisting, ${d.changed.length} changed status (${d.changed.filter((c) => c.regression).length} regressions), ` +
          `${d.coverageLost.reduce((n, c) => n + c.findings.length, 0)} no longer visible because coverage was lost`,
      );
      const rows: string[][] = [
        ...d.changed.filter((c) => c.regression).map((c) => ['REGRESSED', c.after.severity, `${c.before.status}→${c.after.status}`, c.after.rule, c.after.subject.name, c.after.via.name]),
        ...d.new.map((f) => ['new', f.severity, f.status, f.rule, f.subject.name, f.via.name]),
        ...d.changed.filter((c) => !c.regression).map((c) => ['changed', c.after.severity, `${c.before.status}→${c.after.status}`, c.after.rule, c.after.subject.name, c.after.via.name]),
        ...d.resolved.map((f) => ['resolved', f.severity, f.status, f.rule, f.subject.name, f.via.name]),
      ];
      const tail: string[] = [];
      for (const c of d.coverageLost) {
        tail.push('', `COVERAGE LOST ${c.sourceKey}: datasets ${c.datasets.join(', ') || '-'}; rules now uncovered ${c.rules.join(', ') || '-'}`);
        for (const f of c.findings) tail.push(`  not visible any more (not resolved): ${f.rule} ${f.subject.name} via ${f.via.name}`);
      }
      await writeOut(
        (function* () {
          yield `${lines.join('\n')}\n`;
          if (rows.length) {
            yield '\n';
            yield* tableLines(['CHANGE', 'SEVERITY', 'STATUS', 'RULE', 'SUBJECT', 'VIA'], rows);
          }
          if (tail.length) yield `${tail.join('\n')}\n`;
        })(),
      );
    });
}
