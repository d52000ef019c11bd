/**
 * The GitHub and Azure scenarios in this folder (hand-checked, in the ../shared/scenarios format):
 * the GitHub and Azure ones the engines analyse give exactly their expected findings (in process and
 * through the CLI), EMU included. Every manifest is well-formed for its source with counts that match its
 * files, an Azure folder pairs with the Entra folder of the same tenant, every expected finding
 * names an account and an object present in the data, every new rule of sources-github.md and
 * sources-azure.md is exercised by a positive finding, and each scenario's README derives every
 * rule it expects.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRA_DATASETS } from '../../ingest/entra/datasets.js';
import { HR_DATASETS } from '../../ingest/hr/datasets.js';
import { OKTA_DATASETS } from '../../ingest/okta/datasets.js';
import { AZURE_DATASETS } from '../../ingest/azure/AzureContext.js';
import { GITHUB_DATASETS } from '../../ingest/github/GitHubContext.js';
import { RULES } from '../../queries/residual-access/index.js';
import { compareWithExpected } from '../support/compareFindings.js';
import { ANALYSED_SOURCE_SCENARIOS } from '../support/githubScenarios.js';
import { ROOT, type Expected } from '../support/scenarios.js';
import { analyse } from '../support/tenant.js';

const HERE = import.meta.dirname;
const DATASETS: Record<string, readonly string[]> = { entra: ENTRA_DATASETS, okta: OKTA_DATASETS, hr: HR_DATASETS, github: GITHUB_DATASETS, azure: AZURE_DATASETS };
// The rules sources-github.md and sources-azure.md add: every one registered must have a positive finding here.
const NEW_RULES = RULES.filter((r) => r.source === 'github' || r.source === 'azure').map((r) => r.id);
const STATUSES = ['live', 'window', 'unverified', 'dormant'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

type Raw = Record<string, unknown>;
const names = readdirSync(HERE, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(HERE, d.name, 'expected.json')))
  .map((d) => d.name)
  .sort();

function folders(name: string): { source: string; tenant: string; dir: string; manifest: Raw }[] {
  const dir = join(HERE, name);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const manifest = JSON.parse(readFileSync(join(dir, d.name, 'manifest.json'), 'utf8')) as Raw;
      return { source: String(manifest.source), tenant: String(manifest.tenant), dir: join(dir, d.name), manifest };
    });
}

function lines(dir: string, dataset: string): Raw[] {
  const p = join(dir, `${dataset}.jsonl`);
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Raw);
}

/** Ids of the accounts a scenario holds: Entra and Okta users, GitHub members and outside collaborators. */
function accounts(name: string): Set<string> {
  const out = new Set<string>();
  for (const f of folders(name)) {
    if (f.source === 'entra' || f.source === 'okta') for (const u of lines(f.dir, 'users')) out.add(String(u.id));
    if (f.source === 'github') {
      for (const m of lines(f.dir, 'members')) out.add(String((m.user as Raw).id));
      for (const u of lines(f.dir, 'outsideCollaborators')) out.add(String(u.id));
    }
  }
  return out;
}

function allText(name: string): string {
  return folders(name)
    .flatMap((f) => readdirSync(f.dir).filter((x) => x.endsWith('.jsonl')).map((x) => readFileSync(join(f.dir, x), 'utf8')))
    .join('\n');
}

