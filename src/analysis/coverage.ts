/**
 * Coverage: a rule is uncovered for a source when a dataset it needs is missing or partial in
 * that source's manifest (absent from the manifest counts as missing). Cross-source rules need
 * the identities dataset each source registers (users; HR people) of every source present; if any of
 * those is incomplete they are uncovered for every source. No subject of a source with an
 * uncovered rule is ever reported closed: missing data never reads as "no access". A source's rule
 * may also need other sources' datasets (`needs: {github: […], entra: […]}`): any incomplete one,
 * in any source of that kind present, leaves it uncovered.
 */
import type { SourceKind } from '../model/schema.js';
import type { SourceInfo } from '../store/GraphReader.js';
import { SOURCES } from '../model/source.js';

export interface RuleNeeds {
  id: string;
  /** A registered source kind (`entra`, `okta` …), or `cross` (applies to accounts of every source). */
  source: string;
  /** Datasets that decide whether a finding exists, per source kind. */
  needs: Readonly<Record<SourceKind, readonly string[]>>;
}

export interface SourceCoverage {
  source: SourceKind;
  tenant: string;
  complete: string[];
  partial: string[];
  missing: string[];
  /** Why each incomplete dataset is incomplete. */
  reasons: Record<string, string>;
  uncoveredRules: string[];
}

function statusOf(s: SourceInfo, dataset: string): 'complete' | 'partial' | 'missing' {
  return s.datasets[dataset]?.status ?? 'missing';
}

export function computeCoverage(sources: readonly SourceInfo[], rules: readonly RuleNeeds[], datasetsOf: (k: SourceKind) => readonly string[]): Record<string, SourceCoverage> {
  const out: Record<string, SourceCoverage> = {};
  const crossCovered = sources.every((s) => statusOf(s, SOURCES.get(s.source)?.identities ?? 'users') === 'complete');
  // A rule may need datasets of other sources (`source:dataset`: the GitHub workload path reads
  // Entra's federated credentials): uncovered when a source of that kind in the snapshot has one
  // of them incomplete.
  const otherIncomplete = (r: RuleNeeds, own: SourceKind) =>
    Object.entries(r.needs).some(([k, ds]) => k !== own && sources.some((o) => o.source === k && ds.some((d) => statusOf(o, d) !== 'complete')));
  for (const s of sources) {
    const cov: SourceCoverage = { source: s.source, tenant: s.tenant, complete: [], partial: [], missing: [], reasons: {}, uncoveredRules: [] };
    for (const d of datasetsOf(s.source)) {
      const st = statusOf(s, d);
      cov[st].push(d);
      if (st !== 'complete') cov.reasons[d] = s.datasets[d]?.reason ?? (s.datasets[d] ? 'no reason given' : 'not in the manifest');
    }
    for (const r of rules) {
      if (r.source === 'cross') {
        if (!crossCovered) cov.uncoveredRules.push(r.id);
        continue;
      }
      if (r.source !== s.source) continue;
      const needs = r.needs[s.source] ?? [];
      if (needs.some((d) => statusOf(s, d) !== 'complete') || otherIncomplete(r, s.source)) cov.uncoveredRules.push(r.id);
    }
    out[s.sourceKey] = cov;
  }
  return out;
}
