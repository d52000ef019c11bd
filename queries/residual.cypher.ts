/**
 * The residual-access query on the Neo4j engine: the same `revenant-findings/1` document as
 * runResidual, with everything that looks at the graph done in Cypher inside Neo4j — subject
 * resolution (queries/cypher/accounts.ts), departed-subject selection and departure inputs,
 * every rule's matching (each rule's `cypher` form, run once per batch of subjects), reach,
 * correlation chains, persons. What Node does with the rows is the embedded engine's own code:
 * account states (accounts.ts), privilege labels and tiers (reach.ts), precedence, severity,
 * ids, evidence, closure and the document (assembleFindingsDoc in residual.ts).
 */
import type { AccountState } from '../src/analysis/accounts.js';
import { Analysis } from '../src/analysis/Analysis.js';
import { FactGraph } from '../src/store/neo4jFacts.js';
import type { Neo4jSnapshot, Row } from '../src/store/neo4jGraph.js';
import { accountStates, lookupGraph, lookupGraphWithStates, personDetails, personDetailsQuery, personDetailsRows, personsOf, personsOfQuery, personsOfRows } from './cypher/accounts.js';
import { cypherConstants, isReachRequest } from './cypher/fragments.js';
import { fetchReach, reachOfRequests, reachQueries } from './cypher/reach.js';
import { allRules } from './residual-access/index.js';
import { type CypherHitContext, type Rule, subjectParam } from './residual-access/Rule.js';
import { type FindingsDoc, type RawHit, type ResidualOptions, assembleFindingsDoc, resolveAll, rulesFor } from './residual.js';
import { text } from '../src/model/text.js';
import { completeDatasets } from '../src/model/reachContext.js';

/** Subjects per rule query (one UNWIND each). */
const SUBJECT_BATCH = 2_000;
/** Rule queries in flight at once. */
const CONCURRENCY = 4;

async function resolveAllNeo4j(snap: Neo4jSnapshot, names: string[], what: string): Promise<string[]> {
  if (!names.length) return [];
  return resolveAll(await lookupGraph(snap, names), names, what);
}

/** Run `tasks` with at most `n` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]();
      }
    }),
  );
  return out;
}

/** One rule's result rows for some subjects. */
export interface RuleRows {
  rule: Rule;
  rows: Row[];
}

/** One rule's query over one batch of subjects. */
function ruleQuery(snap: Neo4jSnapshot, rule: Rule, batch: AccountState[], at: number, assumed: ReadonlySet<string>): { query: string; params: Record<string, unknown> } {
  return { query: rule.cypher.query, params: { ...rule.cypher.params, subjects: batch.map(subjectParam), at, assumed: [...assumed], k: cypherConstants(), complete: completeDatasets(snap.sources) } };
}

/** A rule's rows in the query's order, keeping the first row per subject and `once` value. */
function firstRows(rule: Rule, rows: Row[]): RuleRows {
  const once = new Set<string>();
  return {
    rule,
    rows: rows.filter((row) => {
      if (row.once === undefined || row.once === null) return true;
      const k = `${String(row.subject)}\u0000${text(row.once)}`;
      if (once.has(k)) return false;
      once.add(k);
      return true;
    }),
  };
}

/** Run one rule's Cypher form over a set of subjects (in batches of SUBJECT_BATCH). */
async function ruleRows(snap: Neo4jSnapshot, rule: Rule, subjects: AccountState[], at: number, assumed: ReadonlySet<string>): Promise<RuleRows> {
  const rows: Row[] = [];
  for (let i = 0; i < subjects.length; i += SUBJECT_BATCH) {
    const q = ruleQuery(snap, rule, subjects.slice(i, i + SUBJECT_BATCH), at, assumed);
    rows.push(...(await snap.rows(q.query, q.params)));
  }
  return firstRows(rule, rows);
}

/** Whether a rule batch is a sweep's (`--all`, or more subjects than one batch): run in batches, several at a time. */
function isSweep(work: { subjects: AccountState[] }[], all: boolean): boolean {
  return all || work.some((w) => w.subjects.length > SUBJECT_BATCH);
}

/** The reach requests of rule rows: in a column, or in a column holding a list of requests. */
function reachRequestsOf(results: RuleRows[]): { reach: string; key: string }[] {
  return results.flatMap((r) => r.rows.flatMap((row) => Object.values(row).flatMap((v: unknown) => (Array.isArray(v) ? (v as unknown[]) : [v])).filter(isReachRequest)));
}

/** Hits from rule rows and the reach they asked for: each row becomes a hit. */
function hitsOf(snap: Neo4jSnapshot, results: RuleRows[], fetched: Map<string, unknown[]>, states: Map<string, AccountState>, at: number, assumed: ReadonlySet<string>): Map<string, RawHit[]> {
  const a = new Analysis(new FactGraph(snap.snapshotId, snap.sources, snap.collectedAt), at, assumed);
  const out = new Map<string, RawHit[]>();
  for (const { rule, rows } of results) {
    for (const row of rows) {
      const s = states.get(String(row.subject));
      if (!s) throw new Error(`${rule.id}: Cypher returned a row for ${String(row.subject)}, which was not asked for`);
      const c: CypherHitContext = {
        s,
        a,
        node: (v) => snap.node(v),
        maybeNode: (v) => snap.maybeNode(v),
        edge: (v) => snap.edge(v),
        reach: (...requests) => reachOfRequests(snap, fetched, requests),
      };
      (out.get(s.key) ?? out.set(s.key, []).get(s.key)!).push({ rule, hit: rule.cypher.hit(row, c) });
    }
  }
  return out;
}

