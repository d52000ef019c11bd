/**
 * Severity, from the catalogue: the first line that matches decides.
 * 1 critical — a live, window or unverified finding whose reach includes tier 0; every
 *   hr.leaver-account-enabled.
 * 2 high — a live finding whose reach includes any application permission, okta.* scope grant
 *   or admin role; every person.other-account-active; a dormant finding reaching tier 0.
 * 3 medium — every other live, window or unverified finding.
 * 4 low — every other dormant finding.
 */
import type { Reach } from './reach.js';

export type Status = 'live' | 'window' | 'unverified' | 'dormant';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

export const STATUSES: readonly Status[] = ['live', 'window', 'unverified', 'dormant'];
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Lower is worse: live, window, unverified, dormant. */
export const STATUS_RANK: Readonly<Record<Status, number>> = { live: 0, window: 1, unverified: 2, dormant: 3 };
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

export function severityOf(rule: string, status: Status, reach: Reach): Severity {
  if ((status !== 'dormant' && reach.tier0) || rule === 'hr.leaver-account-enabled') return 'critical';
  if ((status === 'live' && reach.privileged) || rule === 'person.other-account-active' || (status === 'dormant' && reach.tier0)) return 'high';
  if (status !== 'dormant') return 'medium';
  return 'low';
}
