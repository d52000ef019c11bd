/**
 * Accounts in Cypher: departed-subject selection (every account of a registered account kind
 * departed at `$at`), the inputs of each account's state — its person's departing records (HR)
 * and the facts its source's reader looks at (Entra: the latest `Disable account` audit event at
 * or before `$at`), each from the source registry — and name resolution (the lookup names of
 * the embedded store's name index, in indexed slots). Each query returns just the facts an
 * account state or a resolution rests on; src/analysis/accounts.ts and queries/residual.ts /
 * queries/principals.ts then run unchanged on a FactGraph of those facts.
 */
import { type AccountState, accountState } from '../../src/analysis/accounts.js';
import { EdgeKind as E, NodeKind as K } from '../../src/model/schema.js';
import { FactGraph } from '../../src/store/neo4jFacts.js';
import type { Neo4jSnapshot, Row } from '../../src/store/neo4jGraph.js';
import { LOOKUP_SLOTS, hasLabel, nodeLabel as L, lookupSlot, relType as R } from '../../src/store/neo4jSchema.js';
import { ACCOUNT_DEPARTED, CYPHER_HELPERS, DEPARTED, NODE, NODE_LABEL, REL, cypherConstants } from './fragments.js';
import { SOURCES } from '../../ingest/sources.js';
import { splitSourcePrefix } from '../principals.js';
import { nodeName, sourceOfKey } from '../../src/model/props.js';

const accountDefs = () => SOURCES.accountKinds().map((kind) => SOURCES.account(kind)!.account);

/**
 * An account's state inputs: its person's departing records (HR terminated at `$at`) and the
 * facts its source's reader looks at (Entra: the latest `Disable account` event).
 */
const STATE_INPUTS = () => {
  const records = SOURCES.recordKinds().filter(({ record }) => record.cypherTerminated);
  const hr = records.length
    ? records
        .map(
          ({ record }) => `COLLECT { MATCH (u)-[b:${R(E.BELONGS_TO)}]->(p:${L(K.Person)})<-[m:${R(E.BELONGS_TO)}]-(h:${L(record.kind)})
            WHERE ${record.cypherTerminated!('h')}
            WITH b, m, p, h ORDER BY b.seq, m.seq
            RETURN {b: ${REL('b')}, m: ${REL('m')}, p: ${NODE('p')}, h: ${NODE('h')}} }`,
        )
        .join(' + ')
    : '[]';
  const withFacts = accountDefs().filter((a) => a.cypher.stateFacts);
  const facts = withFacts.length
    ? `CASE ${withFacts.map((a) => `WHEN u:${L(a.kind)} THEN ${a.cypher.stateFacts!('u', CYPHER_HELPERS)}`).join(' ')} ELSE [] END`
    : '[]';
  // Borrowed departure: the lender accounts an IdP asserts the account is, with their own facts.
  const borrowing = accountDefs().filter((a) => a.borrowsDeparture);
  const lenders = accountDefs().filter((a) => !a.borrowsDeparture);
  const lenderFacts = lenders.filter((a) => a.cypher.stateFacts);
  const xFacts = lenderFacts.length ? `CASE ${lenderFacts.map((a) => `WHEN x:${L(a.kind)} THEN ${a.cypher.stateFacts!('x', CYPHER_HELPERS)}`).join(' ')} ELSE [] END` : '[]';
  const links =
    borrowing.length && lenders.length
      ? `CASE WHEN ${hasLabel('u', borrowing.map((a) => a.kind))} THEN COLLECT { MATCH (u)-[l:${R(E.SAME_PERSON)}]-(x) WHERE l.key = 'asserted' AND ${hasLabel('x', lenders.map((a) => a.kind))}
            WITH l, x ORDER BY l.seq
            RETURN {l: ${REL('l')}, x: ${NODE('x')}, xb: COLLECT { MATCH (x)-[xb:${R(E.BELONGS_TO)}]->() RETURN ${REL('xb')} }, facts: ${xFacts}} } ELSE [] END`
      : '[]';
  return `RETURN ${NODE('u')} AS u,
  ${hr} AS hr,
  ${facts} AS facts,
  ${links} AS links`;
};

