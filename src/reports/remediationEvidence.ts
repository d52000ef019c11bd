/**
 * The remediation part of a leaver's evidence: every plan made for the leaver's accounts (its
 * actions and what held the others back), the journal of each apply (every call with the time it
 * was sent and answered, its status and the provider's request id, and every re-read and skip),
 * and every verification (the findings before — observed at the plan's snapshot collection time —
 * and after — observed when the tenants were read again — gone, remaining with why, or new). Read
 * from the store folder's remediation records; nothing is recomputed.
 */
import { RemediationRuns } from '../remediate/RemediationRuns.js';
import type { JournalRecord } from '../remediate/Journal.js';
import type { Plan } from '../remediate/Plan.js';
import type { Verification } from '../remediate/verifySubject.js';

export interface EvidenceCall {
  action: string;
  n: number;
  title: string;
  kind: string;
  method: string;
  path: string;
  sentAt: string;
  answeredAt: string | null;
  status: number | null;
  requestId: string | null;
  outcome: string;
  reason: string | null;
}

export interface RemediationEvidence {
  plan: {
    id: string;
    createdAt: string;
    subject: string;
    snapshot: string | null;
    observedAt: string;
    summary: Plan['summary'];
    options: Plan['options'];
    actions: { n: number; state: string; title: string; rule: string; findings: string[]; reason: string | null; reversible: boolean; permissions: string[] }[];
  };
  runs: { startedAt: string; mode: string; by: string; endedAt: string | null; interrupted: boolean }[];
  calls: EvidenceCall[];
  /** Re-reads that found an object gone, and skips (changed, declined, failed re-reads). */
  notes: { at: string; action: string; text: string }[];
  verifications: Verification[];
}

export interface RemediationTimelineEvent {
  at: string;
  kind: 'remediation-planned' | 'remediation-call' | 'remediation-skipped' | 'verified';
  finding?: string;
  text: string;
}

/** The remediation records about these accounts (`source:id`), oldest plan first, with their timeline events. */
export function remediationEvidence(storeDir: string, subject: string, accounts: ReadonlySet<string>): { records: RemediationEvidence[]; timeline: RemediationTimelineEvent[] } {
  const runs = new RemediationRuns(storeDir);
  const plans = runs.plansFor(subject, [...accounts]).reverse();
  const verifications = runs.verifications();
  const records: RemediationEvidence[] = [];
  const timeline: RemediationTimelineEvent[] = [];
  for (const plan of plans) {
    const journal = runs.journal(plan.id);
    const actionOf = new Map(plan.actions.map((a) => [a.id, a]));
    const calls: EvidenceCall[] = [];
    const notes: RemediationEvidence['notes'] = [];
    const open = new Map<string, EvidenceCall>();
    const runsOf: RemediationEvidence['runs'] = [];
    for (const r of journal) {
      const a = 'action' in r ? actionOf.get(r.action) : undefined;
      if (r.type === 'start') runsOf.push({ startedAt: r.t, mode: r.mode, by: r.by, endedAt: null, interrupted: true });
      if (r.type === 'end' && runsOf.length) Object.assign(runsOf[runsOf.length - 1], { endedAt: r.t, interrupted: !!r.interrupted });
      if (r.type === 'intent') {
        const c: EvidenceCall = {
          action: r.action,
          n: a?.n ?? 0,
          title: a?.title ?? r.action,
          kind: r.kind,
          method: r.request.method,
          path: r.request.path,
          sentAt: r.t,
          answeredAt: null,
          status: null,
          requestId: null,
          outcome: 'no answer (the run was interrupted)',
          reason: null,
        };
        calls.push(c);
        open.set(`${r.action}#${r.step}`, c);
      }
      if (r.type === 'result') {
        const c = open.get(`${r.action}#${r.step}`);
        if (c) {
          Object.assign(c, { answeredAt: r.t, status: r.status ?? null, requestId: r.requestId ?? null, outcome: r.outcome, reason: r.reason ?? null });
          open.delete(`${r.action}#${r.step}`);
          timeline.push({
            at: r.t,
            kind: 'remediation-call',
            finding: a?.findings[0],
            text: `${c.method} ${c.path} → ${r.status ?? 'no answer'} ${r.outcome}${r.requestId ? ` (request id ${r.requestId})` : ''}${r.reason ? `: ${r.reason}` : ''}`,
          });
        } else if (r.outcome === 'gone') {
          notes.push({ at: r.t, action: r.action, text: `${a?.title ?? r.action}: already gone when re-read (${r.reason ?? ''}), nothing sent` });
        } else if (r.outcome === 'failed') {
          notes.push({ at: r.t, action: r.action, text: `${a?.title ?? r.action}: ${r.reason ?? 'failed'}` });
        }
      }
      if (r.type === 'skip') {
        notes.push({ at: r.t, action: r.action, text: `${a?.title ?? r.action}: ${r.outcome} — ${r.reason}` });
        timeline.push({ at: r.t, kind: 'remediation-skipped', finding: a?.findings[0], text: `not applied (${r.outcome}): ${a?.title ?? r.action}: ${r.reason}` });
      }
    }
    timeline.push({
      at: plan.createdAt,
      kind: 'remediation-planned',
      text: `remediation plan ${plan.id}: ${plan.summary.planned} action(s) to apply, ${plan.summary.excluded} held back by guard rails, ${plan.summary.manual} manual, ${plan.summary.accepted} accepted`,
    });
    const mine = verifications.filter((v) => v.plan === plan.id);
    for (const v of mine) {
      timeline.push({
        at: v.verifiedAt,
        kind: 'verified',
        text: `verified against the live tenants (read ${v.after.observedAt}): ${v.summary.gone} gone, ${v.summary.remains} remaining, ${v.summary.new} new; ${v.closed ? 'closed' : 'not closed'}`,
      });
    }
    records.push({
      plan: {
        id: plan.id,
        createdAt: plan.createdAt,
        subject: plan.subject,
        snapshot: plan.snapshot.id,
        observedAt: plan.snapshot.collectedAt,
        summary: plan.summary,
        options: plan.options,
        actions: plan.actions.map((a) => ({ n: a.n, state: a.state, title: a.title, rule: a.rule, findings: a.findings, reason: a.reason ?? null, reversible: a.reversible, permissions: a.permissions })),
      },
      runs: runsOf,
      calls,
      notes,
      verifications: mine,
    });
  }
  // Verifications without a plan, about these accounts.
  for (const v of verifications.filter((x) => !x.plan && x.subjects.some((s) => accounts.has(`${s.source}:${s.id}`)))) {
    timeline.push({ at: v.verifiedAt, kind: 'verified', text: `verified against the live tenants (read ${v.after.observedAt}): ${v.summary.gone} gone, ${v.summary.remains} remaining, ${v.summary.new} new; ${v.closed ? 'closed' : 'not closed'}` });
  }
  return { records, timeline };
}

export type { JournalRecord };
