/**
 * The residual-access query: for named subjects (or every departed account), run every rule of
 * the catalogue that applies, apply precedence, compute severity from reach, and assemble the
 * `revenant-findings/1` document — findings with stable ids, paths, evidence and remediation;
 * subjects with why and when they departed and whether they are closed; coverage per source.
 */
import { createHash } from 'node:crypto';
import { datasetsOf } from '../ingest/collection/datasets.js';
import { SOURCES } from '../ingest/sources.js';
import type { AccountState } from '../src/analysis/accounts.js';
import { Analysis } from '../src/analysis/Analysis.js';
import { type SourceCoverage, computeCoverage, uncoveredForSubject } from '../src/analysis/coverage.js';
import { findingsOrder } from '../src/analysis/findingsOrder.js';
import { type Severity, type Status, severityOf } from '../src/analysis/severity.js';
import { NotFoundError } from '../src/model/errors.js';
import { canonicalId } from '../src/model/ids.js';
import { EdgeKind, NodeKind } from '../src/model/schema.js';
import { iso } from '../src/model/time.js';
import type { GraphNode, Prov } from '../src/model/types.js';
import type { GraphReader, SourceInfo } from '../src/store/GraphReader.js';
import { splitSourcePrefix } from './principals.js';
import { allRules, ruleById } from './residual-access/index.js';
import type { Hit, PathStep, Rule } from './residual-access/Rule.js';
import { nodeName, sourceOfKey } from '../src/model/props.js';

export const FINDINGS_FORMAT = 'revenant-findings/1';

export interface Ref {
  source: string;
  id: string;
  name: string;
}

export interface Finding {
  id: string;
  rule: string;
  status: Status;
  severity: Severity;
  subject: Ref;
  via: Ref & { kind: string };
  validUntil: string | null;
  path: PathStep[];
  reaches: { tier0: boolean; privileges: string[] };
  evidence: string[];
  remediation: string[];
  facts?: Record<string, unknown>;
}

export interface SubjectReport {
  source: string;
  sourceKey: string;
  id: string;
  name: string;
  departed: boolean;
  departedBecause: string[];
  departedAt: string | null;
  departedAtFrom: string | null;
  disabled: boolean;
  assumed: boolean;
  /** True only with no finding of any status and complete coverage; null when not departed. */
  closed: boolean | null;
  /** Why the subject is not closed (findings, uncovered rules), or why it is. */
  closure: string;
  /** Id of the person the account belongs to (correlation). */
  person: string | null;
  findings: number;
}

export interface PersonReport {
  id: string;
  name: string;
  accounts: { source: string; id: string; name: string; departed: boolean }[];
  closed: boolean;
}

export interface FindingsDoc {
  format: typeof FINDINGS_FORMAT;
  at: string;
  snapshot: string | null;
  coverage: Record<string, SourceCoverage>;
  subjects: SubjectReport[];
  persons: PersonReport[];
  findings: Finding[];
}

export interface ResidualOptions {
  /** Subject names (id, UPN, login, mail; optionally prefixed with a source: `entra:`, `okta:`). */
  subjects?: string[];
  all?: boolean;
  at?: number;
  assumeDeparted?: string[];
  /** Limit to these rule ids. */
  rules?: string[];
}

/** Stable finding id: a hash of rule, subject (source and id) and via. */
function findingId(rule: string, subjectSourceKey: string, subjectId: string, viaId: string): string {
  return createHash('sha256').update(`${rule}\u0000${subjectSourceKey}\u0000${subjectId}\u0000${viaId}`).digest('hex').slice(0, 32);
}

/** Resolve a subject name to account keys: accounts first, then an HR record's or person's accounts. */
export function resolveAccounts(g: GraphReader, name: string): string[] {
  const { source, name: want } = splitSourcePrefix(name, SOURCES.accountSources());
  const keys = g.lookup(want);
  const nodes = keys.map((k) => g.node(k)).filter((n): n is GraphNode => !!n);
  let accounts = nodes.filter((n) => SOURCES.isAccountKind(n.kind));
  if (accounts.length === 0) {
    // An HR employee id or mail (a record kind a source registers) or a person: the accounts of that person.
    const viaPerson = new Set<string>();
    for (const n of nodes.filter((x) => x.kind === NodeKind.Person || SOURCES.record(x.kind))) {
      const persons = n.kind === NodeKind.Person ? [n.key] : g.out(n.key, EdgeKind.BELONGS_TO).map((e) => e.to);
      for (const p of persons) for (const e of g.in(p, EdgeKind.BELONGS_TO)) viaPerson.add(e.from);
    }
    accounts = [...viaPerson].map((k) => g.node(k)).filter((n): n is GraphNode => !!n && SOURCES.isAccountKind(n.kind));
  }
  if (source) accounts = accounts.filter((n) => n.sourceKey.startsWith(`${source}:`));
  return [...new Set(accounts.map((n) => n.key))].sort();
}

