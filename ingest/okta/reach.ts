/**
 * Okta's reach: an admin role assignment's privilege, a user's admin roles (direct and through
 * its groups), the roles a group or app holds itself, a service app's client roles and `okta.*`
 * scope grants — in both engines: the embedded functions here, the Cypher subqueries returning
 * facts that `OKTA_FACTS` turn into the same privileges with these functions. Declared on the
 * source through privileges.ts.
 */
import { propsOf } from '../../src/model/props.js';
import { type Privilege, type Reach, reachOf } from '../../src/model/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { CypherHelpers, FactContext, GraphView } from '../../src/model/source.js';
import type { GraphNode } from '../../src/model/types.js';
import { TIER0_OKTA_ROLES, isOktaScope, isTier0OktaScope } from './tiers.js';

function oktaRoleActive(n: GraphNode): boolean {
  const s = propsOf(n, NodeKind.OktaRoleAssignment).status;
  return s === null || s === undefined || s === 'ACTIVE';
}

export function oktaRolePrivilege(role: GraphNode): Privilege {
  const p = propsOf(role, NodeKind.OktaRoleAssignment);
  const type = p.type ?? 'CUSTOM';
  return { label: `Okta role: ${type}${p.name && p.name !== type ? ` (${p.name})` : ''}`, tier0: TIER0_OKTA_ROLES.has(type), type: 'role', via: role.key };
}

/** Admin roles of an Okta principal (user, group or app) held directly. */
export function oktaDirectRoles(g: GraphView, holder: string): GraphNode[] {
  return g
    .out(holder, EdgeKind.HAS_ROLE)
    .map((e) => g.node(e.to))
    .filter((n): n is GraphNode => !!n && n.kind === NodeKind.OktaRoleAssignment && oktaRoleActive(n));
}

/** An Okta user's admin roles: direct (unless excluded) and through its groups. */
export function oktaUserRolesReach(g: GraphView, user: string, includeDirect = true): Reach {
  const roles = includeDirect ? oktaDirectRoles(g, user) : [];
  for (const grp of g.out(user, EdgeKind.MEMBER_OF)) roles.push(...oktaDirectRoles(g, grp.to));
  return reachOf(roles.map(oktaRolePrivilege));
}

/** An Okta service app: its client admin roles and its `okta.*` scope grants. */
export function oktaServiceAppReach(g: GraphView, app: string): Reach {
  const privs = oktaDirectRoles(g, app).map(oktaRolePrivilege);
  for (const e of g.out(app, EdgeKind.HAS_GRANT)) {
    const n = g.node(e.to);
    if (!n) continue;
    const p = propsOf(n, NodeKind.OktaScopeGrant);
    if ((p.status ?? 'ACTIVE') !== 'ACTIVE' || !isOktaScope(p.scopeId)) continue;
    privs.push({ label: `Okta scope: ${p.scopeId}`, tier0: isTier0OktaScope(p.scopeId), type: 'scope', via: n.key });
  }
  return reachOf(privs);
}

const ACTIVE_ROLE = (r: string) => `coalesce(${r}.status, 'ACTIVE') = 'ACTIVE'`;

/** oktaUserRolesReach in Cypher: direct admin roles (when `includeDirect`) and those of the user's groups. */
export function oktaUserReachCypher(includeDirect: boolean): (u: string, out: string, h: CypherHelpers) => string {
  return (u, out, h) => {
    const role = h.label(NodeKind.OktaRoleAssignment);
    const direct = `MATCH (${u})-[:${h.rel(EdgeKind.HAS_ROLE)}]->(orr:${role}) WHERE ${ACTIVE_ROLE('orr')}
    RETURN {t: 'oktaRole', a: ${h.node('orr')}} AS fact
    UNION ALL
    `;
    return `CALL (${u}) {
  CALL (${u}) {
    ${includeDirect ? direct : ''}MATCH (${u})-[:${h.rel(EdgeKind.MEMBER_OF)}]->()-[:${h.rel(EdgeKind.HAS_ROLE)}]->(orr:${role}) WHERE ${ACTIVE_ROLE('orr')}
    RETURN {t: 'oktaRole', a: ${h.node('orr')}} AS fact
  }
  RETURN collect(fact) AS ${out}
}`;
  };
}

/** oktaDirectRoles as reach facts: the active admin roles a holder (group, app) holds itself. */
export function oktaDirectRolesCypher(x: string, out: string, h: CypherHelpers): string {
  return `CALL (${x}) {
  OPTIONAL MATCH (${x})-[:${h.rel(EdgeKind.HAS_ROLE)}]->(orr:${h.label(NodeKind.OktaRoleAssignment)}) WHERE ${ACTIVE_ROLE('orr')}
  RETURN [x IN collect(orr) | {t: 'oktaRole', a: x {.key, .kind, .props, .file, .line}}] AS ${out}
}`;
}

/** oktaServiceAppReach in Cypher: the app's client admin roles and its active `okta.*` scope grants. */
export function oktaServiceAppReachCypher(app: string, out: string, h: CypherHelpers): string {
  return `CALL (${app}) {
  CALL (${app}) {
    MATCH (${app})-[:${h.rel(EdgeKind.HAS_ROLE)}]->(orr:${h.label(NodeKind.OktaRoleAssignment)}) WHERE ${ACTIVE_ROLE('orr')}
    RETURN {t: 'oktaRole', a: ${h.node('orr')}} AS fact
    UNION ALL
    MATCH (${app})-[:${h.rel(EdgeKind.HAS_GRANT)}]->(sg) WHERE coalesce(sg.status, 'ACTIVE') = 'ACTIVE' AND sg.scopeId STARTS WITH 'okta.'
    RETURN {t: 'oktaScope', app: ${h.node(app)}, a: ${h.node('sg')}} AS fact
  }
  RETURN collect(fact) AS ${out}
}`;
}

/** The privileges of the facts the Cypher above returns, named by the functions above. */
export const OKTA_FACTS = {
  oktaRole(f: Record<string, unknown>, c: FactContext): Privilege[] {
    return [oktaRolePrivilege(c.node(f.a))];
  },
  oktaScope(f: Record<string, unknown>, c: FactContext): Privilege[] {
    const app = c.node(f.app);
    return oktaServiceAppReach(c.graph().link(EdgeKind.HAS_GRANT, app, c.node(f.a)), app.key).privileges;
  },
};
