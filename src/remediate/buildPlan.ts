/**
 * Builds the remediation plan of one subject from a snapshot: its findings (and, when the plan
 * disables an account, the findings that appear once it is disabled — a what-if on the same
 * snapshot — so that one apply closes the loop), one action per finding from the remediation
 * call the finding carries and its rule's policy, in phases (contain the account, cut its
 * credentials, remove its entitlements, then ownership), with the guard rails:
 * - a step acts only on an object of its finding, and a disable only on the subject's own
 *   account — or, with `--include person.other-account-active`, on the other account it names;
 * - nothing deletes or disables an application, service principal or group (no kind does);
 * - unassigning an app from an account that stays active, and the rules whose access lives
 *   outside the API (downstream passwords and accounts), need `--include RULE`;
 * - findings accepted as a risk are skipped; fixes outside the API are listed as manual;
 * - a snapshot older than the allowed age is refused unless `--force`.
 */
import { createHash } from 'node:crypto';
import { RULES, ruleById } from '../../queries/residual-access/index.js';
import { type Finding, type FindingsDoc, runResidual } from '../../queries/residual.js';
import { SEVERITY_RANK } from '../analysis/severity.js';
import { ERR, InputError } from '../model/errors.js';
import type { ActionKind, FindingRef, SourceRemediation } from '../model/remediation.js';
import type { GraphReader } from '../store/GraphReader.js';
import { formatDuration } from '../reports/duration.js';
import { matchCall, parseCall } from './parseCall.js';
import { PLAN_FORMAT, type Plan, type PlanAccount, type PlanAction, type PlanStep } from './Plan.js';
import { REMEDIATION_SOURCES, kindById, remediationSource, rulePolicy } from './remediationSources.js';

export const DEFAULT_MAX_AGE_MS = 24 * 3_600_000;

/** Which account a rule's remediation disables (its policy's `disablesAccount`), if any. */
const disables = (rule: string) => ruleById(rule)?.policy?.disablesAccount;

export interface PlanOptions {
  subject: string;
  /** Rules whose guarded actions may run. */
  include?: string[];
  /** Build on a snapshot older than `maxAgeMs`. */
  force?: boolean;
  maxAgeMs?: number;
  /** Analysis time (default: the snapshot's collection time). */
  at?: number;
  /** Wall clock (snapshot age, acceptances). */
  now?: number;
  /** Whether a finding is accepted as a risk now (and until when). */
  accepted?: (findingId: string) => string | null;
}

const PHASES = ['contain', 'credentials', 'entitlements', 'ownership'];

/** Check `--include` values against the catalogue. */
export function checkIncludes(list: readonly string[]): string[] {
  const ids = new Set(RULES.map((r) => r.id));
  for (const r of list) if (!ids.has(r)) throw new InputError(`--include ${r}: not a rule id (${[...ids].join(', ')})`, { field: '--include' });
  return [...new Set(list)];
}

/** Refuse a snapshot whose oldest source was collected longer ago than `maxAgeMs` (unless forced). */
export function checkSnapshotAge(g: GraphReader, maxAgeMs: number, now: number, force: boolean): void {
  const oldest = Math.min(...g.sources.map((s) => Date.parse(s.collectedAt)).filter((t) => Number.isFinite(t)));
  if (!Number.isFinite(oldest) || force) return;
  const age = now - oldest;
  if (age > maxAgeMs) {
    throw new InputError(
      `remediate: the snapshot's data was collected ${formatDuration(age)} ago (${new Date(oldest).toISOString()}), more than the allowed ${formatDuration(maxAgeMs)}: ` +
        'collect and load again (or `revenant verify SUBJECT` to refresh just this subject), raise --max-age, or pass --force',
      { field: '--max-age' },
      ERR.SNAPSHOT_TOO_OLD,
    );
  }
}

function hash(x: unknown): string {
  return createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);
}

const lower = (s: string) => s.toLowerCase();

/** Ids of the objects a finding is about: its subject, its via, and every node on its path. */
function findingIds(f: Finding): Set<string> {
  const ids = new Set<string>([lower(f.subject.id), lower(f.via.id)]);
  for (const s of f.path) if ('id' in s && typeof s.id === 'string') ids.add(lower(s.id));
  return ids;
}

