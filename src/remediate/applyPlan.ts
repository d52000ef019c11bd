/**
 * Runs a plan against the live tenants, action by action, in the plan's order, through each
 * source's write session (its official SDK client with the collectors' retries and throttling):
 * - only `planned` actions run; each asks for confirmation unless the caller said yes to all;
 * - an action about a dormant entitlement first re-reads the account: if it is enabled again the
 *   action is skipped (the entitlement is in use, not dormant);
 * - before each step the object is re-read: gone counts as done, changed since the plan is
 *   skipped with the reason, still there is acted on;
 * - every step is journaled before it is sent and after it is answered; a step the journal shows
 *   done is never sent again, and one sent without an answer (a crash) is re-read first;
 * - a failed step ends its action (the action's later steps depend on it) but never the run;
 *   a call that failed while the object is nevertheless gone counts as done.
 */
import { randomUUID } from 'node:crypto';
import { ERR, InputError } from '../model/errors.js';
import type { FindingRef, SourceRemediation, StepContext, StepRef } from '../model/remediation.js';
import { SourceApiError } from '../../ingest/collection/SourceApiError.js';
import { findingRefs } from './buildPlan.js';
import { Journal, type StepOutcome, stepStates } from './Journal.js';
import type { Plan, PlanAction } from './Plan.js';
import type { RemediationRuns } from './RemediationRuns.js';
import { kindById, remediationSource } from './remediationSources.js';

export type ActionOutcome = 'done' | 'done-before' | 'failed' | 'changed' | 'declined' | 'not-run';

export interface ActionReport {
  n: number;
  id: string;
  title: string;
  outcome: ActionOutcome;
  /** Per step: what happened (`done`, `gone: …`, `failed: …`). */
  steps: string[];
  reason?: string;
}

export interface ApplyResult {
  plan: string;
  journal: string;
  actions: ActionReport[];
  summary: Record<ActionOutcome, number>;
  /** Write requests sent in this run. */
  calls: number;
  /** Nothing to do: every planned action was done in an earlier run. */
  alreadyDone: boolean;
}

export type ConfirmAnswer = 'yes' | 'no' | 'all' | 'quit';

export interface ApplyOptions {
  plan: Plan;
  runs: RemediationRuns;
  /** Connection settings per source (`{ entra: {...}, okta: {...} }`): credentials are read from them, never stored. */
  connections: Record<string, unknown>;
  /** Continue a run the journal shows interrupted. */
  resume?: boolean;
  /** Ask before each action (absent: yes to all). */
  confirm?: (a: PlanAction, index: number, total: number) => Promise<ConfirmAnswer>;
  signal?: AbortSignal;
  /** Who applies (journaled). */
  by?: string;
  onEvent?: (e: { action: PlanAction; outcome: ActionOutcome; detail: string }) => void;
}

const DORMANT_STATUS = 'dormant';

export function emptySummary(): Record<ActionOutcome, number> {
  return { done: 0, 'done-before': 0, failed: 0, changed: 0, declined: 0, 'not-run': 0 };
}

function errorReason(e: unknown): { status?: number; code?: string; reason: string; requestId?: string | null } {
  if (e instanceof SourceApiError) {
    const perm = e.forbidden && e.permission ? ` (needs ${e.permission})` : '';
    return { status: e.status, code: e.code, reason: `${e.message}${perm}`, requestId: e.requestId };
  }
  return { reason: (e as Error)?.message ?? String(e) };
}

