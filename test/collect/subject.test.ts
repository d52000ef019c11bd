/**
 * One subject, fast: for every departed account of the Entra-only and Okta-only scenarios,
 * `revenant collect entra|okta --subject X` reads only that account's neighbourhood, in a handful
 * of requests, into a collection whose manifest says it is a subject collection (`scope`) — and the
 * engine finds exactly the scenario's expected findings for that account in it. Also the
 * programmatic API (`collectEntraSubject`, `collectOktaSubject`) the HTTP API calls on events.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { loadScenario } from '../fakes/scenarioTenants.js';
import { ROOT, SCENARIOS, compareFindings, ensureBuilt, readSource, runCli, runNode, tempDir } from './helpers.js';

type Raw = Record<string, unknown>;

beforeAll(() => ensureBuilt(), 300_000);

/** The scenario's expectations restricted to one account. */
function expectedFor(expected: Raw, id: string): Raw {
  const mine = (f: Raw) => f.subject === id;
  return {
    ...expected,
    findings: (expected.findings as Raw[]).filter(mine),
    optional: ((expected.optional as Raw[]) ?? []).filter(mine),
    closed: ((expected.closed as string[]) ?? []).filter((x) => x === id),
    notClosed: ((expected.notClosed as string[]) ?? []).filter((x) => x === id),
  };
}

/** Engine output restricted to the accounts the subject collection is about (its scope). */
function scoped(out: Raw, accounts: string[]): Raw {
  const inScope = (f: Raw) => accounts.includes(String((f.subject as Raw)?.id));
  return { ...out, findings: (out.findings as Raw[]).filter(inScope), subjects: ((out.subjects as Raw[]) ?? []).filter((s) => accounts.includes(String(s.id))) };
}

const ENTRA = ['entra-owned-apps', 'entra-delegations', 'entra-hybrid-and-alt-accounts'];
const OKTA = ['okta-lifecycle', 'okta-service-apps-and-idps'];

describe.each(ENTRA)('entra subject collections: %s', (name) => {
  const s = loadScenario(join(SCENARIOS, name));
  const fake = new GraphFake(s.entra!.data);
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const subjects = [...new Set((s.expected.findings as Raw[]).map((f) => String(f.subject)))];

  test.each(subjects)('subject %s', async (id) => {
    const user = s.entra!.data.users.find((u) => u.id === id)!;
    const out = tempDir();
    const before = fake.server.log.length;
    const r = await runCli(['collect', 'entra', '--tenant', s.entra!.manifest.tenant, '--graph-url', fake.url, '--out', out, '--subject', String(user.userPrincipalName)], {
      env: { REVENANT_GRAPH_TOKEN: fake.issueToken() },
    });
    expect(r.code, r.stderr).toBe(0);
    const requests = fake.server.log.slice(before).filter((l) => !l.inBatch).length;
    expect(requests).toBeLessThanOrEqual(30);
    const src = readSource(join(out, 'entra'));
    const scope = src.manifest.scope as { kind: string; accounts: { id: string }[] };
    expect(scope.kind).toBe('subject');
    const accounts = scope.accounts.map((a) => a.id);
    expect(accounts).toContain(id);
    for (const [d, l] of Object.entries(src.manifest.datasets)) {
      expect(l.status, d).toBe('complete');
      expect(l.scope, d).toBe('subject');
    }
    const res = await runCli(['residual', '--all', '--collection', out, '--at', String(s.expected.at), '--format', 'json']);
    expect([0, 3], res.stderr).toContain(res.code);
    expect(compareFindings(expectedFor(s.expected, id), scoped(JSON.parse(res.stdout) as Raw, accounts))).toEqual([]);
  }, 60_000);
});

