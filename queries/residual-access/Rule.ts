/**
 * What a residual-access rule is: its id and source, the datasets that decide it (coverage), to
 * which subjects it applies, the statuses it can produce, and its graph form — a function from
 * one departed subject to the findings it implies ("hits"), each with its via object, status,
 * validUntil, reach, path, evidence and remediation. The engine adds severity, precedence, ids
 * and closure; the Cypher form of each rule (Neo4j engine) must produce the same hits.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { RuleNeeds } from '../../src/analysis/coverage.js';
import type { Reach } from '../../src/analysis/reach.js';
import type { Status } from '../../src/analysis/severity.js';
import type { GraphNode, Prov } from '../../src/model/types.js';
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
  /** For precedence between Okta app rules: the app this finding is about. */
  app?: string;
  /** Free-form facts worth showing (dates compared, correlation links). */
  facts?: Record<string, unknown>;
}

export interface Rule extends RuleNeeds {
  title: string;
  /** `disabled`: only subjects disabled in their own source (or assumed so); `departed`: every departed subject. */
  appliesTo: 'disabled' | 'departed';
  statuses: readonly Status[];
  /** What `via` names, for the docs. */
  viaDoc: string;
  evaluate(subject: AccountState, a: Analysis): Hit[];
}
