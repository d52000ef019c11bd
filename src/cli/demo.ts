/**
 * `revenant demo`: the main job with nothing to configure. Synthesizes a ~2,000-user tenant
 * (Entra, Okta and an HR roster; in a temporary folder, or --out), loads it into the embedded
 * store as a snapshot, prints what remains for the people who left — departed subjects, live
 * findings by rule and severity, the ten worst paths drawn as text — writes the periodic report
 * beside the collection, and says what to run next.
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { writeOut } from './options.js';

interface DemoOptions {
  out?: string;
  users: string;
  seed: string;
  store?: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('synthesize a ~2,000-user tenant, load it, and show what outlives the people who left')
    .option('--out <dir>', 'where to write the synthetic collection (default: a temporary folder)')
    .option('--users <n>', 'number of people', '2000')
    .option('--seed <s>', 'seed of the synthetic tenant', '42')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .action(async (o: DemoOptions) => {
      const users = Number(o.users);
      if (!Number.isInteger(users) || users < 50 || users > 100_000) throw new InputError('demo: --users must be a whole number from 50 to 100000');
      const started = Date.now();
      const [{ mkdtempSync }, { tmpdir }, path, { synthesize }, { Store }, { loadSnapshot }, { SnapshotDb }, { readStoredFindings }, { renderSteps }, { table }, { writeReport }] =
        await Promise.all([
          import('node:fs'),
          import('node:os'),
          import('node:path'),
          import('../../ingest/synth/synthesize.js'),
          import('../store/Store.js'),
          import('../../queries/loadSnapshot.js'),
          import('../store/SnapshotDb.js'),
          import('../store/storedFindings.js'),
          import('./renderPaths.js'),
          import('./renderFindings.js'),
          import('../reports/writeReport.js'),
        ]);
      const out = o.out ?? path.join(mkdtempSync(path.join(tmpdir(), 'revenant-demo-')), 'collection');
      const say = (s: string) => process.stderr.write(`${s}\n`);
      say(`1/3 synthesizing a ${users}-person tenant (Entra ID, Okta, HR roster) into ${out}`);
      const synth = await synthesize({ users, seed: o.seed, out });
      const store = new Store(o.store);
      say(`2/3 loading it into the embedded store ${store.dir} and analysing every departed account`);
      const loaded = await loadSnapshot(store, [out]);
      const reportDir = path.join(path.dirname(out), 'report');
      say(`3/3 writing the report to ${reportDir}`);
      const db = new SnapshotDb(store.pathOf(loaded.id));
      let doc;
      try {
        doc = readStoredFindings(db);
      } finally {
        db.close();
      }
      await writeReport({ out: reportDir, store: o.store, snapshot: loaded.id, record: false });
      const departed = doc.subjects.filter((s) => s.departed);
      const closed = departed.filter((s) => s.closed).length;
      const live = doc.findings.filter((f) => f.status === 'live');
      const lines: string[] = [];
      lines.push('');
      lines.push(`Revenant demo — snapshot ${loaded.id}, analysed at ${doc.at}`);
      lines.push(
        `${synth.stats.accounts.entra + synth.stats.accounts.okta} accounts (${synth.stats.accounts.entra} Entra, ${synth.stats.accounts.okta} Okta), ` +
          `${synth.stats.accounts.hr} HR records, ${loaded.summary.edges} relationships`,
      );
      lines.push(
        `${departed.length} departed accounts: ${closed} closed (nothing left), ${departed.length - closed} with residual access — ` +
          `${doc.findings.length} findings, ${live.length} of them live`,
      );
      const byRule = new Map<string, Record<string, number>>();
      for (const f of doc.findings) {
        const r = byRule.get(f.rule) ?? byRule.set(f.rule, { critical: 0, high: 0, medium: 0, low: 0, live: 0 }).get(f.rule)!;
        r[f.severity]++;
        if (f.status === 'live') r.live++;
      }
      lines.push('', 'Findings by rule and severity:');
      lines.push(
        table(
          ['RULE', 'LIVE', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW'],
          [...byRule.entries()].map(([rule, r]) => [rule, String(r.live), String(r.critical), String(r.high), String(r.medium), String(r.low)]),
        ),
      );
      lines.push('', 'The ten worst paths:');
      for (const [i, f] of doc.findings.slice(0, 10).entries()) {
        lines.push(`${String(i + 1).padStart(2)}. [${f.severity} ${f.status}] ${f.rule} — ${f.subject.name}${f.reaches.tier0 ? ' — reaches TIER 0' : ''}`);
        lines.push(`    ${renderSteps(f.path)}`);
        if (f.reaches.privileges.length) lines.push(`    reaches: ${f.reaches.privileges.slice(0, 3).join('; ')}${f.reaches.privileges.length > 3 ? ' …' : ''}`);
        lines.push(`    fix: ${f.remediation[0]}`);
      }
      const worst = doc.findings[0];
      const storeOpt = o.store ? ` --store ${o.store}` : '';
      lines.push('', `Report: ${path.join(reportDir, 'report.html')} (open it in a browser; CSV and JSON beside it)`);
      lines.push('', `Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Next:`);
      lines.push(`  revenant residual --all${storeOpt}                      every finding (add --format json or csv)`);
      if (worst) lines.push(`  revenant residual ${worst.subject.name}${storeOpt}    one leaver, with evidence and remediation`);
      if (worst) lines.push(`  revenant blast-radius ${worst.subject.source}:${worst.subject.name}${storeOpt}  everything that account could reach`);
      lines.push(`  revenant residual <someone> --assume-departed <someone>${storeOpt}   what-if: what would remain if they left today`);
      lines.push(`  revenant collect entra --tenant <id> / collect okta --org-url <url>   the same for your own tenant`);
      lines.push('', 'Analyst console (leavers board, person view, graph explorer, what-if) on this snapshot:');
      lines.push(`  revenant serve${storeOpt}    then open the sign-in link it prints (http://127.0.0.1:8080/login?token=…)`);
      await writeOut(`${lines.join('\n')}\n`);
    });
}