/** State inputs of the named accounts. */
const NAMED = () => `UNWIND $keys AS k MATCH (u:${NODE_LABEL} {snapshot: $snapshot, key: k}) WHERE ${hasLabel('u', SOURCES.accountKinds())}
${STATE_INPUTS()}`;

/** Departed-subject selection: every account departed at `$at` (or assumed departed), with its state inputs. */
const SWEEP = () => `CALL () {
  ${accountDefs()
    .map((a) => `MATCH (u:${L(a.kind)} {snapshot: $snapshot}) WHERE ${ACCOUNT_DEPARTED(a, 'u')} RETURN u`)
    .join('\n  UNION\n  ')}
}
${STATE_INPUTS()}`;

interface StateRow {
  u: unknown;
  hr: { b: unknown; m: unknown; p: unknown; h: unknown }[];
  facts: Fact[];
  links: { l: unknown; x: unknown; xb: unknown[]; facts: Fact[] }[];
}

/** One fact a source's reader looks at: a node, and the relationship that reaches it (none for a node read by itself). */
interface Fact {
  n: unknown;
  r: unknown;
}

function addFacts(snap: Neo4jSnapshot, g: FactGraph, facts: Fact[]): void {
  for (const x of facts) {
    g.addNode(snap.node(x.n));
    if (x.r) g.addEdge(snap.edge(x.r));
  }
}

function stateOf(snap: Neo4jSnapshot, r: StateRow, at: number, assumed: ReadonlySet<string>): AccountState | undefined {
  const u = snap.node(r.u);
  const g = new FactGraph(snap.snapshotId, snap.sources, snap.collectedAt).addNode(u);
  for (const x of r.hr) g.addNode(snap.node(x.p)).addNode(snap.node(x.h)).addEdge(snap.edge(x.b)).addEdge(snap.edge(x.m));
  addFacts(snap, g, r.facts);
  for (const x of r.links) {
    g.addNode(snap.node(x.x)).addEdge(snap.edge(x.l));
    for (const b of x.xb) g.addEdge(snap.edge(b));
    addFacts(snap, g, x.facts);
  }
  return accountState(g, u, at, assumed.has(u.key), assumed);
}

/**
 * Account states at `at`: of the named keys, and (with `sweep`) of every departed account. Keyed
 * by account key; computed by accounts.ts from the facts Cypher selected.
 */
export async function accountStates(
  snap: Neo4jSnapshot,
  keys: string[],
  sweep: boolean,
  at: number,
  assumed: ReadonlySet<string>,
  read: KnownStates = new Map(),
): Promise<Map<string, AccountState>> {
  // Named keys whose state inputs came with their lookup (lookupGraph) need no query of their own.
  const ask = keys.filter((k) => !read.has(k));
  const params = { keys: ask, at, assumed: [...assumed], k: cypherConstants() };
  const rows = [...(ask.length ? await snap.rows(NAMED(), params) : []), ...(sweep ? await snap.rows(SWEEP(), params) : [])];
  const out = new Map<string, AccountState>();
  const fresh = statesOfRows(snap, rows, at, assumed);
  for (const k of keys) {
    const s = read.has(k) ? read.get(k) : fresh.get(k);
    if (s && !out.has(s.key)) out.set(s.key, s);
  }
  for (const s of fresh.values()) if (s && !out.has(s.key)) out.set(s.key, s);
  return out;
}

/** Account states computed from state-input rows, by account key (undefined: the row gave no state). */
export type KnownStates = Map<string, AccountState | undefined>;

function statesOfRows(snap: Neo4jSnapshot, rows: Row[], at: number, assumed: ReadonlySet<string>): KnownStates {
  const out: KnownStates = new Map();
  for (const r of rows) {
    const key = snap.node((r as unknown as StateRow).u).key;
    if (!out.has(key)) out.set(key, stateOf(snap, r as unknown as StateRow, at, assumed));
  }
  return out;
}

const PERSON_OF = `UNWIND $keys AS k MATCH (u:${NODE_LABEL} {snapshot: $snapshot, key: k})
RETURN u.key AS key, head(COLLECT { MATCH (u)-[b:${R(E.BELONGS_TO)}]->(p) WITH b, p ORDER BY b.seq LIMIT 1 RETURN p {.key, .id} }) AS person`;

