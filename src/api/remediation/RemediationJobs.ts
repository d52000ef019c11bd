/**
 * Remediation jobs of the HTTP API: `POST /v1/subjects/{s}/remediation` starts one — the plan
 * applied with yes to every action, the same guard rails, re-reads and journal as the CLI — and
 * `GET /v1/remediation-jobs/{id}` polls it. A job's id is its plan's id (one run of a plan at a
 * time). While the server runs, the job's progress is in memory; after it (or after a restart)
 * the state is read back from the plan's journal on disk, so nothing about a run is lost with the
 * process. When a job ends, each account of the plan is queued for an event-driven refresh, which
 * reads it again from the tenant and loads a new snapshot (the API's verification).
 */
import { type ActionReport, type ApplyResult, applyPlan, emptySummary } from '../../remediate/applyPlan.js';
import type { Plan } from '../../remediate/Plan.js';
import { RemediationRuns } from '../../remediate/RemediationRuns.js';
import { stepStates } from '../../remediate/Journal.js';
import type { EventQueue } from '../events/EventQueue.js';

export type JobState = 'running' | 'finished' | 'failed' | 'interrupted';

export interface JobStatus {
  id: string;
  plan: string;
  subject: string;
  state: JobState;
  startedAt: string | null;
  finishedAt: string | null;
  summary: Record<string, number>;
  /** Write calls sent by this run. */
  calls: number;
  actions: ActionReport[];
  error: string | null;
  journal: string;
}

interface Live {
  status: JobStatus;
  abort: AbortController;
  done: Promise<void>;
}

export interface JobLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class RemediationJobs {
  private readonly live = new Map<string, Live>();
  readonly runs: RemediationRuns;

  constructor(
    storeDir: string,
    private readonly queue: EventQueue | null,
    private readonly log: JobLog,
    /** Whether the server can read a source's subjects again (events.<source>.collect is configured). */
    private readonly canRefresh: (source: string) => boolean = () => true,
  ) {
    this.runs = new RemediationRuns(storeDir);
  }

  running(planId: string): boolean {
    return this.live.get(planId)?.status.state === 'running';
  }

  /** Start applying a plan (its journal decides what was done before: a resumed run sends nothing twice). */
  start(plan: Plan, connections: Record<string, unknown>, opts: { resume: boolean; by: string }): JobStatus {
    const status: JobStatus = {
      id: plan.id,
      plan: plan.id,
      subject: plan.subject,
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      summary: emptySummary(),
      calls: 0,
      actions: [],
      error: null,
      journal: this.runs.journalPath(plan.id),
    };
    const abort = new AbortController();
    const done = (async () => {
      try {
        const r: ApplyResult = await applyPlan({
          plan,
          runs: this.runs,
          connections,
          resume: opts.resume,
          signal: abort.signal,
          by: opts.by,
          onEvent: (e) => status.actions.push({ n: e.action.n, id: e.action.id, title: e.action.title, outcome: e.outcome, steps: [], reason: e.detail }),
        });
        status.actions = r.actions;
        status.summary = r.summary;
        status.calls = r.calls;
        status.state = 'finished';
        this.log.info({ plan: plan.id, summary: r.summary, calls: r.calls }, 'remediation job finished');
        this.refresh(plan);
      } catch (e) {
        status.state = abort.signal.aborted ? 'interrupted' : 'failed';
        status.error = (e as Error)?.message ?? String(e);
        this.log.error({ plan: plan.id, err: status.error }, 'remediation job did not finish');
      } finally {
        status.finishedAt = new Date().toISOString();
      }
    })();
    this.live.set(plan.id, { status, abort, done });
    return status;
  }

  /** A job's status: live while this process runs it, else from its journal. */
  get(id: string): JobStatus | null {
    const l = this.live.get(id);
    if (l) return l.status;
    const ids = this.runs.ids().filter((x) => x === id);
    if (!ids.length) return null;
    const plan = this.runs.loadPlan(id);
    const records = this.runs.journal(id);
    if (records.length === 0) return null;
    const { steps, actions } = stepStates(records);
    const starts = records.filter((r) => r.type === 'start');
    const end = [...records].reverse().find((r) => r.type === 'end');
    const reports: ActionReport[] = plan.actions
      .filter((a) => a.state === 'planned')
      .map((a) => {
        const last = actions.get(a.id);
        const allDone = a.steps.every((_, i) => steps.get(`${a.id}#${i}`)?.state === 'done');
        const outcome = allDone ? 'done' : last?.type === 'skip' ? last.outcome : last?.type === 'result' && last.outcome === 'failed' ? 'failed' : 'not-run';
        const reason = last?.type === 'skip' ? last.reason : last?.type === 'result' ? last.reason : undefined;
        return { n: a.n, id: a.id, title: a.title, outcome: outcome, steps: [], ...(reason ? { reason } : {}) };
      });
    const summary = emptySummary();
    for (const r of reports) summary[r.outcome]++;
    const state = this.runs.state(id);
    return {
      id,
      plan: id,
      subject: plan.subject,
      state: state === 'finished' ? 'finished' : state === 'running' ? 'running' : 'interrupted',
      startedAt: starts[starts.length - 1]?.t ?? null,
      finishedAt: end?.t ?? null,
      summary,
      calls: records.filter((r) => r.type === 'intent').length,
      actions: reports,
      error: null,
      journal: this.runs.journalPath(id),
    };
  }

  /** Each account of the plan is read again from its tenant (an event-driven refresh). */
  private refresh(plan: Plan): void {
    if (!this.queue) return;
    const skipped = [...new Set(plan.accounts.map((a) => a.source).filter((s) => !this.canRefresh(s)))];
    if (skipped.length) this.log.info({ plan: plan.id, sources: skipped }, 'no live collector configured for these sources: verify with `revenant verify SUBJECT`');
    const jobs = plan.accounts.filter((a) => this.canRefresh(a.source)).map((a) => ({ kind: 'refresh' as const, source: a.source, tenant: plan.snapshot.sources.find((s) => s.sourceKey === a.sourceKey)?.tenant ?? null, subject: a.id, reason: `remediation ${plan.id}` }));
    if (!jobs.length) return;
    try {
      this.queue.accept([{ key: null, jobs }]);
    } catch (e) {
      this.log.error({ plan: plan.id, err: (e as Error).message }, 'could not queue the refresh after remediation');
    }
  }

  /** Stop: running jobs are aborted (their journal lets a later run resume them). */
  async close(): Promise<void> {
    for (const l of this.live.values()) if (l.status.state === 'running') l.abort.abort(new Error('server shutting down'));
    await Promise.all([...this.live.values()].map((l) => l.done));
  }
}
