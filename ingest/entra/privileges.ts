/**
 * Entra's part of the privilege graph and of reach (catalogue "Reach and tier 0"): the steps that
 * carry control out of its principals, applications, credentials and role assignments; the
 * privilege a role assignment or a service principal's app role assignment confers; its named
 * reaches (`entraObject`: what controlling an object gives; `entraRole`: one assignment) in both
 * engines; and the tenant-wide power derived at load time (Global Administrator at "/" controls
 * the tenant, Application.ReadWrite.All can add credentials, …; role assignments named after
 * their role). The functions are in reach.ts, the tiers in tiers.ts.
 */
import { IdSpace, nodeKey, parseNodeKey } from '../../src/model/ids.js';
import { reachOf, NO_REACH } from '../../src/model/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { PRINCIPAL_STEPS, type SourcePrivileges } from '../../src/model/source.js';
import { text } from '../../src/model/text.js';
import { ENTRA_FACTS, appPermissionPrivileges, entraObjectReach, entraReachCypher, entraRolePrivilege } from './reach.js';
import { DEFAULT_APP_ROLE_ID, GRAPH_PERMISSION_EDGE, KNOWN_ROLE_NAMES, MICROSOFT_GRAPH_APP_ID, ROLE_PRIVILEGE_EDGE } from './tiers.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const AUTHENTICATES = [{ edge: EdgeKind.AUTHENTICATES_AS }] as const;

/** An app role assignment's application permission, when `from` (its holder) is a service principal. */
function appPermission(g: Parameters<SourcePrivileges['privilegeOf']>[2], n: { key: string }, from: string) {
  if (g.node(from)?.kind !== NodeKind.EntraServicePrincipal) return null;
  return appPermissionPrivileges(g, from).find((p) => p.via === n.key) ?? null;
}

/** Tenant-wide power by the Graph permission an app role assignment of a service principal grants. */
function graphPermissionEdges(n: { key: string; props: Record<string, unknown> }, lookup: Parameters<NonNullable<SourcePrivileges['tenant']>['derive']>[1]): EdgeKind[] {
  if (text(n.props.principalType).toLowerCase() !== 'serviceprincipal') return [];
  const res = lookup(nodeKey(parseNodeKey(n.key).sourceKey, IdSpace.entraObject, String(n.props.resourceId)));
  if (!res || res.kind !== NodeKind.EntraServicePrincipal || s(res.props.appId) !== MICROSOFT_GRAPH_APP_ID) return [];
  const appRoles = (res.props.appRoles as { id?: unknown; value?: string | null }[] | undefined) ?? [];
  const value = appRoles.find((ar) => ar.id === n.props.appRoleId)?.value;
  const edge = value ? GRAPH_PERMISSION_EDGE[value] : undefined;
  return edge ? [edge] : [];
}

