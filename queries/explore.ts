/**
 * What the analyst console asks of a snapshot beyond findings, on any GraphReader:
 * - `personOf`: the person behind a name — every correlated account and HR record, and the
 *   links between them with their key (employee id or mail), value and strength;
 * - `neighbourhood`: one node with its properties and its edges grouped by kind and direction,
 *   each group counted and listed a page at a time (a node with 50,000 members is a count and a
 *   first page, never a hairball);
 * - `searchHits` / `rankSearch`: name-index hits for a search box, each node once and ranked
 *   (exact before prefix, people and accounts before other objects).
 * The Neo4j engine runs the same code on the facts its Cypher selects (explore.cypher.ts).
 */
import { NotFoundError } from '../src/model/errors.js';
import { EdgeKind, type NodeKind, NodeKind as K } from '../src/model/schema.js';
import type { GraphNode } from '../src/model/types.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import { isTier0Node } from '../src/analysis/reach.js';
import { resolveNode } from './principals.js';
import { resolveAccounts } from './residual.js';
import { SOURCES } from '../ingest/sources.js';
import { text } from '../src/model/text.js';
import { nodeName, sourceOfKey } from '../src/model/props.js';

export interface NodeSummary {
  key: string;
  kind: string;
  source: string;
  id: string;
  name: string;
  tier0?: boolean;
  stub?: boolean;
  /** An account, HR record or person: it names a subject (the person view), not only a graph node. */
  subject?: boolean;
}

export interface NodeDetail extends NodeSummary {
  props: Record<string, unknown>;
  evidence: string | null;
}

export interface PersonLinks {
  query: string;
  person: NodeSummary | null;
  /** Accounts and HR records of the person (or just the named accounts when no person links them). */
  members: (NodeDetail & { account: boolean })[];
  links: { from: string; to: string; key: string; value: string; strength: string }[];
}

export interface EdgeGroup {
  edge: string;
  dir: 'out' | 'in';
  count: number;
  offset: number;
  items: NodeSummary[];
}

export interface Neighbourhood {
  node: NodeDetail;
  groups: EdgeGroup[];
}

/** A subject: an account of a registered source, a record that correlates (HR), or a person. */
const isSubjectKind = (kind: string) => kind === K.Person || SOURCES.isAccountKind(kind) || SOURCES.record(kind) !== undefined;
const sourceOf = (n: GraphNode) => (n.kind === K.Person ? 'person' : sourceOfKey(n.sourceKey));

export function summaryOf(g: GraphReader, n: GraphNode): NodeSummary {
  const s: NodeSummary = { key: n.key, kind: n.kind, source: sourceOf(n), id: n.id, name: nodeName(n) };
  if (n.props.stub) s.stub = true;
  if (isSubjectKind(n.kind)) s.subject = true;
  if (isTier0Node(g, n)) s.tier0 = true;
  return s;
}

export function detailOf(g: GraphReader, n: GraphNode): NodeDetail {
  return { ...summaryOf(g, n), props: { ...n.props }, evidence: n.prov ? `${n.prov.file}:${n.prov.line}` : null };
}

/** The person a name (account id, UPN, login, mail, employee id) belongs to, with every linked record. */
export function personOf(g: GraphReader, name: string): PersonLinks {
  const accounts = resolveAccounts(g, name);
  if (accounts.length === 0) throw new NotFoundError(`subject ${JSON.stringify(name)} not found (name an account by id, UPN, login or mail, or a person by employee id)`);
  const persons = new Set<string>();
  for (const a of accounts) for (const e of g.out(a, EdgeKind.BELONGS_TO)) persons.add(e.to);
  const memberKeys = new Set<string>(accounts);
  for (const p of persons) for (const e of g.in(p, EdgeKind.BELONGS_TO)) memberKeys.add(e.from);
  const members = [...memberKeys]
    .map((k) => g.node(k))
    .filter((n): n is GraphNode => !!n)
    .map((n) => ({ ...detailOf(g, n), account: SOURCES.isAccountKind(n.kind) }))
    .sort((a, b) => Number(b.account) - Number(a.account) || a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
  const links: PersonLinks['links'] = [];
  for (const k of memberKeys) {
    for (const e of g.out(k, EdgeKind.SAME_PERSON)) {
      if (!memberKeys.has(e.to)) continue;
      const p = (e.props ?? {}) as Record<string, unknown>;
      links.push({ from: e.from, to: e.to, key: text(p.key), value: text(p.value), strength: text(p.strength) });
    }
  }
  links.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.key.localeCompare(b.key));
  const first = [...persons].sort()[0];
  const pnode = first ? g.node(first) : undefined;
  return { query: name, person: pnode ? summaryOf(g, pnode) : null, members, links };
}

