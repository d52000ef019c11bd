/**
 * `azure.role-held-by-departed-guest` (unverified or dormant; sources-azure.md): an enabled Entra
 * guest (`userType` Guest) that is departed (its person terminated in HR, or linked to a departed
 * account) holds an active or eligible Azure role, directly or through a group. A guest signs in
 * with its home identity, which this tenant's data does not show: `unverified`; `dormant` when its
 * home account is collected and disabled — an account of the guest's person in another source
 * (an Entra user of another tenant, an Okta user) whose sign-in name is the one the guest was
 * invited as: the guest's `mail`, or its UPN before `#EXT#` with the last `_` read as `@`
 * (`pat_partner.example#EXT#@…` → `pat@partner.example`) — and every such home account is
 * disabled (in its own source, or assumed so). Reported beside `hr.leaver-account-enabled`, one
 * finding per assignment or eligibility.
 */
import { AZURE_DORMANT_ROLE_NEEDS, AZURE_ROLES_MATCH, AZURE_ROLES_RETURN, azureRoleDefinition, azureRoleHit, azureRolesOf, rowEnd } from './azure.dormant-role.js';
import { namedReach } from '../../src/analysis/reach.js';
import { propsIf } from '../../src/model/props.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { DISABLED, SUBJECTS } from '../cypher/fragments.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Status } from '../../src/analysis/severity.js';
import type { GraphNode } from '../../src/model/types.js';
import { hasLabel, nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import type { Rule } from './Rule.js';

const HOME_KINDS: readonly NodeKind[] = [NodeKind.EntraUser, NodeKind.OktaUser];

/** A string property, lower-cased, or ''. */
const lc = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

/** The sign-in name of a possible home account (Entra UPN, Okta login), lower-cased, or ''. */
const signInName = (n: GraphNode): string => lc(n.props.upn) || lc(n.props.login);

/** Whether `other` (another source's account of the guest's person) is the guest's home account: its sign-in name is the guest's mail, or its UPN before `#EXT#` with `@` written `_`. */
function isHome(guest: GraphNode, other: GraphNode): boolean {
  const name = signInName(other);
  if (!name) return false;
  const mail = lc(guest.props.mail);
  const upn = lc(guest.props.upn);
  return name === mail || (upn.includes('#ext#') && name.replace(/@/g, '_') === upn.split('#ext#')[0]);
}

/** `dormant` when the guest's home accounts are collected and every one is disabled; else `unverified`. */
function guestStatus(homesDisabled: boolean[]): Status {
  return homesDisabled.length > 0 && homesDisabled.every(Boolean) ? 'dormant' : 'unverified';
}

/** The embedded engine: whether each of the guest's home accounts is disabled. */
function homesDisabled(a: Analysis, s: AccountState): boolean[] {
  return a
    .otherAccounts(s.key)
    .filter((o) => o.sourceKey !== s.node.sourceKey && HOME_KINDS.includes(o.kind) && !o.props.stub && isHome(s.node, o))
    .map((o) => a.state(o.key)?.disabled === true);
}

/** Cypher: the same home accounts, as a list of their `disabled`. */
const HOMES = `COLLECT { MATCH (s)-[:${relType(EdgeKind.BELONGS_TO)}]->(:${nodeLabel(NodeKind.Person)})<-[:${relType(EdgeKind.BELONGS_TO)}]-(home)
    WHERE home.source <> s.source AND ${hasLabel('home', HOME_KINDS)} AND NOT coalesce(home.stub, false)
      AND toLower(coalesce(home.upn, home.login, '')) <> ''
      AND (toLower(coalesce(home.upn, home.login)) = toLower(coalesce(s.mail, ''))
        OR (toLower(coalesce(s.upn, '')) CONTAINS '#ext#' AND replace(toLower(coalesce(home.upn, home.login)), '@', '_') = split(toLower(s.upn), '#ext#')[0]))
    WITH home ORDER BY home.key
    RETURN ${DISABLED('home')} } AS homes`;

export const azureRoleHeldByDepartedGuest: Rule = {
  id: 'azure.role-held-by-departed-guest',
  source: 'azure',
  subjects: 'entra',
  title: 'A departed guest still holds an Azure role',
  appliesTo: 'departed',
  statuses: ['unverified', 'dormant'],
  viaDoc: "the assignment's or eligibility schedule instance's ARM id",
  action: { verb: 'Remove', unit: ['Azure role of a departed guest', 'Azure roles of departed guests'], unitKey: 'via', object: ['guest', 'guests', 'held by'], objectKey: 'subject' },
  needs: { ...AZURE_DORMANT_ROLE_NEEDS, hr: ['people'] },
  evaluate(s, a) {
    if (s.disabled || propsIf(s.node, NodeKind.EntraUser)?.userType !== 'Guest') return [];
    const roles = azureRolesOf(a, s);
    if (!roles.length) return [];
    const status = guestStatus(homesDisabled(a, s));
    return roles.map(({ group, e, n, end }) => azureRoleHit(a, s, group, e, n, azureRoleDefinition(a, n), status, namedReach('azureRole', a.g, n.key, a.ctx), end));
  },
  cypher: {
    query: `${SUBJECTS}
WITH s, sub WHERE NOT sub.disabled AND s.userType = 'Guest'
WITH s, sub, ${HOMES}
${AZURE_ROLES_MATCH}
RETURN sub.key AS subject, homes, ${AZURE_ROLES_RETURN}
ORDER BY direct, e.seq`,
    hit: (row, c) => azureRoleHit(c.a, c.s, c.maybeNode(row.grp), c.edge(row.e), c.node(row.n), c.maybeNode(row.role), guestStatus((row.homes as boolean[]) ?? []), c.reach([{ t: 'azureRole', a: row.n, def: row.role }]), rowEnd(row, c.node(row.n))),
  },
};
