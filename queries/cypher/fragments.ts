/**
 * Cypher pieces the Neo4j forms of the rules and queries share, built only from the schema
 * constants (labels and relationship types through nodeLabel/relType) and our own variable
 * names: every value — ids, names, times, statuses of a subject — travels as a parameter.
 * Parameters every residual query receives: `$snapshot`, `$at` (epoch ms), `$assumed` (account
 * keys a what-if assumes departed), `$k` (constants of the catalogue, see `cypherConstants`) and,
 * for rules, `$subjects` (one map per subject, see SubjectParam).
 *
 * The account predicates (`departed`, `usable`, `hrDeparted`, `leaveDeparted`) are
 * src/analysis/accounts.ts in Cypher, built from the account kinds the sources register; the
 * reach subqueries are the sources' named reaches in Cypher (SourcePrivileges.reach: Entra roles
 * through nested groups and an application's permissions, Okta roles through groups, …)
 * returning "facts" that queries/cypher/reach.ts turns into the same Reach objects.
 */
import { SOURCES } from '../../ingest/sources.js';
import { EdgeKind as E, NodeKind as K } from '../../src/model/schema.js';
import type { AccountKindDef, CypherHelpers } from '../../src/model/source.js';
import { Neo4jLabel, hasLabel, nodeLabel as L, relType as R } from '../../src/store/neo4jSchema.js';

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
function v(name: string): string {
  if (!IDENT.test(name)) throw new Error(`cypher: bad variable name ${name}`);
  return name;
}

/** The `:RevenantNode` label. */
export const NODE_LABEL = Neo4jLabel.node;

/** Catalogue constants passed as `$k` (so that no value is written into query text), with those the account kinds register. */
export function cypherConstants(): Record<string, unknown> {
  const k: Record<string, unknown> = {};
  for (const src of SOURCES.all()) Object.assign(k, src.privileges?.constants);
  for (const kind of SOURCES.accountKinds()) Object.assign(k, SOURCES.account(kind)!.account.cypher.constants);
  return k;
}

/**
 * A query text built from the registry (the account kinds' predicates: DEPARTED, USABLE, …),
 * rebuilt when a source registers after it was first built (`SOURCES.version`): a rule's
 * `cypher.query` is a getter over one of these, never a string fixed when the module loads.
 */
export function perRegistry(build: () => string): () => string {
  let built: { version: number; text: string } | null = null;
  return () => {
    if (built?.version !== SOURCES.version) built = { version: SOURCES.version, text: build() };
    return built.text;
  };
}

/** A graph node as a map the engine turns into a GraphNode (Neo4jSnapshot.node). */
export const NODE = (n: string): string => `${v(n)} {.key, .kind, .props, .file, .line}`;

/** A relationship as a map the engine turns into a GraphEdge (Neo4jSnapshot.edge). */
export const REL = (r: string): string =>
  `{kind: type(${v(r)}), from: startNode(${r}).key, to: endNode(${r}).key, props: ${r}.props, file: ${r}.file, line: ${r}.line, seq: ${r}.seq}`;

/** One row per subject of `$subjects`, with `s` its node and `sub` its parameters. */
export const SUBJECTS = `UNWIND $subjects AS sub MATCH (s:${NODE_LABEL} {snapshot: $snapshot, key: sub.key})`;

/**
 * The first (by edge order, as the embedded engine sees it) node at the end of one edge kind:
 * `firstOut('ra', OF_ROLE)` → the role definition of an assignment, or null.
 */
export function firstOut(n: string, kind: E, as = 'NODE'): string {
  const x = `${v(n)}_${kind.toLowerCase()}`;
  const ret = as === 'NODE' ? NODE(`${x}_n`) : as;
  return `head(COLLECT { MATCH (${n})-[${x}_r:${R(kind)}]->(${x}_n) WITH ${x}_r, ${x}_n ORDER BY ${x}_r.seq LIMIT 1 RETURN ${ret} })`;
}

/** The edge and node of `firstOut`, as `{r, n}` (null when there is none). */
export function firstOutWithEdge(n: string, kind: E): string {
  const x = `${v(n)}_${kind.toLowerCase()}`;
  return `head(COLLECT { MATCH (${n})-[${x}_r:${R(kind)}]->(${x}_n) WITH ${x}_r, ${x}_n ORDER BY ${x}_r.seq LIMIT 1 RETURN {r: ${REL(`${x}_r`)}, n: ${NODE(`${x}_n`)}} })`;
}

const notStub = (u: string) => `NOT coalesce(${v(u)}.stub, false)`;

/** What the registered account kinds' Cypher gets: schema-checked labels and types, node and edge maps, borrowed state. */
export const CYPHER_HELPERS: CypherHelpers = {
  label: L,
  rel: R,
  node: (x) => NODE(x),
  edge: (r) => REL(r),
  linkedDisabled: (u) => LINKED_DISABLED(u),
  hasLabel: (x, kinds) => hasLabel(x, kinds),
  firstOut: (n, kind) => firstOut(n, kind),
};

