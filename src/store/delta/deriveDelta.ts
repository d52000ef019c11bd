/**
 * The derived facts of a delta, recomputed only where the delta reached — the same facts, by the
 * same rules, as deriveGraph.ts computes for a whole load (keep the two in step; the delta
 * equivalence test compares them): tenant nodes; an application's service principals
 * (INSTANCE_OF, by appId); what a credential or a token signs in as (AUTHENTICATES_AS); Microsoft
 * Graph application permissions and directory roles at "/" that act on the tenant; role
 * assignments named after their role; Okta super/org admins and okta.*.manage grants. Each derived
 * fact has an owner (the node it goes out of); an owner is recomputed when it changed or when
 * what its rule reads changed. Only defined nodes own derived facts (a full load derives before
 * it makes stubs). Person correlation is in derivePersons.ts.
 */
import { text } from '../../model/text.js';
import { GRAPH_PERMISSION_EDGE, KNOWN_ROLE_NAMES, MICROSOFT_GRAPH_APP_ID, ROLE_PRIVILEGE_EDGE, TIER0_OKTA_ROLES, isTier0OktaScope } from '../../analysis/tiers.js';
import { IdSpace, nodeKey, parseNodeKey } from '../../model/ids.js';
import { SOURCES } from '../../../ingest/sources.js';
import { EdgeKind, NodeKind } from '../../model/schema.js';
import type { EntraSpProps } from '../../model/types.js';
import { DeltaGraph, type Row } from './DeltaGraph.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const OUT = 0;

const CREDENTIAL_KINDS = new Set<NodeKind>([NodeKind.PasswordCredential, NodeKind.KeyCredential, NodeKind.FederatedIdentityCredential, NodeKind.OktaClientSecret, NodeKind.OktaJwk]);
const TOKEN_KINDS = new Set<NodeKind>([NodeKind.OktaApiToken, NodeKind.OktaRefreshToken]);
const HOLDER_KINDS = new Set<NodeKind>([NodeKind.EntraApplication, NodeKind.EntraServicePrincipal, NodeKind.OktaApp]);
const GRAPH_EDGES = new Set(Object.values(GRAPH_PERMISSION_EDGE).map((k) => DeltaGraph.edgeIndex(k)));
const ROLE_EDGES = new Set(Object.values(ROLE_PRIVILEGE_EDGE).map((k) => DeltaGraph.edgeIndex(k)));
const INSTANCE_OF = DeltaGraph.edgeIndex(EdgeKind.INSTANCE_OF);
const AUTHENTICATES_AS = DeltaGraph.edgeIndex(EdgeKind.AUTHENTICATES_AS);
const CONTROLS_TENANT = DeltaGraph.edgeIndex(EdgeKind.CONTROLS_TENANT);

export interface DeltaSource {
  source: string;
  tenant: string;
  sourceKey: string;
}

