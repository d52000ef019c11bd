/**
 * Okta's part of the privilege graph and of reach (catalogue "Reach and tier 0"): the steps that
 * carry control out of its users, groups, apps, credentials and tokens; the privilege an admin
 * role assignment or an `okta.*` scope grant confers; its named reaches (`oktaUser`,
 * `oktaUserGroups`, `oktaDirect`, `oktaServiceApp`, `oktaRole`) in both engines; and the
 * tenant-wide power derived at load time (SUPER_ADMIN and ORG_ADMIN, `okta.*.manage` granted to
 * an app, control the org). The functions are in reach.ts, the tiers in tiers.ts.
 */
import { NO_REACH, reachOf } from '../../src/model/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { PRINCIPAL_STEPS, type SourcePrivileges } from '../../src/model/source.js';
import { text } from '../../src/model/text.js';
import { OKTA_FACTS, oktaDirectRoles, oktaDirectRolesCypher, oktaRolePrivilege, oktaServiceAppReach, oktaServiceAppReachCypher, oktaUserReachCypher, oktaUserRolesReach } from './reach.js';
import { TIER0_OKTA_ROLES, isTier0OktaScope } from './tiers.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const AUTHENTICATES = [{ edge: EdgeKind.AUTHENTICATES_AS }] as const;

/** The privilege a scope grant confers, when it is an `okta.*` scope. */
function scopePrivilege(n: { props: Record<string, unknown> }): { label: string; tier0: boolean } | null {
  const scope = text(n.props.scopeId ?? n.props.name);
  return scope.startsWith('okta.') ? { label: `Okta scope: ${scope}`, tier0: isTier0OktaScope(scope) } : null;
}

export const OKTA_PRIVILEGES: SourcePrivileges = {
  steps: {
    [NodeKind.OktaUser]: PRINCIPAL_STEPS,
    [NodeKind.OktaGroup]: PRINCIPAL_STEPS,
    [NodeKind.OktaApp]: PRINCIPAL_STEPS,
    [NodeKind.OktaClientSecret]: AUTHENTICATES,
    [NodeKind.OktaJwk]: AUTHENTICATES,
    [NodeKind.OktaApiToken]: AUTHENTICATES,
    [NodeKind.OktaRefreshToken]: AUTHENTICATES,
    [NodeKind.OktaRoleAssignment]: [{ edge: EdgeKind.CONTROLS_TENANT, terminal: true }],
    [NodeKind.OktaScopeGrant]: [{ edge: EdgeKind.CONTROLS_TENANT, terminal: true }],
  },
  privilegeOf(n) {
    if (n.kind === NodeKind.OktaRoleAssignment) return oktaRolePrivilege(n);
    if (n.kind === NodeKind.OktaScopeGrant) return scopePrivilege(n);
    return null;
  },
  isTier0(n) {
    if (n.kind === NodeKind.OktaRoleAssignment) return oktaRolePrivilege(n).tier0;
    if (n.kind === NodeKind.OktaScopeGrant) return isTier0OktaScope(text(n.props.scopeId));
    return false;
  },
  reach: {
    oktaUser: { of: (g, key) => oktaUserRolesReach(g, key), cypher: oktaUserReachCypher(true) },
    oktaUserGroups: { of: (g, key) => oktaUserRolesReach(g, key, false), cypher: oktaUserReachCypher(false) },
    oktaDirect: { of: (g, key) => reachOf(oktaDirectRoles(g, key).map(oktaRolePrivilege)), cypher: oktaDirectRolesCypher },
    oktaServiceApp: { of: (g, key) => oktaServiceAppReach(g, key), cypher: oktaServiceAppReachCypher },
    oktaRole: {
      of: (g, key) => {
        const n = g.node(key);
        return n ? reachOf([oktaRolePrivilege(n)]) : NO_REACH;
      },
    },
  },
  facts: OKTA_FACTS,
  tenant: {
    kinds: [NodeKind.OktaRoleAssignment, NodeKind.OktaScopeGrant],
    edges: [EdgeKind.CONTROLS_TENANT],
    // Super and org admins, and okta.*.manage scopes granted to apps (not to a user), control the org.
    derive(n) {
      if ((s(n.props.status) ?? 'ACTIVE') !== 'ACTIVE') return { edges: [] };
      if (n.kind === NodeKind.OktaRoleAssignment) return { edges: TIER0_OKTA_ROLES.has(String(n.props.type)) ? [EdgeKind.CONTROLS_TENANT] : [] };
      return { edges: !s(n.props.userId) && isTier0OktaScope(String(n.props.scopeId)) ? [EdgeKind.CONTROLS_TENANT] : [] };
    },
  },
  listed: [NodeKind.OktaGroup, NodeKind.OktaApp, NodeKind.OktaUser],
};
