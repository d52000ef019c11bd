/**
 * Person correlation of a delta, recomputed only for the records it can change. Correlation is
 * local: records join only through a shared employee id or mail address, or a link an identity
 * provider asserts, and correlate() gives the same persons and links for a set of records closed
 * under sharing as for the whole tenant. The records are what deriveGraph.ts correlates: every
 * registered account kind (listed accounts) and record kind (HR, stubs included), with the
 * correlation keys each declares. So the records to correlate again are the changed ones and
 * those whose asserted links changed, closed under "shares an employee id or a mail with" (in the
 * new graph: through the name index, or by reading a kind whose values are not lookup names),
 * "is asserted to be" (both ways) and "was in the same person" (their old persons' members);
 * their old persons, BELONGS_TO and SAME_PERSON facts go, and correlate() of that closed set puts
 * them back — exactly as deriveGraph.ts does for a whole load (keep the two in step).
 */
import { type CorrelationRecord, correlate, normalizeKey, normalizeMail } from '../../analysis/correlation.js';
import { parseNodeKey, personKey } from '../../model/ids.js';
import { EdgeKind, NodeKind } from '../../model/schema.js';
import type { AssertedLinks, CorrelatedKind, CorrelationKeys } from '../../model/source.js';
import type { PersonProps } from '../../model/types.js';
import { SOURCES } from '../../../ingest/sources.js';
import { DeltaGraph, type Row } from './DeltaGraph.js';
import { assertedLinks } from './deriveSources.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const BELONGS_TO = DeltaGraph.edgeIndex(EdgeKind.BELONGS_TO);
const SAME_PERSON = DeltaGraph.edgeIndex(EdgeKind.SAME_PERSON);

/** The correlation keys of a node, as deriveGraph reads them (undefined for a listed-only kind's stub or a non-record). */
function keysOf(kinds: ReadonlyMap<string, CorrelatedKind>, r: Row | undefined): CorrelationKeys | undefined {
  if (!r) return undefined;
  const k = kinds.get(r.kind);
  if (!k || (r.props.stub && !k.stubs)) return undefined;
  return k.keys(r.props);
}

/** Values a record is correlated by (normalized as correlate() does). */
function joinValues(kinds: ReadonlyMap<string, CorrelatedKind>, r: Row | undefined): string[] {
  const x = keysOf(kinds, r);
  if (!x) return [];
  const out: string[] = [];
  const e = normalizeKey(x.employeeId);
  if (e) out.push(e);
  for (const m of x.mails) {
    const n = normalizeMail(m);
    if (n) out.push(n);
  }
  return out;
}

/** Keys whose asserted links differ between two maps, with every record they were or are asserted to be. */
function assertedChanges(before: AssertedLinks, after: AssertedLinks): Set<string> {
  const out = new Set<string>();
  const sig = (v: readonly { key: string; value: string }[] | undefined) => JSON.stringify(v ?? []);
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    if (sig(before.get(k)) === sig(after.get(k))) continue;
    out.add(k);
    for (const t of [...(before.get(k) ?? []), ...(after.get(k) ?? [])]) out.add(t.key);
  }
  return out;
}