export function deriveDelta(g: DeltaGraph, sources: readonly DeltaSource[]): void {
  const defined = (nid: number): Row | undefined => {
    const r = g.row(nid);
    return r && r.props.stub !== true ? r : undefined;
  };
  const kindOf = (nid: number) => g.row(nid)?.kind;
  const dropDerived = (nid: number, kinds: ReadonlySet<number>) => g.removeEdges(nid, OUT, (k, _o, file) => file < 0 && kinds.has(k));

  // Tenant nodes (derived, one per source that declares one: the registry's tenantNode, as deriveGraph).
  const tenantOf = new Map<string, number>();
  for (const src of sources) {
    const tn = SOURCES.get(src.source)?.tenantNode;
    if (!tn) continue;
    const key = nodeKey(src.sourceKey, IdSpace.tenant, src.tenant);
    const nid = g.ensureNid(key);
    const name = tn.name(src.tenant);
    const r = g.row(nid);
    if (!r || r.kind !== tn.kind || r.props.name !== name || r.props.stub) g.setRow(nid, { key, kind: tn.kind, props: { name }, file: -1, line: -1 });
    tenantOf.set(src.sourceKey, nid);
  }

  const changedRows = [...g.rows.keys()];
  const before = (nid: number) => (g.inBase(nid) ? g.baseRow(nid) : undefined);
  const ofKind = (nid: number, kinds: ReadonlySet<NodeKind> | NodeKind) => {
    const test = (k: NodeKind | undefined) => k !== undefined && (typeof kinds === 'string' ? k === kinds : kinds.has(k));
    return test(kindOf(nid)) || test(before(nid)?.kind);
  };

  // 1. Applications ↔ service principals by appId, within one tenant.
  const appsByAppId = (sourceKey: string, appId: string): number[] =>
    g
      .lookup(appId)
      .filter((k) => parseNodeKey(k).sourceKey === sourceKey)
      .map((k) => g.nidOf(k)!)
      .filter((n) => n !== undefined && defined(n)?.kind === NodeKind.EntraApplication && s(defined(n)!.props.appId) === appId)
      .sort((a, b) => a - b);
  const spsByAppId = (sourceKey: string, appId: string): number[] =>
    g
      .lookup(appId)
      .filter((k) => parseNodeKey(k).sourceKey === sourceKey)
      .map((k) => g.nidOf(k)!)
      .filter((n) => n !== undefined && kindOf(n) === NodeKind.EntraServicePrincipal);
  const dirtySps = new Set<number>();
  for (const nid of changedRows) {
    if (ofKind(nid, NodeKind.EntraServicePrincipal)) dirtySps.add(nid);
    if (ofKind(nid, NodeKind.EntraApplication)) {
      const sk = parseNodeKey((g.row(nid) ?? before(nid))!.key).sourceKey;
      for (const appId of new Set([s(before(nid)?.props.appId), s(g.row(nid)?.props.appId)])) {
        if (appId) for (const sp of spsByAppId(sk, appId)) dirtySps.add(sp);
      }
    }
  }
  for (const sp of dirtySps) {
    dropDerived(sp, new Set([INSTANCE_OF]));
    const r = defined(sp);
    if (!r || r.kind !== NodeKind.EntraServicePrincipal) continue;
    const appId = s(r.props.appId);
    const apps = appId ? appsByAppId(parseNodeKey(r.key).sourceKey, appId) : [];
    // deriveGraph keeps the last application listed with an appId (one per tenant in Entra).
    if (apps.length) g.addEdge(EdgeKind.INSTANCE_OF, sp, apps[apps.length - 1], -1, -1);
  }

  // 2. What credentials and tokens sign in as.
  const dirtyCreds = new Set<number>();
  const dirtyTokens = new Set<number>();
  for (const nid of g.changedNodes()) {
    if (ofKind(nid, CREDENTIAL_KINDS)) dirtyCreds.add(nid);
    if (ofKind(nid, TOKEN_KINDS)) dirtyTokens.add(nid);
    if (ofKind(nid, HOLDER_KINDS)) for (const c of g.others(nid, EdgeKind.HAS_CREDENTIAL, 'out')) dirtyCreds.add(c);
  }
  for (const c of dirtyCreds) {
    dropDerived(c, new Set([AUTHENTICATES_AS]));
    if (!g.row(c)) continue;
    for (const holder of g.others(c, EdgeKind.HAS_CREDENTIAL, 'in')) {
      const hk = defined(holder)?.kind;
      if (hk === NodeKind.EntraServicePrincipal || hk === NodeKind.OktaApp) g.addEdge(EdgeKind.AUTHENTICATES_AS, c, holder, -1, -1);
      else if (hk === NodeKind.EntraApplication) for (const sp of g.others(holder, EdgeKind.INSTANCE_OF, 'in')) g.addEdge(EdgeKind.AUTHENTICATES_AS, c, sp, -1, -1);
    }
  }
  for (const t of dirtyTokens) {
    dropDerived(t, new Set([AUTHENTICATES_AS]));
    if (!g.row(t)) continue;
    for (const kind of [EdgeKind.HAS_API_TOKEN, EdgeKind.HAS_REFRESH_TOKEN]) for (const user of g.others(t, kind, 'in')) g.addEdge(EdgeKind.AUTHENTICATES_AS, t, user, -1, -1);
  }

  // 3. Application permissions on Microsoft Graph that act on the whole tenant.
  const dirtyAppRoles = new Set<number>();
  for (const nid of changedRows) {
    if (ofKind(nid, NodeKind.EntraAppRoleAssignment)) dirtyAppRoles.add(nid);
    if (ofKind(nid, NodeKind.EntraServicePrincipal)) for (const a of g.others(nid, EdgeKind.ON_RESOURCE, 'in')) if (kindOf(a) === NodeKind.EntraAppRoleAssignment) dirtyAppRoles.add(a);
  }
  for (const a of dirtyAppRoles) {
    dropDerived(a, GRAPH_EDGES);
    const r = defined(a);
    if (!r || r.kind !== NodeKind.EntraAppRoleAssignment) continue;
    if (text(r.props.principalType).toLowerCase() !== 'serviceprincipal') continue;
    const sk = parseNodeKey(r.key).sourceKey;
    const resNid = g.nidOf(nodeKey(sk, IdSpace.entraObject, String(r.props.resourceId)));
    const res = resNid === undefined ? undefined : defined(resNid);
    if (!res || res.kind !== NodeKind.EntraServicePrincipal || s(res.props.appId) !== MICROSOFT_GRAPH_APP_ID) continue;
    const appRoles = ((res.props as unknown as EntraSpProps).appRoles ?? []);
    const value = appRoles.find((ar) => ar.id === r.props.appRoleId)?.value;
    const edge = value ? GRAPH_PERMISSION_EDGE[value] : undefined;
    const tenant = tenantOf.get(sk);
    if (edge && tenant !== undefined) g.addEdge(edge, a, tenant, -1, -1);
  }

  // 4. Directory role assignments and eligibilities named after their role; roles at "/" that act on the tenant.
  const dirtyRoles = new Set<number>();
  for (const nid of changedRows) {
    if (ofKind(nid, NodeKind.EntraRoleAssignment) || ofKind(nid, NodeKind.EntraRoleEligibility)) dirtyRoles.add(nid);
    if (ofKind(nid, NodeKind.EntraRoleDefinition)) for (const a of g.others(nid, EdgeKind.OF_ROLE, 'in')) dirtyRoles.add(a);
  }
  for (const a of dirtyRoles) {
    const r = defined(a);
    if (r?.kind === NodeKind.EntraRoleAssignment || !r) dropDerived(a, ROLE_EDGES);
    if (!r || (r.kind !== NodeKind.EntraRoleAssignment && r.kind !== NodeKind.EntraRoleEligibility)) continue;
    const sk = parseNodeKey(r.key).sourceKey;
    const defNid = g.nidOf(nodeKey(sk, IdSpace.roleDefinition, String(r.props.roleDefinitionId)));
    const def = defNid === undefined ? undefined : defined(defNid);
    const template = def ? (s(def.props.templateId) ?? parseNodeKey(def.key).id) : undefined;
    const roleName = def ? (s(def.props.name) ?? template!) : (KNOWN_ROLE_NAMES[String(r.props.roleDefinitionId)] ?? String(r.props.roleDefinitionId));
    const scope = s(r.props.directoryScopeId) ?? '/';
    const name = `${roleName}${r.kind === NodeKind.EntraRoleEligibility ? ' (eligible)' : ''}${scope === '/' ? '' : ` at ${scope}`}`;
    if (r.props.name !== name) g.setRow(a, { ...r, props: { ...r.props, name } });
    if (r.kind !== NodeKind.EntraRoleAssignment || scope !== '/') continue;
    const edge = ROLE_PRIVILEGE_EDGE[template ?? String(r.props.roleDefinitionId)];
    const tenant = tenantOf.get(sk);
    if (edge && tenant !== undefined) g.addEdge(edge, a, tenant, -1, -1);
  }

  // 5. Okta super and org admins, and okta.*.manage scopes granted to apps.
  for (const nid of changedRows) {
    if (!ofKind(nid, NodeKind.OktaRoleAssignment) && !ofKind(nid, NodeKind.OktaScopeGrant)) continue;
    dropDerived(nid, new Set([CONTROLS_TENANT]));
    const r = defined(nid);
    if (!r) continue;
    const tenant = tenantOf.get(parseNodeKey(r.key).sourceKey);
    if (tenant === undefined || (s(r.props.status) ?? 'ACTIVE') !== 'ACTIVE') continue;
    if (r.kind === NodeKind.OktaRoleAssignment && TIER0_OKTA_ROLES.has(String(r.props.type))) g.addEdge(EdgeKind.CONTROLS_TENANT, nid, tenant, -1, -1);
    if (r.kind === NodeKind.OktaScopeGrant && !s(r.props.userId) && isTier0OktaScope(String(r.props.scopeId))) g.addEdge(EdgeKind.CONTROLS_TENANT, nid, tenant, -1, -1);
  }
}