function ref(f: Finding): FindingRef {
  return { id: f.id, rule: f.rule, status: f.status, severity: f.severity, subject: f.subject, via: f.via, path: f.path, reaches: f.reaches };
}

interface Draft {
  action: Omit<PlanAction, 'n' | 'id'>;
  order: number;
}

/** The account whose source and tenant a step of `kind` goes to. */
function sourceKeyFor(kind: SourceRemediation, f: Finding, accounts: Map<string, string>, g: GraphReader): string {
  const mine = accounts.get(`${f.subject.source}:${lower(f.subject.id)}`);
  if (mine && f.subject.source === kind.source) return mine;
  const via = accounts.get(`${f.via.source}:${lower(f.via.id)}`);
  if (via && f.via.source === kind.source) return via;
  const srcs = g.sources.filter((s) => s.source === kind.source);
  return srcs.length === 1 ? srcs[0].sourceKey : `${kind.source}:?`;
}

/** One finding's action (before ordering and de-duplication). */
function draftAction(
  f: Finding,
  consequence: boolean,
  ctx: {
    g: GraphReader;
    include: Set<string>;
    accounts: Map<string, string>;
    disabledAfter: Set<string>;
    accepted?: (id: string) => string | null;
    /** Every finding of the plan, as `rule via-id` (lower-cased). */
    present: Set<string>;
  },
): Omit<PlanAction, 'n' | 'id'> {
  const cross = disables(f.rule) !== undefined;
  const policy = cross ? { use: remediationSource(f.via.source)?.disableAccount ?? [] } : (rulePolicy(f.rule) ?? {});
  const calls = f.remediation.map((line) => ({ line, call: parseCall(line) }));
  const allKinds = REMEDIATION_SOURCES.flatMap((s) => s.kinds);
  const matched = calls.map((c) => ({ ...c, step: c.call ? matchCall(c.call, allKinds) : null }));
  let chosen: typeof matched = [];
  if (policy.use) chosen = matched.filter((m) => m.step && policy.use!.includes(m.step.kind));
  else if (policy.oneOf) {
    for (const k of policy.oneOf) {
      const hit = matched.find((m) => m.step?.kind === k);
      if (hit) {
        chosen = [hit];
        break;
      }
    }
  }
  if (policy.manualOnly) chosen = [];
  const manual = matched.filter((m) => !chosen.includes(m)).map((m) => m.line);

  const steps: PlanStep[] = [];
  const kinds: ActionKind[] = [];
  for (const c of chosen) {
    const found = kindById(c.step!.kind)!;
    kinds.push(found.kind);
    steps.push({
      kind: found.kind.kind,
      source: found.source.source,
      sourceKey: sourceKeyFor(found.source, f, ctx.accounts, ctx.g),
      call: c.step!.call,
      params: c.step!.params,
      object: found.kind.object,
      target: c.step!.params[found.kind.target] ?? '',
    });
  }

  const base = {
    title: '',
    phase: kinds[0]?.phase ?? 'manual',
    rule: f.rule,
    findings: [f.id],
    consequence,
    subject: f.subject,
    via: f.via,
    status: f.status,
    severity: f.severity,
    steps,
    manual,
    breaks: '',
    undo: '',
    reversible: kinds.every((k) => k.reversible),
    permissions: [...new Set(kinds.flatMap((k) => k.permission.map((p) => `${kindById(k.kind)!.source.source}: ${p}`)))],
  };
  const doing = [...new Set(kinds.map((k) => `${k.verb.toLowerCase()} ${k.object}`))].join(', then ');
  base.title = kinds.length ? `${doing.charAt(0).toUpperCase()}${doing.slice(1)} ${describe(f)}` : `${f.rule}: ${describe(f)}`;
  const reach = f.reaches.privileges.length ? ` It carries: ${f.reaches.privileges.join('; ')}.` : '';
  base.breaks = kinds.length ? `${[...new Set(kinds.map((k) => k.breaks))].join('; ')}.${reach}` : 'nothing: no call is made';
  base.undo = kinds.length ? [...new Set(kinds.map((k) => k.undo))].join('; ') : '–';

  const accepted = ctx.accepted?.(f.id);
  if (accepted) return { ...base, state: 'accepted', reason: `accepted as a risk until ${accepted}` };
  if (policy.manualOnly) return { ...base, state: 'manual', reason: policy.manualOnly };
  if (steps.length === 0) return { ...base, state: 'manual', reason: 'the finding names no call Revenant can make: follow its remediation by hand' };

  // Guard rails.
  const ids = findingIds(f);
  for (const [i, s] of steps.entries()) {
    const k = kinds[i];
    if (!s.target || !ids.has(lower(s.target))) {
      return { ...base, state: 'excluded', reason: `guard rail: ${s.call.method} ${s.call.path} acts on ${s.target || 'an object'} that the finding does not name` };
    }
    if (k.disablesAccount) {
      const own = disables(f.rule) === 'own' && lower(s.target) === lower(f.subject.id) && lower(f.via.id) === lower(f.subject.id);
      const other = disables(f.rule) === 'other' && lower(s.target) === lower(f.via.id);
      if (!own && !other) return { ...base, state: 'excluded', reason: `guard rail: only the subject's own account is ever disabled (${s.target})` };
    }
  }
  if (disables(f.rule) === 'other' && !ctx.include.has(f.rule)) {
    return {
      ...base,
      state: 'excluded',
      include: f.rule,
      reason: `disables another account of the same person (${f.via.name}): check the correlation it rests on, then pass --include ${f.rule}`,
    };
  }
  if (policy.blockedBy && ctx.present.has(`${policy.blockedBy.rule} ${lower(f.via.id)}`) && !ctx.include.has(f.rule)) {
    return { ...base, state: 'excluded', include: f.rule, reason: `${policy.blockedBy.reason} (or pass --include ${f.rule})` };
  }
  if (policy.needsInclude && !ctx.include.has(f.rule)) {
    return { ...base, state: 'excluded', include: f.rule, reason: `${policy.needsInclude} (then pass --include ${f.rule})` };
  }
  const activeAfter = !ctx.disabledAfter.has(`${f.subject.source}:${lower(f.subject.id)}`);
  if (kinds.some((k) => k.unassignsApp) && activeAfter && !ctx.include.has(f.rule)) {
    return {
      ...base,
      state: 'excluded',
      include: f.rule,
      reason: `unassigns an app from ${f.subject.name}, an account that stays active: pass --include ${f.rule} if that is meant`,
    };
  }
  return { ...base, state: 'planned' };
}

