/**
 * Top remediations grouped by action: every open finding maps, by its rule, to the action the
 * rule declares (Rule.action: "remove client secrets from applications"), and the findings of
 * one action are counted as distinct units (secrets, memberships, tokens) and distinct objects
 * (applications, groups), so the report can say "remove 14 client secrets from 6 applications". Ordered by the worst
 * severity, then the live findings, then the size of the job.
 */
import type { Finding } from '../../queries/residual.js';
import { ruleById } from '../../queries/residual-access/index.js';
import type { ActionPicker, PathStep, RemediationAction } from '../../queries/residual-access/Rule.js';

const GENERIC: RemediationAction = { verb: 'Resolve', unit: ['finding', 'findings'], unitKey: 'finding', object: null };

function nodes(path: PathStep[]): { kind: string; id: string; name: string; source: string }[] {
  return path.filter((s): s is { kind: string; id: string; name: string; source: string } => 'kind' in s);
}

function pick(f: Finding, p: ActionPicker): string {
  switch (p) {
    case 'via':
      return `${f.via.source}:${f.via.kind}:${f.via.id}`;
    case 'subject':
      return `${f.subject.source}:${f.subject.id}`;
    case 'finding':
      return f.id;
    case 'beforeVia': {
      const ns = nodes(f.path);
      const i = ns.findIndex((n) => n.id === f.via.id && n.kind === f.via.kind);
      const n = i > 0 ? ns[i - 1] : ns.at(-1);
      return n ? `${n.source}:${n.kind}:${n.id}` : f.id;
    }
    case 'last': {
      const n = nodes(f.path).at(-1);
      return n ? `${n.source}:${n.kind}:${n.id}` : f.id;
    }
  }
}

export interface RemediationGroup {
  rule: string;
  /** "Remove 14 client secrets from 6 applications". */
  action: string;
  units: number;
  objects: number | null;
  findings: number;
  byStatus: Record<string, number>;
  worstSeverity: string;
  /** One of the findings' remediation steps, as an example of the call to make. */
  example: string;
  /** Ids of the findings in this group. */
  findingIds: string[];
}

const SEV = ['critical', 'high', 'medium', 'low'];

export function groupRemediations(findings: Finding[]): RemediationGroup[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) (byRule.get(f.rule) ?? byRule.set(f.rule, []).get(f.rule)!).push(f);
  const out: RemediationGroup[] = [];
  for (const [rule, fs] of byRule) {
    const def = ruleById(rule)?.action ?? GENERIC;
    const units = new Set(fs.map((f) => pick(f, def.unitKey))).size;
    const objects = def.object ? new Set(fs.map((f) => pick(f, def.objectKey ?? 'via'))).size : null;
    const unit = units === 1 ? def.unit[0] : def.unit[1];
    let action = `${def.verb} ${units} ${unit}`;
    if (def.object && objects !== null) action += ` ${def.object[2]} ${objects} ${objects === 1 ? def.object[0] : def.object[1]}`;
    const byStatus: Record<string, number> = {};
    for (const f of fs) byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
    const worst = fs.map((f) => f.severity as string).sort((a, b) => SEV.indexOf(a) - SEV.indexOf(b))[0];
    out.push({
      rule,
      action,
      units,
      objects,
      findings: fs.length,
      byStatus,
      worstSeverity: worst,
      example: fs.find((f) => f.remediation.length)?.remediation[0] ?? '',
      findingIds: fs.map((f) => f.id),
    });
  }
  return out.sort(
    (a, b) =>
      SEV.indexOf(a.worstSeverity) - SEV.indexOf(b.worstSeverity) ||
      (b.byStatus.live ?? 0) - (a.byStatus.live ?? 0) ||
      b.findings - a.findings ||
      a.rule.localeCompare(b.rule),
  );
}