type Persons = { personOf: Map<string, { key: string; id: string | null } | null>; persons: Awaited<ReturnType<typeof personDetails>> };

/**
 * A sweep: rule batches CONCURRENCY at a time (the server works on several at once), then the
 * reach their rows ask for; beside them (other sessions, not after them) the subjects' persons
 * and their details.
 */
async function sweepHits(snap: Neo4jSnapshot, work: { rule: Rule; subjects: AccountState[] }[], subjects: AccountState[], departed: AccountState[], states: Map<string, AccountState>, at: number, assumed: ReadonlySet<string>): Promise<[Map<string, RawHit[]>, Persons]> {
  return Promise.all([
    pool(work.map((w) => () => ruleRows(snap, w.rule, w.subjects, at, assumed)), CONCURRENCY).then(async (results) => hitsOf(snap, results, await fetchReach(snap, reachRequestsOf(results), at), states, at, assumed)),
    personsOf(snap, subjects.map((s) => s.key)).then(async (personOf) => {
      const personKeys = [...new Set(departed.map((s) => personOf.get(s.key)?.key).filter((k): k is string => !!k))];
      return { personOf, persons: await personDetails(snap, personKeys, at, assumed) };
    }),
  ]);
}

/**
 * Named subjects (a handful: one batch per rule): two round trips on one connection (rowsOfAll).
 * The first sends every rule's query and the subjects' persons together; the second the reach the
 * rule rows ask for and the persons' details.
 */
async function namedHits(snap: Neo4jSnapshot, work: { rule: Rule; subjects: AccountState[] }[], subjects: AccountState[], departed: AccountState[], states: Map<string, AccountState>, at: number, assumed: ReadonlySet<string>): Promise<[Map<string, RawHit[]>, Persons]> {
  const asked = work.filter((w) => w.subjects.length > 0);
  const personsQ = personsOfQuery(subjects.map((s) => s.key));
  const first = await snap.rowsOfAll([...asked.map((w) => ruleQuery(snap, w.rule, w.subjects, at, assumed)), ...(personsQ ? [personsQ] : [])]);
  const of = new Map(asked.map((w, i) => [w.rule, first[i]]));
  // Rules in catalogue order, so each subject's hits come in the graph form's order.
  const results = work.map((w) => firstRows(w.rule, of.get(w.rule) ?? []));
  const personOf = personsOfRows(personsQ ? first[asked.length] : []);
  const personKeys = [...new Set(departed.map((s) => personOf.get(s.key)?.key).filter((k): k is string => !!k))];
  const reachQ = reachQueries(snap, reachRequestsOf(results), at);
  const detailsQ = personDetailsQuery(personKeys, at, assumed);
  const second = await snap.rowsOfAll([...reachQ.queries, ...(detailsQ ? [detailsQ] : [])]);
  const fetched = reachQ.collect(second.slice(0, reachQ.queries.length));
  const persons = personDetailsRows(snap, detailsQ ? second[reachQ.queries.length] : []);
  return [hitsOf(snap, results, fetched, states, at, assumed), { personOf, persons }];
}

/**
 * `revenant residual` on a Neo4j snapshot: the same document as runResidual on the embedded engine.
 * Named subjects (not a sweep) in one read transaction on one connection (inReadTransaction):
 * lookup, account states, rules with persons, reach with person details — a round trip each.
 */
export async function runResidualNeo4j(snap: Neo4jSnapshot, opts: ResidualOptions): Promise<FindingsDoc> {
  const named = (opts.subjects?.length ?? 0) + (opts.assumeDeparted?.length ?? 0);
  return !opts.all && named <= SUBJECT_BATCH ? snap.inReadTransaction((view) => residualOn(view, opts)) : residualOn(snap, opts);
}

async function residualOn(snap: Neo4jSnapshot, opts: ResidualOptions): Promise<FindingsDoc> {
  const at = opts.at ?? Date.parse(snap.collectedAt);
  const assumedKeys = await resolveAllNeo4j(snap, opts.assumeDeparted ?? [], 'subject to assume departed');
  const assumed = new Set(assumedKeys);
  const rules = opts.rules ? allRules().filter((r) => opts.rules!.includes(r.id)) : allRules();
  // The subjects' lookup brings the state inputs of the accounts their names hit (one round trip for both).
  const names = opts.subjects ?? [];
  const looked = names.length ? await lookupGraphWithStates(snap, names, at, assumed) : null;
  const named = looked ? resolveAll(looked.graph, names, 'subject') : [];
  const states = await accountStates(snap, [...new Set([...named, ...assumedKeys])], !!opts.all, at, assumed, looked?.states);
  const subjects = [...states.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

  // Every rule's Cypher form over the departed subjects it applies to, then the reach its rows ask
  // for, and the subjects' persons and their details.
  const departed = subjects.filter((s) => s.departed);
  const work = rules.map((rule) => ({ rule, subjects: departed.filter((s) => rulesFor(s, [rule]).length > 0) }));
  const [hits, { personOf, persons }] = await (isSweep(work, !!opts.all) ? sweepHits : namedHits)(snap, work, subjects, departed, states, at, assumed);

  return assembleFindingsDoc({
    at,
    snapshotId: snap.snapshotId,
    sources: snap.sources,
    states: subjects,
    hitsOf: (s) => hits.get(s.key) ?? [],
    personOf: (key) => personOf.get(key) ?? null,
    person: (pkey) => persons.get(pkey) ?? { id: pkey, name: pkey, accounts: [] },
    provOf: (key) => snap.known(key)?.prov,
  });
}