/** Resolve subject names to account keys; unknown names are one NotFoundError listing them all. */
export function resolveAll(g: GraphReader, names: string[], what: string): string[] {
  const out: string[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    const keys = resolveAccounts(g, n);
    if (keys.length === 0) unknown.push(n);
    out.push(...keys);
  }
  if (unknown.length) {
    throw new NotFoundError(
      `${what} not found: ${unknown.map((u) => JSON.stringify(u)).join(', ')} (name an account by id, UPN, login or mail; prefix ${SOURCES.accountSources().map((k) => `${k}:`).join(' or ')} to pick a source)`,
    );
  }
  return [...new Set(out)];
}

/** `a.localeCompare(b, 'en', { numeric: true })`, without building a collator per comparison. */
const EVIDENCE_ORDER = new Intl.Collator('en', { numeric: true }).compare;

function evidenceOf(list: (Prov | null | undefined)[]): string[] {
  const set = new Set<string>();
  for (const p of list) if (p) set.add(`${p.file}:${p.line}`);
  return [...set].sort(EVIDENCE_ORDER);
}

function ref(n: GraphNode): Ref & { kind: string } {
  return { source: sourceOfKey(n.sourceKey), kind: n.kind, id: n.id, name: nodeName(n) };
}

/**
 * Precedence for one subject, as the rules declare it (RulePolicy.suppressedBy): a hit is dropped
 * when a rule it names has a hit with the same precedence key (for the Okta app rules: password
 * rules suppress downstream and dormant assignment; downstream suppresses dormant assignment).
 */
function applyPrecedence(hits: RawHit[]): RawHit[] {
  const byKey = new Map<string, Set<string>>();
  for (const { rule, hit } of hits) if (hit.precedenceKey) (byKey.get(hit.precedenceKey) ?? byKey.set(hit.precedenceKey, new Set()).get(hit.precedenceKey)!).add(rule.id);
  return hits.filter(({ rule, hit }) => {
    const by = rule.policy?.suppressedBy;
    if (!by || !hit.precedenceKey) return true;
    const rules = byKey.get(hit.precedenceKey)!;
    return !by.some((id) => rules.has(id));
  });
}

export function rulesFor(s: AccountState, rules: readonly Rule[] = allRules()): Rule[] {
  // The cross-source rules read an IdP account's sign-in; a kind may opt out (GitHub accounts have their own rules).
  const cross = SOURCES.account(s.node.kind)?.account.crossRules !== false;
  // A rule may take another source's accounts as subjects (`subjects`: the azure.* rules, Entra accounts).
  return rules.filter((r) => ((r.source === 'cross' && cross) || (r.subjects ?? r.source) === s.source) && (r.appliesTo === 'departed' || s.disabled));
}

/** A rule's hit for one subject, before precedence, severity and ids. */
export interface RawHit {
  rule: Rule;
  hit: Hit;
}

/** The graph form: every applicable rule's hits for one departed subject, in catalogue order. */
export function rawHits(s: AccountState, a: Analysis, rules: readonly Rule[] = allRules()): RawHit[] {
  const raw: RawHit[] = [];
  for (const rule of rulesFor(s, rules)) for (const hit of rule.evaluate(s, a)) raw.push({ rule, hit });
  return raw;
}

/**
 * Findings from a subject's raw hits, whichever engine found them: precedence, one finding per
 * (rule, subject, via) with its stable id, severity from reach, evidence (including the nodes
 * that grant each privilege, whose provenance `provOf` gives).
 */