export function derivePersons(g: DeltaGraph, sourceKinds: readonly string[], part: (what: string) => void = () => {}): { persons: number; links: number } {
  const kinds = SOURCES.correlatedKinds();
  const isRecord = (r: Row | undefined) => !!r && kinds.has(r.kind);
  const before = (nid: number) => (g.inBase(nid) ? g.baseRow(nid) : undefined);
  const asserted = assertedLinks(g, sourceKinds, false);
  const seeds: number[] = [];
  for (const nid of g.rows.keys()) if (isRecord(g.row(nid)) || isRecord(before(nid))) seeds.push(nid);
  for (const key of assertedChanges(assertedLinks(g, sourceKinds, true), asserted)) {
    const nid = g.nidOf(key);
    if (nid !== undefined) seeds.push(nid);
  }
  part('asserted links');
  if (seeds.length === 0) return { persons: 0, links: 0 };

  // Asserted links both ways, and the kinds whose values the name index does not hold (read once, by value).
  const assertedBy = new Map<string, string[]>();
  for (const [k, targets] of asserted) for (const t of targets) (assertedBy.get(t.key) ?? assertedBy.set(t.key, []).get(t.key)!).push(k);
  let unnamed: Map<string, number[]> | undefined;
  const unnamedWith = (v: string): number[] => {
    if (!unnamed) {
      unnamed = new Map();
      for (const k of kinds.values()) {
        if (k.named) continue;
        for (const n of g.nodesOf(k.kind)) for (const x of joinValues(kinds, { key: n.key, kind: k.kind, props: n.props, file: -1, line: -1 })) (unnamed.get(x) ?? unnamed.set(x, []).get(x)!).push(n.nid);
      }
    }
    return unnamed.get(v) ?? [];
  };
  const anyUnnamed = [...kinds.values()].some((k) => !k.named);

  // Close the set: shared values (old and new), asserted links, and old persons.
  const inSet = new Set<number>();
  const queue = [...seeds];
  const oldPersons = new Set<number>();
  const push = (key: string) => {
    const n = g.nidOf(key);
    if (n !== undefined && !inSet.has(n)) queue.push(n);
  };
  while (queue.length) {
    const nid = queue.pop()!;
    if (inSet.has(nid)) continue;
    inSet.add(nid);
    const values = new Set([...joinValues(kinds, g.row(nid)), ...joinValues(kinds, before(nid))]);
    for (const v of values) {
      for (const k of g.lookup(v)) {
        const other = g.nidOf(k);
        if (other === undefined || inSet.has(other)) continue;
        if (joinValues(kinds, g.row(other)).includes(v)) queue.push(other);
      }
      if (anyUnnamed) for (const other of unnamedWith(v)) if (!inSet.has(other)) queue.push(other);
    }
    const key = g.row(nid)?.key ?? before(nid)?.key;
    if (key) {
      for (const t of asserted.get(key) ?? []) push(t.key);
      for (const a of assertedBy.get(key) ?? []) push(a);
    }
    for (const p of g.others(nid, EdgeKind.BELONGS_TO, 'out')) {
      if (!oldPersons.has(p)) {
        oldPersons.add(p);
        for (const m of g.others(p, EdgeKind.BELONGS_TO, 'in')) if (!inSet.has(m)) queue.push(m);
      }
    }
  }

  part(`persons' closure (${inSet.size} records)`);
  // Remove the old facts.
  for (const nid of inSet) {
    g.removeEdges(nid, 0, (k, _o, file) => file < 0 && (k === BELONGS_TO || k === SAME_PERSON));
    g.removeEdges(nid, 1, (k, _o, file) => file < 0 && k === SAME_PERSON);
  }

  // Correlate the closed set again; records in the order deriveGraph reads them (by kind as registered, then node number).
  const entries = [...inSet]
    .map((nid) => ({ nid, row: g.row(nid) }))
    .filter((e) => keysOf(kinds, e.row) !== undefined)
    .sort((a, b) => kinds.get(a.row!.kind)!.rank - kinds.get(b.row!.kind)!.rank || a.nid - b.nid);
  const records: CorrelationRecord[] = [];
  const displayName = new Map<string, string>();
  const namesPerson = new Set<string>();
  const nidOf = new Map<string, number>();
  for (const { nid, row } of entries) {
    const r = row!;
    records.push({ key: r.key, ...keysOf(kinds, r)!, asserted: asserted.get(r.key) });
    displayName.set(r.key, s(r.props.displayName) ?? s(r.props.name) ?? r.key);
    if (kinds.get(r.kind)!.namesPerson) namesPerson.add(r.key);
    nidOf.set(r.key, nid);
  }
  const { persons, links } = correlate(records);
  const kept = new Set<number>();
  for (const p of persons) {
    const named = p.members.find((m) => namesPerson.has(m)) ?? p.members[0];
    const props: PersonProps = { name: displayName.get(named) ?? parseNodeKey(named).id, employeeId: p.employeeId, members: p.members.length };
    const key = personKey(p.id);
    const pn = g.ensureNid(key);
    const r = g.row(pn);
    if (!r || r.kind !== NodeKind.Person || JSON.stringify(r.props) !== JSON.stringify(props)) g.setRow(pn, { key, kind: NodeKind.Person, props: props as unknown as Record<string, unknown>, file: -1, line: -1 });
    kept.add(pn);
    for (const m of p.members) g.addEdge(EdgeKind.BELONGS_TO, nidOf.get(m)!, pn, -1, -1);
  }
  for (const l of links) g.addEdge(EdgeKind.SAME_PERSON, nidOf.get(l.a)!, nidOf.get(l.b)!, -1, -1, JSON.stringify({ key: l.key, value: l.value, strength: l.strength }));
  // Persons no record belongs to any more are gone.
  for (const p of oldPersons) if (!kept.has(p) && g.others(p, EdgeKind.BELONGS_TO, 'in').length === 0) g.remove(p);
  return { persons: persons.length, links: links.length };
}
