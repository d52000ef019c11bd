/**
 * The derived facts of a delta, recomputed only where the delta reached — the same facts, by the
 * same rules, as deriveGraph.ts computes for a whole load (keep the two in step; the delta
 * equivalence test compares them): tenant nodes; instances by a shared id (each source's
 * `instances`: an application's service principals, INSTANCE_OF by appId); what a credential or
 * a token signs in as (each source's `signIn`: AUTHENTICATES_AS);
 * the tenant-wide power each source declares (`privileges.tenant`: Microsoft Graph application
 * permissions and directory roles at "/" that act on the tenant, role assignments named after
 * their role, Okta super/org admins and okta.*.manage grants). Each derived
 * fact has an owner (the node it goes out of); an owner is recomputed when it changed or when
 * what its rule reads changed. Only defined nodes own derived facts (a full load derives before
 * it makes stubs). Person correlation is in derivePersons.ts.
 */
import { IdSpace, nodeKey, parseNodeKey } from '../../model/ids.js';
import { SOURCES } from '../../../ingest/sources.js';
import { EdgeKind, NodeKind } from '../../model/schema.js';
import { DeltaGraph, type Row } from './DeltaGraph.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const OUT = 0;

const INSTANCE_OF = DeltaGraph.edgeIndex(EdgeKind.INSTANCE_OF);
const AUTHENTICATES_AS = DeltaGraph.edgeIndex(EdgeKind.AUTHENTICATES_AS);

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

  // 1. Instances by a shared id within one tenant (each source's `instances`: Entra's service
  // principals of an application, by appId).
  const signIn = SOURCES.signIn();
  for (const { instance, of, by } of signIn.instances) {
    const nodesById = (sourceKey: string, id: string): number[] =>
      g
        .lookup(id)
        .filter((k) => parseNodeKey(k).sourceKey === sourceKey)
        .map((k) => g.nidOf(k)!)
        .filter((n) => n !== undefined);
    const ofsById = (sourceKey: string, id: string): number[] =>
      nodesById(sourceKey, id)
        .filter((n) => defined(n)?.kind === of && s(defined(n)!.props[by]) === id)
        .sort((a, b) => a - b);
    const dirty = new Set<number>();
    for (const nid of changedRows) {
      if (ofKind(nid, instance)) dirty.add(nid);
      if (ofKind(nid, of)) {
        const sk = parseNodeKey((g.row(nid) ?? before(nid))!.key).sourceKey;
        for (const id of new Set([s(before(nid)?.props[by]), s(g.row(nid)?.props[by])])) {
          if (id) for (const i of nodesById(sk, id)) if (kindOf(i) === instance) dirty.add(i);
        }
      }
    }
    for (const i of dirty) {
      dropDerived(i, new Set([INSTANCE_OF]));
      const r = defined(i);
      if (!r || r.kind !== instance) continue;
      const id = s(r.props[by]);
      const ofs = id ? ofsById(parseNodeKey(r.key).sourceKey, id) : [];
      // deriveGraph keeps the last one listed with the id (one per tenant in Entra).
      if (ofs.length) g.addEdge(EdgeKind.INSTANCE_OF, i, ofs[ofs.length - 1], -1, -1);
    }
  }

  // 2. What credentials and tokens sign in as (each source's `signIn`).
  const holderKinds = new Set(signIn.holders.keys());
  const dirtyCreds = new Set<number>();
  const dirtyTokens = new Set<number>();
  for (const nid of g.changedNodes()) {
    if (ofKind(nid, signIn.credentials)) dirtyCreds.add(nid);
    if (ofKind(nid, signIn.tokens)) dirtyTokens.add(nid);
    if (ofKind(nid, holderKinds)) for (const c of g.others(nid, EdgeKind.HAS_CREDENTIAL, 'out')) dirtyCreds.add(c);
  }
  for (const c of dirtyCreds) {
    dropDerived(c, new Set([AUTHENTICATES_AS]));
    if (!g.row(c)) continue;
    for (const holder of g.others(c, EdgeKind.HAS_CREDENTIAL, 'in')) {
      const hk = defined(holder)?.kind;
      const as = hk === undefined ? undefined : signIn.holders.get(hk);
      if (as === 'self') g.addEdge(EdgeKind.AUTHENTICATES_AS, c, holder, -1, -1);
      else if (as === 'instances') for (const i of g.others(holder, EdgeKind.INSTANCE_OF, 'in')) g.addEdge(EdgeKind.AUTHENTICATES_AS, c, i, -1, -1);
    }
  }
  for (const t of dirtyTokens) {
    dropDerived(t, new Set([AUTHENTICATES_AS]));
    if (!g.row(t)) continue;
    for (const kind of signIn.tokenEdges) for (const user of g.others(t, kind, 'in')) g.addEdge(EdgeKind.AUTHENTICATES_AS, t, user, -1, -1);
  }

  // 3. The tenant-wide power each source derives (deriveGraph's deriveTenantPowers): an owner is
  // derived again when it changed, or when a node it reads (by an edge into that node) changed.
  for (const src of SOURCES.all()) {
    const tp = src.privileges?.tenant;
    if (!tp) continue;
    const kinds = new Set<NodeKind>(tp.kinds);
    const edges = new Set(tp.edges.map((k) => DeltaGraph.edgeIndex(k)));
    const owners = new Set<number>();
    for (const nid of changedRows) {
      if (ofKind(nid, kinds)) owners.add(nid);
      for (const r of tp.reads ?? []) {
        if (ofKind(nid, r.kind)) for (const a of g.others(nid, r.via, 'in')) if (kinds.has(kindOf(a)!)) owners.add(a);
      }
    }
    const lookup = (key: string) => {
      const nid = g.nidOf(key);
      const r = nid === undefined ? undefined : defined(nid);
      return r && { key: r.key, kind: r.kind, props: r.props };
    };
    // In the order deriveGraph derives them: by kind, as the source lists its kinds.
    const order = (nid: number) => tp.kinds.indexOf((kindOf(nid) ?? before(nid)?.kind)!);
    for (const a of [...owners].sort((x, y) => order(x) - order(y))) {
      dropDerived(a, edges);
      const r = defined(a);
      if (!r || !kinds.has(r.kind)) continue;
      const d = tp.derive({ key: r.key, kind: r.kind, props: r.props }, lookup);
      if (d.name !== undefined && r.props.name !== d.name) g.setRow(a, { ...r, props: { ...r.props, name: d.name } });
      const tenant = tenantOf.get(parseNodeKey(r.key).sourceKey);
      if (tenant !== undefined) for (const edge of d.edges) g.addEdge(edge, a, tenant, -1, -1);
    }
  }
}
