/**
 * Reach: what the access a finding names can do — application permissions, directory and admin
 * roles, Okta client roles and `okta.*` scope grants — and whether any of it is tier 0. Active
 * role assignments count directly or through groups (transitively, cycle-safe); PIM
 * eligibilities never count here (they must be activated first). A user's app role assignments
 * are app access, not application permissions.
 */
import { EdgeKind, NodeKind } from '../model/schema.js';
import type { GraphNode } from '../model/types.js';
import type { GraphReader } from '../store/GraphReader.js';
import { DEFAULT_APP_ROLE_ID, MICROSOFT_GRAPH_APP_ID, TIER0_GRAPH_PERMISSIONS, TIER0_OKTA_ROLES, TIER0_ROLE_TEMPLATES, isOktaScope, isTier0OktaScope } from './tiers.js';
import { propsOf, propsIf } from '../model/props.js';

export interface Privilege {
  label: string;
  tier0: boolean;
  /** `appPermission`, `role` or `scope`. */
  type: 'appPermission' | 'role' | 'scope';
  /** The node that grants it (role assignment, app role assignment, scope grant). */
  via: string;
}

export interface Reach {
  tier0: boolean;
  /** Any application permission, admin role or okta.* scope grant. */
  privileged: boolean;
  privileges: Privilege[];
}

export const NO_REACH: Reach = Object.freeze({ tier0: false, privileged: false, privileges: [] });

export function reachOf(privileges: Privilege[]): Reach {
  const seen = new Map<string, Privilege>();
  for (const p of privileges) if (!seen.has(`${p.via}|${p.label}`)) seen.set(`${p.via}|${p.label}`, p);
  const list = [...seen.values()].sort((a, b) => Number(b.tier0) - Number(a.tier0) || a.label.localeCompare(b.label));
  return { tier0: list.some((p) => p.tier0), privileged: list.length > 0, privileges: list };
}

function mergeReach(...rs: Reach[]): Reach {
  return reachOf(rs.flatMap((r) => r.privileges));
}

/** Groups a principal is a member of, directly or through other groups (cycle-safe). */
export function transitiveGroups(g: GraphReader, key: string): string[] {
  const seen = new Set<string>();
  const stack = [key];
  while (stack.length) {
    const k = stack.pop()!;
    for (const e of g.out(k, EdgeKind.MEMBER_OF)) {
      if (!seen.has(e.to) && e.to !== key) {
        seen.add(e.to);
        stack.push(e.to);
      }
    }
  }
  return [...seen];
}

/** The privilege a directory role assignment or eligibility confers. */
export function entraRolePrivilege(g: GraphReader, assignment: GraphNode): Privilege {
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
function activeEntraRoleAssignments(g: GraphReader, principal: string): GraphNode[] {
  const out: GraphNode[] = [];
  for (const holder of [principal, ...transitiveGroups(g, principal)]) {
    for (const e of g.out(holder, EdgeKind.HAS_ROLE)) {
      const n = g.node(e.to);
      if (n && n.kind === NodeKind.EntraRoleAssignment) out.push(n);
    }
  }
  return out;
}

export function entraRolesReach(g: GraphReader, principal: string): Reach {
  return reachOf(activeEntraRoleAssignments(g, principal).map((a) => entraRolePrivilege(g, a)));
}

/** Application permissions of a service principal (its app role assignments on resources). */
export function appPermissionPrivileges(g: GraphReader, sp: string): Privilege[] {
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
export function servicePrincipalReach(g: GraphReader, sp: string): Reach {
  return reachOf([...appPermissionPrivileges(g, sp), ...activeEntraRoleAssignments(g, sp).map((a) => entraRolePrivilege(g, a))]);
}

/** The service principals of an application in its tenant (same appId). */
export function servicePrincipalsOf(g: GraphReader, app: string): string[] {
  return g.in(app, EdgeKind.INSTANCE_OF).map((e) => e.from);
}

/** An application's permissions and roles: those of its service principal(s). */
export function applicationReach(g: GraphReader, app: string): Reach {
  return mergeReach(...servicePrincipalsOf(g, app).map((sp) => servicePrincipalReach(g, sp)));
}

/** What controlling an Entra object gives: an app or SP's permissions, a group's roles. */
export function entraObjectReach(g: GraphReader, node: GraphNode): Reach {
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
export function oktaDirectRoles(g: GraphReader, holder: string): GraphNode[] {
  return g
    .out(holder, EdgeKind.HAS_ROLE)
    .map((e) => g.node(e.to))
    .filter((n): n is GraphNode => !!n && n.kind === NodeKind.OktaRoleAssignment && oktaRoleActive(n));
}

/** An Okta user's admin roles: direct (unless excluded) and through its groups. */
export function oktaUserRolesReach(g: GraphReader, user: string, includeDirect = true): Reach {
  const roles = includeDirect ? oktaDirectRoles(g, user) : [];
  for (const grp of g.out(user, EdgeKind.MEMBER_OF)) roles.push(...oktaDirectRoles(g, grp.to));
  return reachOf(roles.map(oktaRolePrivilege));
}

/** An Okta service app: its client admin roles and its `okta.*` scope grants. */
export function oktaServiceAppReach(g: GraphReader, app: string): Reach {
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