export const ENTRA_PRIVILEGES: SourcePrivileges = {
  steps: {
    [NodeKind.EntraUser]: PRINCIPAL_STEPS,
    [NodeKind.EntraGroup]: PRINCIPAL_STEPS,
    [NodeKind.EntraServicePrincipal]: PRINCIPAL_STEPS,
    [NodeKind.EntraDirectoryObject]: PRINCIPAL_STEPS,
    // Controlling an application controls its service principal's identity.
    [NodeKind.EntraApplication]: [{ edge: EdgeKind.INSTANCE_OF, reverse: true }],
    [NodeKind.PasswordCredential]: AUTHENTICATES,
    [NodeKind.KeyCredential]: AUTHENTICATES,
    [NodeKind.FederatedIdentityCredential]: AUTHENTICATES,
    [NodeKind.EntraRoleAssignment]: [
      { edge: EdgeKind.OF_ROLE, terminal: true },
      { edge: EdgeKind.CAN_ADD_CREDENTIALS, terminal: true },
      { edge: EdgeKind.CAN_GRANT_ROLES, terminal: true },
      { edge: EdgeKind.CAN_MANAGE_GROUPS, terminal: true },
      { edge: EdgeKind.CONTROLS_TENANT, terminal: true },
    ],
    [NodeKind.EntraAppRoleAssignment]: [
      { edge: EdgeKind.ON_RESOURCE, terminal: true },
      { edge: EdgeKind.CAN_ADD_CREDENTIALS, terminal: true },
      { edge: EdgeKind.CAN_GRANT_ROLES, terminal: true },
      { edge: EdgeKind.CAN_MANAGE_GROUPS, terminal: true },
    ],
  },
  privilegeOf(n, _edge, g, from) {
    if (n.kind === NodeKind.EntraRoleAssignment) return entraRolePrivilege(g, n);
    // An application permission only when its holder is a service principal.
    if (n.kind === NodeKind.EntraAppRoleAssignment) return appPermission(g, n, from);
    return null;
  },
  isTier0(n, g) {
    if (n.kind === NodeKind.EntraRoleAssignment) return entraRolePrivilege(g, n).tier0;
    if (n.kind === NodeKind.EntraAppRoleAssignment) return g.in(n.key, EdgeKind.HAS_APP_ROLE).some((e) => appPermission(g, n, e.from)?.tier0 === true);
    return false;
  },
  tierFacts: {
    [NodeKind.EntraRoleAssignment]: [{ edge: EdgeKind.OF_ROLE, dir: 'out' }],
    [NodeKind.EntraAppRoleAssignment]: [
      { edge: EdgeKind.HAS_APP_ROLE, dir: 'in' },
      { edge: EdgeKind.ON_RESOURCE, dir: 'out' },
    ],
  },
  labelFacts: {
    [NodeKind.EntraRoleAssignment]: EdgeKind.OF_ROLE,
    [NodeKind.EntraAppRoleAssignment]: EdgeKind.ON_RESOURCE,
  },
  reach: {
    entraObject: {
      of: (g, key) => {
        const n = g.node(key);
        return n ? entraObjectReach(g, n) : NO_REACH;
      },
      cypher: entraReachCypher,
    },
    entraRole: {
      of: (g, key) => {
        const n = g.node(key);
        return n ? reachOf([entraRolePrivilege(g, n)]) : NO_REACH;
      },
    },
  },
  facts: ENTRA_FACTS,
  tenant: {
    kinds: [NodeKind.EntraAppRoleAssignment, NodeKind.EntraRoleAssignment, NodeKind.EntraRoleEligibility],
    edges: [...new Set([...Object.values(GRAPH_PERMISSION_EDGE), ...Object.values(ROLE_PRIVILEGE_EDGE)])],
    reads: [
      { kind: NodeKind.EntraServicePrincipal, via: EdgeKind.ON_RESOURCE },
      { kind: NodeKind.EntraRoleDefinition, via: EdgeKind.OF_ROLE },
    ],
    derive(n, lookup) {
      if (n.kind === NodeKind.EntraAppRoleAssignment) return { edges: graphPermissionEdges(n, lookup) };
      // Directory role assignments and eligibilities are named after their role; roles at "/" act on the tenant.
      const roleId = String(n.props.roleDefinitionId);
      const def = lookup(nodeKey(parseNodeKey(n.key).sourceKey, IdSpace.roleDefinition, roleId));
      const template = def ? (s(def.props.templateId) ?? parseNodeKey(def.key).id) : undefined;
      const roleName = def ? (s(def.props.name) ?? template!) : (KNOWN_ROLE_NAMES[roleId] ?? roleId);
      const scope = s(n.props.directoryScopeId) ?? '/';
      const name = `${roleName}${n.kind === NodeKind.EntraRoleEligibility ? ' (eligible)' : ''}${scope === '/' ? '' : ` at ${scope}`}`;
      if (n.kind !== NodeKind.EntraRoleAssignment || scope !== '/') return { edges: [], name };
      const edge = ROLE_PRIVILEGE_EDGE[template ?? roleId];
      return { edges: edge ? [edge] : [], name };
    },
  },
  listed: [NodeKind.EntraGroup, NodeKind.EntraApplication, NodeKind.EntraServicePrincipal, NodeKind.EntraUser],
  constants: { defaultAppRoleId: DEFAULT_APP_ROLE_ID },
};
