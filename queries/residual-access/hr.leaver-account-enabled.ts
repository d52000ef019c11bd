/**
 * `hr.leaver-account-enabled` (live, always critical): the account is departed through HR (its
 * person's roster record is terminated with a termination date at or before `at`, or none) or
 * through its own Entra `employeeLeaveDateTime`, and it is still enabled (Entra) or usable (Okta).
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import { ACCOUNT_REACH, HR_DEPARTED, LEAVE_DEPARTED, SUBJECTS, USABLE, perRegistry } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { accountRolesReach } from './crossSourceReach.js';
import { CROSS_NEEDS } from './person.other-account-active.js';
import { disableAccountRemediation } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, reach: Reach): Hit {
  return {
    via: s.node,
    status: 'live',
    validUntil: null,
    reach,
    path: s.hrRecord ? [a.step(s.hrRecord), { edge: 'SAME_PERSON' }, a.step(s.node)] : [a.step(s.node)],
    evidence: [s.hrRecord?.prov, s.node.prov],
    remediation: disableAccountRemediation(s.node),
    facts: {
      because: s.because,
      terminationDate: s.hrTerminationDate === null ? null : new Date(s.hrTerminationDate).toISOString(),
    },
  };
}

/** The query over the registered account kinds (rebuilt when a source registers). */
const QUERY = perRegistry(
  () => `${SUBJECTS}
WITH s, sub WHERE (${HR_DEPARTED('s')} OR ${LEAVE_DEPARTED('s')}) AND ${USABLE('s')}
RETURN sub.key AS subject, ${ACCOUNT_REACH('s')} AS reach`,
);

export const hrLeaverAccountEnabled: Rule = {
  id: 'hr.leaver-account-enabled',
  source: 'cross',
  title: 'A leaver’s account is still enabled',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the account's id",
  action: { verb: 'Disable', unit: ['account of a terminated employee', 'accounts of terminated employees'], unitKey: 'via', object: null },
  policy: { minSeverity: 'critical', keepsPersonOpen: true, disablesAccount: 'own' },
  needs: CROSS_NEEDS,
  evaluate(s, a) {
    if (!(s.hrDeparted || s.leaveDeparted) || !s.usable) return [];
    return [hitOf(a, s, accountRolesReach(a, s.node))];
  },
  cypher: {
    get query() {
      return QUERY();
    },
    hit: (row, c) => hitOf(c.a, c.s, c.reach(row.reach)),
  },
};
