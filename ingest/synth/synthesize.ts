/**
 * `synthesize({users, seed, out, at?})`: writes a deterministic synthetic collection (entra/,
 * okta/, hr/ source folders with complete manifests) and its ground truth (`expected.json`, in
 * the format of the hand-checked scenarios) for `revenant synth`, `revenant demo` and the
 * benchmarks. Same users, seed and at give byte-identical files. Memory stays bounded: people are
 * a few typed arrays, bulk relations are stride selections expanded while streaming, and only
 * the leavers (about 8%) are held as objects.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/model/errors.js';
import { SourceWriter } from '../collection/SourceWriter.js';
import { isIsoDate } from '../collection/validateLine.js';
import { RULE_IDS, type RuleId } from './catalogue.js';
import { DEFAULT_AT, graphTime } from './clock.js';
import { judge, type Judgement } from './judge.js';
import { LeaverPlanner } from './LeaverPlanner.js';
import { SynthEnv, seedOf } from './SynthEnv.js';
import { TenantPlan } from './TenantPlan.js';
import { EntraWriter } from './EntraWriter.js';
import { writeExpected } from './writeExpected.js';
import { writeHr } from './writeHr.js';
import { OktaWriter } from './OktaWriter.js';
import { AzureTenant } from './AzureTenant.js';
import { GitHubOrg, SAML_ENFORCEMENTS, type GitHubJudgement, type SamlEnforcement } from './GitHubOrg.js';

/** Add the GitHub accounts' findings and closure to the ground truth (sorted as judge sorts). */
function mergeJudgements(truth: Judgement, gh: GitHubJudgement): void {
  truth.findings.push(...gh.findings);
  truth.findings.sort((x, y) => (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : x.via < y.via ? -1 : x.via > y.via ? 1 : 0));
  truth.closed.push(...gh.closed);
  truth.closed.sort();
  truth.notClosed.push(...gh.notClosed);
  truth.notClosed.sort();
  for (const [k, n] of Object.entries(gh.controls)) truth.controls[k] = (truth.controls[k] ?? 0) + n;
}

const MIN_USERS = 50;
const MAX_USERS = 2_000_000;

export interface SynthOptions {
  /** Number of people (each has an Entra and/or Okta account; some have several). */
  users: number;
  seed: number | string;
  /** Output folder: created, or replaced when it holds a previous synthetic collection. */
  out: string;
  /** Analysis and collection time (ISO 8601); default 2026-11-01T00:00:00Z. */
  at?: string;
  /** Also write a github/ folder with this many organisation members (null/undefined: none). */
  githubMembers?: number | null;
  /** The GitHub organisation's SAML enforcement (default enforced; unknown plants github.departed-member's unverified). */
  githubSaml?: SamlEnforcement;
  /** Also write an azure/ folder with this many subscriptions (null/undefined: none). */
  subscriptions?: number | null;
}

/** Defaults scaled from the number of people: a 20,000-member org and 2,000 subscriptions at 250,000. */
export function defaultGithubMembers(users: number): number {
  return Math.max(40, Math.round(users * 0.08));
}
export function defaultSubscriptions(users: number): number {
  return Math.max(6, Math.round(users / 125));
}

export interface SynthStats {
  users: number;
  seed: number;
  at: string;
  accounts: { entra: number; entraDeleted: number; okta: number; hr: number; github: number; azureSubscriptions: number };
  leavers: number;
  departedSubjects: number;
  closed: number;
  notClosed: number;
  /** Lines per `<source>/<dataset>`. */
  datasets: Record<string, number>;
  lines: number;
  bytes: number;
  /** What a graph would hold as relationships: memberships, ownerships, assignments, grants, roles, credentials, tokens. */
  edges: number;
  findings: number;
  findingsByRule: Record<RuleId, number>;
  findingsByStatus: Record<string, number>;
  /** Negative controls planted beside the findings (see Judgement.controls). */
  controls: Record<string, number>;
  seconds: number;
}

export interface SynthResult {
  out: string;
  expectedPath: string;
  stats: SynthStats;
}

