/**
 * The sources that can carry out remediation writes — those whose registry entry has a
 * `capabilities.remediation` (declared in ingest/<source>/source.ts, the writes themselves in
 * ingest/<source>/remediation.ts) — and lookups over them: a kind by id, a source by name, the
 * policy of a rule. Their executors (SDK clients) are loaded when this module is first imported,
 * which only remediation does; nothing in src/remediate names a source.
 */
import { SOURCES } from '../../ingest/sources.js';
import type { ActionKind, RulePolicy, SourceRemediation } from '../model/remediation.js';

export const REMEDIATION_SOURCES: readonly SourceRemediation[] = await Promise.all(
  SOURCES.all().flatMap((s) => (s.capabilities?.remediation ? [s.capabilities.remediation()] : [])),
);

const KINDS = new Map<string, { kind: ActionKind; source: SourceRemediation }>();
for (const s of REMEDIATION_SOURCES) for (const k of s.kinds) KINDS.set(k.kind, { kind: k, source: s });

export function kindById(id: string): { kind: ActionKind; source: SourceRemediation } | undefined {
  return KINDS.get(id);
}

export function remediationSource(source: string): SourceRemediation | undefined {
  return REMEDIATION_SOURCES.find((s) => s.source === source);
}

/** The policy of a source's own rule (cross-source rules are decided by the plan: they disable an account). */
export function rulePolicy(rule: string): RulePolicy | undefined {
  for (const s of REMEDIATION_SOURCES) if (s.rules[rule]) return s.rules[rule];
  return undefined;
}
