/**
 * What a remediation plan is (`revenant-remediation-plan/1`): for one subject (its accounts), on
 * one snapshot, one ordered action per finding — the calls it makes (from the remediation the
 * finding carries), what it breaks, whether it can be undone, the permission it needs — and the
 * actions that will not run, with why: excluded by a guard rail until `--include RULE`, manual
 * (the fix lies outside the API or outside the subject's objects), or accepted as a risk.
 */
import type { Finding } from '../../queries/residual.js';
import type { Call } from '../model/remediation.js';

export const PLAN_FORMAT = 'revenant-remediation-plan/1';

export type ActionState = 'planned' | 'excluded' | 'manual' | 'accepted';

export interface PlanStep {
  kind: string;
  source: string;
  /** The source (tenant or org) the call goes to: `entra:<tenant id>`, `okta:<org URL>`. */
  sourceKey: string;
  call: Call;
  params: Record<string, string>;
  /** The object acted on, as the kind names it ("client secret"). */
  object: string;
  /** The id of that object (a route parameter; always an object of the finding). */
  target: string;
}

export interface PlanAction {
  /** 1-based position in the plan. */
  n: number;
  /** Stable id: a hash of the action's steps (or of its finding when it has none). */
  id: string;
  state: ActionState;
  /** Why it will not run (excluded, manual, accepted). */
  reason?: string;
  /** The `--include` value that lets an excluded action run. */
  include?: string;
  title: string;
  phase: string;
  rule: string;
  /** Every finding this action resolves (the first is the one it was made for). */
  findings: string[];
  /** The finding only appears once the plan disables the account (an earlier action). */
  consequence: boolean;
  subject: Finding['subject'];
  via: Finding['via'];
  status: string;
  severity: string;
  steps: PlanStep[];
  /** Steps no API call can do (change a password in the downstream app, disable in on-premises AD). */
  manual: string[];
  breaks: string;
  undo: string;
  reversible: boolean;
  permissions: string[];
}

export interface PlanAccount {
  source: string;
  sourceKey: string;
  id: string;
  name: string;
  departed: boolean;
  disabled: boolean;
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  id: string;
  createdAt: string;
  /** The subject as the user named it. */
  subject: string;
  accounts: PlanAccount[];
  at: string;
  snapshot: { id: string | null; collectedAt: string; sources: { sourceKey: string; source: string; tenant: string; collectedAt: string }[] };
  options: { include: string[]; force: boolean; maxAge: string };
  summary: { actions: number; planned: number; excluded: number; manual: number; accepted: number; calls: number };
  actions: PlanAction[];
  /** The findings the plan was made from (consequences flagged in `facts.consequence`), as observed at `snapshot.collectedAt`. */
  findings: Finding[];
}