describe.each(OKTA)('okta subject collections: %s', (name) => {
  const s = loadScenario(join(SCENARIOS, name));
  const fake = new OktaFake(s.okta!.data);
  fake.apiTokens.add('00tok');
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const subjects = [...new Set((s.expected.findings as Raw[]).map((f) => String(f.subject)))];

  test.each(subjects)('subject %s', async (id) => {
    const user = s.okta!.data.users.find((u) => u.id === id)!;
    const out = tempDir();
    const before = fake.server.log.length;
    const login = String((user.profile as Raw).login);
    const r = await runCli(['collect', 'okta', '--org-url', fake.url, '--out', out, '--subject', login, '--since', '2025-01-01'], {
      env: { OKTA_CLIENT_TOKEN: '00tok' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(fake.server.log.length - before).toBeLessThanOrEqual(40);
    const src = readSource(join(out, 'okta'));
    const scope = src.manifest.scope as { kind: string; accounts: { id: string }[] };
    expect(scope.kind).toBe('subject');
    expect(src.manifest.datasets.appGroups).toMatchObject({ status: 'missing' });
    const res = await runCli(['residual', '--all', '--collection', out, '--at', String(s.expected.at), '--format', 'json']);
    expect([0, 3], res.stderr).toContain(res.code);
    const exp = expectedFor(s.expected, id);
    // appGroups is not read for one subject: the engine may list rules needing it as uncovered (none do).
    expect(compareFindings({ ...exp, closed: [], notClosed: [] }, scoped(JSON.parse(res.stdout) as Raw, scope.accounts.map((a) => a.id)))).toEqual([]);
  }, 60_000);
});

test('programmatic API: collectEntraSubject and collectOktaSubject', async () => {
  const s = loadScenario(join(SCENARIOS, 'entra-owned-apps'));
  const o = loadScenario(join(SCENARIOS, 'okta-lifecycle'));
  const g = new GraphFake(s.entra!.data);
  const k = new OktaFake(o.okta!.data);
  k.apiTokens.add('00tok');
  await g.start();
  await k.start();
  try {
    const out = tempDir();
    const script = `
      const { collectEntraSubject } = await import(${JSON.stringify(join(ROOT, 'dist/ingest/entra/index.js'))});
      const { collectOktaSubject } = await import(${JSON.stringify(join(ROOT, 'dist/ingest/okta/index.js'))});
      const e = await collectEntraSubject({ tenant: ${JSON.stringify(s.entra!.manifest.tenant)}, graphUrl: ${JSON.stringify(g.url)}, token: ${JSON.stringify(g.issueToken())}, mode: 'token', subject: 'alice@contoso.com', out: ${JSON.stringify(out)} });
      const k = await collectOktaSubject({ orgUrl: ${JSON.stringify(k.url)}, token: '00tok', subject: 'gina.lopez@example.com', out: ${JSON.stringify(out)}, since: '2025-01-01T00:00:00Z' });
      console.log(JSON.stringify({ e: e.accounts, k: k.accounts, ed: e.dir, kd: k.dir }));
    `;
    const r = await runNode(script);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as Raw;
    expect(res.e).toEqual(['4b90264f-c87d-5281-a083-91a09f9d78fc']);
    expect(res.k).toEqual(['00ubGOAizuyeSy1b3nuL']);
    expect(readSource(String(res.ed)).manifest.scope).toMatchObject({ kind: 'subject', subject: 'alice@contoso.com' });
    // A subject collection never replaces an existing one unless asked.
    const again = await runCli(['collect', 'entra', '--tenant', s.entra!.manifest.tenant, '--graph-url', g.url, '--out', out, '--subject', 'alice@contoso.com'], {
      env: { REVENANT_GRAPH_TOKEN: g.issueToken() },
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a entra collection/);
    // An unknown subject is a NotFoundError (exit 2 on the CLI).
    const nf = await runCli(['collect', 'okta', '--org-url', k.url, '--out', tempDir(), '--subject', 'nobody@example.com'], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
    expect(nf.code).toBe(2);
    expect(nf.stderr).toMatch(/no user nobody@example.com/);
  } finally {
    await g.stop();
    await k.stop();
  }
}, 60_000);

test('entra: a subject named by a mail that is not its UPN is found with $filter=mail eq', async () => {
  const s = loadScenario(join(SCENARIOS, 'entra-owned-apps'));
  const data = structuredClone(s.entra!.data);
  const user = data.users.find((u) => u.userPrincipalName === 'alice@contoso.com')!;
  user.mail = 'alice.alias@contoso-mail.example';
  const g = new GraphFake(data);
  await g.start();
  try {
    const out = tempDir();
    const r = await runCli(['collect', 'entra', '--tenant', s.entra!.manifest.tenant, '--graph-url', g.url, '--out', out, '--subject', 'Alice.Alias@contoso-mail.example'], {
      env: { REVENANT_GRAPH_TOKEN: g.issueToken() },
    });
    expect(r.code, r.stderr).toBe(0);
    const scope = readSource(join(out, 'entra')).manifest.scope as { accounts: { id: string }[] };
    expect(scope.accounts.map((a) => a.id)).toContain(user.id);
    // Graph's /users/{id|UPN} cannot take a mail: the collector asked for it by filter.
    expect(g.server.log.some((l) => !l.inBatch && l.path === '/v1.0/users' && /mail eq 'Alice\.Alias@contoso-mail\.example'/.test(decodeURIComponent(l.rawQuery)))).toBe(true);
    // A name that is neither an id, a UPN nor a mail is still a NotFoundError.
    const nf = await runCli(['collect', 'entra', '--tenant', s.entra!.manifest.tenant, '--graph-url', g.url, '--out', tempDir(), '--subject', 'nobody@contoso.com'], {
      env: { REVENANT_GRAPH_TOKEN: g.issueToken() },
    });
    expect(nf.code).toBe(2);
    expect(nf.stderr).toMatch(/no user nobody@contoso.com/);
  } finally {
    await g.stop();
  }
}, 60_000);

test('okta: a subject\'s apps come from its app links; filter=user.id eq is only the fallback', async () => {
  const o = loadScenario(join(SCENARIOS, 'okta-lifecycle'));
  const k = new OktaFake(o.okta!.data);
  k.apiTokens.add('00tok');
  await k.start();
  try {
    const subjects = [...new Set((o.expected.findings as Raw[]).map((f) => String(f.subject)))];
    const withApps = subjects.find((id) => [...o.okta!.data.appUsers.values()].some((list) => list.some((au) => au.id === id)))!;
    const login = String((o.okta!.data.users.find((u) => u.id === withApps)!.profile as Raw).login);
    const run = async () => {
      const out = tempDir();
      const before = k.server.log.length;
      const r = await runCli(['collect', 'okta', '--org-url', k.url, '--out', out, '--subject', login, '--since', '2025-01-01'], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
      expect(r.code, r.stderr).toBe(0);
      const src = readSource(join(out, 'okta'));
      return { src, log: k.server.log.slice(before).map((l) => `${l.path}?${decodeURIComponent(l.rawQuery)}`) };
    };
    const links = await run();
    expect(links.log.some((l) => /\/users\/[^/]+\/appLinks/.test(l))).toBe(true);
    expect(links.log.some((l) => /filter=user\.id eq/.test(l))).toBe(false);
    expect(links.src.manifest.datasets.apps).toMatchObject({ status: 'complete', assignments: 'appLinks' });
    expect(links.src.lines.apps.length).toBeGreaterThan(0);

    k.appLinks = false;
    const fallback = await run();
    expect(fallback.log.some((l) => /filter=user\.id eq/.test(l))).toBe(true);
    expect(fallback.src.manifest.datasets.apps).toMatchObject({ status: 'complete', assignments: 'filter user.id (appLinks refused)' });
    const ids = (x: typeof links) => x.src.lines.apps.map((a) => String(a.id)).sort();
    expect(ids(fallback)).toEqual(ids(links));
  } finally {
    await k.stop();
  }
}, 60_000);

test("okta: a group's admin roles are read only when the account's role list names one held through a group", async () => {
  const o = loadScenario(join(SCENARIOS, 'okta-lifecycle'));
  const data = structuredClone(o.okta!.data);
  const okta = (gid: string) => data.groups.find((g) => g.id === gid)?.type === 'OKTA_GROUP';
  const groupsOf = (uid: string) => [...data.groupMembers].filter(([gid, m]) => okta(gid) && m.includes(uid)).map(([gid]) => gid);
  // U is in an Okta group that gets an admin role; V is in Okta groups, none of them U's.
  const users = data.users.map((u) => String(u.id));
  const u = users.find((x) => groupsOf(x).length > 0)!;
  const g = groupsOf(u)[0];
  // …and V in a second Okta group (without a role).
  const v = users.find((x) => !groupsOf(x).includes(g))!;
  const second = '00gSECONDOKTAGROUP01';
  data.groups.push({ ...structuredClone(data.groups.find((x) => x.id === g)!), id: second });
  data.groupMembers.set(second, [v]);
  const role = { id: 'gra1GROUPROLE000001', label: 'Help Desk Administrator', type: 'HELP_DESK_ADMIN', status: 'ACTIVE', created: '2025-01-01T00:00:00.000Z', assignmentType: 'GROUP' };
  data.groupRoles.set(g, [role]);
  const k = new OktaFake(data);
  k.apiTokens.add('00tok');
  await k.start();
  try {
    const run = async (id: string) => {
      const out = tempDir();
      const before = k.server.log.length;
      const r = await runCli(['collect', 'okta', '--org-url', k.url, '--out', out, '--subject', id, '--since', '2025-01-01'], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
      expect(r.code, r.stderr).toBe(0);
      const src = readSource(join(out, 'okta'));
      const groupRoleReads = k.server.log.slice(before).filter((l) => /^\/api\/v1\/groups\/[^/]+\/roles$/.test(l.path)).map((l) => l.path.split('/')[4]);
      return { src, groupRoleReads, roleIds: (ds: string) => src.lines[ds].map((l) => String((l.role as Raw).id)) };
    };
    // The documented form: U's role list names the role with assignmentType GROUP → its groups are read.
    const withRole = await run(u);
    expect(withRole.groupRoleReads).toContain(g);
    expect(withRole.roleIds('groupRoles')).toEqual([role.id]);
    expect(withRole.roleIds('userRoles')).not.toContain(role.id); // the group's, not U's own
    expect(withRole.src.manifest.datasets.groupRoles).toMatchObject({ status: 'complete' });
    expect(withRole.src.manifest.datasets.groupRoles.parents).toEqual(expect.arrayContaining([g]));

    // V's list names no group role: no group is asked, and its Okta groups are recorded as read, with no role.
    const without = await run(v);
    expect(without.groupRoleReads).toEqual([]);
    expect(without.src.lines.groupRoles).toEqual([]);
    expect(without.src.manifest.datasets.groupRoles).toMatchObject({ status: 'complete', read: expect.stringMatching(/^none/) });
    expect(without.src.manifest.datasets.groupRoles.parents).toEqual([...new Set(groupsOf(v))].sort());

    // An older role shape (no assignmentType): every Okta group of U is read, with the same result,
    // and the group's role is still not taken for U's own.
    k.roleAssignmentType = false;
    const older = await run(u);
    expect(new Set(older.groupRoleReads)).toEqual(new Set(groupsOf(u)));
    expect(older.roleIds('groupRoles')).toEqual([role.id]);
    expect(older.roleIds('userRoles')).not.toContain(role.id);
    k.roleAssignmentType = true;

    // V's role list unreadable: its groups are read one by one (never "no group role" unread), userRoles is partial.
    k.server.addFault({ match: new RegExp(`^/api/v1/users/${v}/roles`), status: 403, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' } });
    const unread = await run(v);
    k.server.clearFaults();
    expect(new Set(unread.groupRoleReads)).toEqual(new Set(groupsOf(v)));
    expect(unread.src.manifest.datasets.userRoles).toMatchObject({ status: 'partial' });
    expect(unread.src.manifest.datasets.groupRoles).toMatchObject({ status: 'complete' });
  } finally {
    await k.stop();
  }
}, 90_000);