export type NeighbourhoodOptions = { edges?: readonly string[]; dir?: 'out' | 'in' | 'both'; offset?: number; limit?: number };

/** What a neighbourhood lists, in its order: edge kinds (schema order, then the sources' contributed kinds), directions (out, then in), and the page. */
export function neighbourhoodShape(opts: NeighbourhoodOptions): { kinds: EdgeKind[]; dirs: ('out' | 'in')[]; offset: number; limit: number } {
  const all = SOURCES.allEdgeKinds();
  return {
    kinds: (opts.edges?.length ? all.filter((k) => opts.edges!.includes(k)) : all) as EdgeKind[],
    dirs: opts.dir === 'out' ? ['out'] : opts.dir === 'in' ? ['in'] : ['out', 'in'],
    offset: opts.offset ?? 0,
    limit: opts.limit ?? 25,
  };
}

/** A node and its edges by kind and direction; each group lists `limit` items from `offset`. */
export function neighbourhood(
  g: GraphReader,
  key: string,
  opts: NeighbourhoodOptions = {},
): Neighbourhood {
  const n = g.node(key) ?? resolveNode(g, key, 'node');
  key = n.key;
  const { kinds, dirs, offset, limit } = neighbourhoodShape(opts);
  const groups: EdgeGroup[] = [];
  for (const kind of kinds) {
    for (const dir of dirs) {
      const edges = dir === 'out' ? g.out(key, kind) : g.in(key, kind);
      if (edges.length === 0) continue;
      const items: NodeSummary[] = [];
      for (const e of edges.slice(offset, offset + limit)) {
        const other = g.node(dir === 'out' ? e.to : e.from);
        if (other) items.push(summaryOf(g, other));
      }
      groups.push({ edge: kind, dir, count: edges.length, offset, items });
    }
  }
  return { node: detailOf(g, n), groups };
}

export interface SearchHit extends NodeSummary {
  /** The lower-cased name, mail, UPN, login or id that matched. */
  matched: string;
}


/** How many name-index rows a search reads for `limit` hits (several names of one node may match). */
export const searchRows = (limit: number): number => limit * 4 + 10;

/**
 * Search hits from name-index rows in index order (name, then node): each node once, without
 * records nobody navigates to, ranked (rankSearch), the first `limit`.
 */
export function searchHits(g: GraphReader, q: string, rows: readonly { name: string; key: string }[], limit: number): SearchHit[] {
  const hits = new Map<string, SearchHit>();
  // Never offered: the sources' inert kinds (audit events), which hold no access and are never navigated to.
  const unsearched: ReadonlySet<string> = SOURCES.inertKinds();
  for (const r of rows) {
    if (hits.has(r.key)) continue;
    const n = g.node(r.key);
    if (!n || unsearched.has(n.kind)) continue;
    hits.set(r.key, { ...summaryOf(g, n), matched: r.name });
  }
  return rankSearch(q, [...hits.values()]).slice(0, limit);
}

/** Order search hits: exact matches first, then people and accounts, then shorter names. */
export function rankSearch<T extends { kind: string; matched: string; name: string }>(q: string, hits: T[]): T[] {
  const want = q.trim().toLowerCase();
  return hits.sort(
    (a, b) =>
      Number(b.matched === want) - Number(a.matched === want) ||
      SOURCES.searchRank(a.kind as NodeKind) - SOURCES.searchRank(b.kind as NodeKind) ||
      a.matched.length - b.matched.length ||
      a.name.localeCompare(b.name),
  );
}
