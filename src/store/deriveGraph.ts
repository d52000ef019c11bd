/**
 * Derived facts, computed once at load time from what the sources said: tenant nodes, the link
 * between a service principal and its application (same appId), the privilege edges that
 * tenant-wide roles and application permissions imply (for blast radius and paths: each source's
 * `privileges.tenant`, ingest/<source>/privileges.ts), and person correlation (SAME_PERSON links
 * with key and strength, BELONGS_TO a Person).
 */
import { correlate, type CorrelationRecord } from '../analysis/correlation.js';
import { IdSpace, nodeKey, parseNodeKey, personKey } from '../model/ids.js';
import { EdgeKind, NodeKind } from '../model/schema.js';
import type { EntraSpProps, PersonProps } from '../model/types.js';
import { type SnapshotWriter, nodeKindCode } from './SnapshotWriter.js';
import { SOURCES } from '../../ingest/sources.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export interface SourceRef {
  source: string;
  tenant: string;
  sourceKey: string;
}

export function deriveGraph(w: SnapshotWriter, sources: SourceRef[]): { persons: number; links: number } {
  w.at(null, null);
  const tenantOf = new Map<string, number>();
  for (const src of sources) {
    const tn = SOURCES.get(src.source)?.tenantNode;
    if (tn) tenantOf.set(src.sourceKey, w.putNode(nodeKey(src.sourceKey, IdSpace.tenant, src.tenant), tn.kind, { name: tn.name(src.tenant) }));
  }

  // Applications ↔ service principals by appId, within one tenant.
  const appByAppId = new Map<string, number>();
  for (const r of w.nodesOf(NodeKind.EntraApplication)) {
    const appId = s(r.props.appId);
    if (appId) appByAppId.set(`${parseNodeKey(r.key).sourceKey}|${appId}`, r.nid);
  }
  const spByKey = new Map<string, EntraSpProps>();
  for (const r of w.nodesOf(NodeKind.EntraServicePrincipal)) {
    const appId = s(r.props.appId);
    const p = { appId, appRoles: (r.props.appRoles as EntraSpProps['appRoles']) ?? [] } as EntraSpProps;
    spByKey.set(r.key, p);
    const app = p.appId ? appByAppId.get(`${parseNodeKey(r.key).sourceKey}|${p.appId}`) : undefined;
    if (app !== undefined) w.putEdge(EdgeKind.INSTANCE_OF, r.nid, app);
  }

  // What credentials and tokens sign in as; then what each source derives itself (GitHub: orgs, logins, workload trust).
  deriveAuthenticatesAs(w);
  for (const src of SOURCES.all()) src.derive?.(w);

  // Tenant-wide power each source derives (Entra: Graph permissions and directory roles at "/",
  // role assignments named after their role; Okta: super and org admins, okta.*.manage grants).
  deriveTenantPowers(w, tenantOf);

  // Person correlation: every listed account and every record kind the sources register, by the keys each declares.
  const records: CorrelationRecord[] = [];
  const displayName = new Map<string, string>();
  const nidOf = new Map<string, number>();
  const namesPerson = new Set<string>();
  const kinds = [
    ...SOURCES.accountKinds().map((kind) => ({ kind, keys: SOURCES.account(kind)!.account.correlation, names: false, stubs: false })),
    ...SOURCES.recordKinds().map(({ record }) => ({ kind: record.kind, keys: record.correlation, names: record.namesPerson === true, stubs: true })),
  ];
  const asserted = new Map<string, readonly { key: string; value: string }[]>();
  for (const src of SOURCES.all()) for (const [k, v] of src.asserted?.(w) ?? []) asserted.set(k, [...(asserted.get(k) ?? []), ...v]);
  for (const k of kinds) {
    for (const r of w.nodesOf(k.kind)) {
      if (r.props.stub && !k.stubs) continue;
      nidOf.set(r.key, r.nid);
      if (k.names) namesPerson.add(r.key);
      displayName.set(r.key, s(r.props.displayName) ?? s(r.props.name) ?? r.key);
      records.push({ key: r.key, ...k.keys(r.props), asserted: asserted.get(r.key) });
    }
  }
  const { persons, links } = correlate(records);
  for (const p of persons) {
    // Name a person after a record that names persons (HR) when there is one, else after the first account.
    const named = p.members.find((m) => namesPerson.has(m)) ?? p.members[0];
    const props: PersonProps = { name: displayName.get(named) ?? parseNodeKey(named).id, employeeId: p.employeeId, members: p.members.length };
    const pk = w.putNode(personKey(p.id), NodeKind.Person, props);
    for (const m of p.members) w.putEdge(EdgeKind.BELONGS_TO, nidOf.get(m)!, pk);
  }
  for (const l of links) w.putEdge(EdgeKind.SAME_PERSON, nidOf.get(l.a)!, nidOf.get(l.b)!, { key: l.key, value: l.value, strength: l.strength });
  return { persons: persons.length, links: links.length };
}

/** A source's `privileges.tenant` over every owner it declares: names, and edges to the owner's tenant node. */
function deriveTenantPowers(w: SnapshotWriter, tenantOf: ReadonlyMap<string, number>): void {
  for (const src of SOURCES.all()) {
    const tp = src.privileges?.tenant;
    if (!tp) continue;
    const listed = new Map<string, { key: string; kind: NodeKind; props: Record<string, unknown> }>();
    for (const r of tp.reads ?? []) for (const n of w.nodesOf(r.kind)) if (!n.props.stub) listed.set(n.key, { key: n.key, kind: r.kind, props: n.props });
    const lookup = (key: string) => listed.get(key);
    for (const kind of tp.kinds) {
      for (const r of w.nodesOf(kind)) {
        const d = tp.derive({ key: r.key, kind, props: r.props }, lookup);
        if (d.name !== undefined) w.rename(r.nid, d.name);
        const tenant = tenantOf.get(parseNodeKey(r.key).sourceKey);
        if (tenant !== undefined) for (const edge of d.edges) w.putEdge(edge, r.nid, tenant);
      }
    }
  }
}

/**
 * (credential)-[:AUTHENTICATES_AS]->(principal): an Entra secret, certificate or federated
 * credential signs in as its service principal (for an application: the application's service
 * principals); an Okta client secret or JWK as its app; an Okta API or refresh token as its user.
 */
function deriveAuthenticatesAs(w: SnapshotWriter): void {
  const spsOfApp = new Map<number, number[]>();
  w.forEachEdge(EdgeKind.INSTANCE_OF, (sp, app) => {
    (spsOfApp.get(app) ?? spsOfApp.set(app, []).get(app)!).push(sp);
  });
  const sp = nodeKindCode(NodeKind.EntraServicePrincipal);
  const app = nodeKindCode(NodeKind.EntraApplication);
  const okta = nodeKindCode(NodeKind.OktaApp);
  const pairs: [number, number][] = [];
  w.forEachEdge(EdgeKind.HAS_CREDENTIAL, (holder, cred) => {
    const k = w.kindOf(holder);
    if (k === sp || k === okta) pairs.push([cred, holder]);
    else if (k === app) for (const s of spsOfApp.get(holder) ?? []) pairs.push([cred, s]);
  });
  for (const kind of [EdgeKind.HAS_API_TOKEN, EdgeKind.HAS_REFRESH_TOKEN]) w.forEachEdge(kind, (user, token) => pairs.push([token, user]));
  for (const [c, p] of pairs) w.putEdge(EdgeKind.AUTHENTICATES_AS, c, p);
}
