/**
 * Compares a findings document with a scenario's expected.json exactly as
 * ../shared/tools/check-scenarios does: findings as sets keyed by (rule, subject, via) with
 * status, severity and validUntil; nothing unexpected unless optional; closed and not-closed
 * subjects; uncovered rules per source kind. Returns the list of problems (empty = pass).
 */
import type { FindingsDoc } from '../../queries/residual.js';
import { type Expected, instantOf } from './scenarios.js';

export function compareWithExpected(doc: FindingsDoc, exp: Expected): string[] {
  const problems: string[] = [];
  const key = (r: string, s: string, v: string) => `${r} ${s} ${v}`;
  const got = new Map<string, FindingsDoc['findings'][number]>();
  for (const f of doc.findings) {
    const k = key(f.rule, f.subject.id, f.via.id);
    if (got.has(k)) problems.push(`duplicate ${k}`);
    got.set(k, f);
  }
  const want = new Map(exp.findings.map((f) => [key(f.rule, f.subject, f.via), f]));
  const optional = new Set((exp.optional ?? []).map((f) => key(f.rule, f.subject, f.via)));
  for (const [k, w] of want) {
    const g = got.get(k);
    if (!g) {
      problems.push(`missing ${k}`);
      continue;
    }
    if (g.status !== w.status) problems.push(`status ${k}: got ${g.status}, want ${w.status}`);
    if (g.severity !== w.severity) problems.push(`severity ${k}: got ${g.severity}, want ${w.severity}`);
    if (instantOf(g.validUntil) !== instantOf(w.validUntil ?? null)) problems.push(`validUntil ${k}: got ${g.validUntil}, want ${w.validUntil}`);
  }
  for (const k of got.keys()) if (!want.has(k) && !optional.has(k)) problems.push(`unexpected ${k}`);
  const subjects = new Map(doc.subjects.map((s) => [s.id, s]));
  for (const id of exp.closed ?? []) if (subjects.get(id)?.closed !== true) problems.push(`subject ${id} should be closed`);
  for (const id of exp.notClosed ?? []) if (subjects.get(id)?.closed !== false) problems.push(`subject ${id} should be listed and not closed`);
  const gotUnc = new Map<string, Set<string>>();
  for (const c of Object.values(doc.coverage)) {
    const set = gotUnc.get(c.source) ?? new Set<string>();
    for (const r of c.uncoveredRules) set.add(r);
    gotUnc.set(c.source, set);
  }
  const kinds = new Set([...Object.keys(exp.uncoveredRules ?? {}), ...gotUnc.keys()]);
  for (const kind of kinds) {
    const w = new Set(exp.uncoveredRules?.[kind] ?? []);
    const g = gotUnc.get(kind) ?? new Set<string>();
    for (const r of w) if (!g.has(r)) problems.push(`rule ${r} should be uncovered for ${kind}`);
    for (const r of g) if (!w.has(r)) problems.push(`rule ${r} is uncovered for ${kind} but its datasets are complete`);
  }
  return problems;
}
