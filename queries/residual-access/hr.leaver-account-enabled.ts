/**
 * `hr.leaver-account-enabled` (live, always critical): the account is departed through HR (its
 * person's roster record is terminated with a termination date at or before `at`, or none) or
 * through its own Entra `employeeLeaveDateTime`, and it is still enabled (Entra) or usable (Okta).
 */
import type { Rule } from './Rule.js';
import { accountRolesReach } from './crossSourceReach.js';
import { CROSS_NEEDS } from './person.other-account-active.js';
import { disableAccountRemediation } from './ruleHelpers.js';

export const hrLeaverAccountEnabled: Rule = {
  id: 'hr.leaver-account-enabled',
  source: 'cross',
  title: 'A leaver’s account is still enabled',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the account's id",
  needs: CROSS_NEEDS,
  evaluate(s, a) {
    if (!(s.hrDeparted || s.leaveDeparted) || !s.usable) return [];
    return [
      {
        via: s.node,
        status: 'live',
        validUntil: null,
        reach: accountRolesReach(a, s.node),
        path: s.hrRecord ? [a.step(s.hrRecord), { edge: 'SAME_PERSON' }, a.step(s.node)] : [a.step(s.node)],
        evidence: [s.hrRecord?.prov, s.node.prov],
        remediation: disableAccountRemediation(s.node),
        facts: {
          because: s.because,
          terminationDate: s.hrTerminationDate === null ? null : new Date(s.hrTerminationDate).toISOString(),
        },
      },
    ];
  },
};