const PERSONS = () => `UNWIND $persons AS pk MATCH (p:${NODE_LABEL} {snapshot: $snapshot, key: pk})
RETURN ${NODE('p')} AS p,
  COLLECT { MATCH (a)-[b:${R(E.BELONGS_TO)}]->(p) WHERE ${hasLabel('a', SOURCES.accountKinds())}
            WITH a, b ORDER BY b.seq RETURN {a: ${NODE('a')}, departed: ${DEPARTED('a')}} } AS accounts`;

type PersonOf = Map<string, { key: string; id: string | null } | null>;
type PersonDetails = Map<string, { id: string; name: string; accounts: { source: string; id: string; name: string; departed: boolean }[] }>;

/** The query for the person (key and id) of each account (none for no keys); personsOfRows reads its rows. */
export function personsOfQuery(keys: string[]): { query: string; params: Record<string, unknown> } | null {
  return keys.length ? { query: PERSON_OF, params: { keys } } : null;
}

/** The person (key and id) of each account, from personsOfQuery's rows. */
export function personsOfRows(rows: Row[]): PersonOf {
  const out: PersonOf = new Map();
  for (const r of rows) {
    const p = r.person as { key: string; id: string | null } | null;
    out.set(String(r.key), p ? { key: p.key, id: p.id ?? null } : null);
  }
  return out;
}

/** The person (key and id) of each account. */
export async function personsOf(snap: Neo4jSnapshot, keys: string[]): Promise<PersonOf> {
  const q = personsOfQuery(keys);
  return personsOfRows(q ? await snap.rows(q.query, q.params) : []);
}

/** The query for persons' details at `at` (none for no persons); personDetailsRows reads its rows. */
export function personDetailsQuery(persons: string[], at: number, assumed: ReadonlySet<string>): { query: string; params: Record<string, unknown> } | null {
  return persons.length ? { query: PERSONS(), params: { persons, at, assumed: [...assumed], k: cypherConstants() } } : null;
}

/** Persons with their accounts (in snapshot order) and whether each is departed, from personDetailsQuery's rows. */
export function personDetailsRows(snap: Neo4jSnapshot, rows: Row[]): PersonDetails {
  const out: PersonDetails = new Map();
  for (const r of rows) {
    const p = snap.node(r.p);
    const accounts = (r.accounts as { a: unknown; departed: boolean }[]).map((x) => {
      const n = snap.node(x.a);
      return { source: sourceOfKey(n.sourceKey), id: n.id, name: nodeName(n), departed: x.departed === true };
    });
    out.set(p.key, { id: p.id, name: String(p.props.name ?? p.key), accounts });
  }
  return out;
}

/** Persons with their accounts (in snapshot order) and whether each is departed at `at`. */
export async function personDetails(snap: Neo4jSnapshot, persons: string[], at: number, assumed: ReadonlySet<string>): Promise<PersonDetails> {
  const q = personDetailsQuery(persons, at, assumed);
  return personDetailsRows(snap, q ? await snap.rows(q.query, q.params) : []);
}

const SLOTS = Array.from({ length: LOOKUP_SLOTS }, (_, i) => lookupSlot(i));

/** Nodes named `nm` (any lookup slot), with what resolving a subject or principal looks at next. */
const LOOKUP = `UNWIND $names AS nm
CALL (nm) {
  ${SLOTS.map((slot) => `MATCH (n:${NODE_LABEL} {snapshot: $snapshot, ${slot}: nm}) RETURN n`).join('\n  UNION\n  ')}
}
RETURN nm, ${NODE('n')} AS n,
  COLLECT { MATCH (n)-[b:${R(E.BELONGS_TO)}]->(p) WITH b, p ORDER BY b.seq
            RETURN {b: ${REL('b')}, p: ${NODE('p')}, members: COLLECT { MATCH (a)-[m:${R(E.BELONGS_TO)}]->(p) WITH a, m ORDER BY m.seq RETURN {m: ${REL('m')}, a: ${NODE('a')}} }} } AS belongs,
  COLLECT { MATCH (a)-[m:${R(E.BELONGS_TO)}]->(n) WITH a, m ORDER BY m.seq RETURN {m: ${REL('m')}, a: ${NODE('a')}} } AS members,
  COLLECT { MATCH (sp)-[i:${R(E.INSTANCE_OF)}]->(n) WITH sp, i ORDER BY i.seq RETURN {i: ${REL('i')}, sp: ${NODE('sp')}} } AS instances`;

