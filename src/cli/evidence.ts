/**
 * `revenant evidence SUBJECT [--out DIR]`: the per-leaver attestation (JSON + HTML, and PDF when a
 * Chromium is installed) — inputs and their hashes, the timeline across snapshots, final status.
 */
import type { Command } from 'commander';
import { writeOut } from './options.js';

interface EvidenceCliOptions {
  out: string;
  store?: string;
  snapshot?: string;
  pdf?: boolean;
  requirePdf?: boolean;
}

export function registerEvidence(program: Command): void {
  program
    .command('evidence')
    .description('write a leaver\'s attestation (JSON, HTML, and PDF when Chromium is installed): inputs with hashes, timeline, final status')
    .argument('<subject>', 'the leaver: account id, UPN, login, mail, or HR employee id (every correlated account is included)')
    .option('--out <dir>', 'output folder', 'revenant-evidence')
    .option('--snapshot <id>', 'status as of this snapshot (default: the latest)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--no-pdf', 'do not print a PDF')
    .option('--require-pdf', 'fail when no Chromium is available for the PDF')
    .action(async (subject: string, o: EvidenceCliOptions) => {
      const { writeEvidence } = await import('../reports/writeEvidence.js');
      const res = await writeEvidence({ subject, out: o.out, store: o.store, snapshot: o.snapshot, pdf: o.pdf === false ? 'never' : o.requirePdf ? 'always' : 'auto' });
      if (res.pdfSkipped) process.stderr.write(`revenant: PDF skipped: ${res.pdfSkipped}\n`);
      const a = res.attestation;
      process.stderr.write(`${a.person?.name ?? subject}: ${a.final.status} (${a.final.why}); ${a.timeline.length} timeline events over ${a.inputs.length} snapshot${a.inputs.length === 1 ? '' : 's'}\n`);
      await writeOut(`${res.files.join('\n')}\n`);
    });
}
