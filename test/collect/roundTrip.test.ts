/**
 * Round trip: every scenario of ../shared/scenarios is served by the fakes (Graph over HTTPS, Okta
 * over HTTPS, the HR roster as a CSV), collected by `revenant collect` through the real SDK
 * clients, and then checked (a) structurally — the same objects as the scenario, in the same
 * wrapped shape, no secret material, the same completeness ledger — and (b) through the engine:
 * `revenant residual --all --collection OUT --at AT --format json` gives exactly the scenario's
 * expected findings, closures and uncovered rules.
 */
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { applyEntraLedger, applyOktaLedger, loadScenario, rosterCsv } from '../fakes/scenarioTenants.js';
import { SCENARIOS, allKeys, compareFindings, ensureBuilt, readSource, runCli, tempDir } from './helpers.js';

type Raw = Record<string, unknown>;

const PARENT: Record<string, [string, string]> = {
  groupMembers: ['groupId', 'member'],
  groupOwners: ['groupId', 'owner'],
  applicationOwners: ['applicationId', 'owner'],
  federatedIdentityCredentials: ['applicationId', 'credential'],
  servicePrincipalOwners: ['servicePrincipalId', 'owner'],
  'okta:groupMembers': ['groupId', 'user'],
  'okta:appUsers': ['appId', 'appUser'],
  'okta:appGroups': ['appId', 'appGroup'],
  'okta:appFeatures': ['appId', 'feature'],
  'okta:appSecrets': ['appId', 'secret'],
  'okta:appJwks': ['appId', 'jwk'],
  'okta:userRoles': ['userId', 'role'],
  'okta:groupRoles': ['groupId', 'role'],
  'okta:clientRoles': ['clientId', 'role'],
};

function keyOf(source: string, dataset: string, line: Raw): string {
  const w = PARENT[`${source}:${dataset}`] ?? (source === 'entra' ? PARENT[dataset] : undefined);
  if (w) {
    const child = line[w[1]] as Raw;
    return `${line[w[0]]}|${child?.id ?? child?.name}`;
  }
  return String(line.id ?? line.uuid ?? line.employeeId ?? line.email);
}

/** Every field the collector wrote equals the scenario's (the collector may write fewer). */
function subsetProblems(got: unknown, want: unknown, path: string, out: string[]): void {
  if (got === null || typeof got !== 'object') {
    if (JSON.stringify(got) !== JSON.stringify(want ?? null)) out.push(`${path}: got ${JSON.stringify(got)}, scenario ${JSON.stringify(want)}`);
    return;
  }
  if (Array.isArray(got)) {
    if (!Array.isArray(want) || want.length !== got.length) {
      out.push(`${path}: array differs`);
      return;
    }
    got.forEach((g, i) => subsetProblems(g, want[i], `${path}[${i}]`, out));
    return;
  }
  for (const [k, v] of Object.entries(got)) subsetProblems(v, (want as Raw | undefined)?.[k], `${path}.${k}`, out);
}

function structural(source: string, scenarioLines: Record<string, Raw[]>, collected: Record<string, Raw[]>, ledger: Record<string, { status: string }>): string[] {
  const problems: string[] = [];
  for (const [dataset, want] of Object.entries(scenarioLines)) {
    if (ledger[dataset]?.status === 'missing') continue;
    const got = collected[dataset] ?? [];
    const wantBy = new Map(want.map((l) => [keyOf(source, dataset, l), l]));
    const gotBy = new Map(got.map((l) => [keyOf(source, dataset, l), l]));
    for (const k of wantBy.keys()) if (!gotBy.has(k)) problems.push(`${source}/${dataset}: object ${k} not collected`);
    for (const k of gotBy.keys()) if (!wantBy.has(k)) problems.push(`${source}/${dataset}: object ${k} is not in the scenario`);
    for (const [k, g] of gotBy) if (wantBy.has(k)) subsetProblems(g, wantBy.get(k), `${source}/${dataset}[${k}]`, problems);
  }
  return problems;
}