function findingsOf(s: AccountState, raw: RawHit[], provOf: (key: string) => Prov | null | undefined): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const { rule, hit } of applyPrecedence(raw)) {
    const id = findingId(rule.id, s.node.sourceKey, s.id, hit.via.id);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({
      id,
      rule: rule.id,
      status: hit.status,
      severity: severityOf(hit.status, hit.reach, rule.policy?.minSeverity),
      subject: { source: s.source, id: s.id, name: s.name },
      via: ref(hit.via),
      validUntil: iso(hit.validUntil),
      path: hit.path,
      reaches: { tier0: hit.reach.tier0, privileges: hit.reach.privileges.map((p) => p.label) },
      evidence: evidenceOf([...hit.evidence, ...hit.reach.privileges.map((p) => provOf(p.via))]),
      remediation: hit.remediation,
      ...(hit.facts ? { facts: hit.facts } : {}),
    });
  }
  return out;
}

let ruleOrder: { rules: readonly Rule[]; compare: (x: Finding, y: Finding) => number } | undefined;

/** The rule ids in the order a findings document lists them (the catalogue's, then those the sources bring): stored with each analysis. */
export function ruleOrderIds(): string[] {
  return allRules().map((r) => r.id);
}

/** The order of a findings document (src/analysis/findingsOrder.ts) with the rules this analysis runs. */
export function compareFindings(x: Finding, y: Finding): number {
  const rules = allRules();
  if (ruleOrder?.rules !== rules) ruleOrder = { rules, compare: findingsOrder(rules.map((r) => r.id)) };
  return ruleOrder.compare(x, y);
}

export function sortFindings(f: Finding[]): Finding[] {
  return f.sort(compareFindings);
}

/** Every account key that is departed at `at` (stubs excluded: their state is unknown). */
export function departedAccounts(a: Analysis): string[] {
  const out: string[] = [];
  const scopes = new Map(a.g.sources.map((src) => [src.sourceKey, src]));
  for (const kind of SOURCES.accountKinds()) {
    for (const n of a.g.nodesOfKind(kind)) {
      if (n.props.stub || outOfScope(scopes.get(n.sourceKey), n.id)) continue;
      if (a.state(n.key)?.departed) out.push(n.key);
    }
  }
  return out;
}

/**
 * A per-subject collection is complete only for the accounts it lists: any other account of that
 * source is out of its scope (never swept by --all, never reported closed).
 */
export function outOfScope(src: SourceInfo | undefined, accountId: string): boolean {
  if (!src?.scope) return false;
  const id = canonicalId(accountId);
  return !src.scope.accounts.some((a) => canonicalId(a) === id);
}

/**
 * What an engine hands the document assembly: the analysis time and snapshot, the sources (for
 * coverage), the subjects' states in key order, and answers about hits, persons and provenance.
 * The embedded engine answers from its graph (runResidual); the Neo4j engine from Cypher results
 * (queries/residual.cypher.ts). Everything from here on is shared.
 */
export interface ResidualFacts {
  at: number;
  snapshotId: string | null;
  sources: readonly SourceInfo[];
  /** States of the subjects to report, in key order. */
  states: readonly AccountState[];
  /** Raw hits of a departed subject (asked once per departed subject, in order). */
  hitsOf(s: AccountState): RawHit[];
  /** The person an account belongs to: its key and id. */
  personOf(accountKey: string): { key: string; id: string | null } | null;
  /** A person's id, name and accounts (each with whether it is departed). */
  person(personKey: string): { id: string; name: string; accounts: PersonReport['accounts'] };
  /** Provenance of a node by key (privilege evidence). */
  provOf: (key: string) => Prov | null | undefined;
}

/** The coverage of a set of sources (per source key), as the findings document states it. */
export function coverageOf(sources: readonly SourceInfo[]): Record<string, SourceCoverage> {
  return computeCoverage(sources, allRules(), datasetsOf);
}

/**
 * The `revenant-findings/1` document from an engine's facts: findings, subjects and closure,
 * persons, coverage. `coverage` may be given (computed once for many calls); with `sort: false`
 * the findings stay in the order they were found (subjects in the given order, each subject's
 * in rule order) — the order `sortFindings` then sorts stably.
 */