/**
 * The account's person has a record that departs it at `$at` (HR: terminated, with no date or a
 * date at or before it), for every record kind a source registers with a Cypher form.
 */
const HR_TERMINATED = (u: string): string => {
  const kinds = SOURCES.recordKinds().filter(({ record }) => record.cypherTerminated);
  if (kinds.length === 0) return 'false';
  return kinds
    .map(
      ({ record }) =>
        `EXISTS { MATCH (${v(u)})-[:${R(E.BELONGS_TO)}]->(:${L(K.Person)})<-[:${R(E.BELONGS_TO)}]-(${u}_hr:${L(record.kind)}) ` +
        `WHERE ${record.cypherTerminated!(`${u}_hr`)} }`,
    )
    .join(' OR ');
};

/** Account kinds other kinds may borrow departure from (those that do not borrow it themselves). */
const lenders = (): AccountKindDef[] =>
  SOURCES.accountKinds()
    .map((k) => SOURCES.account(k)!.account)
    .filter((a) => !a.borrowsDeparture);

/** `CASE WHEN x:A THEN … END` over the lender kinds (false for any other node). */
function perLender(x: string, expr: (a: AccountKindDef) => string): string {
  const whens = lenders().map((a) => `WHEN ${v(x)}:${L(a.kind)} THEN ${expr(a)}`);
  return whens.length ? `CASE ${whens.join(' ')} ELSE false END` : 'false';
}

/** The accounts an IdP asserts `u` is (SAME_PERSON key `asserted`), of a lender kind, bound to `${u}_x` in a pattern. */
const ASSERTED = (u: string): string => `(${v(u)})-[${u}_al:${R(E.SAME_PERSON)}]-(${u}_x) WHERE ${u}_al.key = 'asserted'`;

/** A borrowing account (accounts.ts `borrowsDeparture`): one of its asserted lender accounts is departed. */
const LINKED_DEPARTED = (u: string): string => `EXISTS { MATCH ${ASSERTED(u)} AND ${perLender(`${u}_x`, (a) => ACCOUNT_DEPARTED(a, `${u}_x`))} }`;

/** accounts.ts `disabled` for an account of a lender kind: disabled in its own source, or by a what-if (false for a stub or any other node). */
export const DISABLED = (u: string): string =>
  `(${notStub(u)} AND (${u}.key IN $assumed OR ${perLender(u, (a) => (a.cypher.disabledOwn ? a.cypher.disabledOwn(u, CYPHER_HELPERS) : 'false'))}))`;

/** A borrowing account: one of its asserted lender accounts is disabled (in its own source, or by a what-if). */
const LINKED_DISABLED = (u: string): string => `EXISTS { MATCH ${ASSERTED(u)} AND ${DISABLED(`${u}_x`)} }`;

/** accounts.ts `departed` for an account of one kind: its own source's word (or a linked account's, when borrowed), HR, or a what-if. */
export const ACCOUNT_DEPARTED = (a: AccountKindDef, u: string): string =>
  `(${notStub(u)} AND (${a.cypher.departedOwn(v(u), CYPHER_HELPERS)} OR ${HR_TERMINATED(u)} OR ${u}.key IN $assumed${a.borrowsDeparture ? ` OR ${LINKED_DEPARTED(u)}` : ''}))`;

/** `CASE WHEN u:A THEN … WHEN u:B THEN … ELSE otherwise END` over the registered account kinds. */
function perAccountKind(u: string, expr: (a: AccountKindDef) => string, otherwise = 'false'): string {
  const whens = SOURCES.accountKinds().map((kind) => {
    const a = SOURCES.account(kind)!.account;
    return `WHEN ${v(u)}:${L(a.kind)} THEN ${expr(a)}`;
  });
  return whens.length ? `CASE ${whens.join(' ')} ELSE ${otherwise} END` : otherwise;
}

/** accounts.ts `departed` for any node (false for what is not an account). */
export const DEPARTED = (u: string): string => perAccountKind(u, (a) => ACCOUNT_DEPARTED(a, u));

/** accounts.ts `usable`: by its own source's word (Entra enabled and not deleted, Okta ACTIVE-like), after any what-if. */
export const USABLE = (u: string): string =>
  `(${notStub(u)} AND NOT ${u}.key IN $assumed AND ${perAccountKind(u, (a) => a.cypher.usable(u, CYPHER_HELPERS))})`;

/** accounts.ts `hrDeparted`. */
export const HR_DEPARTED = (u: string): string => `(${notStub(u)} AND ${HR_TERMINATED(u)})`;