/** State inputs of the accounts the looked-up names hit directly (how a subject name usually resolves). */
const NAMED_BY_NAME = () => `UNWIND $names AS nm
CALL (nm) {
  ${SLOTS.map((slot) => `MATCH (u:${NODE_LABEL} {snapshot: $snapshot, ${slot}: nm}) RETURN u`).join('\n  UNION\n  ')}
}
WITH DISTINCT u WHERE ${hasLabel('u', SOURCES.accountKinds())}
${STATE_INPUTS()}`;

/** The names a subject or principal argument can be looked up by: as given, and without a source prefix (`entra:`, `okta:`, `hr:` …). */
function lookupCandidates(name: string): string[] {
  const want = name.trim();
  const out = [want];
  const { source, name: rest } = splitSourcePrefix(want, SOURCES.kinds());
  if (source) out.push(rest);
  return out;
}

/**
 * A FactGraph primed to resolve `names` exactly as the embedded engine does (resolveAccounts,
 * resolveNode): their lookup hits, each hit's person and the person's records, and an
 * application's service principals.
 */
export async function lookupGraph(snap: Neo4jSnapshot, names: string[]): Promise<FactGraph> {
  return (await lookupOf(snap, names)).graph;
}

/**
 * lookupGraph, and in the same round trip the account states at `at` of the accounts the names hit
 * directly — what accountStates needs for a subject named by its id, UPN, login or mail, so that it
 * sends no query of its own.
 */
export async function lookupGraphWithStates(snap: Neo4jSnapshot, names: string[], at: number, assumed: ReadonlySet<string>): Promise<{ graph: FactGraph; states: KnownStates }> {
  return lookupOf(snap, names, { at, assumed });
}

async function lookupOf(snap: Neo4jSnapshot, names: string[], withStates?: { at: number; assumed: ReadonlySet<string> }): Promise<{ graph: FactGraph; states: KnownStates }> {
  const g = new FactGraph(snap.snapshotId, snap.sources, snap.collectedAt, snap.files());
  const wanted = [...new Set(names.flatMap(lookupCandidates).map((n) => n.trim().toLowerCase()))];
  for (const nm of wanted) g.setLookup(nm, []);
  if (!wanted.length) return { graph: g, states: new Map() };
  const hits = new Map<string, Set<string>>();
  const [lookupRows, stateRows] = withStates
    ? await snap.rowsOfAll([
        { query: LOOKUP, params: { names: wanted } },
        { query: NAMED_BY_NAME(), params: { names: wanted, at: withStates.at, assumed: [...withStates.assumed], k: cypherConstants() } },
      ])
    : [await snap.rows(LOOKUP, { names: wanted }), []];
  for (const r of lookupRows) {
    const n = snap.node(r.n);
    g.addNode(n);
    (hits.get(String(r.nm)) ?? hits.set(String(r.nm), new Set()).get(String(r.nm))!).add(n.key);
    for (const b of r.belongs as { b: unknown; p: unknown; members: { m: unknown; a: unknown }[] }[]) {
      g.addNode(snap.node(b.p)).addEdge(snap.edge(b.b));
      for (const x of b.members) g.addNode(snap.node(x.a)).addEdge(snap.edge(x.m));
    }
    for (const x of r.members as { m: unknown; a: unknown }[]) g.addNode(snap.node(x.a)).addEdge(snap.edge(x.m));
    for (const x of r.instances as { i: unknown; sp: unknown }[]) g.addNode(snap.node(x.sp)).addEdge(snap.edge(x.i));
  }
  for (const [nm, keys] of hits) g.setLookup(nm, [...keys]);
  return { graph: g, states: withStates ? statesOfRows(snap, stateRows, withStates.at, withStates.assumed) : new Map<string, AccountState | undefined>() };
}

