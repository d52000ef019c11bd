/**
 * Entra's reach: what controlling an Entra object gives — a user's or group's active directory
 * roles (directly or through nested groups; PIM eligibilities never count, they must be
 * activated first), a service principal's application permissions and roles, an application's
 * through its service principals — in both engines: the embedded functions here, the Cypher
 * subquery (`entraReachCypher`) returning facts that `ENTRA_FACTS` turn into the same
 * privileges with these functions. A user's app role assignments are app access, not
 * application permissions. Declared on the source through privileges.ts.
 */
import { propsIf, propsOf } from '../../src/model/props.js';
import { type Privilege, type Reach, NO_REACH, mergeReach, reachOf, transitiveGroups } from '../../src/model/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { CypherHelpers, FactContext, GraphView } from '../../src/model/source.js';
import type { GraphNode } from '../../src/model/types.js';
import { DEFAULT_APP_ROLE_ID, MICROSOFT_GRAPH_APP_ID, TIER0_GRAPH_PERMISSIONS, TIER0_ROLE_TEMPLATES } from './tiers.js';

/** The privilege a directory role assignment or eligibility confers. */
export function entraRolePrivilege(g: GraphView, assignment: GraphNode): Privilege {
  const p = propsOf(assignment, NodeKind.EntraRoleAssignment, NodeKind.EntraRoleEligibility);
  const def = g.out(assignment.key, EdgeKind.OF_ROLE).map((e) => g.node(e.to)).find(Boolean);
  const dp = propsIf(def, NodeKind.EntraRoleDefinition);
  const template = dp?.templateId ?? p.roleDefinitionId;
  const scope = p.directoryScopeId ?? '/';
  const roleName = dp?.name ?? template;
  return {
    label: `Entra role: ${roleName}${scope === '/' ? '' : ` (scope ${scope})`}`,
    tier0: scope === '/' && TIER0_ROLE_TEMPLATES.has(template),
    type: 'role',
    via: assignment.key,
  };
}

/** Active directory role assignments of a principal, directly or through its groups. */
function activeEntraRoleAssignments(g: GraphView, principal: string): GraphNode[] {
  const out: GraphNode[] = [];
  for (const holder of [principal, ...transitiveGroups(g, principal)]) {
    for (const e of g.out(holder, EdgeKind.HAS_ROLE)) {
      const n = g.node(e.to);
      if (n && n.kind === NodeKind.EntraRoleAssignment) out.push(n);
    }
  }
  return out;
}

export function entraRolesReach(g: GraphView, principal: string): Reach {
  return reachOf(activeEntraRoleAssignments(g, principal).map((a) => entraRolePrivilege(g, a)));
}

/** Application permissions of a service principal (its app role assignments on resources). */
export function appPermissionPrivileges(g: GraphView, sp: string): Privilege[] {
  const out: Privilege[] = [];
  for (const e of g.out(sp, EdgeKind.HAS_APP_ROLE)) {
    const a = g.node(e.to);
    if (!a) continue;
    const p = propsOf(a, NodeKind.EntraAppRoleAssignment);
    if (p.appRoleId === DEFAULT_APP_ROLE_ID) continue;
    const res = g.out(a.key, EdgeKind.ON_RESOURCE).map((x) => g.node(x.to)).find(Boolean);
    const rp = propsIf(res, NodeKind.EntraServicePrincipal);
    const role = rp?.appRoles?.find((r) => r.id === p.appRoleId);
    const resName = rp && !rp.stub ? rp.name : (p.resourceDisplayName ?? p.resourceId);
    const value = role?.value ?? role?.displayName ?? `app role ${p.appRoleId}`;
    out.push({
      label: `${resName}: ${value}`,
      tier0: rp?.appId === MICROSOFT_GRAPH_APP_ID && !!role?.value && TIER0_GRAPH_PERMISSIONS.has(role.value),
      type: 'appPermission',
      via: a.key,
    });
  }
  return out;
}