function describe(f: Finding): string {
  const via = f.via.name && f.via.name !== f.via.id ? `${f.via.name} (${f.via.id})` : f.via.id;
  if (lower(f.via.id) === lower(f.subject.id)) return `of ${f.subject.name}`;
  return `${via} — ${f.subject.name}`;
}

/** Accounts the plan's planned actions disable: `source:id` lower-cased → `source:id` as the source spells it. */
function disableTargets(findings: Finding[], include: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  const add = (source: string, id: string) => out.set(`${source}:${lower(id)}`, `${source}:${id}`);
  for (const f of findings) {
    if (disables(f.rule) === 'own') add(f.subject.source, f.subject.id);
    if (disables(f.rule) === 'other' && include.has(f.rule)) add(f.via.source, f.via.id);
  }
  return out;
}

export function buildPlan(g: GraphReader, opts: PlanOptions): Plan {
  const now = opts.now ?? Date.now();
  const include = new Set(checkIncludes(opts.include ?? []));
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  checkSnapshotAge(g, maxAgeMs, now, !!opts.force);

  const doc = runResidual(g, { subjects: [opts.subject], at: opts.at });
  const findings = doc.findings;
  const accountKey = (s: { source: string; id: string }) => `${s.source}:${lower(s.id)}`;
  const accounts = new Map(doc.subjects.map((s) => [accountKey(s), s.sourceKey]));

  // What appears once the plan's own disables happen: a what-if on the same snapshot, to a fixed point.
  let targets = disableTargets(findings, include);
  let after: FindingsDoc | null = null;
  for (let round = 0; round < 4 && targets.size > 0; round++) {
    const names = [...targets.values()];
    after = runResidual(g, { subjects: [opts.subject, ...names], assumeDeparted: names, at: opts.at });
    for (const s of after.subjects) if (!accounts.has(accountKey(s))) accounts.set(accountKey(s), s.sourceKey);
    const next = new Map([...targets, ...disableTargets(after.findings, include)]);
    if (next.size === targets.size) break;
    targets = next;
  }
  const known = new Set(findings.map((f) => f.id));
  const consequences = (after?.findings ?? []).filter((f) => !known.has(f.id) && disables(f.rule) === undefined);
  const all: { f: Finding; consequence: boolean }[] = [...findings.map((f) => ({ f, consequence: false })), ...consequences.map((f) => ({ f, consequence: true }))];

  // Accounts disabled once the plan ran: already disabled in their source, or disabled by it.
  const disabledAfter = new Set([...targets.keys(), ...doc.subjects.filter((s) => s.disabled).map(accountKey)]);
  const present = new Set(all.filter(({ f }) => !opts.accepted?.(f.id)).map(({ f }) => `${f.rule} ${lower(f.via.id)}`));
  const ctx = { g, include, accounts, disabledAfter, accepted: opts.accepted, present };
  const drafts: Draft[] = all.map(({ f, consequence }, order) => ({ action: draftAction(f, consequence, ctx), order }));
  const rank = (d: Draft) => (d.action.state === 'planned' ? 0 : 1);
  drafts.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (PHASES.indexOf(a.action.phase) + 1 || 9) - (PHASES.indexOf(b.action.phase) + 1 || 9) ||
      SEVERITY_RANK[a.action.severity as keyof typeof SEVERITY_RANK] - SEVERITY_RANK[b.action.severity as keyof typeof SEVERITY_RANK] ||
      a.order - b.order,
  );

  // One action per call: a finding whose calls an earlier action of the same state makes already joins it.
  const stepKey = (s: PlanStep) => `${s.sourceKey} ${s.call.method} ${s.call.path} ${JSON.stringify(s.call.body ?? null)}`;
  const actions: PlanAction[] = [];
  for (const d of drafts) {
    const a = d.action;
    const keys = a.steps.map(stepKey);
    const host = keys.length
      ? actions.find((x) => x.state === a.state && keys.every((k) => x.steps.some((s) => stepKey(s) === k)))
      : undefined;
    if (host) {
      host.findings.push(...a.findings);
      continue;
    }
    actions.push({ ...a, n: actions.length + 1, id: hash(keys.length ? keys : [a.rule, a.findings[0]]) });
  }

  const planAccounts: PlanAccount[] = (after ?? doc).subjects
    .filter((s) => doc.subjects.some((x) => accountKey(x) === accountKey(s)) || targets.has(accountKey(s)))
    .map((s) => {
      const before = doc.subjects.find((x) => accountKey(x) === accountKey(s)) ?? s;
      return { source: s.source, sourceKey: s.sourceKey, id: s.id, name: s.name, departed: before.departed, disabled: before.disabled };
    });
  const summary = {
    actions: actions.length,
    planned: actions.filter((a) => a.state === 'planned').length,
    excluded: actions.filter((a) => a.state === 'excluded').length,
    manual: actions.filter((a) => a.state === 'manual').length,
    accepted: actions.filter((a) => a.state === 'accepted').length,
    calls: actions.filter((a) => a.state === 'planned').reduce((n, a) => n + a.steps.length, 0),
  };
  const snapshot = {
    id: g.snapshotId,
    collectedAt: g.collectedAt,
    sources: g.sources.map((s) => ({ sourceKey: s.sourceKey, source: s.source, tenant: s.tenant, collectedAt: s.collectedAt })),
  };
  const options = { include: [...include].sort(), force: !!opts.force, maxAge: formatDuration(maxAgeMs) };
  const plannedFindings = all.map(({ f, consequence }) => (consequence ? { ...f, facts: { ...(f.facts ?? {}), consequence: true } } : f));
  const id = hash({ snapshot: snapshot.id, sources: snapshot.sources, subject: opts.subject, at: doc.at, include: options.include, actions: actions.map((a) => [a.id, a.state, a.findings]) });
  return {
    format: PLAN_FORMAT,
    id,
    createdAt: new Date(now).toISOString(),
    subject: opts.subject,
    accounts: planAccounts,
    at: doc.at,
    snapshot,
    options,
    summary,
    actions,
    findings: plannedFindings,
  };
}

/** Findings of a plan as the engine reports them (for `FindingRef`s at apply time). */
export function findingRefs(plan: Plan): Map<string, FindingRef> {
  return new Map(plan.findings.map((f) => [f.id, ref(f)]));
}
