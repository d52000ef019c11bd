/**
 * The person view's remediation section: on request (a plan is work for the server, and on data
 * older than remediation.maxAge it is refused until forced), the plan that removes the person's
 * residual access (GET /v1/subjects/{s}/remediation-plan) — the ordered actions with their calls, what each
 * breaks, whether it can be undone and the permission it needs; what the guard rails hold back
 * and why, with a switch per rule that lifts a guard (the plan is asked for again) — and, when
 * the server allows it (the session holds the `remediate` scope, which it only grants with
 * remediation enabled), applying the reviewed plan: POST …/remediation with the plan's id, then
 * the job polled until it ends, each action's outcome shown. Nothing is applied without a
 * confirmation that names the plan.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import { Severity, Status } from '../components/Badges';
import { plural } from '../format';
import type { RemediationJob, RemediationPlan, Session } from '../types';

const enc = encodeURIComponent;

export function Remediation({ subject, session }: { subject: string; session: Session | null }) {
  const [asked, setAsked] = useState(false);
  const [include, setInclude] = useState<string[]>([]);
  const [force, setForce] = useState(false);
  const [plan, setPlan] = useState<RemediationPlan | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [job, setJob] = useState<RemediationJob | null>(null);
  const [jobError, setJobError] = useState<string | null>(null);
  const canApply = session?.scopes.includes('remediate') ?? false;

  useEffect(() => {
    if (!asked) return;
    let live = true;
    setPlan(null);
    setError(null);
    setConfirm(false);
    get<RemediationPlan>(`/v1/subjects/${enc(subject)}/remediation-plan`, { include, force: force || undefined })
      .then((p) => live && setPlan(p))
      .catch((e: ApiError) => live && setError({ status: e.status, message: e.message }));
    return () => {
      live = false;
    };
  }, [asked, subject, include.join(','), force]);

  useEffect(() => {
    if (!job || job.state !== 'running') return;
    const t = setTimeout(() => {
      get<RemediationJob>(`/v1/remediation-jobs/${job.id}`)
        .then(setJob)
        .catch((e: ApiError) => setJobError(e.message));
    }, 1000);
    return () => clearTimeout(t);
  }, [job]);

  const apply = () => {
    if (!plan) return;
    setJobError(null);
    post<RemediationJob>(`/v1/subjects/${enc(subject)}/remediation`, { plan: plan.id, include, ...(force ? { force } : {}) })
      .then(setJob)
      .catch((e: ApiError) => setJobError(e.message));
  };

  const toggle = (rule: string, on: boolean) => setInclude((cur) => (on ? [...new Set([...cur, rule])] : cur.filter((r) => r !== rule)).sort());

  return (
    <section aria-labelledby="remediation-h" data-testid="remediation">
      <h2 id="remediation-h">Remediation plan</h2>
      {!asked ? (
        <p>
          <button type="button" id="plan-button" onClick={() => setAsked(true)}>
            Plan the remediation
          </button>{' '}
          <span class="muted">One action per finding, with what it breaks and the permission it needs. Nothing changes.</span>
        </p>
      ) : null}
      {error ? (
        <div class="error" role="alert">
          <p>{error.message}</p>
          {error.status === 409 && /collected .* ago/.test(error.message) && !force ? (
            <button type="button" onClick={() => setForce(true)}>
              Plan on this snapshot anyway
            </button>
          ) : null}
        </div>
      ) : null}
      {asked && !plan && !error ? <p role="status">Planning…</p> : null}
      {plan ? (
        <>
          <p data-testid="plan-summary">
            Plan <code>{plan.id}</code> on snapshot <code>{plan.snapshot.id}</code>: {plural(plan.summary.planned, 'action')} to apply ({plural(plan.summary.calls, 'call')}),{' '}
            {plan.summary.excluded} held back by guard rails, {plan.summary.manual} manual, {plan.summary.accepted} accepted. Nothing has changed.
          </p>
          {plan.actions.filter((a) => a.state === 'planned').length ? (
            <ol class="plan" data-testid="plan-actions">
              {plan.actions
                .filter((a) => a.state === 'planned')
                .map((a) => (
                  <li key={a.id} data-action={a.id}>
                    <strong>{a.title}</strong> <Severity value={a.severity} /> <Status value={a.status} /> {a.consequence ? <span class="badge badge-none">once the account is disabled</span> : null}
                    <ul>
                      {a.steps.map((s, i) => (
                        <li key={i}>
                          <code>
                            {s.call.method} {s.call.path}
                          </code>
                        </li>
                      ))}
                      <li>Breaks: {a.breaks}</li>
                      <li>
                        Undo: {a.reversible ? '' : <strong>cannot be undone — </strong>}
                        {a.undo}
                      </li>
                      <li>Needs: {a.permissions.join(', ')}</li>
                    </ul>
                  </li>
                ))}
            </ol>
          ) : (
            <p>Nothing to apply.</p>
          )}
          {plan.actions.some((a) => a.state !== 'planned') ? (
            <table class="data" data-testid="plan-held">
              <caption>Not applied, and why</caption>
              <thead>
                <tr>
                  <th scope="col">State</th>
                  <th scope="col">Action</th>
                  <th scope="col">Why</th>
                  <th scope="col">Let it run</th>
                </tr>
              </thead>
              <tbody>
                {plan.actions
                  .filter((a) => a.state !== 'planned')
                  .map((a) => (
                    <tr key={a.id}>
                      <td>{a.state}</td>
                      <th scope="row">{a.title}</th>
                      <td>
                        {a.reason}
                        {a.manual.length ? <div class="muted small">By hand: {a.manual.join(' | ')}</div> : null}
                      </td>
                      <td>
                        {a.include ? (
                          <label class="check">
                            <input type="checkbox" checked={include.includes(a.include)} onChange={(e) => toggle(a.include!, (e.target as HTMLInputElement).checked)} /> --include {a.include}
                          </label>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                {include
                  .filter((r) => !plan.actions.some((a) => a.include === r && a.state !== 'planned'))
                  .map((r) => (
                    <tr key={r}>
                      <td>included</td>
                      <th scope="row">{r}</th>
                      <td>its guarded actions are in the plan above</td>
                      <td>
                        <label class="check">
                          <input type="checkbox" checked onChange={() => toggle(r, false)} /> --include {r}
                        </label>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ) : null}
          {plan.summary.planned > 0 ? (
            canApply ? (
              <div class="apply" data-testid="apply">
                <label class="check">
                  <input type="checkbox" id="apply-confirm" checked={confirm} onChange={(e) => setConfirm((e.target as HTMLInputElement).checked)} /> I reviewed plan{' '}
                  <code>{plan.id}</code>: apply its {plural(plan.summary.planned, 'action')} to the live tenants
                </label>{' '}
                <button type="button" id="apply-button" disabled={!confirm || job?.state === 'running'} onClick={apply}>
                  Apply
                </button>
              </div>
            ) : (
              <p class="muted" data-testid="apply-unavailable">
                Applying needs the <code>remediate</code> scope, which this server grants only when remediation is enabled. From a terminal: <code>revenant remediate {subject} --apply</code>.
              </p>
            )
          ) : null}
          {jobError ? (
            <p class="error" role="alert">
              {jobError}
            </p>
          ) : null}
          {job ? (
            <div data-testid="job" aria-live="polite">
              <p role="status">
                Job <code>{job.id}</code>: <strong data-testid="job-state">{job.state}</strong> — {plural(job.calls, 'call')} sent
                {job.error ? `; ${job.error}` : ''}
              </p>
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Action</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {job.actions.map((a) => (
                    <tr key={a.id} data-outcome={a.outcome}>
                      <td>{a.n}</td>
                      <th scope="row">{a.title}</th>
                      <td>{a.outcome}</td>
                      <td>{a.reason ?? a.steps?.join('; ') ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {job.state === 'finished' ? <p>The accounts are read again from their tenants now; this page shows the result once the new snapshot is in.</p> : null}
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