/** A service principal's application permissions and directory roles. */
function servicePrincipalReach(g: GraphView, sp: string): Reach {
  return reachOf([...appPermissionPrivileges(g, sp), ...activeEntraRoleAssignments(g, sp).map((a) => entraRolePrivilege(g, a))]);
}

/** An application's permissions and roles: those of its service principal(s) (same appId, in its tenant). */
function applicationReach(g: GraphView, app: string): Reach {
  return mergeReach(...g.in(app, EdgeKind.INSTANCE_OF).map((e) => servicePrincipalReach(g, e.from)));
}

/** What controlling an Entra object gives: an app or SP's permissions, a group's or user's roles. */
export function entraObjectReach(g: GraphView, node: GraphNode): Reach {
  switch (node.kind) {
    case NodeKind.EntraApplication:
      return applicationReach(g, node.key);
    case NodeKind.EntraServicePrincipal:
      return servicePrincipalReach(g, node.key);
    case NodeKind.EntraGroup:
    case NodeKind.EntraUser:
      return entraRolesReach(g, node.key);
    default:
      return NO_REACH;
  }
}

/**
 * entraObjectReach in Cypher for an Entra object `x`: the principals (an application's service
 * principals, else `x`), their active role assignments directly or through nested groups, and a
 * service principal's application permissions. Binds `out` to a list of facts.
 */
export function entraReachCypher(x: string, out: string, h: CypherHelpers): string {
  const { label: L, rel: R, node: NODE } = h;
  return `CALL (${x}) {
  CALL (${x}) {
    WITH ${x} WHERE ${x}:${L(NodeKind.EntraApplication)}
    MATCH (rp:${L(NodeKind.EntraServicePrincipal)})-[:${R(EdgeKind.INSTANCE_OF)}]->(${x}) RETURN rp
    UNION
    WITH ${x} WHERE ${h.hasLabel(x, [NodeKind.EntraServicePrincipal, NodeKind.EntraGroup, NodeKind.EntraUser])}
    RETURN ${x} AS rp
  }
  CALL (rp) {
    CALL (rp) { MATCH (rp)-[:${R(EdgeKind.MEMBER_OF)}*0..]->(rh) RETURN DISTINCT rh }
    MATCH (rh)-[:${R(EdgeKind.HAS_ROLE)}]->(ra:${L(NodeKind.EntraRoleAssignment)})
    RETURN {t: 'entraRole', a: ${NODE('ra')}, def: ${h.firstOut('ra', EdgeKind.OF_ROLE)}} AS fact
    UNION ALL
    WITH rp WHERE rp:${L(NodeKind.EntraServicePrincipal)}
    MATCH (rp)-[:${R(EdgeKind.HAS_APP_ROLE)}]->(ara) WHERE ara.appRoleId <> $k.defaultAppRoleId
    RETURN {t: 'appPerm', sp: ${NODE('rp')}, a: ${NODE('ara')}, res: ${h.firstOut('ara', EdgeKind.ON_RESOURCE)}} AS fact
  }
  RETURN collect(fact) AS ${out}
}`;
}

/** The privileges of the facts entraReachCypher returns, named by the functions above. */
export const ENTRA_FACTS = {
  entraRole(f: Record<string, unknown>, c: FactContext): Privilege[] {
    const a = c.node(f.a);
    return [entraRolePrivilege(c.graph().link(EdgeKind.OF_ROLE, a, c.maybeNode(f.def)), a)];
  },
  appPerm(f: Record<string, unknown>, c: FactContext): Privilege[] {
    const a = c.node(f.a);
    const sp = c.node(f.sp);
    const g = c.graph().link(EdgeKind.HAS_APP_ROLE, sp, a).link(EdgeKind.ON_RESOURCE, a, c.maybeNode(f.res));
    return appPermissionPrivileges(g, sp.key).filter((p) => p.via === a.key);
  },
};
