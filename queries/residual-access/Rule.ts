/**
 * What a residual-access rule is: its id and source, the datasets that decide it (coverage), to
 * which subjects it applies, the statuses it can produce, its policy towards other rules and
 * severity, the remediation action the report groups its findings under, and its graph form — a
 * function from one departed subject to the findings it implies ("hits"), each with its via
 * object, status, validUntil, reach, path, evidence and remediation — and its Cypher form, which
 * finds the same hits inside Neo4j. The engine applies the policy (both engines share that code:
 * queries/residual.ts), and adds severity from reach, ids and closure; the parity suite
 * (test/parity) runs both forms on the same snapshots and compares.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { RuleNeeds } from '../../src/analysis/coverage.js';
import type { Reach } from '../../src/analysis/reach.js';
import type { Severity, Status } from '../../src/analysis/severity.js';
import type { GraphEdge, GraphNode, Prov } from '../../src/model/types.js';
import type { Analysis } from '../../src/analysis/Analysis.js';

export type PathStep =
  | { kind: string; id: string; name: string; source: string }
  | { edge: string; reverse?: boolean; key?: string; strength?: string; value?: string };

export interface Hit {
  via: GraphNode;
  status: Status;
  validUntil: number | null;
  reach: Reach;
  path: PathStep[];
  evidence: (Prov | null | undefined)[];
  remediation: string[];
  /**
   * The object precedence compares (RulePolicy.suppressedBy): a hit is suppressed only by a hit
   * of a suppressing rule on the same key for the same subject. The Okta app rules give the app's key.
   */
  precedenceKey?: string;
  /** Free-form facts worth showing (dates compared, correlation links). */
  facts?: Record<string, unknown>;
}

/**
 * How a rule stands towards other rules and towards severity. Declared on the rule it changes;
 * the engine reads it and names no rule id.
 */
export interface RulePolicy {
  /**
   * Severity is at least this, whatever the reach (the catalogue's severity lines that name a
   * rule: `hr.leaver-account-enabled` is always critical, `person.other-account-active` at least high).
   */
  minSeverity?: Severity;
  /**
   * Precedence: for one subject, a hit of this rule is not reported when a rule listed here has a
   * hit with the same `precedenceKey` (before its own suppression: what it covers is covered).
   */
  suppressedBy?: readonly string[];
  /**
   * A finding of this rule is about the person, not only the account: while one stands, no
   * person owning its subject or its via account is closed, even when each departed account is
   * (the cross-source rules).
   */
  keepsPersonOpen?: boolean;
  /**
   * Its remediation disables an account (remediation plans, src/remediate/buildPlan.ts): the
   * subject's own (`own`: `hr.leaver-account-enabled`), or another account of the same person,
   * its via (`other`: `person.other-account-active`, planned only with `--include` of the rule).
   * The calls are the account source's disable calls; the plan's what-if disables the account.
   */
  disablesAccount?: 'own' | 'other';
}

/**
 * The remediation action the report groups a rule's open findings under ("Remove 14 client
 * secrets from 6 applications"): a verb, the unit counted (singular, plural) and which part of a
 * finding identifies one, and optionally the objects they sit on (singular, plural, preposition).
 */
export interface RemediationAction {
  verb: string;
  unit: [string, string];
  unitKey: ActionPicker;
  /** `[singular, plural, preposition]`, or null when the unit is the object. */
  object: [string, string, string] | null;
  objectKey?: ActionPicker;
}

/** What identifies a unit or object: the via, the subject, the node before via on the path, the last node on the path, or the finding. */
export type ActionPicker = 'via' | 'subject' | 'beforeVia' | 'last' | 'finding';

export interface Rule extends RuleNeeds {
  title: string;
  /** `disabled`: only subjects disabled in their own source (or assumed so); `departed`: every departed subject. */
  appliesTo: 'disabled' | 'departed';
  statuses: readonly Status[];
  /** What `via` names, for the docs. */
  viaDoc: string;
  policy?: RulePolicy;
  action: RemediationAction;
  evaluate(subject: AccountState, a: Analysis): Hit[];
  /** The Cypher form (Neo4j engine). */
  cypher: CypherForm;
}

/**
 * A rule in Cypher: one query over a batch of subjects that does all the matching inside Neo4j,
 * and the assembly of a hit from each result row. The query gets `$snapshot`, `$at` (epoch ms),
 * `$assumed` (keys of what-if accounts), `$k` (catalogue constants), `$subjects` (SubjectParam
 * maps: `sub` after the SUBJECTS preamble) and the form's own `params`; it returns one row per hit
 * with `subject` (the subject's key), in the order the graph form meets them, and `once` when the
 * graph form keeps only the first hit per object (the engine keeps the first row per value).
 */
export interface CypherForm {
  query: string;
  params?: Record<string, unknown>;
  hit(row: Record<string, unknown>, c: CypherHitContext): Hit;
}

/** What a Cypher form's `hit` gets besides its row: the subject, step rendering, and converters for the row's values. */
export interface CypherHitContext {
  s: AccountState;
  /** For `a.step()` and `a.at`; its graph holds nothing (rows carry what a hit needs). */
  a: Analysis;
  /** A `NODE()` value as a GraphNode. */
  node(v: unknown): GraphNode;
  /** A `NODE()` value or null. */
  maybeNode(v: unknown): GraphNode | null;
  /** A `REL()` value as a GraphEdge. */
  edge(v: unknown): GraphEdge;
  /** Reach of a row's reach request (`REACH(kind, x)`), or of a list of reach facts. */
  reach(...requests: unknown[]): Reach;
}

/** A subject as Cypher forms receive it (`sub`): its state at `at`, after any what-if. */
export interface SubjectParam {
  key: string;
  id: string;
  source: string;
  sourceKey: string;
  disabled: boolean;
  assumed: boolean;
  /** D in epoch ms, or null. */
  departedAt: number | null;
  /** The source's own status word after any what-if (Okta), else null. */
  status: string | null;
}

export function subjectParam(s: AccountState): SubjectParam {
  return { key: s.key, id: s.id, source: s.source, sourceKey: s.node.sourceKey, disabled: s.disabled, assumed: s.assumed, departedAt: s.departedAt, status: s.status };
}
