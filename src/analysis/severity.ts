/**
 * Severity, from the catalogue: the first line that matches decides.
 * 1 critical — a live, window or unverified finding whose reach includes tier 0; every finding of
 *   a rule whose policy says at least critical (hr.leaver-account-enabled).
 * 2 high — a live finding whose reach includes any application permission, okta.* scope grant
 *   or admin role; a dormant finding reaching tier 0; every finding of a rule whose policy says at
 *   least high (person.other-account-active).
 * 3 medium — every other live, window or unverified finding.
 * 4 low — every other dormant finding.
 * The rule-specific floors are declared on the rules (RulePolicy.minSeverity), not here.
 */
import type { Reach } from './reach.js';

export type Status = 'live' | 'window' | 'unverified' | 'dormant';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

export const STATUSES: readonly Status[] = ['live', 'window', 'unverified', 'dormant'];
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Lower is worse: live, window, unverified, dormant. */
export const STATUS_RANK: Readonly<Record<Status, number>> = { live: 0, window: 1, unverified: 2, dormant: 3 };
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Severity of a finding from its status and reach, raised to the rule's floor `atLeast` when given. */
export function severityOf(status: Status, reach: Reach, atLeast?: Severity): Severity {
  const own: Severity =
    status !== 'dormant' && reach.tier0
      ? 'critical'
      : (status === 'live' && reach.privileged) || (status === 'dormant' && reach.tier0)
        ? 'high'
        : status !== 'dormant'
          ? 'medium'
          : 'low';
  return atLeast !== undefined && SEVERITY_RANK[atLeast] < SEVERITY_RANK[own] ? atLeast : own;
}
