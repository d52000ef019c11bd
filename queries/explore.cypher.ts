/**
 * The analyst console's queries on the Neo4j engine — search, the person view and the graph
 * explorer's neighbourhood. Cypher selects the facts (name-index rows from the indexed lookup
 * slots, a person's records and links, a node's edge groups with their counts and one page of
 * each) with what a node's summary looks at (its tier-0 facts); explore.ts's own code
 * (searchHits, personOf, summaryOf) then runs on a FactGraph of them, so both engines return
 * the same JSON.
 */
import neo4j from 'neo4j-driver';
import { EdgeKind as E } from '../src/model/schema.js';
import type { GraphNode } from '../src/model/types.js';
import { FactGraph } from '../src/store/neo4jFacts.js';
import type { Neo4jSnapshot } from '../src/store/neo4jGraph.js';
import { LOOKUP_SLOTS, nodeLabel as L, lookupSlot, relType as R } from '../src/store/neo4jSchema.js';
import { lookupGraph } from './cypher/accounts.js';
import { NODE, NODE_LABEL, REL } from './cypher/fragments.js';
import {
  type EdgeGroup,
  type Neighbourhood,
  type NeighbourhoodOptions,
  type PersonLinks,
  type SearchHit,
  detailOf,
  neighbourhoodShape,
  personOf,
  searchHits,
  searchRows,
  summaryOf,
} from './explore.js';
import { resolveNode } from './principals.js';
import { resolveAccounts } from './residual.js';
import { text } from '../src/model/text.js';
import { SOURCES } from '../ingest/sources.js';

/** A count for SKIP or LIMIT (a JavaScript number would travel as a float). */
const int = (x: number) => neo4j.int(x);

/**
 * What summaryOf's tier-0 mark looks at for node `x`, as a list of `{r, n}` facts: the edges
 * each source's `privileges.tierFacts` names for the node's kind (Entra: a role assignment's
 * role definition, an app role assignment's holders and resource), in edge order.
 */
function tierFacts(x: string): string {
  const edges = (pattern: string, r: string, n: string) => `COLLECT { MATCH ${pattern} WITH ${r}, ${n} ORDER BY ${r}.seq RETURN {r: ${REL(r)}, n: ${NODE(n)}} }`;
  const branches = SOURCES.tierFacts().map(([kind, facts]) => {
    const lists = facts.map(({ edge, dir }, i) => {
      const r = `${x}_tr${i}`;
      const n = `${x}_tn${i}`;
      return edges(dir === 'out' ? `(${x})-[${r}:${R(edge)}]->(${n})` : `(${n})-[${r}:${R(edge)}]->(${x})`, r, n);
    });
    return `WHEN ${x}:${L(kind)} THEN ${lists.join(' + ')}`;
  });
  return branches.length ? `CASE ${branches.join('\n  ')}\n  ELSE [] END` : '[]';
}

/** A query text built from the registry once per registry version (a source registered later is included). */
function perRegistry(build: () => string): () => string {
  let built: { version: number; text: string } | undefined;
  return () => {
    if (built?.version !== SOURCES.version) built = { version: SOURCES.version, text: build() };
    return built.text;
  };
}

type Fact = { r: unknown; n: unknown };

/** A node and its tier-0 facts into `g`; returns the node. */
function addWithFacts(snap: Neo4jSnapshot, g: FactGraph, node: unknown, facts: Fact[]): GraphNode {
  const n = snap.node(node);
  g.addNode(n);
  for (const f of facts) g.addNode(snap.node(f.n)).addEdge(snap.edge(f.r));
  return n;
}

/** Name-index rows starting with `$q`, in (name, node) order: each lookup slot's first `$limit` by index, merged. */
const SEARCH = perRegistry(
  () => `CALL () {
  ${Array.from({ length: LOOKUP_SLOTS }, (_, i) => lookupSlot(i))
    .map((slot) => `MATCH (n:${NODE_LABEL} {snapshot: $snapshot}) WHERE n.${slot} STARTS WITH $q WITH n, n.${slot} AS name ORDER BY name, n.nid LIMIT $limit RETURN name, n`)
    .join('\n  UNION\n  ')}
}
WITH name, n ORDER BY name, n.nid LIMIT $limit
RETURN name, ${NODE('n')} AS n, ${tierFacts('n')} AS facts`,
);

/** The console's search box on Neo4j: the embedded engine's prefix search over the same names. */
export async function searchNeo4j(snap: Neo4jSnapshot, q: string, limit: number): Promise<SearchHit[]> {
  const p = q.trim().toLowerCase();
  if (!p) return [];
  const g = new FactGraph(snap.snapshotId, snap.sources, snap.collectedAt, snap.files());
  const rows: { name: string; key: string }[] = [];
  for (const r of await snap.rows(SEARCH(), { q: p, limit: int(searchRows(limit)) })) {
    const n = addWithFacts(snap, g, r.n, r.facts as Fact[]);
    rows.push({ name: text(r.name), key: n.key });
  }
  return searchHits(g, q, rows, limit);
}

