/**
 * Person correlation of a delta, recomputed only for the records it can change. Correlation is
 * local: records join only through a shared employee id or mail address, and correlate() gives
 * the same persons and links for a set of records closed under sharing as for the whole tenant.
 * So the records to correlate again are the changed accounts and HR records, closed under
 * "shares an employee id or a mail with" (in the new graph, through the name index) and under
 * "was in the same person" (their old persons' members); their old persons, BELONGS_TO and
 * SAME_PERSON facts go, and correlate() of that closed set puts them back — exactly as
 * deriveGraph.ts does for a whole load (keep the two in step): the same kinds, keys and order,
 * read from the source registry (each account kind's and record kind's `correlation`).
 */
import { type CorrelationRecord, correlate, normalizeKey, normalizeMail } from '../../analysis/correlation.js';
import { parseNodeKey, personKey } from '../../model/ids.js';
import { SOURCES } from '../../../ingest/sources.js';
import { EdgeKind, NodeKind } from '../../model/schema.js';
import type { PersonProps } from '../../model/types.js';
import { DeltaGraph, type Row } from './DeltaGraph.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const BELONGS_TO = DeltaGraph.edgeIndex(EdgeKind.BELONGS_TO);
const SAME_PERSON = DeltaGraph.edgeIndex(EdgeKind.SAME_PERSON);

/**
 * The kinds deriveGraph correlates, in its order (every registered account kind, then every
 * record kind), each with the correlation keys its source declares, whether a stub counts (only
 * records) and whether it names its person (HR).
 */
interface Correlated {
  rank: number;
  keys: (props: Record<string, unknown>) => Omit<CorrelationRecord, 'key'>;
  stubs: boolean;
  namesPerson: boolean;
}
let correlated: { version: number; kinds: Map<string, Correlated> } | undefined;
function correlatedKinds(): Map<string, Correlated> {
  if (correlated?.version !== SOURCES.version) {
    const list = [
      ...SOURCES.accountKinds().map((kind) => ({ kind, keys: SOURCES.account(kind)!.account.correlation, stubs: false, namesPerson: false })),
      ...SOURCES.recordKinds().map(({ record }) => ({ kind: record.kind, keys: record.correlation, stubs: true, namesPerson: record.namesPerson === true })),
    ];
    correlated = { version: SOURCES.version, kinds: new Map(list.map((k, rank) => [k.kind, { rank, keys: k.keys, stubs: k.stubs, namesPerson: k.namesPerson }])) };
  }
  return correlated.kinds;
}
const correlatedKind = (kind: string | undefined) => (kind === undefined ? undefined : correlatedKinds().get(kind));

/** The correlation record of a node, as deriveGraph builds it (undefined for a stub account or a kind not correlated). */
function recordOf(key: string, r: Row | undefined): { rec: CorrelationRecord; name: string } | undefined {
  const k = correlatedKind(r?.kind);
  if (!r || !k || (r.props.stub && !k.stubs)) return undefined;
  return { rec: { key, ...k.keys(r.props) }, name: s(r.props.displayName) ?? s(r.props.name) ?? key };
}

/** Values a record is correlated by (normalized as correlate() does). */
function joinValues(r: Row | undefined): string[] {
  const x = r ? recordOf(r.key, r) : undefined;
  if (!x) return [];
  const out: string[] = [];
  const e = normalizeKey(x.rec.employeeId);
  if (e) out.push(e);
  for (const m of x.rec.mails) {
    const n = normalizeMail(m);
    if (n) out.push(n);
  }
  return out;
}

export function derivePersons(g: DeltaGraph): { persons: number; links: number } {
  const seeds: number[] = [];
  for (const nid of g.rows.keys()) {
    const now = g.row(nid);
    const was = g.inBase(nid) ? g.baseRow(nid) : undefined;
    if (correlatedKind(now?.kind) || correlatedKind(was?.kind)) seeds.push(nid);
  }
  if (seeds.length === 0) return { persons: 0, links: 0 };

  // Close the set: shared values (old and new) and old persons.
  const inSet = new Set<number>();
  const queue = [...seeds];
  const oldPersons = new Set<number>();
  while (queue.length) {
    const nid = queue.pop()!;
    if (inSet.has(nid)) continue;
    inSet.add(nid);
    const values = new Set([...joinValues(g.row(nid)), ...joinValues(g.inBase(nid) ? g.baseRow(nid) : undefined)]);
    for (const v of values) {
      for (const k of g.lookup(v)) {
        const other = g.nidOf(k);
        if (other === undefined || inSet.has(other)) continue;
        if (joinValues(g.row(other)).includes(v)) queue.push(other);
      }
    }
    for (const p of g.others(nid, EdgeKind.BELONGS_TO, 'out')) {
      if (!oldPersons.has(p)) {
        oldPersons.add(p);
        for (const m of g.others(p, EdgeKind.BELONGS_TO, 'in')) if (!inSet.has(m)) queue.push(m);
      }
    }
  }

  // Remove the old facts.
  for (const nid of inSet) {
    g.removeEdges(nid, 0, (k, _o, file) => file < 0 && (k === BELONGS_TO || k === SAME_PERSON));
    g.removeEdges(nid, 1, (k, _o, file) => file < 0 && k === SAME_PERSON);
  }

  // Correlate the closed set again; records in the order deriveGraph reads them (by kind, in registration order; by node number).
  const entries = [...inSet]
    .map((nid) => ({ nid, row: g.row(nid) }))
    .filter((e) => correlatedKind(e.row?.kind))
    .sort((a, b) => correlatedKind(a.row!.kind)!.rank - correlatedKind(b.row!.kind)!.rank || a.nid - b.nid);
  const namesPerson = new Set<string>();
  const records: CorrelationRecord[] = [];
  const displayName = new Map<string, string>();
  const nidOf = new Map<string, number>();
  for (const { nid, row } of entries) {
    const x = recordOf(row!.key, row);
    if (!x) continue;
    records.push(x.rec);
    if (correlatedKind(row!.kind)!.namesPerson) namesPerson.add(row!.key);
    displayName.set(row!.key, x.name);
    nidOf.set(row!.key, nid);
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