/** accounts.ts `leaveDeparted`: its own leave date (Entra employeeLeaveDateTime) has passed. */
export const LEAVE_DEPARTED = (u: string): string => {
  const kinds = SOURCES.accountKinds().map((k) => SOURCES.account(k)!.account).filter((a) => a.cypher.leaveDeparted);
  if (kinds.length === 0) return 'false';
  return `(${kinds.map((a) => `(${v(u)}:${L(a.kind)} AND ${notStub(u)} AND ${a.cypher.leaveDeparted!(u, CYPHER_HELPERS)})`).join(' OR ')})`;
};

/**
 * ruleHelpers.ts pushesDeactivation: `features` include PUSH_USER_DEACTIVATION and the first
 * USER_PROVISIONING feature record, if any, has lifecycleDeactivate ENABLED.
 */
export const PUSHES_DEACTIVATION = (app: string): string =>
  `('PUSH_USER_DEACTIVATION' IN coalesce(${v(app)}.features, []) AND coalesce(head(COLLECT { MATCH (${app})-[${app}_hf:${R(E.HAS_FEATURE)}]->(${app}_f) ` +
  `WHERE ${app}_f.name = 'USER_PROVISIONING' WITH ${app}_hf, ${app}_f ORDER BY ${app}_hf.seq LIMIT 1 RETURN coalesce(${app}_f.lifecycleDeactivate = 'ENABLED', false) }), true))`;

/** ruleHelpers.ts appUserRecords: the subject's APP_USER records, without direct ones when a what-if deactivated it. */
export const APP_USER_RECORDS = `MATCH (s)-[au:${R(E.APP_USER)}]->(app) WHERE NOT (sub.assumed AND coalesce(au.scope, 'USER') = 'USER')`;

/** The first (by edge order) node at the start of an edge kind ending at `n`, or null. */
function firstIn(n: string, kind: E): string {
  const x = `${v(n)}_in_${kind.toLowerCase()}`;
  return `head(COLLECT { MATCH (${x}_n)-[${x}_r:${R(kind)}]->(${n}) WITH ${x}_r, ${x}_n ORDER BY ${x}_r.seq LIMIT 1 RETURN ${NODE(`${x}_n`)} })`;
}

/**
 * For a credential holder: its first instance (holderReach's path tail) when its kind has
 * instances (SourceDefinition.instances: an Entra application's first service principal), else null.
 */
export const HOLDER_SP = (holder: string): string => {
  const kinds = [...new Set(SOURCES.signIn().instances.map((i) => i.of))];
  return kinds.length ? `CASE WHEN ${kinds.map((k) => `${v(holder)}:${L(k)}`).join(' OR ')} THEN ${firstIn(holder, E.INSTANCE_OF)} ELSE null END` : 'null';
};

/** validAt: `startDateTime <= $at < endDateTime`, a missing start counting as started and a missing end as no expiry. */
export const VALID_AT = (c: string): string => `((${v(c)}.startDateTimeMs IS NULL OR ${c}.startDateTimeMs <= $at) AND (${c}.endDateTimeMs IS NULL OR $at < ${c}.endDateTimeMs))`;

/**
 * Reach requests. A rule row names the object whose reach a hit carries as `REACH(name, x)` (a
 * named reach its source declares: SourcePrivileges.reach); the engine then runs one batched
 * reach query per name over every distinct object the rows named (`reachQuery`), so reach is
 * computed once per object and the rule queries stay small.
 */
export const REACH = (name: string, x: string): string => {
  if (!SOURCES.reach(name).cypher) throw new Error(`cypher: reach ${name} has no Cypher form`);
  return `{reach: '${v(name)}', key: ${v(x)}.key}`;
};

/** accountRolesReach: what an account holds, by its kind's declared reach (null for a kind that declares none). */
export const ACCOUNT_REACH = (u: string): string => {
  const whens = SOURCES.accountKinds().flatMap((kind) => {
    const name = SOURCES.account(kind)!.account.reach;
    return name ? [`WHEN ${v(u)}:${L(kind)} THEN ${REACH(name, u)}`] : [];
  });
  return whens.length ? `CASE ${whens.join(' ')} ELSE null END` : 'null';
};

const built = new Map<string, { version: number; text: string }>();

/** The batched query of one named reach: `$keys` in, one row of `key, facts` per key found. */
export function reachQuery(name: string): string {
  const b = built.get(name);
  if (b?.version === SOURCES.version) return b.text;
  const cypher = SOURCES.reach(name).cypher;
  if (!cypher) throw new Error(`reach: ${name} has no Cypher form`);
  const text = `UNWIND $keys AS key MATCH (x:${NODE_LABEL} {snapshot: $snapshot, key: key})\n${cypher('x', 'facts', CYPHER_HELPERS)}\nRETURN key, facts`;
  built.set(name, { version: SOURCES.version, text });
  return text;
}

/** A row value that is a reach request. */
export function isReachRequest(x: unknown): x is { reach: string; key: string } {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { reach?: unknown }).reach === 'string' && typeof (x as { key?: unknown }).key === 'string';
}
