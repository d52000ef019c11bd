/**
 * Renders remediation for people and shells: a plan as a table (ordered actions with what each
 * breaks, whether it can be undone and the permission it needs, then what will not run and why)
 * or as a reviewable shell script of the same calls (curl; tokens from the environment, never
 * written), the outcome of an apply, and a verification (gone, remaining with why, new, closure).
 */
import type { ApplyResult } from '../remediate/applyPlan.js';
import type { Plan, PlanAction } from '../remediate/Plan.js';
import { REMEDIATION_SOURCES, remediationSource } from '../remediate/remediationSources.js';
import type { Verification } from '../remediate/verifySubject.js';
import { table } from './renderFindings.js';

function stepLine(a: PlanAction): string {
  return a.steps.map((s) => `${s.call.method} ${s.call.path}${s.call.body !== undefined ? ` ${typeof s.call.body === 'string' ? s.call.body : JSON.stringify(s.call.body)}` : ''}`).join('\n         then ');
}

export function planTable(plan: Plan): string {
  const out: string[] = [];
  const s = plan.summary;
  out.push(`Remediation plan ${plan.id} for ${plan.subject} — snapshot ${plan.snapshot.id ?? '(collections)'} collected ${plan.snapshot.collectedAt}, analysed at ${plan.at}`);
  out.push(`Accounts: ${plan.accounts.map((a) => `${a.source}:${a.name}${a.disabled ? ' (disabled)' : a.departed ? ' (departed, enabled)' : ''}`).join(', ') || 'none'}`);
  out.push(`${s.planned} action${s.planned === 1 ? '' : 's'} to apply (${s.calls} call${s.calls === 1 ? '' : 's'}), ${s.excluded} excluded by guard rails, ${s.manual} manual, ${s.accepted} accepted`);
  out.push('');
  const planned = plan.actions.filter((a) => a.state === 'planned');
  if (planned.length === 0) out.push('Nothing to apply.');
  for (const a of planned) {
    out.push(`${String(a.n).padStart(3)}. ${a.title}${a.consequence ? '  [once the account is disabled]' : ''}`);
    out.push(`     ${a.severity} ${a.status} · ${a.rule} · finding ${a.findings.join(', ')}`);
    out.push(`     call  ${stepLine(a)}`);
    out.push(`     breaks ${a.breaks}`);
    out.push(`     undo  ${a.reversible ? '' : '(cannot be undone) '}${a.undo}`);
    out.push(`     needs ${a.permissions.join(', ')}`);
  }
  const rest = plan.actions.filter((a) => a.state !== 'planned');
  if (rest.length) {
    out.push('');
    out.push('Not applied:');
    out.push(table(['#', 'STATE', 'RULE', 'ACTION', 'WHY'], rest.map((a) => [String(a.n), a.state, a.rule, a.title, a.reason ?? '']), 90));
    for (const a of rest.filter((x) => x.manual.length)) out.push(`  ${a.n}. by hand: ${a.manual.join(' | ')}`);
  }
  out.push('');
  out.push(
    planned.length
      ? `Dry run: nothing was changed. Review, then: revenant remediate ${plan.subject} --apply   (or --format script for the calls)`
      : 'Dry run: nothing was changed.',
  );
  return `${out.join('\n')}\n`;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell script of the plan's calls, for review or for running by hand (tokens come from the environment). */
export function planScript(plan: Plan): string {
  const out: string[] = ['#!/bin/sh', `# Revenant remediation plan ${plan.id} for ${plan.subject}`];
  out.push(`# Snapshot ${plan.snapshot.id ?? '(collections)'}, collected ${plan.snapshot.collectedAt}. Review every call before running it.`);
  out.push(`# ${REMEDIATION_SOURCES.map((r) => r.script.tokenNote).join('; ')}.`);
  out.push('# Unlike `revenant remediate --apply`, this script does not re-read objects, journal, or resume.');
  out.push('set -eu', '');
  for (const a of plan.actions) {
    out.push(`# ${a.n}. [${a.state}] ${a.title}`);
    if (a.state !== 'planned') {
      out.push(`#    not run: ${a.reason ?? ''}`);
      for (const m of a.manual) out.push(`#    by hand: ${m}`);
      out.push('');
      continue;
    }
    out.push(`#    breaks: ${a.breaks}`, `#    undo: ${a.undo}`, `#    needs: ${a.permissions.join(', ')}`);
    for (const s of a.steps) {
      const tenant = plan.snapshot.sources.find((x) => x.sourceKey === s.sourceKey)?.tenant ?? '';
      const rem = remediationSource(s.source);
      const base = rem?.scriptBase(tenant) ?? '';
      const auth = rem?.script.auth ?? '';
      const url = shq(`${base}${s.call.path}`);
      const lines = rem?.script.lines?.(s, base, auth, shq);
      if (lines) {
        out.push(...lines);
        continue;
      }
      const body = s.call.body !== undefined ? ` -H 'Content-Type: application/json' -d ${shq(typeof s.call.body === 'string' ? s.call.body : JSON.stringify(s.call.body))}` : '';
      out.push(`curl -sS -f -X ${s.call.method} -H ${auth}${body} ${url}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function applyTable(plan: Plan, r: ApplyResult): string {
  const out: string[] = [];
  if (r.alreadyDone) {
    out.push(`Plan ${plan.id}: every action was done in an earlier run; nothing was sent (journal ${r.journal}).`);
    return `${out.join('\n')}\n`;
  }
  if (r.actions.length === 0) {
    const s = plan.summary;
    out.push(`Plan ${plan.id}: nothing to apply (${s.excluded} excluded by guard rails, ${s.manual} manual, ${s.accepted} accepted); nothing was sent.`);
    return `${out.join('\n')}\n`;
  }
  out.push(table(['#', 'OUTCOME', 'ACTION', 'DETAIL'], r.actions.map((a) => [String(a.n), a.outcome, a.title, a.reason ?? a.steps.join('; ')]), 100));
  const s = r.summary;
  out.push('');
  out.push(
    `${s.done} done, ${s['done-before']} done earlier, ${s.failed} failed, ${s.changed} skipped (changed since the plan), ${s.declined} declined, ${s['not-run']} not run; ${r.calls} write call${r.calls === 1 ? '' : 's'} sent.`,
  );
  out.push(`Journal: ${r.journal}`);
  out.push(`Next: revenant verify ${plan.subject}`);
  return `${out.join('\n')}\n`;
}

export function verificationTable(v: Verification): string {
  const out: string[] = [];
  out.push(`Verification of ${v.subject}${v.plan ? ` against plan ${v.plan}` : ''}: before observed ${v.before.observedAt}, now observed ${v.after.observedAt} (snapshot ${v.after.snapshot})`);
  out.push(`${v.summary.gone} gone, ${v.summary.remains} remaining, ${v.summary.new} new`);
  for (const n of v.notRead ?? []) out.push(`not read again: ${n.sourceKey} (${n.why})`);
  if (v.findings.length) {
    out.push('');
    out.push(
      table(
        ['OUTCOME', 'RULE', 'SUBJECT', 'VIA', 'BEFORE', 'NOW', 'WHY'],
        v.findings.map((f) => [f.outcome, f.rule, f.subject.name, f.via.name, f.before?.status ?? '–', f.after?.status ?? '–', f.why]),
        80,
      ),
    );
  }
  out.push('');
  for (const s of v.subjects.filter((x) => x.departed)) out.push(`${s.source}:${s.name}: ${s.closed ? 'CLOSED' : 'NOT CLOSED'} — ${s.closure}`);
  for (const p of v.persons) out.push(`person ${p.name}: ${p.closed ? 'CLOSED' : 'NOT CLOSED'}`);
  out.push(v.closed ? 'The lifecycle is closed.' : 'The lifecycle is not closed.');
  return `${out.join('\n')}\n`;
}
