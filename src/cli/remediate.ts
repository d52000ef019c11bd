/**
 * `revenant remediate SUBJECT`: the subject's remediation plan — one ordered action per finding,
 * with what it breaks, whether it can be undone and the permission it needs — as a table, JSON or
 * a shell script. Nothing changes unless `--apply`: then each action is confirmed (or `--yes`),
 * its object re-read, and every call journaled before and after; Ctrl-C or a crash leaves a
 * journal that `--resume` continues without sending anything twice. Guard rails are in
 * src/remediate/buildPlan.ts; the plan, journal and verifications are kept in the store folder.
 */
import { Option, type Command } from 'commander';
import { InputError } from '../model/errors.js';
import { ExitCode, ExitWith } from './exit.js';
import { SIGINT_EXIT, onInterrupt } from './interrupt.js';
import { parseAt, writeOut } from './options.js';
import { type ConnectionCliOptions, addConnectionOptions } from './sourceConnections.js';

interface RemediateCliOptions extends ConnectionCliOptions {
  apply?: boolean;
  yes?: boolean;
  resume?: boolean;
  include?: string[];
  force?: boolean;
  maxAge?: string;
  format?: string;
  store?: string;
  snapshot?: string;
  at?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerRemediate(program: Command): void {
  const cmd = program
    .command('remediate')
    .description('plan (default, changes nothing) or --apply the removal of a subject’s residual access, with guard rails, a journal and --resume')
    .argument('<subject>', 'the leaver: account id, UPN, login or mail (prefix entra: or okta:), or an HR employee id (every account of the person)')
    .option('--apply', 'execute the plan (asks before each action unless --yes)')
    .option('--yes', 'with --apply: do not ask before each action')
    .option('--resume', 'with --apply: continue the interrupted run of this subject’s plan (done steps are never sent again)')
    .option('--include <rule>', 'let the guarded actions of this rule run (e.g. person.other-account-active); repeatable', collect)
    .option('--force', 'plan on a snapshot older than --max-age')
    .option('--max-age <duration>', 'refuse a snapshot collected longer ago than this (default $REVENANT_REMEDIATE_MAX_AGE or 24h)')
    .addOption(new Option('--format <format>', 'table, json or script (default: table on a terminal, json otherwise)').choices(['table', 'json', 'script']))
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--snapshot <id>', 'snapshot to plan on (default: the latest)')
    .option('--at <iso-8601>', 'analysis time (default: the snapshot’s collection time)');
  addConnectionOptions(cmd).action(async (subject: string, o: RemediateCliOptions) => {
    if ((o.yes || o.resume) && !o.apply) throw new InputError(`remediate: ${o.yes ? '--yes' : '--resume'} only goes with --apply`, { field: o.yes ? '--yes' : '--resume' });
    const format = o.format ?? (process.stdout.isTTY ? 'table' : 'json');
    const [{ Store }, { openGraph }, { buildPlan, DEFAULT_MAX_AGE_MS }, { RemediationRuns }, { applyPlan }, render, { parseDuration }, acc, { connectionsFrom }] =
      await Promise.all([
        import('../store/Store.js'),
        import('../store/openGraph.js'),
        import('../remediate/buildPlan.js'),
        import('../remediate/RemediationRuns.js'),
        import('../remediate/applyPlan.js'),
        import('./renderRemediation.js'),
        import('../reports/duration.js'),
        import('../reports/acceptances.js'),
        import('./sourceConnections.js'),
      ]);
    const store = new Store(o.store);
    const runs = new RemediationRuns(store.dir);
    const maxAgeText = o.maxAge ?? process.env.REVENANT_REMEDIATE_MAX_AGE;
    const maxAgeMs = maxAgeText ? parseDuration(maxAgeText, '--max-age') : DEFAULT_MAX_AGE_MS;

    let plan;
    if (o.resume) {
      // The interrupted run's own plan, whatever snapshot is the latest now.
      const { graph, close } = await openGraph({ store: o.store, snapshot: o.snapshot });
      let accounts: string[];
      try {
        const { resolveAll } = await import('../../queries/residual.js');
        accounts = resolveAll(graph, [subject], 'subject').map((k) => {
          const n = graph.node(k)!;
          return `${n.sourceKey.split(':')[0]}:${n.id}`;
        });
      } finally {
        close();
      }
      // Interrupted, or finished with an action failed (applying it again says to continue it here).
      plan = runs.plansFor(subject, accounts).find((p) => runs.state(p.id) !== 'planned');
      if (!plan) throw new InputError(`remediate: no interrupted run for ${subject} to resume (run without --resume to plan again)`, { field: '--resume' });
    } else {
      const now = Date.now();
      const accepted = acc.currentAcceptances(acc.readAcceptances(store.dir));
      const { graph, close } = await openGraph({ store: o.store, snapshot: o.snapshot });
      try {
        plan = buildPlan(graph, {
          subject,
          include: o.include,
          force: o.force,
          maxAgeMs,
          at: parseAt(o.at),
          now,
          accepted: (id) => {
            const st = acc.acceptanceAt(accepted, id, now);
            return st?.state === 'accepted' ? st.acceptance.until : null;
          },
        });
      } finally {
        close();
      }
    }
    runs.savePlan(plan);

    if (!o.apply) {
      if (format === 'json') await writeOut(`${JSON.stringify(plan, null, 2)}\n`);
      else if (format === 'script') await writeOut(render.planScript(plan));
      else await writeOut(render.planTable(plan));
      return;
    }

    const tenants: Record<string, string> = {};
    for (const s of plan.snapshot.sources) tenants[s.source] ??= s.tenant;
    const connections = connectionsFrom(o, tenants);
    let confirm: Parameters<typeof applyPlan>[0]['confirm'];
    let rl: import('node:readline/promises').Interface | undefined;
    if (!o.yes) {
      if (!process.stdin.isTTY) throw new InputError('remediate: --apply asks before each action and stdin is not a terminal: pass --yes to apply without asking', { field: '--yes' });
      const { createInterface } = await import('node:readline/promises');
      rl = createInterface({ input: process.stdin, output: process.stderr });
      confirm = async (a, i, total) => {
        process.stderr.write(`\n[${i + 1}/${total}] ${a.title}\n  call   ${a.steps.map((s) => `${s.call.method} ${s.call.path}`).join(' then ')}\n  breaks ${a.breaks}\n  undo   ${a.undo}\n`);
        const ans = (await rl!.question('Apply? [y]es / [n]o / [a]ll remaining / [q]uit: ')).trim().toLowerCase();
        return ans === 'y' || ans === 'yes' ? 'yes' : ans === 'a' || ans === 'all' ? 'all' : ans === 'q' || ans === 'quit' ? 'quit' : 'no';
      };
    }
    const interrupt = onInterrupt('the journal holds every call sent so far — continue with --apply --resume');
    let result;
    try {
      result = await applyPlan({
        plan,
        runs,
        connections,
        resume: o.resume,
        confirm,
        signal: interrupt.signal,
        by: process.env.USER ? `cli:${process.env.USER}` : 'cli',
        onEvent: (e) => {
          if (!process.stderr.isTTY) process.stderr.write(`${JSON.stringify({ action: e.action.n, id: e.action.id, outcome: e.outcome, detail: e.detail })}\n`);
        },
      });
    } catch (e) {
      if (interrupt.signal.aborted) throw new ExitWith(SIGINT_EXIT);
      throw e;
    } finally {
      interrupt.dispose();
      rl?.close();
    }
    if (format === 'json') await writeOut(`${JSON.stringify(result, null, 2)}\n`);
    else await writeOut(render.applyTable(plan, result));
    if (result.summary.failed > 0) {
      process.stderr.write(`revenant: ${result.summary.failed} action${result.summary.failed === 1 ? '' : 's'} failed (see above and the journal); the others ran\n`);
      throw new ExitWith(ExitCode.failure);
    }
  });
}
