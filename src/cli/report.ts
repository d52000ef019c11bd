/**
 * `revenant report [--out DIR] [--since SNAPSHOT|DATE] [--sla DURATION] [--fail-on STATUS]`:
 * the periodic blast-radius and closure report (report.html, report.json, findings.csv,
 * leavers.csv) of the latest (or a named) snapshot, compared with the previous report's snapshot.
 * Exits 3 when --fail-on matches an open (not accepted) finding, after writing the files.
 */
import type { Command } from 'commander';
import { ExitCode, ExitWith } from './exit.js';
import { parseFailOn } from './options.js';

interface ReportCliOptions {
  out: string;
  store?: string;
  snapshot?: string;
  since?: string;
  sla: string;
  failOn?: string;
  record: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the periodic residual-access and closure report (report.html, report.json, findings.csv, leavers.csv)')
    .option('--out <dir>', 'output folder', 'revenant-report')
    .option('--since <snapshot|date>', 'compare with this snapshot, or with the last snapshot at or before this date (default: the previous report\'s snapshot, else the previous snapshot)')
    .option('--sla <duration>', 'time allowed from termination to disable, e.g. 24h, 4h, 3d, PT8H', '24h')
    .option('--fail-on <status|severity>', 'exit 3 if an open (not accepted) finding has this status or worse (live > window > unverified > dormant), or this severity or worse')
    .option('--snapshot <id>', 'snapshot to report (default: the latest)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--no-record', 'do not record this report in the store (the next report then compares with an earlier one)')
    .action(async (o: ReportCliOptions) => {
      const failOn = parseFailOn(o.failOn);
      const [{ writeReport }, sev, { parseDuration }] = await Promise.all([
        import('../reports/writeReport.js'),
        import('../analysis/severity.js'),
        import('../reports/duration.js'),
      ]);
      parseDuration(o.sla); // bad usage before any work
      const tty = process.stderr.isTTY && !process.env.CI;
      const started = Date.now();
      const res = await writeReport({
        out: o.out,
        store: o.store,
        snapshot: o.snapshot,
        since: o.since,
        sla: o.sla,
        record: o.record,
        onProgress: tty ? (stage) => process.stderr.write(`\r\x1b[K${stage} (${((Date.now() - started) / 1000).toFixed(1)} s)`) : undefined,
      });
      if (tty) process.stderr.write('\r\x1b[K');
      const s = res.doc.summary;
      process.stderr.write(
        `report of snapshot ${res.doc.snapshot} written to ${res.out} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
          `${s.leaversInPeriod} leavers in the period (${s.closedInPeriodPct ?? '–'}% closed), ${s.liveNow} live paths (${s.liveTier0Now} to tier 0), ` +
          `${s.new} new, ${s.resolved} resolved, ${s.regressed} regressed, ${s.coverageLost.findings} no longer visible (coverage lost), ${s.accepted} accepted\n`,
      );
      process.stdout.write(`${res.files.map((f) => `${res.out}/${f.name}`).join('\n')}\n`);
      if (failOn) {
        const open = res.doc.findings.filter((f) => f.acceptance?.state !== 'accepted');
        const hit = open.some((f) =>
          failOn.kind === 'status'
            ? sev.STATUS_RANK[f.status] <= sev.STATUS_RANK[failOn.value as keyof typeof sev.STATUS_RANK]
            : sev.SEVERITY_RANK[f.severity] <= sev.SEVERITY_RANK[failOn.value as keyof typeof sev.SEVERITY_RANK],
        );
        if (hit) throw new ExitWith(ExitCode.failOn);
      }
    });
}
