/**
 * Derived facts, computed once at load time from what the sources said: tenant nodes, the link
 * between an instance and its object by a shared id (each source's `instances`: a service
 * principal and its application, same appId), what credentials and tokens sign in as (each
 * source's `signIn`), the privilege edges that tenant-wide roles and application permissions
 * imply (for blast radius and paths: each source's `privileges.tenant`,
 * ingest/<source>/privileges.ts), and person correlation (SAME_PERSON links with key and
 * strength, BELONGS_TO a Person).
 */
import { correlate, type CorrelationRecord } from '../analysis/correlation.js';
import { IdSpace, nodeKey, parseNodeKey, personKey } from '../model/ids.js';
import { EdgeKind, NodeKind } from '../model/schema.js';
import type { PersonProps } from '../model/types.js';
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

  // Instances by a shared id within one tenant (Entra: service principals of an application, by appId).
  const signIn = SOURCES.signIn();
  for (const decl of signIn.instances) {
    const ofById = new Map<string, number>();
    for (const r of w.nodesOf(decl.of)) {
      const id = s(r.props[decl.by]);
      if (id) ofById.set(`${parseNodeKey(r.key).sourceKey}|${id}`, r.nid);
    }
    for (const r of w.nodesOf(decl.instance)) {
      const id = s(r.props[decl.by]);
      const of = id ? ofById.get(`${parseNodeKey(r.key).sourceKey}|${id}`) : undefined;
      if (of !== undefined) w.putEdge(EdgeKind.INSTANCE_OF, r.nid, of);
    }
  }

  // What credentials and tokens sign in as; then what each source derives itself (GitHub: orgs, logins, workload trust).
  deriveAuthenticatesAs(w, signIn);
  for (const src of SOURCES.all()) src.derive?.(w);

  // Tenant-wide power each source derives (Entra: Graph permissions and directory roles at "/",
  // role assignments named after their role; Okta: super and org admins, okta.*.manage grants).
  deriveTenantPowers(w, tenantOf);

  // Person correlation: every listed account and every record kind the sources register, by the keys each declares.
  const records: CorrelationRecord[] = [];
  const displayName = new Map<string, string>();
  const nidOf = new Map<string, number>();
  const namesPerson = new Set<string>();
  const asserted = new Map<string, readonly { key: string; value: string }[]>();
  for (const src of SOURCES.all()) for (const [k, v] of src.asserted?.(w) ?? []) asserted.set(k, [...(asserted.get(k) ?? []), ...v]);
  for (const k of SOURCES.correlatedKinds().values()) {
    for (const r of w.nodesOf(k.kind)) {
      if (r.props.stub && !k.stubs) continue;
      nidOf.set(r.key, r.nid);
      if (k.namesPerson) namesPerson.add(r.key);
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
 * (credential)-[:AUTHENTICATES_AS]->(principal), as each source declares (`signIn`): an Entra
 * secret, certificate or federated credential signs in as its service principal (for an
 * application: the application's service principals); an Okta client secret or JWK as its app;
 * an Okta API or refresh token as its user.
 */
function deriveAuthenticatesAs(w: SnapshotWriter, signIn: ReturnType<typeof SOURCES.signIn>): void {
  const instancesOf = new Map<number, number[]>();
  w.forEachEdge(EdgeKind.INSTANCE_OF, (instance, of) => {
    (instancesOf.get(of) ?? instancesOf.set(of, []).get(of)!).push(instance);
  });
  const holders = new Map([...signIn.holders].map(([kind, as]) => [nodeKindCode(kind), as]));
  const pairs: [number, number][] = [];
  w.forEachEdge(EdgeKind.HAS_CREDENTIAL, (holder, cred) => {
    const as = holders.get(w.kindOf(holder));
    if (as === 'self') pairs.push([cred, holder]);
    else if (as === 'instances') for (const i of instancesOf.get(holder) ?? []) pairs.push([cred, i]);
  });
  for (const kind of signIn.tokenEdges) w.forEachEdge(kind, (user, token) => pairs.push([token, user]));
  for (const [c, p] of pairs) w.putEdge(EdgeKind.AUTHENTICATES_AS, c, p);
}
