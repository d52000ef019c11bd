/** `revenant residual [SUBJECT...] [--all]`: residual-access findings for named subjects or every departed account. */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { ExitCode, ExitWith } from './exit.js';
import { withEngine } from './openEngine.js';
import { addAnalysisOptions, type AnalysisOptions, formatOf, parseAt, parseFailOn, writeOut } from './options.js';

interface ResidualCliOptions extends AnalysisOptions {
  all?: boolean;
}

export function registerResidual(program: Command): void {
  const cmd = program
    .command('residual')
    .description('residual-access findings for the named subjects (id, UPN, login or mail) or every departed subject')
    .argument('[subject...]', 'accounts to analyse (prefix entra: or okta: to pick a source)')
    .option('--all', 'every departed subject');
  addAnalysisOptions(cmd).action(async (names: string[], o: ResidualCliOptions) => {
    if (!o.all && names.length === 0 && !(o.assumeDeparted?.length)) {
      throw new InputError('residual: name one or more subjects, or pass --all (or --assume-departed SUBJECT for a what-if)');
    }
    const at = parseAt(o.at);
    const failOn = parseFailOn(o.failOn);
    const format = formatOf(o.format);
    const opts = { subjects: names, all: o.all, at, assumeDeparted: o.assumeDeparted };
    const doc = await withEngine(o, (engine) => engine.whatIf(opts));
    // Only the chosen format's writer is loaded (a one-subject query starts faster).
    if (format === 'json') {
      const { jsonChunks, withNewline } = await import('../output/jsonChunks.js');
      await writeOut(withNewline(jsonChunks(doc, 2)));
    } else if (format === 'csv') {
      const { residualCsvChunks } = await import('../reports/csv.js');
      await writeOut(residualCsvChunks(doc.findings));
    } else {
      const { findingsTableChunks } = await import('./renderFindings.js');
      await writeOut(findingsTableChunks(doc));
    }
    if (failOn) {
      const sev = await import('../analysis/severity.js');
      const hit = doc.findings.some((f) =>
        failOn.kind === 'status'
          ? sev.STATUS_RANK[f.status] <= sev.STATUS_RANK[failOn.value as keyof typeof sev.STATUS_RANK]
          : sev.SEVERITY_RANK[f.severity] <= sev.SEVERITY_RANK[failOn.value as keyof typeof sev.SEVERITY_RANK],
      );
      if (hit) throw new ExitWith(ExitCode.failOn);
    }
  });
}
