/**
 * `synthesize` with a GitHub organisation and the Azure resource plane (`revenant synth --github
 * --azure`): the github/ and azure/ folders are complete collections the reader accepts, the same
 * seed gives the same bytes, every `github.*` and `azure.*` rule is planted with the status
 * branches the contract names (sources-github.md, sources-azure.md) beside negative controls, and
 * `revenant residual --all` on the embedded engine reports exactly the ground truth (parity with
 * Neo4j: test/parity/synthetic.test.ts).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AZURE_DATASETS } from '../../ingest/azure/AzureContext.js';
import { datasetFiles, openCollection, readDataset } from '../../ingest/collection/openCollection.js';
import { GITHUB_DATASETS } from '../../ingest/github/GitHubContext.js';
import { RULE_IDS } from '../../ingest/synth/catalogue.js';
import { type SynthResult, synthesize } from '../../ingest/synth/synthesize.js';
import { InputError } from '../../src/model/errors.js';
import { ensureBuilt, groundTruthDifferences, hashFolder, readLines, tempDir } from './helpers.js';

interface Finding {
  rule: string;
  via: string;
  status: string;
  severity: string;
  validUntil: string | null;
}
interface Expected {
  at: string;
  findings: Finding[];
  closed: string[];
  notClosed: string[];
  args: string[];
}

let small: string;
let again: string;
let large: string;
let unknown: string;
let s: SynthResult;
let l: SynthResult;
const expectedOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;

beforeAll(async () => {
  ensureBuilt();
  [small, again, large, unknown] = [tempDir(), tempDir(), tempDir(), tempDir()];
  s = await synthesize({ users: 300, seed: 7, out: small, githubMembers: 40, subscriptions: 6 });
  await synthesize({ users: 300, seed: 7, out: again, githubMembers: 40, subscriptions: 6 });
  l = await synthesize({ users: 1500, seed: 2026, out: large, githubMembers: 120, subscriptions: 12 });
  await synthesize({ users: 300, seed: 7, out: unknown, githubMembers: 40, githubSaml: 'unknown' });
}, 120_000);

afterAll(() => {
  for (const d of [small, again, large, unknown]) rmSync(d, { recursive: true, force: true });
});

describe('synthesize --github --azure', () => {
  test('same seed and sizes give byte-identical files, github/ and azure/ included', () => {
    const ha = hashFolder(small);
    const hb = hashFolder(again);
    expect([...ha.keys()].filter((k) => k.startsWith('github/')).length).toBe(GITHUB_DATASETS.length + 1);
    expect([...ha.keys()].filter((k) => k.startsWith('azure/')).length).toBe(AZURE_DATASETS.length + 1);
    expect(hb).toEqual(ha);
  });

  test('the github and azure folders are complete collections the reader accepts', async () => {
    for (const [dir, r] of [
      [small, s],
      [large, l],
    ] as const) {
      for (const [source, names] of [
        ['github', GITHUB_DATASETS],
        ['azure', AZURE_DATASETS],
      ] as const) {
        const m = JSON.parse(readFileSync(join(dir, source, 'manifest.json'), 'utf8'));
        expect(m.source).toBe(source);
        expect(Object.keys(m.datasets).sort()).toEqual([...names].sort());
        for (const name of names) {
          expect(m.datasets[name].status, `${source}/${name}`).toBe('complete');
          expect(m.datasets[name].count, `${source}/${name}`).toBe(readLines(join(dir, source, `${name}.jsonl`)).length);
        }
      }
      const entraTenant = JSON.parse(readFileSync(join(dir, 'entra', 'manifest.json'), 'utf8')).tenant;
      expect(JSON.parse(readFileSync(join(dir, 'azure', 'manifest.json'), 'utf8')).tenant).toBe(entraTenant);
      const c = openCollection(dir);
      expect(c.sources.map((x) => x.source).sort()).toEqual(['azure', 'entra', 'github', 'hr', 'okta']);
      let total = 0;
      for (const src of c.sources) for (const df of datasetFiles(src)) for await (const _ of readDataset(df)) total++;
      expect(total).toBe(r.stats.lines);
    }
    expect(s.stats.accounts.github).toBe(40);
    expect(s.stats.accounts.azureSubscriptions).toBe(6);
    expect(l.stats.accounts.github).toBe(120);
  });

  test('every github.* and azure.* rule is planted with the branches the contract names', () => {
    const f = expectedOf(large).findings;
    const resourceRules = RULE_IDS.filter((r) => r.startsWith('github.') || r.startsWith('azure.'));
    expect(resourceRules.length).toBe(9);
    for (const r of resourceRules) expect(f.some((x) => x.rule === r), r).toBe(true);
    const statuses = (rule: string) => [...new Set(f.filter((x) => x.rule === rule).map((x) => x.status))].sort();
    // SAML enforced: live (the IdP account is enabled: an HR leaver), window (blocked < 24 h ago), dormant.
    expect(statuses('github.departed-member')).toEqual(['dormant', 'live', 'window']);
    expect(statuses('github.workflow-federated-credential')).toEqual(['dormant', 'live', 'unverified', 'window']);
    expect(statuses('azure.dormant-role')).toEqual(['dormant']);
    expect(statuses('azure.role-held-by-departed-guest')).toEqual(['unverified']);
    // Window and expiring credentials carry validUntil.
    for (const x of f.filter((y) => y.status === 'window')) expect(x.validUntil).not.toBeNull();
    expect(f.some((x) => x.rule === 'github.sso-credential-of-departed' && x.validUntil === null)).toBe(true);
    expect(f.some((x) => x.rule === 'github.sso-credential-of-departed' && x.validUntil !== null)).toBe(true);
    expect(f.filter((x) => x.rule === 'github.fine-grained-pat-of-departed').every((x) => x.validUntil !== null)).toBe(true);
    expect(f.some((x) => x.rule === 'azure.dormant-role' && x.validUntil !== null)).toBe(true);
    // Both federated-credential subject formats are trusted: by name (Entra app) and immutable (managed identity).
    const wf = f.filter((x) => x.rule === 'github.workflow-federated-credential').map((x) => x.via);
    const entraFics = readLines(join(large, 'entra', 'federatedIdentityCredentials.jsonl')).map((x) => x.credential as { id: string; issuer: string; subject: string });
    const fics = new Map(entraFics.map((x) => [x.id, x.subject]));
    const miFics = new Map(readLines(join(large, 'azure', 'managedIdentityFederatedCredentials.jsonl')).map((x) => [String(x.id), String((x.properties as { subject: string }).subject)]));
    expect(wf.some((v) => /^repo:[^@/]+\/[^@]+:environment:prod$/.test(fics.get(v) ?? ''))).toBe(true);
    expect(wf.some((v) => /^repo:[^/]+@\d+\/[^:]+@\d+:/.test(miFics.get(v) ?? ''))).toBe(true);
    // Azure roles at the root scope, the tenant root group, a management group, a subscription, and through a group.
    const vias = f.filter((x) => x.rule === 'azure.dormant-role').map((x) => x.via);
    const tenant = JSON.parse(readFileSync(join(large, 'azure', 'manifest.json'), 'utf8')).tenant as string;
    expect(vias.some((v) => v.startsWith('/providers/Microsoft.Authorization/'))).toBe(true);
    expect(vias.some((v) => v.startsWith(`/providers/Microsoft.Management/managementGroups/${tenant}/`))).toBe(true);
    expect(vias.some((v) => /^\/providers\/Microsoft\.Management\/managementGroups\/(corp|platform)\//.test(v))).toBe(true);
    expect(vias.some((v) => v.startsWith('/subscriptions/') && v.includes('/roleEligibilityScheduleInstances/'))).toBe(true);
    const groupHeld = readLines(join(large, 'azure', 'roleAssignments.jsonl')).filter((x) => (x.properties as { principalType: string }).principalType === 'Group');
    expect(groupHeld.length).toBe(1);
    expect(vias).toContain(String(groupHeld[0].id));
    // The tier-0 ones are high (dormant), a guest's tier-0 role critical (unverified).
    expect(f.some((x) => x.rule === 'azure.dormant-role' && x.severity === 'high')).toBe(true);
    expect(f.some((x) => x.rule === 'azure.role-held-by-departed-guest' && x.severity === 'critical')).toBe(true);
  });

  test("SAML enforcement unknown: membership is unverified, and so is an admin's workload path without a live credential", () => {
    const f = expectedOf(unknown).findings;
    expect(JSON.parse(readFileSync(join(unknown, 'github', 'settings.jsonl'), 'utf8')).samlEnforcement).toBe('unknown');
    const members = f.filter((x) => x.rule === 'github.departed-member');
    expect(members.length).toBeGreaterThan(5);
    expect(members.every((x) => x.status === 'unverified')).toBe(true);
    expect(f.some((x) => x.rule === 'github.workflow-federated-credential' && x.status === 'unverified')).toBe(true);
  });

  test('negative controls are planted beside the findings', () => {
    for (const name of ['azure.eligibility-expired', 'github.sso-credential-expired', 'github.pat-expired', 'github.deploy-key-disabled']) {
      expect(l.stats.controls[name] ?? 0, name).toBeGreaterThan(0);
    }
    // An assignment to a principal deleted for good, an app owned by the organisation, and a non-GitHub issuer: nobody's finding.
    expect(readLines(join(large, 'azure', 'roleAssignments.jsonl')).some((x) => (x.properties as { principalType: string }).principalType === 'Unknown')).toBe(true);
    expect(readLines(join(large, 'github', 'apps.jsonl')).some((x) => (x.owner as { type: string }).type === 'Organization')).toBe(true);
    expect(readLines(join(large, 'entra', 'federatedIdentityCredentials.jsonl')).some((x) => (x.credential as { issuer: string }).issuer === 'https://gitlab.com')).toBe(true);
  });

  test('revenant residual --all reports exactly the planted findings (300 and 1,500 people; SAML unknown)', async () => {
    for (const dir of [small, large, unknown]) {
      const { problems, expected, code, stderr } = await groundTruthDifferences(dir);
      expect([0, 3], stderr).toContain(code);
      expect(problems.slice(0, 40)).toEqual([]);
      expect(expected).toBeGreaterThan(200);
    }
  }, 600_000);

  test('sizes out of range are input errors', async () => {
    const out = tempDir();
    try {
      await expect(synthesize({ users: 300, seed: 1, out, githubMembers: 10 })).rejects.toBeInstanceOf(InputError);
      await expect(synthesize({ users: 300, seed: 1, out, subscriptions: 2.5 })).rejects.toBeInstanceOf(InputError);
      await expect(synthesize({ users: 300, seed: 1, out, githubMembers: 40, githubSaml: 'maybe' as never })).rejects.toBeInstanceOf(InputError);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
