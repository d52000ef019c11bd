/**
 * `person.other-account-active` (live): the subject is disabled in its own source and another
 * account correlated to the same person is still enabled (Entra) or usable (Okta ACTIVE,
 * PASSWORD_EXPIRED, LOCKED_OUT, RECOVERY) — an admin alt account, or the account in the other
 * identity provider. Not reported for an other account that `hr.leaver-account-enabled` already
 * reports. The path shows each correlation link with its key and strength.
 */
import type { PathStep, Hit, Rule } from './Rule.js';
import { accountRolesReach } from './crossSourceReach.js';
import { disableAccountRemediation } from './ruleHelpers.js';

export const CROSS_NEEDS = { entra: ['users'], okta: ['users'], hr: ['people'] } as const;

export const personOtherAccountActive: Rule = {
  id: 'person.other-account-active',
  source: 'cross',
  title: "The person's other account is still active",
  appliesTo: 'disabled',
  statuses: ['live'],
  viaDoc: "the active account's id",
  needs: CROSS_NEEDS,
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const other of a.otherAccounts(s.key)) {
      const os = a.state(other.key);
      if (!os || !os.usable) continue;
      // hr.leaver-account-enabled reports that account itself.
      if (os.hrDeparted || os.leaveDeparted) continue;
      const chain = a.correlationPath(s.key, other.key);
      const path: PathStep[] = [a.step(s.node)];
      const facts: { key: string; value: string; strength: string }[] = [];
      if (chain) {
        chain.links.forEach((l, i) => {
          const props = l.props ?? {};
          facts.push({ key: String(props.key), value: String(props.value), strength: String(props.strength) });
          path.push({ edge: 'SAME_PERSON', key: String(props.key), strength: String(props.strength), value: String(props.value) });
          const n = a.node(chain.nodes[i + 1]);
          if (n) path.push(a.step(n));
        });
      }
      hits.push({
        via: other,
        status: 'live',
        validUntil: null,
        reach: accountRolesReach(a, other),
        path,
        evidence: [s.node.prov, other.prov, ...(chain?.nodes ?? []).map((k) => a.node(k)?.prov)],
        remediation: disableAccountRemediation(other),
        facts: { links: facts },
      });
    }
    return hits;
  },
};