/** The accounts' persons, every record of those persons, and the SAME_PERSON links of them all. */
const PERSON = `UNWIND $keys AS k MATCH (a:${NODE_LABEL} {snapshot: $snapshot, key: k})
RETURN ${NODE('a')} AS a,
  COLLECT { MATCH (a)-[s:${R(E.SAME_PERSON)}]->() WITH s ORDER BY s.seq RETURN ${REL('s')} } AS same,
  COLLECT { MATCH (a)-[b:${R(E.BELONGS_TO)}]->(p) WITH b, p ORDER BY b.seq
            RETURN {b: ${REL('b')}, p: ${NODE('p')}, members: COLLECT {
              MATCH (m)-[mb:${R(E.BELONGS_TO)}]->(p) WITH m, mb ORDER BY mb.seq
              RETURN {r: ${REL('mb')}, n: ${NODE('m')}, same: COLLECT { MATCH (m)-[ms:${R(E.SAME_PERSON)}]->() WITH ms ORDER BY ms.seq RETURN ${REL('ms')} }} }} } AS persons`;

/** The person view on Neo4j: personOf on the person's records and links as Cypher found them. */
export async function personNeo4j(snap: Neo4jSnapshot, name: string): Promise<PersonLinks> {
  const g = await lookupGraph(snap, [name]);
  const keys = resolveAccounts(g, name);
  if (keys.length) {
    for (const r of await snap.rows(PERSON, { keys })) {
      g.addNode(snap.node(r.a));
      for (const s of r.same as unknown[]) g.addEdge(snap.edge(s));
      for (const p of r.persons as { b: unknown; p: unknown; members: { r: unknown; n: unknown; same: unknown[] }[] }[]) {
        g.addNode(snap.node(p.p)).addEdge(snap.edge(p.b));
        for (const m of p.members) {
          g.addNode(snap.node(m.n)).addEdge(snap.edge(m.r));
          for (const s of m.same) g.addEdge(snap.edge(s));
        }
      }
    }
  }
  return personOf(g, name);
}

const NODE_BY_KEY = perRegistry(() => `MATCH (n:${NODE_LABEL} {snapshot: $snapshot, key: $key}) RETURN ${NODE('n')} AS n, ${tierFacts('n')} AS facts`);

/** A page of one edge group of `n` (`edge`, `dir` bound), with each neighbour's tier-0 facts. */
const page = (pattern: string) =>
  `COLLECT { MATCH ${pattern} WHERE type(r) = edge WITH r, m ORDER BY r.seq SKIP $offset LIMIT $limit RETURN {r: ${REL('r')}, m: ${NODE('m')}, facts: ${tierFacts('m')}} }`;

/** A node's edge groups (kind and direction) with their counts and one page of each. */
const GROUPS = perRegistry(
  () => `MATCH (n:${NODE_LABEL} {snapshot: $snapshot, key: $key})
CALL (n) {
  MATCH (n)-[r]->() WHERE $out AND type(r) IN $kinds RETURN type(r) AS edge, 'out' AS dir, count(r) AS count
  UNION ALL
  MATCH (n)<-[r]-() WHERE $in AND type(r) IN $kinds RETURN type(r) AS edge, 'in' AS dir, count(r) AS count
}
RETURN edge, dir, count, CASE dir WHEN 'out' THEN ${page('(n)-[r]->(m)')} ELSE ${page('(n)<-[r]-(m)')} END AS items`,
);

/** The graph explorer's neighbourhood on Neo4j: the same groups, counts, pages and summaries as explore.ts's. */
export async function neighbourhoodNeo4j(snap: Neo4jSnapshot, name: string, opts: NeighbourhoodOptions = {}): Promise<Neighbourhood> {
  const g = new FactGraph(snap.snapshotId, snap.sources, snap.collectedAt, snap.files());
  let [hit] = await snap.rows(NODE_BY_KEY(), { key: name });
  if (!hit) {
    const key = resolveNode(await lookupGraph(snap, [name]), name, 'node').key;
    [hit] = await snap.rows(NODE_BY_KEY(), { key });
  }
  const n = addWithFacts(snap, g, hit.n, hit.facts as Fact[]);
  const { kinds, dirs, offset, limit } = neighbourhoodShape(opts);
  const rows = await snap.rows(GROUPS(), { key: n.key, kinds, out: dirs.includes('out'), in: dirs.includes('in'), offset: int(offset), limit: int(limit) });
  const found: { edge: E; dir: 'out' | 'in'; count: number; nodes: GraphNode[] }[] = [];
  for (const r of rows) {
    const nodes = (r.items as { r: unknown; m: unknown; facts: Fact[] }[]).map((x) => {
      g.addEdge(snap.edge(x.r));
      return addWithFacts(snap, g, x.m, x.facts);
    });
    found.push({ edge: text(r.edge) as E, dir: r.dir === 'in' ? 'in' : 'out', count: Number(r.count), nodes });
  }
  const order = (x: { edge: E; dir: 'out' | 'in' }) => kinds.indexOf(x.edge) * 2 + dirs.indexOf(x.dir);
  // Summaries once every fact is in (an item's tier-0 mark may rest on another row's facts).
  const groups: EdgeGroup[] = found
    .sort((a, b) => order(a) - order(b))
    .map((x) => ({ edge: x.edge, dir: x.dir, count: x.count, offset, items: x.nodes.map((m) => summaryOf(g, m)) }));
  return { node: detailOf(g, n), groups };
}