export async function applyPlan(o: ApplyOptions): Promise<ApplyResult> {
  const { plan, runs } = o;
  const signal = o.signal ?? new AbortController().signal;
  const planned = plan.actions.filter((a) => a.state === 'planned');
  runs.savePlan(plan);
  const prior = runs.journal(plan.id);
  const before = stepStates(prior);
  const allDone = planned.every((a) => a.steps.every((_, i) => before.steps.get(`${a.id}#${i}`)?.state === 'done'));
  const result: ApplyResult = { plan: plan.id, journal: runs.journalPath(plan.id), actions: [], summary: emptySummary(), calls: 0, alreadyDone: false };
  if (prior.length > 0 && allDone) {
    for (const a of planned) result.actions.push({ n: a.n, id: a.id, title: a.title, outcome: 'done-before', steps: a.steps.map(() => 'done before') });
    result.summary['done-before'] = planned.length;
    result.alreadyDone = true;
    return result;
  }
  if (prior.length > 0 && !o.resume) {
    const state = runs.state(plan.id);
    if (state === 'running') throw new InputError(`remediate: plan ${plan.id} is being applied by another process right now`, {}, ERR.PLAN_CONFLICT);
    throw new InputError(
      `remediate: plan ${plan.id} was applied before and not every action is done (${state}): continue it with --resume (done steps are never sent again)`,
      { field: '--resume' },
      ERR.PLAN_CONFLICT,
    );
  }
  if (o.resume && runs.state(plan.id) === 'running') throw new InputError(`remediate: plan ${plan.id} is being applied by another process right now`, {}, ERR.PLAN_CONFLICT);

  // Every source with planned calls needs its connection before anything is sent.
  const sources = new Map<string, SourceRemediation>();
  for (const a of planned) for (const s of a.steps) sources.set(s.source, remediationSource(s.source)!);
  const missing = [...sources.keys()].filter((s) => !o.connections[s]);
  if (missing.length) throw new InputError(`remediate: no connection settings for ${missing.join(', ')} (the plan has calls for it): see \`revenant remediate --help\``);
  const writers = new Map<string, unknown>();
  for (const [name, src] of sources) writers.set(name, src.connect(o.connections[name], signal));

  const refs = findingRefs(plan);
  const observedAt = Math.min(...plan.snapshot.sources.map((s) => Date.parse(s.collectedAt)).filter(Number.isFinite));
  const journal = new Journal(runs.journalPath(plan.id));
  journal.append({ type: 'start', plan: plan.id, mode: o.resume ? 'resume' : 'apply', by: o.by ?? 'cli', pid: process.pid });
  let yesToAll = !o.confirm;
  let interrupted = false;
  try {
    for (const [index, a] of planned.entries()) {
      signal.throwIfAborted();
      const report: ActionReport = { n: a.n, id: a.id, title: a.title, outcome: 'done', steps: [] };
      result.actions.push(report);
      const open = a.steps.map((_, i) => before.steps.get(`${a.id}#${i}`)?.state !== 'done');
      if (!open.some(Boolean)) {
        report.outcome = 'done-before';
        report.steps = a.steps.map(() => 'done before');
        o.onEvent?.({ action: a, outcome: report.outcome, detail: 'done in an earlier run' });
        continue;
      }
      if (!yesToAll && o.confirm) {
        const answer = await o.confirm(a, index, planned.length);
        if (answer === 'quit') {
          for (const rest of planned.slice(index)) {
            if (rest !== a) result.actions.push({ n: rest.n, id: rest.id, title: rest.title, outcome: 'not-run', steps: [] });
          }
          report.outcome = 'not-run';
          break;
        }
        if (answer === 'all') yesToAll = true;
        if (answer === 'no') {
          journal.append({ type: 'skip', action: a.id, outcome: 'declined', reason: 'declined at the confirmation prompt' });
          report.outcome = 'declined';
          report.reason = 'declined at the prompt';
          o.onEvent?.({ action: a, outcome: report.outcome, detail: report.reason });
          continue;
        }
      }
      const f = refs.get(a.findings[0]);
      if (!f) throw new Error(`plan ${plan.id}: action ${a.n} names finding ${a.findings[0]} that the plan does not hold`);
      const outcome = await runAction(a, f, { journal, writers, open, observedAt, report, result, signal });
      report.outcome = outcome;
      o.onEvent?.({ action: a, outcome, detail: report.reason ?? report.steps.join('; ') });
    }
  } catch (e) {
    if (signal.aborted) interrupted = true;
    throw e;
  } finally {
    for (const r of result.actions) result.summary[r.outcome]++;
    journal.append({ type: 'end', summary: { ...result.summary, calls: result.calls }, ...(interrupted ? { interrupted } : {}) });
    journal.close();
  }
  return result;
}

interface RunCtx {
  journal: Journal;
  writers: Map<string, unknown>;
  open: boolean[];
  observedAt: number;
  report: ActionReport;
  result: ApplyResult;
  signal: AbortSignal;
}