export function assembleFindingsDoc(f: ResidualFacts, opts: { coverage?: Record<string, SourceCoverage>; sort?: boolean } = {}): FindingsDoc {
  const coverage = opts.coverage ?? coverageOf(f.sources);
  const findings: Finding[] = [];
  const subjects: SubjectReport[] = [];
  const crossReported = new Set<string>();
  const personKeys: (string | null)[] = [];
  for (const s of f.states) {
    const own = s.departed ? findingsOf(s, f.hitsOf(s), f.provOf) : [];
    findings.push(...own);
    for (const x of own) {
      if (ruleById(x.rule)?.policy?.keepsPersonOpen) {
        crossReported.add(`${x.via.source}:${x.via.id}`);
        crossReported.add(`${s.source}:${s.id}`);
      }
    }
    const uncovered = uncoveredForSubject(coverage, s.node.sourceKey);
    const scoped = outOfScope(f.sources.find((x) => x.sourceKey === s.node.sourceKey), s.id);
    const closed = !s.departed ? null : own.length === 0 && uncovered.length === 0 && !scoped;
    const person = f.personOf(s.key);
    personKeys.push(person?.key ?? null);
    subjects.push({
      source: s.source,
      sourceKey: s.node.sourceKey,
      id: s.id,
      name: s.name,
      departed: s.departed,
      departedBecause: s.because,
      departedAt: iso(s.departedAt),
      departedAtFrom: s.departedAtFrom,
      disabled: s.disabled,
      assumed: s.assumed,
      closed,
      closure: !s.departed
        ? 'not departed'
        : own.length > 0
          ? `${own.length} finding${own.length === 1 ? '' : 's'}`
          : uncovered.length > 0
            ? `no finding, but not closed: data incomplete for ${uncovered.join(', ')}`
            : scoped
              ? 'no finding, but not closed: this per-subject collection does not cover this account'
              : 'closed: no finding and every dataset the rules need is complete',
      person: person ? person.id : null,
      findings: own.length,
    });
  }

  // Persons: closed when every departed account is closed and no account of theirs is reported by a cross-source rule.
  const byPerson = new Map<string, SubjectReport[]>();
  for (const [i, s] of subjects.entries()) {
    const pk = personKeys[i];
    if (pk && s.departed) (byPerson.get(pk) ?? byPerson.set(pk, []).get(pk)!).push(s);
  }
  const persons: PersonReport[] = [];
  for (const [pkey, subs] of byPerson) {
    const { id, name, accounts } = f.person(pkey);
    persons.push({
      id,
      name,
      accounts,
      closed: subs.every((s) => s.closed === true) && !accounts.some((x) => crossReported.has(`${x.source}:${x.id}`)),
    });
  }
  persons.sort((x, y) => x.id.localeCompare(y.id));

  return {
    format: FINDINGS_FORMAT,
    at: new Date(f.at).toISOString(),
    snapshot: f.snapshotId,
    coverage,
    subjects,
    persons,
    findings: opts.sort === false ? findings : sortFindings(findings),
  };
}

export function runResidual(g: GraphReader, opts: ResidualOptions): FindingsDoc {
  const at = opts.at ?? Date.parse(g.collectedAt);
  const assumed = resolveAll(g, opts.assumeDeparted ?? [], 'subject to assume departed');
  const a = new Analysis(g, at, new Set(assumed));
  const rules = opts.rules ? allRules().filter((r) => opts.rules!.includes(r.id)) : allRules();
  const named = resolveAll(g, opts.subjects ?? [], 'subject');
  const keys = new Set<string>([...named, ...assumed]);
  if (opts.all) for (const k of departedAccounts(a)) keys.add(k);

  return assembleFindingsDoc({
    at,
    snapshotId: g.snapshotId,
    sources: g.sources,
    states: [...keys]
      .sort()
      .map((k) => a.state(k))
      .filter((s): s is AccountState => !!s),
    hitsOf: (s) => rawHits(s, a, rules),
    personOf: (key) => {
      const person = g.out(key, EdgeKind.BELONGS_TO)[0]?.to ?? null;
      return person ? { key: person, id: g.node(person)?.id ?? null } : null;
    },
    person: (pkey) => {
      const pnode = g.node(pkey);
      const accounts = g
        .in(pkey, EdgeKind.BELONGS_TO)
        .map((e) => g.node(e.from))
        .filter((n): n is GraphNode => !!n && SOURCES.isAccountKind(n.kind))
        .map((n) => ({ source: sourceOfKey(n.sourceKey), id: n.id, name: nodeName(n), departed: a.state(n.key)?.departed ?? false }));
      return { id: pnode?.id ?? pkey, name: String(pnode?.props.name ?? pkey), accounts };
    },
    provOf: (k) => a.node(k)?.prov,
  });
}