function secretProblems(source: string, lines: Record<string, Raw[]>): string[] {
  const problems: string[] = [];
  for (const [dataset, ls] of Object.entries(lines)) {
    const keys = allKeys(ls);
    for (const k of ['secretText', 'client_secret', 'secret_hash', 'access_token', 'refresh_token']) if (keys.has(k)) problems.push(`${source}/${dataset} holds ${k}`);
    if (dataset === 'appJwks' && keys.has('d')) problems.push(`${source}/appJwks holds a private key member`);
    for (const l of ls) for (const kc of (l.keyCredentials as Raw[]) ?? []) if ('key' in kc) problems.push(`${source}/${dataset} holds a certificate key`);
  }
  return problems;
}

const scenarios = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(SCENARIOS, e.name, 'expected.json')))
  .map((e) => e.name);

beforeAll(() => ensureBuilt(), 300_000);

describe.each(scenarios)('scenario %s', (name) => {
  const s = loadScenario(join(SCENARIOS, name));
  const out = tempDir(`revenant-rt-${name}-`);
  const fakes: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const f of fakes) await f.stop();
  });

  test('collects every source through the fakes and the SDKs', async () => {
    if (s.entra) {
      const fake = new GraphFake(s.entra.data);
      fakes.push(fake);
      await fake.start();
      applyEntraLedger(fake, s.entra.manifest, s.entra.lines);
      const r = await runCli(
        ['collect', 'entra', '--tenant', s.entra.manifest.tenant, '--graph-url', fake.url, '--out', out, '--max-attempts', '3', '--retry-base-ms', '20'],
        { env: { REVENANT_GRAPH_TOKEN: fake.issueToken() } },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(join(out, 'entra'));
      // Non-terminal: one JSON line per dataset on stderr, and never a token.
      const jsonLines = r.stderr.split('\n').filter((l) => l.startsWith('{'));
      expect(jsonLines.length).toBe(16);
      expect(r.stderr).not.toMatch(/eyJ|Bearer /);
    }
    if (s.okta) {
      const fake = new OktaFake(s.okta.data);
      fakes.push(fake);
      await fake.start();
      fake.apiTokens.add('00fake-ssws-token');
      applyOktaLedger(fake, s.okta.manifest);
      const r = await runCli(['collect', 'okta', '--org-url', fake.url, '--out', out, '--since', '2025-01-01', '--max-attempts', '3', '--retry-base-ms', '20'], {
        env: { OKTA_CLIENT_TOKEN: '00fake-ssws-token' },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('00fake-ssws-token');
    }
    if (s.hr) {
      const csv = join(out, '..', `${name}-roster.csv`);
      writeFileSync(csv, rosterCsv(s.hr.people));
      const r = await runCli(['collect', 'hr', '--csv', csv, '--out', out, '--system', s.hr.manifest.tenant]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);

  test('(a) the collection holds the scenario objects, no secrets, and the same ledger', () => {
    for (const [source, sc] of [
      ['entra', s.entra],
      ['okta', s.okta],
    ] as const) {
      if (!sc) continue;
      const got = readSource(join(out, source));
      expect(structural(source, sc.lines, got.lines, sc.manifest.datasets)).toEqual([]);
      expect(secretProblems(source, got.lines)).toEqual([]);
      const statuses = Object.fromEntries(Object.entries(got.manifest.datasets).map(([d, l]) => [d, l.status]));
      const want = Object.fromEntries(Object.entries(sc.manifest.datasets).map(([d, l]) => [d, l.status]));
      // userGrants is opt-in for a sweep: recorded missing with the reason (no rule reads it).
      if (source === 'okta') want.userGrants = 'missing';
      expect(statuses).toEqual(want);
      for (const [d, l] of Object.entries(got.manifest.datasets)) {
        if (l.status !== 'complete') expect(l.reason, `${source}/${d}`).toBeTruthy();
        else expect(typeof l.requests, `${source}/${d}`).toBe('number');
      }
    }
    if (s.hr) {
      const got = readSource(join(out, 'hr'));
      expect(got.lines.people).toEqual(s.hr.people);
      expect(got.manifest.datasets.people.status).toBe('complete');
    }
  });

  test('(b) the engine finds exactly the expected findings in the collected data', async () => {
    const args = ['residual', '--all', '--collection', out, '--at', String(s.expected.at), '--format', 'json', ...((s.expected.args as string[]) ?? [])];
    const r = await runCli(args);
    expect([0, 3], r.stderr).toContain(r.code);
    expect(compareFindings(s.expected, JSON.parse(r.stdout) as Raw)).toEqual([]);
  }, 120_000);
});
