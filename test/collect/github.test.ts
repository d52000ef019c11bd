/**
 * The GitHub collector against the GitHub fake over HTTPS, through the real Octokit clients (run
 * as the CLI, trusting the test CA through NODE_EXTRA_CA_CERTS): Link and GraphQL-cursor paging,
 * SCIM paging, the repository bound R from federated credentials in the same collection (both
 * subject formats), token and GitHub App authentication, secondary and primary rate limits,
 * 5xx that never end, what a PAT may not list, `--resume`, `--subject`, and no secret or token
 * fragment on disk; EMU: enterprise SCIM users and the enterprise audit log's `user.suspend`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { GitHubFake, emptyOrg, secondaryLimit } from '../fakes/GitHubFake.js';
import { syntheticGitHubOrg } from '../fakes/syntheticGitHub.js';
import { ROOT, allKeys, ensureBuilt, readSource, runCli, tempDir } from './helpers.js';

const FAST = ['--max-attempts', '4', '--retry-base-ms', '20'];
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

beforeAll(() => ensureBuilt(), 300_000);

async function github() {
  const fake = new GitHubFake(syntheticGitHubOrg());
  await fake.start();
  fake.addToken('ghp_testtoken', 'pat');
  stops.push(() => fake.stop());
  return fake;
}

function collect(fake: GitHubFake, out: string, extra: string[] = [], env: Record<string, string> = { REVENANT_GITHUB_TOKEN: 'ghp_testtoken' }) {
  return runCli(['collect', 'github', '--org', 'acme', '--api-url', fake.url, '--out', out, ...FAST, ...extra], { env, timeoutMs: 180_000 });
}

function ledger(dir: string) {
  return readSource(join(dir, 'github')).manifest.datasets;
}

/** Entra federated credentials in the same collection name repositories of R. */
function writeFederatedCredentials(out: string): void {
  mkdirSync(join(out, 'entra'), { recursive: true });
  const lines = [
    { applicationId: 'a1', credential: { id: 'f1', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:ACME/Repo-7:environment:prod' } },
    { applicationId: 'a1', credential: { id: 'f2', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme@9001/repo-8@70008:ref:refs/heads/main' } },
    { applicationId: 'a2', credential: { id: 'f3', issuer: 'https://token.actions.githubusercontent.com/acme-ent', subject: 'repository_owner_id:9001:repository_id:70009:environment:prod' } },
    { applicationId: 'a3', credential: { id: 'f4', issuer: 'https://gitlab.example.com', subject: 'repo:acme/repo-11:ref:refs/heads/main' } },
  ];
  writeFileSync(join(out, 'entra', 'federatedIdentityCredentials.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
}

describe('collect github', () => {
  test('pages every list, bounds repository reads to R, and writes no token fragment or secret', async () => {
    const fake = await github();
    const out = tempDir();
    writeFederatedCredentials(out);
    const r = await collect(fake, out, ['--repo', 'repo-20']);
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'github'));
    const l = src.manifest.datasets;
    expect(src.manifest.source).toBe('github');
    expect(src.manifest.tenant).toBe('acme');
    for (const d of ['organization', 'members', 'outsideCollaborators', 'teams', 'teamMembers', 'repositories', 'credentialAuthorizations', 'samlIdentities', 'scimIdentities', 'appInstallations', 'apps']) {
      expect(l[d].status, `${d}: ${l[d].reason}`).toBe('complete');
    }
    const d = fake.data;
    expect(src.lines.members.length).toBe(d.members.length);
    expect(src.lines.members.filter((m) => m.role === 'ADMIN').map((m) => (m.user as { id: number }).id).sort()).toEqual([101, 102, 103]);
    expect(src.lines.outsideCollaborators.length).toBe(d.outsideCollaborators.length);
    expect(src.lines.repositories.length).toBe(d.repos.length);
    expect(src.lines.scimIdentities.length).toBe(d.scimUsers!.length);
    expect(src.lines.samlIdentities.length).toBe(d.saml!.identities.length);
    expect(src.lines.samlIdentities[0].issuer).toBe(d.saml!.issuer);
    expect(l.samlIdentities.samlIssuer).toBe(d.saml!.issuer);
    expect(src.lines.credentialAuthorizations.length).toBe(d.credentialAuthorizations!.length);
    expect(src.lines.teamMembers.length).toBe(d.teams.reduce((a, t) => a + t.members.length, 0));
    // GraphQL cursors: 230 members in pages of 100; REST Link paging at per_page=100.
    const gql = fake.server.log.filter((x) => x.path === '/graphql' && /membersWithRole/.test(String((x.body as { query: string }).query)));
    expect(gql.length).toBe(3);
    const repoPages = fake.server.log.filter((x) => x.path === '/orgs/acme/repos');
    expect(repoPages.length).toBe(2);
    expect(repoPages.every((x) => x.query.get('per_page') === '100')).toBe(true);
    // R: repo-7 (by name, case-insensitive), repo-8 (immutable subject), repo-9 (repository_id claim), repo-20 (--repo); not repo-11 (another issuer).
    const read = new Set(src.lines.repoCollaborators.map((c) => c.repoId));
    expect([...read].sort()).toEqual([70007, 70008, 70009, 70020]);
    expect(l.repoCollaborators.status).toBe('partial');
    expect(l.repoCollaborators.reason).toMatch(/bounded to R: 4 of 140 repositories/);
    expect(l.deployKeys.status).toBe('partial');
    expect(src.lines.deployKeys.map((k) => k.repoId)).toEqual([70020]);
    // A PAT cannot list fine-grained PATs: missing, with what is needed — never empty-and-complete.
    expect(l.personalAccessTokens.status).toBe('missing');
    expect(l.personalAccessTokens.reason).toMatch(/HTTP 403.*GitHub App/);
    // SAML enforcement: no API answered and no operator flag: unknown, partial.
    expect(l.settings.status).toBe('partial');
    expect(src.lines.settings).toEqual([{ samlEnforcement: 'unknown', emu: false, enforcementSource: 'none' }]);
    // No public key, no token fragment, no app secret on disk.
    const keys = allKeys(src.lines);
    for (const k of ['token_last_eight', 'client_secret', 'token']) expect(keys.has(k), k).toBe(false);
    for (const line of src.lines.deployKeys) expect(Object.keys(line.key as object)).not.toContain('key');
    const raw = readFileSync(join(out, 'github', 'credentialAuthorizations.jsonl'), 'utf8') + readFileSync(join(out, 'github', 'deployKeys.jsonl'), 'utf8');
    expect(raw).not.toContain('abcd1234');
    expect(raw).not.toContain('AAAAC3NzaC1lZDI1NTE5');
    expect(r.stderr + r.stdout).not.toContain('ghp_testtoken');
  }, 180_000);

  test('as a GitHub App: installation token from a signed JWT; fine-grained PATs are listed; --all-repos reads every repository', async () => {
    const fake = await github();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fake.registerApp('4242', publicKey.export({ type: 'spki', format: 'pem' }).toString(), '77');
    const keyFile = join(tempDir(), 'app.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const out = tempDir();
    const r = await collect(fake, out, ['--auth', 'app', '--app-id', '4242', '--private-key', keyFile, '--installation-id', '77', '--all-repos', '--saml-enforcement', 'enforced'], {});
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'github'));
    const l = src.manifest.datasets;
    expect(fake.installationTokensIssued).toBeGreaterThanOrEqual(1);
    expect(l.personalAccessTokens.status).toBe('complete');
    expect(src.lines.personalAccessTokens.length).toBe(fake.data.personalAccessTokens.length);
    expect(src.lines.personalAccessTokens[0]).toMatchObject({ id: 25001, owner: { id: 101, login: 'dev1' }, token_expires_at: '2027-03-01T00:00:00Z' });
    expect(l.repoCollaborators.status).toBe('complete');
    expect(l.deployKeys.status).toBe('complete');
    expect(src.lines.deployKeys.length).toBe(fake.data.repos.filter((x) => x.keys.length).length);
    expect(new Set(src.lines.repoCollaborators.map((c) => c.repoId)).size).toBe(fake.data.repos.length);
    expect(src.lines.settings[0]).toMatchObject({ samlEnforcement: 'enforced', enforcementSource: 'operator' });
    expect(l.settings.status).toBe('complete');
    expect(src.manifest.auth).toBe('app');
    expect(readFileSync(join(out, 'github', 'manifest.json'), 'utf8')).not.toContain('PRIVATE KEY');
  }, 180_000);

  test('secondary rate limits (403 + retry-after) and a spent primary limit are waited out; the lists stay complete', async () => {
    const fake = await github();
    fake.server.addFault({ match: /^\/orgs\/acme\/repos/, ...secondaryLimit(1), times: 2 });
    fake.server.addFault({ match: (x) => x.path === '/graphql', ...secondaryLimit(1), after: 1, times: 1 });
    fake.primaryLimit = 10;
    fake.primaryWindowSec = 2;
    const out = tempDir();
    const started = Date.now();
    const r = await collect(fake, out, ['--saml-enforcement', 'configured', '--skip', 'teamMembers']);
    expect(r.code, r.stderr).toBe(0);
    const l = ledger(out);
    for (const d of ['members', 'repositories', 'outsideCollaborators', 'samlIdentities', 'scimIdentities', 'credentialAuthorizations']) expect(l[d].status, `${d}: ${l[d].reason}`).toBe('complete');
    expect(l.repositories.throttled).toBeGreaterThanOrEqual(2);
    const src = readSource(join(out, 'github'));
    expect(src.lines.repositories.length).toBe(fake.data.repos.length);
    expect(src.lines.members.length).toBe(fake.data.members.length);
    // More requests than one window allows: refused with x-ratelimit-remaining 0, then waited out until x-ratelimit-reset.
    expect(fake.primaryRefused).toBeGreaterThan(0);
    expect(fake.server.log.length).toBeGreaterThan(20);
    expect(Date.now() - started).toBeGreaterThan(2000);
  }, 180_000);

  test('a list whose page keeps failing is partial or missing with the reason, never complete', async () => {
    const fake = await github();
    fake.server.addFault({ match: /^\/orgs\/acme\/outside_collaborators\?.*page=2/, status: 502, body: { message: 'Server Error' } });
    fake.server.addFault({ match: /^\/repos\/acme\/repo-7\/keys/, status: 503, body: { message: 'unavailable' } });
    fake.server.addFault({ match: /^\/orgs\/acme\/credential-authorizations/, status: 403, body: { message: 'Must have admin rights to Organization.' } });
    const out = tempDir();
    writeFederatedCredentials(out);
    const r = await collect(fake, out);
    expect(r.code, r.stderr).toBe(0);
    const l = ledger(out);
    expect(l.outsideCollaborators.status).toBe('partial');
    expect(l.outsideCollaborators.count).toBe(100);
    expect(l.outsideCollaborators.reason).toMatch(/HTTP 502 after 4 attempts on \/orgs\/\{org\}\/outside_collaborators/);
    expect(l.deployKeys.status).toBe('partial');
    expect(l.deployKeys.reason).toMatch(/HTTP 503.*for 1 repositories/);
    expect(l.credentialAuthorizations.status).toBe('missing');
    expect(l.credentialAuthorizations.reason).toMatch(/HTTP 403.*needs read:org as an organization owner.*Must have admin rights/);
    expect(r.stderr).toMatch(/partial outsideCollaborators/);
  }, 180_000);

  test('--resume reads only what is not complete; --subject reads one login', async () => {
    const fake = await github();
    const out = tempDir();
    const first = await collect(fake, out, ['--skip', 'members', 'teams', 'teamMembers']);
    expect(first.code, first.stderr).toBe(0);
    expect(ledger(out).members.status).toBe('missing');
    fake.server.log.length = 0;
    const again = await collect(fake, out, ['--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(ledger(out).members.status).toBe('complete');
    expect(fake.server.log.some((x) => x.path === '/orgs/acme/repos')).toBe(false);
    expect(fake.server.log.some((x) => x.path === '/graphql')).toBe(true);

    const one = tempDir();
    fake.server.log.length = 0;
    const s = await collect(fake, one, ['--subject', 'dev4']);
    expect(s.code, s.stderr).toBe(0);
    const src = readSource(join(one, 'github'));
    expect(src.manifest.scope).toEqual({ kind: 'subject', subject: 'dev4' });
    expect(src.lines.members).toEqual([{ role: 'MEMBER', user: { id: 104, login: 'dev4', type: 'User', node_id: 'U_104' } }]);
    expect(src.lines.credentialAuthorizations.map((c) => c.login)).toEqual(['dev4']);
    expect(src.lines.samlIdentities.map((i) => (i.user as { login: string }).login)).toEqual(['dev4']);
    expect(src.manifest.datasets.teams.status).toBe('missing');
    expect(fake.server.log.some((x) => x.path === '/orgs/acme/memberships/dev4')).toBe(true);
  }, 180_000);

  test('bad usage exits 2 with a message and writes nothing', async () => {
    const fake = await github();
    const out = tempDir();
    const r = await collect(fake, out, ['--saml-enforcement', 'maybe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--saml-enforcement must be enforced, configured or none/);
    const noToken = await collect(fake, out, [], {});
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/REVENANT_GITHUB_TOKEN/);
    expect(noToken.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  test('EMU: SCIM users from the enterprise and its audit log\'s user.suspend are collected; a suspended managed user is a dormant finding with D from the audit log', async () => {
    const d = emptyOrg('acme-emu', 9101);
    d.enterprise = { slug: 'acme-ent' };
    d.users = [
      { id: 401, login: 'jack_acme' },
      { id: 403, login: 'liam_acme' },
    ];
    d.members = [
      { userId: 401, role: 'member' },
      { userId: 403, role: 'member' },
    ];
    // As GET /scim/v2/enterprises/{enterprise}/Users documents them (scim-enterprise-user).
    const scimUser = (id: string, externalId: string, userName: string, active: boolean) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id,
      externalId,
      userName,
      displayName: userName,
      name: { givenName: userName.split('@')[0], familyName: 'Acme', formatted: userName },
      emails: [{ value: userName, type: 'work', primary: true }],
      roles: [{ value: 'user', primary: false }],
      active,
      meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2026-10-10T08:05:00Z', location: `https://api.github.com/scim/v2/enterprises/acme-ent/Users/${id}` },
    });
    d.scimUsers = [
      scimUser('61ee7f26-9bff-5014-8782-e935ef4f89db', '9fc4e2a0-efea-5aa3-80e0-bf317b583225', 'jack@acme.example', false),
      scimUser('40f9c243-43e7-548d-b4ce-562086745bb3', 'e76c7d88-d36f-5cd2-a468-4650df784db0', 'liam@acme.example', true),
    ];
    // Audit log events as GitHub documents them (`@timestamp` and `created_at` in epoch ms); only user.suspend is asked for.
    d.auditLog = [
      { '@timestamp': Date.parse('2026-10-10T08:05:00Z'), _document_id: 'a1', action: 'user.suspend', actor: 'acme-ent-scim', user: 'jack_acme', user_id: 401, business: 'acme-ent', created_at: Date.parse('2026-10-10T08:05:00Z') },
      { '@timestamp': Date.parse('2026-10-11T09:00:00Z'), _document_id: 'a2', action: 'repo.create', actor: 'liam_acme', user: 'liam_acme', user_id: 403, business: 'acme-ent', created_at: Date.parse('2026-10-11T09:00:00Z') },
    ];
    const fake = new GitHubFake(d);
    await fake.start();
    fake.addToken('ghp_testtoken', 'pat');
    stops.push(() => fake.stop());
    const out = tempDir();
    const r = await runCli(['collect', 'github', '--org', 'acme-emu', '--enterprise', 'acme-ent', '--emu', '--saml-enforcement', 'enforced', '--api-url', fake.url, '--out', out, ...FAST], {
      env: { REVENANT_GITHUB_TOKEN: 'ghp_testtoken' },
      timeoutMs: 180_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const src = readSource(join(out, 'github'));
    expect(src.manifest.datasets.scimIdentities).toMatchObject({ status: 'complete', count: 2, scim: 'enterprise' });
    expect(src.manifest.datasets.settings).toMatchObject({ status: 'complete', emu: true });
    expect(src.lines.settings[0]).toMatchObject({ samlEnforcement: 'enforced', emu: true });
    expect(src.lines.auditLog.map((e) => e.action)).toEqual(['user.suspend']);
    expect(fake.server.log.some((x) => x.path === '/scim/v2/enterprises/acme-ent/Users')).toBe(true);
    expect(fake.server.log.some((x) => x.path === '/enterprises/acme-ent/audit-log')).toBe(true);

    // With the Entra folder of the scenario's tenant, jack (SCIM suspended) is departed and blocked: dormant; liam is nobody.
    cpSync(join(ROOT, 'test', 'scenarios', 'github-emu', 'entra'), join(out, 'entra'), { recursive: true });
    const res = await runCli(['residual', '--all', '--collection', out, '--at', '2026-11-01T00:00:00Z', '--format', 'json'], { timeoutMs: 120_000 });
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as { findings: { rule: string; subject: { id: string }; status: string }[]; subjects: { source: string; id: string; departedAt: string | null; departedAtFrom: string | null }[] };
    expect(doc.findings.filter((f) => f.rule.startsWith('github.')).map((f) => `${f.rule} ${f.subject.id} ${f.status}`)).toEqual(['github.departed-member 401 dormant']);
    const jack = doc.subjects.find((x) => x.source === 'github' && x.id === '401')!;
    expect([jack.departedAt, jack.departedAtFrom]).toEqual(['2026-10-10T08:05:00.000Z', 'GitHub audit log user.suspend']);
  }, 240_000);
});