const EDGE_DATASETS = new Set([
  'entra/groupMembers',
  'entra/groupOwners',
  'entra/applicationOwners',
  'entra/servicePrincipalOwners',
  'entra/federatedIdentityCredentials',
  'entra/appRoleAssignments',
  'entra/oauth2PermissionGrants',
  'entra/roleAssignments',
  'entra/roleEligibilitySchedules',
  'okta/groupMembers',
  'okta/appUsers',
  'okta/appGroups',
  'okta/appGrants',
  'okta/appSecrets',
  'okta/appJwks',
  'okta/apiTokens',
  'okta/userGrants',
  'okta/refreshTokens',
  'okta/userRoles',
  'okta/groupRoles',
  'okta/clientRoles',
  'github/members',
  'github/outsideCollaborators',
  'github/teamMembers',
  'github/repoCollaborators',
  'github/deployKeys',
  'github/credentialAuthorizations',
  'github/personalAccessTokens',
  'azure/roleAssignments',
  'azure/roleEligibilityScheduleInstances',
  'azure/managedIdentityFederatedCredentials',
]);

const MAX_MEMBERS = 200_000;
const MAX_SUBSCRIPTIONS = 50_000;

function sizeOf(name: string, v: number | null | undefined, min: number, max: number): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InputError(`synth: ${name} must be an integer from ${min} to ${max} (got ${String(v)})`);
  return v;
}

function validate(opts: SynthOptions): { users: number; seed: number; out: string; at: number; atIso: string; members: number | null; subscriptions: number | null; saml: SamlEnforcement } {
  if (!opts || typeof opts !== 'object') throw new InputError('synth: options are required');
  const users = opts.users;
  if (typeof users !== 'number' || !Number.isInteger(users) || users < MIN_USERS || users > MAX_USERS) {
    throw new InputError(`synth: users must be an integer from ${MIN_USERS} to ${MAX_USERS} (got ${String(users)})`);
  }
  if (opts.seed === undefined || opts.seed === null || String(opts.seed).trim() === '') throw new InputError('synth: seed is required');
  if (typeof opts.out !== 'string' || opts.out.trim() === '') throw new InputError('synth: out must name a folder');
  const atText = opts.at ?? DEFAULT_AT;
  if (typeof atText !== 'string' || !isIsoDate(atText) || atText.length < 16) {
    throw new InputError(`synth: at must be an ISO-8601 date-time such as ${DEFAULT_AT} (got ${String(opts.at)})`);
  }
  const at = Math.floor(Date.parse(atText) / 1000) * 1000;
  const members = sizeOf('githubMembers', opts.githubMembers, 40, MAX_MEMBERS);
  const subscriptions = sizeOf('subscriptions', opts.subscriptions, 6, MAX_SUBSCRIPTIONS);
  const saml = opts.githubSaml ?? 'enforced';
  if (!SAML_ENFORCEMENTS.includes(saml)) throw new InputError(`synth: githubSaml must be one of ${SAML_ENFORCEMENTS.join(', ')} (got ${String(saml)})`);
  return { users, seed: seedOf(opts.seed), out: resolve(opts.out), at, atIso: graphTime(at), members, subscriptions, saml };
}

const OWN_ENTRIES = new Set(['entra', 'okta', 'hr', 'github', 'azure', 'expected.json']);
const COLLECTOR = 'revenant synth';

/** A source folder this generator wrote (its manifest names the collector). */
function isSynthSource(dir: string): boolean {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { collector?: unknown };
    return m.collector === COLLECTOR;
  } catch {
    return false;
  }
}

/**
 * Create the output folder, or clear a previous synthetic collection in it. Anything else (a
 * real collection, other files) is refused: synth never deletes data it did not write.
 */
