/**
 * `revenant verify SUBJECT`: reads the subject's accounts again from the live tenants (the
 * per-subject collection), loads them on top of the latest snapshot as a new snapshot, and
 * reports which findings of the latest plan (or of the previous snapshot) are gone, which
 * remain and why, and which are new; the subject is closed only under the catalogue's rule.
 * Exit 3 when it is not closed (for scripts), like `--fail-on`.
 */
import { Option, type Command } from 'commander';
import { ExitCode, ExitWith } from './exit.js';
import { parseAt, writeOut } from './options.js';
import { type ConnectionCliOptions, addConnectionOptions } from './sourceConnections.js';

interface VerifyCliOptions extends ConnectionCliOptions {
  plan?: string;
  format?: string;
  store?: string;
  at?: string;
}

export function registerVerify(program: Command): void {
  const cmd = program
    .command('verify')
    .description('re-read a subject from the live tenants, re-analyse it on the latest snapshot, and report what is gone, what remains and why (exit 3 when not closed)')
    .argument('<subject>', 'the leaver: account id, UPN, login or mail, or an HR employee id')
    .option('--plan <id>', 'compare with this remediation plan (default: the subject’s latest plan, if any)')
    .addOption(new Option('--format <format>', 'table or json (default: table on a terminal, json otherwise)').choices(['table', 'json']))
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--at <iso-8601>', 'analysis time (default: the time the subject was read again)');
  addConnectionOptions(cmd).action(async (subject: string, o: VerifyCliOptions) => {
    const format = o.format ?? (process.stdout.isTTY ? 'table' : 'json');
    const [{ Store }, { LazyGraph }, { SnapshotDb }, { RemediationRuns }, { verifySubject }, { resolveAll }, render, { connectionsFrom }] = await Promise.all([
      import('../store/Store.js'),
      import('../store/LazyGraph.js'),
      import('../store/SnapshotDb.js'),
      import('../remediate/RemediationRuns.js'),
      import('../remediate/verifySubject.js'),
      import('../../queries/residual.js'),
      import('./renderRemediation.js'),
      import('./sourceConnections.js'),
    ]);
    const store = new Store(o.store);
    const runs = new RemediationRuns(store.dir);
    const latest = store.resolve();
    const db = new SnapshotDb(store.pathOf(latest));
    const tenants: Record<string, string> = {};
    let accounts: string[];
    try {
      for (const s of db.sources()) tenants[s.source] ??= s.tenant;
      const g = new LazyGraph(db, latest);
      accounts = resolveAll(g, [subject], 'subject').map((k) => `${g.node(k)!.sourceKey.split(':')[0]}:${g.node(k)!.id}`);
    } finally {
      db.close();
    }
    const plan = o.plan ? runs.loadPlan(o.plan) : (runs.plansFor(subject, accounts)[0] ?? null);
    const stamp = new Date().toISOString().replace(/[:.]/g, '');
    const workDir = `${plan ? runs.dir(plan.id) : `${runs.root}/verifications`}/verify-${stamp}`;
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error('interrupted (SIGINT)'));
    process.on('SIGINT', onSigint);
    let res;
    try {
      res = await verifySubject({
        store,
        subject,
        connections: connectionsFrom(o, tenants),
        plan,
        journal: plan ? runs.journal(plan.id) : [],
        at: parseAt(o.at),
        workDir,
        signal: controller.signal,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    const file = runs.saveVerification(res.verification);
    process.stderr.write(`revenant: verification saved in ${file}; new snapshot ${res.snapshot}\n`);
    if (format === 'json') await writeOut(`${JSON.stringify(res.verification, null, 2)}\n`);
    else await writeOut(render.verificationTable(res.verification));
    if (!res.verification.closed) throw new ExitWith(ExitCode.failOn);
  });
}
