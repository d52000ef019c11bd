#!/usr/bin/env node
/**
 * GitHub and Azure collector benchmark (not a timed test): a GitHub organisation of N members
 * (default 20,000) with as many SAML and SCIM identities, outside collaborators, 2,000
 * repositories and credential authorizations, and an Azure tenant of S subscriptions (default
 * 2,000) under a management-group tree, served by the GitHub and ARM fakes of test/fakes with
 * `--latency` ms (default 30) added to every request. The real CLI (`revenant collect github|azure`,
 * built into dist/) collects them; the benchmark reports wall time, requests, objects and the
 * requests the data needs at least (GraphQL and REST pages of 100, one request per scope list).
 *
 * usage: node bench/collect-sources.mjs [--members N] [--subscriptions S] [--latency MS] [--only github|azure]
 * Results: JSON on stdout and in bench/results/collect-sources-<date>.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestFakes } from './loadTestFakes.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const MEMBERS = Number(opt('members', 20000));
const SUBSCRIPTIONS = Number(opt('subscriptions', 2000));
const LATENCY = Number(opt('latency', 30));
const ONLY = opt('only', undefined);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const pages = (n, size = 100) => Math.max(1, Math.ceil(n / size));

function run(cliArgs, env, caPath) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin/revenant.js'), ...cliArgs], { env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: caPath }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - started) / 1000, stderr }));
  });
}

function summarize(dir, wall, minRequests) {
  const ds = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).datasets;
  const requests = sum(Object.values(ds).map((d) => d.requests ?? 0));
  return {
    wallSeconds: round(wall),
    requests,
    minRequests,
    objects: sum(Object.values(ds).map((d) => d.objects ?? 0)),
    throttled: sum(Object.values(ds).map((d) => d.throttled ?? 0)),
    incomplete: Object.entries(ds).filter(([, d]) => d.status !== 'complete').map(([n, d]) => `${n}: ${d.status}${d.reason ? ` (${d.reason.slice(0, 80)})` : ''}`),
    datasets: Object.fromEntries(Object.entries(ds).map(([n, d]) => [n, { status: d.status, count: d.count, requests: d.requests, seconds: d.seconds }])),
  };
}

async function benchGitHub(imp, caPath) {
  const { GitHubFake } = await imp('GitHubFake.js');
  const { syntheticGitHubOrg } = await imp('syntheticGitHub.js');
  const data = syntheticGitHubOrg({ members: MEMBERS, outside: Math.round(MEMBERS / 10), repos: 2000, teams: 50 });
  const fake = new GitHubFake(data);
  await fake.start();
  fake.server.latencyMs = LATENCY;
  fake.addToken('ghp_bench', 'pat');
  const out = mkdtempSync(join(tmpdir(), 'revenant-bench-github-'));
  const r = await run(['collect', 'github', '--org', 'acme', '--api-url', fake.url, '--out', out, '--saml-enforcement', 'enforced', '--no-progress'], { REVENANT_GITHUB_TOKEN: 'ghp_bench' }, caPath);
  await fake.stop();
  if (r.code !== 0) throw new Error(`collect github failed: ${r.stderr}`);
  const min =
    1 + pages(data.members.length) + pages(data.outsideCollaborators.length) + pages(data.teams.length) + data.teams.length + pages(data.repos.length) +
    pages(data.credentialAuthorizations.length) + 1 + pages(data.saml.identities.length) + pages(data.scimUsers.length) + 1 + data.apps.length + 1;
  return { members: data.members.length, repositories: data.repos.length, ...summarize(join(out, 'github'), r.seconds, min) };
}

async function benchAzure(imp, caPath) {
  const { AzureFake } = await imp('AzureFake.js');
  const { syntheticAzureTenant } = await imp('syntheticAzure.js');
  const data = syntheticAzureTenant({ subscriptions: SUBSCRIPTIONS });
  const fake = new AzureFake(data);
  await fake.start();
  fake.server.latencyMs = LATENCY;
  const out = mkdtempSync(join(tmpdir(), 'revenant-bench-azure-'));
  const r = await run(['collect', 'azure', '--tenant', data.tenantId, '--arm-url', fake.url, '--out', out, '--no-progress'], { REVENANT_AZURE_TOKEN: fake.issueToken() }, caPath);
  await fake.stop();
  if (r.code !== 0) throw new Error(`collect azure failed: ${r.stderr}`);
  const scopes = 1 + data.managementGroups.length + data.subscriptions.length;
  // root group + descendants pages + subscriptions pages + 4 per-scope lists (+ / for assignments) + identities per subscription + credentials per identity
  const min = 1 + pages(scopes) + pages(data.subscriptions.length) + 4 * scopes + 1 + data.subscriptions.length + data.identities.length;
  return { subscriptions: data.subscriptions.length, scopes, ...summarize(join(out, 'azure'), r.seconds, min) };
}

const imp = await loadTestFakes();
const { testCa } = await imp('testCa.js');
const caPath = testCa().caPath;
const result = { date: new Date().toISOString(), machine: 'shared 2-core machine, contended by other builds and tests', latencyMs: LATENCY, command: `node bench/collect-sources.mjs ${args.join(' ')}`.trim() };
if (ONLY !== 'azure') result.github = await benchGitHub(imp, caPath);
if (ONLY !== 'github') result.azure = await benchAzure(imp, caPath);
const text = `${JSON.stringify(result, null, 2)}\n`;
process.stdout.write(text);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results', `collect-sources-${result.date.slice(0, 10)}.json`), text);
