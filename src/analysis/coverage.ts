/**
 * Coverage: a rule is uncovered for a source when a dataset it needs is missing or partial in
 * that source's manifest (absent from the manifest counts as missing). Cross-source rules need
 * the identities dataset each source registers (users; HR people) of every source present; if any of
 * those is incomplete they are uncovered for every source. No subject of a source with an
 * uncovered rule is ever reported closed: missing data never reads as "no access". A source's rule
 * may also need other sources' datasets (`needs: {github: […], entra: […]}`): any incomplete one,
 * in any source of that kind present, leaves it uncovered. A source paired with another (Azure
 * with the Entra folder of its tenant: `pairedWith`) has every rule uncovered when that folder is
 * absent; and a subject's closure also reads the uncovered rules of the sources paired with its
 * own (an Entra account is not closed while the Azure rules are uncovered for its tenant). A
 * source may add needs of every one of its rules from its ledger (`coverageNeeds`: GitHub's
 * `scimIdentities` for an EMU organisation).
 */
import type { SourceKind } from '../model/schema.js';
import type { SourceInfo } from '../store/GraphReader.js';
import { SOURCES } from '../model/source.js';

export interface RuleNeeds {
  id: string;
  /** A registered source kind (`entra`, `okta` …), or `cross` (applies to accounts of every source). */
  source: string;
  /**
   * The source whose accounts the rule takes as subjects, when not its own: the `azure.*` rules'
   * subjects are Entra accounts. Default: `source`.
   */
  subjects?: string;
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
  const crossCovered = sources.every((s) => {
    const identities = SOURCES.get(s.source)?.identities;
    return identities === null || statusOf(s, identities ?? 'users') === 'complete';
  });
  // A rule may need datasets of other sources (`source:dataset`: the GitHub workload path reads
  // Entra's federated credentials): uncovered when a source of that kind in the snapshot has one
  // of them incomplete.
  const otherIncomplete = (r: RuleNeeds, own: SourceKind) =>
    Object.entries(r.needs).some(([k, ds]) => k !== own && sources.some((o) => o.source === k && ds.some((d) => statusOf(o, d) !== 'complete')));
  for (const s of sources) {
    const cov: SourceCoverage = { source: s.source, tenant: s.tenant, complete: [], partial: [], missing: [], reasons: {}, uncoveredRules: [] };
    const paired = pairedSourceKey(s);
    const unpaired = paired !== null && !sources.some((o) => o.sourceKey === paired);
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
      const needs = [...(r.needs[s.source] ?? []), ...(SOURCES.get(s.source)?.coverageNeeds?.(s.datasets) ?? [])];
      if (unpaired || needs.some((d) => statusOf(s, d) !== 'complete') || otherIncomplete(r, s.source)) cov.uncoveredRules.push(r.id);
    }
    if (unpaired) {
      const paired = SOURCES.get(s.source)?.pairedWith ?? '';
      cov.reasons[`${paired}:${SOURCES.get(paired)?.identities ?? 'users'}`] = `no ${paired} folder of tenant ${s.tenant} in the collection: this source's rules read its accounts`;
    }
    out[s.sourceKey] = cov;
  }
  return out;
}

/** The source key of the folder a paired source is analysed with (Azure → `entra:<tenant>`), or null when it pairs with none. */
export function pairedSourceKey(s: Pick<SourceInfo, 'source' | 'tenant'>): string | null {
  const with_ = SOURCES.get(s.source)?.pairedWith;
  return with_ ? SOURCES.sourceKey(with_, s.tenant) : null;
}

/**
 * The rules uncovered for a subject of source key `sourceKey`: its own source's, and those of
 * every source paired with it (the Azure folder of an Entra account's tenant).
 */
export function uncoveredForSubject(coverage: Readonly<Record<string, SourceCoverage>>, sourceKey: string): string[] {
  const out = [...(coverage[sourceKey]?.uncoveredRules ?? [])];
  for (const cov of Object.values(coverage)) {
    if (pairedSourceKey(cov) === sourceKey) for (const r of cov.uncoveredRules) if (!out.includes(r)) out.push(r);
  }
  return out;
}
