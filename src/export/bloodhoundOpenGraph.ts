/**
 * A snapshot as BloodHound OpenGraph JSON (`{metadata: {source_kind}, graph: {nodes, edges}}`), so
 * analysts who live in BloodHound CE can explore the same paths there: every node with its kinds
 * (`RV_<NodeKind>` and the source kind `Revenant`) and its properties flattened to what OpenGraph
 * allows (primitives and homogeneous primitive arrays; nested values as JSON text), every edge
 * with its kind (`RV_<EdgeKind>`, PascalCase) matched by node id, and the residual-access
 * findings as properties of the nodes they concern (`rv_*` on subjects, `rv_via_*` on the object
 * a finding goes through). Written as a stream: a 10-million-edge snapshot never sits in memory
 * as one document.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Finding, FindingsDoc } from '../../queries/residual.js';
import type { SnapshotDb } from '../store/SnapshotDb.js';
import { text } from '../model/text.js';

export const SOURCE_KIND = 'Revenant';
export const nodeKindOf = (kind: string) => `RV_${kind}`;
/** `HAS_CREDENTIAL` → `RV_HasCredential` (OpenGraph edge kinds: letters, digits, underscores; PascalCase recommended). */
export const edgeKindOf = (kind: string) => `RV_${kind.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase())}`;

type Prim = string | number | boolean;

/** Properties as OpenGraph takes them: no nulls, no objects, arrays homogeneous and primitive. */
export function flatten(props: Record<string, unknown>): Record<string, Prim | Prim[]> {
  const out: Record<string, Prim | Prim[]> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
    else if (Array.isArray(v)) {
      const prims = v.filter((x) => x !== null && x !== undefined);
      const types = new Set(prims.map((x) => typeof x));
      if (prims.length === 0) continue;
      if (types.size === 1 && ['string', 'number', 'boolean'].includes([...types][0])) out[k] = prims as Prim[];
      else out[k] = prims.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    } else out[k] = JSON.stringify(v);
  }
  return out;
}

const SEV = ['critical', 'high', 'medium', 'low'];

/** The findings' properties per node key: on each subject and on each `via` object. */
function findingProps(doc: FindingsDoc, keyOf: (source: string, id: string) => string[]): Map<string, Record<string, Prim | Prim[]>> {
  const out = new Map<string, Record<string, Prim | Prim[]>>();
  const bump = (key: string, f: Finding, prefix: 'rv' | 'rv_via') => {
    const p = out.get(key) ?? out.set(key, {}).get(key)!;
    p[`${prefix}_findings`] = Number(p[`${prefix}_findings`] ?? 0) + 1;
    p[`${prefix}_${f.status}`] = Number(p[`${prefix}_${f.status}`] ?? 0) + 1;
    const rules = new Set((p[`${prefix}_rules`] as string[] | undefined) ?? []);
    rules.add(f.rule);
    p[`${prefix}_rules`] = [...rules].sort();
    const w = p[`${prefix}_worst_severity`] as string | undefined;
    if (!w || SEV.indexOf(f.severity) < SEV.indexOf(w)) p[`${prefix}_worst_severity`] = f.severity;
    if (f.reaches.tier0) p[`${prefix}_reaches_tier0`] = true;
  };
  for (const f of doc.findings) {
    for (const k of keyOf(f.subject.source, f.subject.id)) bump(k, f, 'rv');
    for (const k of keyOf(f.via.source, f.via.id)) bump(k, f, 'rv_via');
  }
  for (const s of doc.subjects) {
    for (const k of keyOf(s.source, s.id)) {
      const p = out.get(k) ?? out.set(k, {}).get(k)!;
      p.rv_departed = s.departed;
      if (s.closed !== null) p.rv_closed = s.closed;
      p.rv_closure = s.closure;
      if (s.departedAt) p.rv_departed_at = s.departedAt;
    }
  }
  return out;
}

/** Write snapshot `db` (with its stored findings `doc`) to `file` as OpenGraph JSON; returns the counts. */
export async function writeOpenGraph(db: SnapshotDb, doc: FindingsDoc, file: string): Promise<{ nodes: number; edges: number }> {
  const keys: string[] = [];
  const bySourceId = new Map<string, string[]>();
  const out = createWriteStream(file);
  let pending = '';
  const write = async (s: string) => {
    pending += s;
    if (pending.length > 1 << 20) {
      if (!out.write(pending)) await once(out, 'drain');
      pending = '';
    }
  };
  // Findings name nodes by source and id; map those to keys first (one pass over the name-free ids).
  const sourceOfKey = (k: string) => (k.includes(':') ? k.slice(0, k.indexOf(':')) : k.split('/')[0]);
  for (const r of db.db.prepare('SELECT key, id FROM nodes').iterate() as Iterable<{ key: string; id: string }>) {
    const k = `${sourceOfKey(r.key)}\u0000${r.id}`;
    const list = bySourceId.get(k);
    if (list) list.push(r.key);
    else bySourceId.set(k, [r.key]);
  }
  const fprops = findingProps(doc, (source, id) => bySourceId.get(`${source}\u0000${id}`) ?? []);
  bySourceId.clear();
  await write(`{"metadata":{"source_kind":${JSON.stringify(SOURCE_KIND)}},"graph":{"nodes":[`);
  let nodes = 0;
  const rows = db.db.prepare('SELECT nid, key, id, kind, props, file, line FROM nodes ORDER BY nid').iterate() as Iterable<{ nid: number; key: string; id: string; kind: number; props: string; file: number | null; line: number | null }>;
  for (const r of rows) {
    keys[r.nid] = r.key;
    const kind = db.kindOf(r.kind);
    const props = JSON.parse(r.props) as Record<string, unknown>;
    const f = db.fileOf(r.file);
    const p: Record<string, Prim | Prim[]> = {
      ...flatten(props),
      name: text(props.name ?? r.id),
      objectid: r.key,
      rv_id: r.id,
      rv_kind: kind,
      rv_source: sourceOfKey(r.key),
      ...(f && r.line !== null ? { rv_evidence: `${f}:${r.line}` } : {}),
      ...(fprops.get(r.key) ?? {}),
    };
    await write(`${nodes ? ',' : ''}${JSON.stringify({ id: r.key, kinds: [nodeKindOf(kind), SOURCE_KIND], properties: p })}`);
    nodes++;
  }
  await write(']\n,"edges":[');
  let edges = 0;
  for (const e of db.edges()) {
    const edge = {
      start: { match_by: 'id', value: keys[e.src] },
      end: { match_by: 'id', value: keys[e.dst] },
      kind: edgeKindOf(e.kind),
      properties: { ...flatten(e.props ?? {}), ...(e.file && e.line !== undefined ? { rv_evidence: `${e.file}:${e.line}` } : {}) },
    };
    await write(`${edges ? ',' : ''}${JSON.stringify(edge)}`);
    edges++;
  }
  await write(']}}\n');
  out.write(pending);
  out.end();
  await once(out, 'finish');
  return { nodes, edges };
}