async function runAction(a: PlanAction, f: FindingRef, c: RunCtx): Promise<ActionOutcome> {
  const { journal, report } = c;
  // A dormant entitlement is one of a disabled account: if the account is enabled again, it is in use.
  if (f.status === DORMANT_STATUS) {
    const src = remediationSource(f.subject.source);
    const w = c.writers.get(f.subject.source);
    if (src && w !== undefined) {
      let disabled: boolean | null;
      try {
        disabled = await src.accountDisabled(w, f.subject.id);
      } catch (e) {
        if (c.signal.aborted) throw e;
        const why = errorReason(e).reason;
        journal.append({ type: 'skip', action: a.id, outcome: 'failed', reason: `could not re-read the account: ${why}` });
        report.reason = `could not re-read the account: ${why}`;
        return 'failed';
      }
      if (disabled === false) {
        const why = `${f.subject.name} is enabled again: its entitlements are in use, not dormant (a rehire, or the disable failed)`;
        journal.append({ type: 'skip', action: a.id, outcome: 'changed', reason: why });
        report.reason = why;
        return 'changed';
      }
    }
  }
  const ctx: StepContext = { finding: f, observedAt: c.observedAt };
  for (const [i, s] of a.steps.entries()) {
    if (!c.open[i]) {
      report.steps.push('done before');
      continue;
    }
    const { kind } = kindById(s.kind)!;
    const w = c.writers.get(s.source);
    const step: StepRef = { kind: s.kind, call: s.call, params: s.params };
    let check;
    try {
      check = await kind.check(w, step, ctx);
    } catch (e) {
      if (c.signal.aborted) throw e;
      const er = errorReason(e);
      journal.append({ type: 'result', action: a.id, step: i, outcome: 'failed', status: er.status, code: er.code, reason: `re-read failed: ${er.reason}`, requestId: er.requestId });
      report.steps.push(`failed: re-read: ${er.reason}`);
      report.reason = `re-read failed: ${er.reason}`;
      return 'failed';
    }
    journal.append({ type: 'check', action: a.id, step: i, result: check.state, ...(check.state !== 'present' ? { why: check.why } : {}) });
    if (check.state === 'gone') {
      journal.append({ type: 'result', action: a.id, step: i, outcome: 'gone', reason: check.why });
      report.steps.push(`already gone: ${check.why}`);
      continue;
    }
    if (check.state === 'changed') {
      journal.append({ type: 'skip', action: a.id, outcome: 'changed', reason: check.why });
      report.steps.push(`skipped: ${check.why}`);
      report.reason = `changed since the plan: ${check.why}`;
      return 'changed';
    }
    const clientRequestId = randomUUID();
    journal.append({
      type: 'intent',
      action: a.id,
      step: i,
      kind: s.kind,
      request: { method: s.call.method, path: s.call.path, sourceKey: s.sourceKey, ...(s.call.body !== undefined ? { body: kind.journalBody ? kind.journalBody(step) : s.call.body } : {}) },
      clientRequestId,
    });
    c.result.calls++;
    try {
      const out = await kind.run(w, step, clientRequestId);
      journal.append({ type: 'result', action: a.id, step: i, outcome: 'done', status: out.status, requestId: out.requestId, attempts: out.attempts });
      report.steps.push(`done (HTTP ${out.status})`);
    } catch (e) {
      if (c.signal.aborted) throw e;
      const er = errorReason(e);
      // The call failed, yet the object may be gone (an earlier attempt went through): re-read decides.
      let after: StepOutcome = 'failed';
      try {
        if ((await kind.check(w, step, ctx)).state === 'gone') after = 'done';
      } catch {
        /* keep failed */
      }
      journal.append({ type: 'result', action: a.id, step: i, outcome: after, status: er.status, code: er.code, reason: er.reason, requestId: er.requestId });
      if (after === 'done') {
        report.steps.push(`done (the call answered ${er.status ?? 'no response'}, but the object is gone)`);
        continue;
      }
      report.steps.push(`failed: ${er.reason}`);
      report.reason = er.reason;
      return 'failed';
    }
  }
  return 'done';
}