describe('GitHub and Azure scenarios', () => {
  it('are the eight documented ones', () => {
    expect(names).toEqual(['azure-coverage-lost', 'azure-roles', 'github-emu', 'github-outside-collaborator', 'github-saml-enforced', 'github-saml-not-enforced', 'github-workload-entra', 'github-workload-path']);
  });

  for (const name of names) {
    it(`${name}: manifests are well-formed and their counts match the files`, () => {
      const fs = folders(name);
      expect(fs.length).toBeGreaterThan(1);
      for (const f of fs) {
        expect(f.manifest.format).toBe('revenant-collection/1');
        expect(Object.keys(DATASETS)).toContain(f.source);
        expect(Date.parse(String(f.manifest.collectedAt))).not.toBeNaN();
        const ledger = f.manifest.datasets as Record<string, { status: string; count?: number; reason?: string }>;
        expect(Object.keys(ledger).sort(), `${name}/${f.source}`).toEqual([...DATASETS[f.source]].sort());
        for (const [ds, e] of Object.entries(ledger)) {
          expect(['complete', 'partial', 'missing']).toContain(e.status);
          if (e.status !== 'complete') expect(e.reason, `${name}/${f.source}/${ds}`).toBeTruthy();
          if (e.status !== 'missing') expect(lines(f.dir, ds).length, `${name}/${f.source}/${ds}`).toBe(e.count);
        }
      }
      const entra = fs.find((f) => f.source === 'entra');
      const azure = fs.find((f) => f.source === 'azure');
      if (azure) expect(azure.tenant, 'an azure folder pairs with the entra folder of the same tenant').toBe(entra?.tenant);
      const github = fs.find((f) => f.source === 'github');
      if (github) {
        const settings = lines(github.dir, 'settings');
        expect(settings.length).toBe(1);
        expect(['enforced', 'configured', 'none', 'unknown']).toContain(settings[0].samlEnforcement);
        const saml = lines(github.dir, 'samlIdentities');
        for (const s of saml) expect(String(s.issuer)).toBe(`https://sts.windows.net/${entra?.tenant}/`);
      }
    });

    it(`${name}: every expected finding names an account and an object of the data, with valid values`, () => {
      const exp = JSON.parse(readFileSync(join(HERE, name, 'expected.json'), 'utf8')) as Expected;
      expect(Date.parse(exp.at)).not.toBeNaN();
      expect(exp.findings.length).toBeGreaterThan(0);
      const ids = accounts(name);
      const text = allText(name);
      const keys = new Set<string>();
      for (const f of exp.findings) {
        expect(STATUSES).toContain(f.status);
        expect(SEVERITIES).toContain(f.severity);
        expect(ids.has(f.subject), `${name}: subject ${f.subject}`).toBe(true);
        for (const part of f.via.split('/').filter(Boolean).length === 2 && /^\d+\/\d+$/.test(f.via) ? f.via.split('/') : [f.via]) {
          expect(text.includes(`"${part}"`) || text.includes(`: ${part}`) || text.includes(`:${part},`) || text.includes(`: ${part},`), `${name}: via ${part}`).toBe(true);
        }
        const key = `${f.rule}|${f.subject}|${f.via}`;
        expect(keys.has(key), `${name}: duplicate ${key}`).toBe(false);
        keys.add(key);
        if (f.status === 'window') expect(f.validUntil).toBeTruthy();
      }
      for (const s of [...(exp.closed ?? []), ...(exp.notClosed ?? [])]) expect(ids.has(s), `${name}: closure of ${s}`).toBe(true);
    });

    it(`${name}: the README derives every rule the scenario expects`, () => {
      const readme = readFileSync(join(HERE, name, 'README.md'), 'utf8');
      const exp = JSON.parse(readFileSync(join(HERE, name, 'expected.json'), 'utf8')) as Expected;
      for (const r of new Set(exp.findings.map((f) => f.rule))) expect(readme, `${name}: ${r}`).toContain(`\`${r}\``);
      expect(readme).toMatch(/Negative control|must not read as "no access"/);
    });
  }

  for (const name of ANALYSED_SOURCE_SCENARIOS) {
    it(`${name}: the engine in process and the CLI give exactly the expected findings`, async () => {
      const exp = JSON.parse(readFileSync(join(HERE, name, 'expected.json'), 'utf8')) as Expected & { at: string };
      const doc = await analyse(join(HERE, name), { all: true, at: Date.parse(exp.at) });
      expect(compareWithExpected(doc, exp)).toEqual([]);
      const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'revenant.js'), 'residual', '--all', '--collection', join(HERE, name), '--at', exp.at, '--format', 'json'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(compareWithExpected(JSON.parse(run.stdout), exp)).toEqual([]);
    });
  }

  it('every new rule is exercised by a positive finding, and the workload path by both subject formats', () => {
    const seen = new Set<string>();
    for (const name of names) for (const f of (JSON.parse(readFileSync(join(HERE, name, 'expected.json'), 'utf8')) as Expected).findings) seen.add(f.rule);
    for (const r of NEW_RULES) expect(seen.has(r), r).toBe(true);
    const wp = folders('github-workload-path');
    const subjects = [
      ...lines(wp.find((f) => f.source === 'entra')!.dir, 'federatedIdentityCredentials').map((l) => String((l.credential as Raw).subject)),
      ...lines(wp.find((f) => f.source === 'azure')!.dir, 'managedIdentityFederatedCredentials').map((l) => String((l.properties as Raw).subject)),
    ];
    expect(subjects.some((s) => /^repo:[^@/]+\/[^@:]+:/.test(s))).toBe(true);
    expect(subjects.some((s) => /^repo:[^/]+@\d+\/[^:]+@\d+:/.test(s))).toBe(true);
    const lost = JSON.parse(readFileSync(join(HERE, 'azure-coverage-lost', 'expected.json'), 'utf8')) as Expected;
    expect(lost.uncoveredRules?.azure).toEqual(['azure.dormant-role', 'azure.role-held-by-departed-guest']);
    expect(lost.closed).toEqual([]);
  });
});
