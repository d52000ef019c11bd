/**
 * `entra.synced-disable-may-revert` (unverified): the subject is disabled in Entra but synced
 * from on-premises AD (`onPremisesSyncEnabled`): `accountEnabled` is mastered on-premises and a
 * cloud-only disable can be overwritten by the next sync.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { REACH, SUBJECTS } from '../cypher/fragments.js';
import type { Hit, Rule } from './Rule.js';
import { NodeKind } from '../../src/model/schema.js';
import { propsOf } from '../../src/model/props.js';

function hitOf(a: Analysis, s: AccountState, reach: Reach): Hit {
  return {
    via: s.node,
    status: 'unverified',
    validUntil: null,
    reach,
    path: [a.step(s.node)],
    evidence: [s.node.prov],
    remediation: ['Disable the account in on-premises Active Directory (Disable-ADAccount) and let sync run', `POST /users/${s.id}/revokeSignInSessions`],
  };
}

export const entraSyncedDisableMayRevert: Rule = {
  id: 'entra.synced-disable-may-revert',
  source: 'entra',
  title: 'Cloud-only disable of a synced account can be reverted by sync',
  appliesTo: 'disabled',
  statuses: ['unverified'],
  viaDoc: "the subject's id",
  action: { verb: 'Disable in on-premises AD', unit: ['synced account', 'synced accounts'], unitKey: 'subject', object: null },
  needs: { entra: ['users'] },
  evaluate(s, a) {
    const p = propsOf(s.node, NodeKind.EntraUser);
    if (p.onPremisesSyncEnabled !== true) return [];
    return [hitOf(a, s, namedReach('entraObject', a.g, s.key, a.ctx))];
  },
  cypher: {
    query: `${SUBJECTS}
WITH s, sub WHERE s.onPremisesSyncEnabled = true
RETURN sub.key AS subject, ${REACH('entraObject', 's')} AS reach`,
    hit: (row, c) => hitOf(c.a, c.s, c.reach(row.reach)),
  },
};