function prepareOut(out: string): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new InputError(`synth: ${out} exists and is not a folder`);
    const entries = readdirSync(out);
    const foreign = entries.filter((e) => !OWN_ENTRIES.has(e) || (e !== 'expected.json' && !isSynthSource(join(out, e))));
    if (foreign.length) {
      throw new InputError(`synth: ${out} is not empty and does not hold a synthetic collection (found ${foreign.slice(0, 3).join(', ')}); choose another --out`);
    }
    for (const e of entries) rmSync(join(out, e), { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return total;
}

export async function synthesize(opts: SynthOptions): Promise<SynthResult> {
  const started = process.hrtime.bigint();
  const v = validate(opts);
  prepareOut(v.out);

  const env = new SynthEnv(v.users, v.seed, v.at);
  const plan = new TenantPlan(env);
  const persons = new LeaverPlanner(env, plan).planAll();
  const azure = v.subscriptions === null ? null : new AzureTenant(env, plan, persons, v.subscriptions);
  azure?.planAll();
  const github = v.members === null ? null : new GitHubOrg(env, plan, persons, v.members, v.saml);
  github?.planAll(azure ? azure.holders : []);
  const truth: Judgement = judge(persons, env.at, plan.okta.idps);
  if (github) mergeJudgements(truth, github.judge());

  const extra = { collector: COLLECTOR, synthetic: { users: v.users, seed: v.seed } };
  const entra = new SourceWriter(join(v.out, 'entra'), { source: 'entra', tenant: env.tenantId, collectedAt: v.atIso, extra });
  await new EntraWriter(env, plan, persons).write(entra);
  const okta = new SourceWriter(join(v.out, 'okta'), { source: 'okta', tenant: env.oktaOrg, collectedAt: v.atIso, extra });
  await new OktaWriter(env, plan, persons).write(okta);
  const hr = new SourceWriter(join(v.out, 'hr'), { source: 'hr', tenant: env.hrSystem, collectedAt: v.atIso, extra });
  await writeHr(env, persons, hr);
  const writers = [entra, okta, hr];
  if (azure) {
    const sw = new SourceWriter(join(v.out, 'azure'), { source: 'azure', tenant: env.tenantId, collectedAt: v.atIso, extra });
    await azure.write(sw);
    writers.push(sw);
  }
  if (github) {
    const sw = new SourceWriter(join(v.out, 'github'), { source: 'github', tenant: github.login, collectedAt: v.atIso, extra });
    await github.write(sw);
    writers.push(sw);
  }
  const expectedPath = join(v.out, 'expected.json');
  await writeExpected(expectedPath, v.atIso, truth, { users: v.users, seed: v.seed });

  const datasets: Record<string, number> = {};
  let lines = 0;
  let edges = 0;
  for (const sw of writers) {
    for (const [name, ledger] of Object.entries(sw.manifest.datasets)) {
      const key = `${sw.manifest.source}/${name}`;
      const count = ledger.count ?? 0;
      datasets[key] = count;
      lines += count;
      if (EDGE_DATASETS.has(key)) edges += count;
    }
  }
  for (const app of plan.apps) edges += app.appCreds.length + app.spCreds.length;

  const findingsByRule = Object.fromEntries(RULE_IDS.map((r) => [r, 0])) as Record<RuleId, number>;
  const findingsByStatus: Record<string, number> = { live: 0, window: 0, unverified: 0, dormant: 0 };
  for (const f of truth.findings) {
    findingsByRule[f.rule]++;
    findingsByStatus[f.status] = (findingsByStatus[f.status] ?? 0) + 1;
  }
  const stats: SynthStats = {
    users: v.users,
    seed: v.seed,
    at: v.atIso,
    accounts: {
      entra: datasets['entra/users'] ?? 0,
      entraDeleted: datasets['entra/deletedUsers'] ?? 0,
      okta: datasets['okta/users'] ?? 0,
      hr: datasets['hr/people'] ?? 0,
      github: (datasets['github/members'] ?? 0) + (datasets['github/outsideCollaborators'] ?? 0),
      azureSubscriptions: datasets['azure/subscriptions'] ?? 0,
    },
    leavers: env.people.leavers.length,
    departedSubjects: truth.closed.length + truth.notClosed.length,
    closed: truth.closed.length,
    notClosed: truth.notClosed.length,
    datasets,
    lines,
    bytes: folderBytes(v.out),
    edges,
    findings: truth.findings.length,
    findingsByRule,
    findingsByStatus,
    controls: Object.fromEntries(Object.entries(truth.controls).sort(([a], [b]) => (a < b ? -1 : 1))),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
  return { out: v.out, expectedPath, stats };
}
