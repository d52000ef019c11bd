/**
 * The console's server side on a real store loaded from the shared scenarios: sign-in by the
 * one-time link and by an API key, the session cookie's flags, sign-out, expiry, a session used
 * for /v1 (scopes, cross-site refusal), the pages' strict CSP and redirects, and the /v1 routes
 * the console needs — the leavers board, search, the person view, the graph neighbourhood and
 * the evidence behind a finding — with the scenario's exact expectations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expectedOf } from '../support/scenarios.js';
import { bearer, cleanupTemps, cliLoad, createKey, makeApp, scenario, tempDir, testConfig } from './helpers.js';

let storeDir: string;
let app: FastifyInstance;
let readKey: string;
let eventsKey: string;

const cookieOf = (r: LightMyRequestResponse) => {
  const c = r.cookies.find((x) => x.name === 'revenant_session');
  return c ? `revenant_session=${c.value}` : '';
};

async function linkSession(a = app): Promise<string> {
  const token = a.sessions.issueLink();
  const r = await a.inject({ url: `/login?token=${token}&next=/changes` });
  expect(r.statusCode).toBe(303);
  return cookieOf(r);
}

beforeAll(async () => {
  storeDir = tempDir();
  await cliLoad(storeDir, scenario('cross-source-hr'));
  readKey = createKey(storeDir, ['read']);
  eventsKey = createKey(storeDir, ['events']);
  ({ app } = await makeApp(storeDir));
});

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

describe('sign-in', () => {
  it('sends a browser without a session to the sign-in page, keeping where it was going', async () => {
    const r = await app.inject({ url: '/subjects/maria.silva@contoso.com?whatif=1' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/login?next=${encodeURIComponent('/subjects/maria.silva@contoso.com?whatif=1')}`);
    const login = await app.inject({ url: r.headers.location as string });
    expect(login.statusCode).toBe(200);
    expect(login.headers['content-type']).toMatch(/text\/html/);
    expect(login.body).toContain('name="key"');
    expect(login.headers['content-security-policy']).toContain("default-src 'self'");
    expect(login.body).not.toMatch(/<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=/i);
  });

  it('the one-time link sets an HttpOnly SameSite=Strict cookie, redirects without the token, and works once', async () => {
    const token = app.sessions.issueLink();
    const r = await app.inject({ url: `/login?token=${token}&next=/graph/x` });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/graph/x');
    const c = r.cookies.find((x) => x.name === 'revenant_session')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(c.value).not.toContain(token);
    const again = await app.inject({ url: `/login?token=${token}` });
    expect(again.statusCode).toBe(401);
    expect(again.cookies).toHaveLength(0);
    const page = await app.inject({ url: '/', headers: { cookie: `revenant_session=${c.value}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<script type="module" src="\/assets\/main-[A-Z0-9]+\.js"><\/script>/);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self';/);
    expect(page.body).not.toMatch(/<script>|\sstyle=|\son[a-z]+=/i);
  });

  it('an external next is never followed', async () => {
    const token = app.sessions.issueLink();
    const r = await app.inject({ url: `/login?token=${token}&next=//evil.example/x` });
    expect(r.headers.location).toBe('/');
  });

  it('a key with the read scope signs in with POST /login; others are refused', async () => {
    const ok = await app.inject({ method: 'POST', url: '/login', payload: `key=${encodeURIComponent(readKey)}&next=%2Fchanges`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/changes');
    const cookie = cookieOf(ok);
    expect(cookie).not.toBe('');
    const me = await app.inject({ url: '/v1/session', headers: { cookie } });
    expect(me.json()).toMatchObject({ via: 'key', scopes: ['read'] });
    const scope = await app.inject({ method: 'POST', url: '/login', payload: `key=${encodeURIComponent(eventsKey)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(scope.statusCode).toBe(403);
    expect(scope.cookies).toHaveLength(0);
    const bad = await app.inject({ method: 'POST', url: '/login', payload: 'key=rvn_00000000_xxx', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('not a valid API key');
  });

  it('a session presents a read identity to /v1; a link session may also ask what-if', async () => {
    const cookie = await linkSession();
    const me = await app.inject({ url: '/v1/session', headers: { cookie } });
    expect(me.json()).toMatchObject({ via: 'link', scopes: ['read', 'what-if'] });
    const findings = await app.inject({ url: '/v1/findings', headers: { cookie } });
    expect(findings.statusCode).toBe(200);
    const wi = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' }, payload: { assumeDeparted: ['quinn.ray@contoso.com'] } });
    expect(wi.statusCode).toBe(200);
    // Never more than read and what-if: not the admin routes.
    expect((await app.inject({ url: '/v1/admin/status', headers: { cookie } })).statusCode).toBe(403);
  });

  it('a state-changing call on a session from another origin is refused', async () => {
    const cookie = await linkSession();
    const r = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { cookie, origin: 'https://evil.example', host: 'localhost:80' }, payload: { assumeDeparted: ['quinn.ray@contoso.com'] } });
    expect(r.statusCode).toBe(403);
    const site = await app.inject({ method: 'POST', url: '/v1/what-if', headers: { cookie, 'sec-fetch-site': 'cross-site' }, payload: { assumeDeparted: ['quinn.ray@contoso.com'] } });
    expect(site.statusCode).toBe(403);
  });

  it('sign-out ends the session', async () => {
    const cookie = await linkSession();
    const out = await app.inject({ method: 'POST', url: '/logout', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login?signedOut=1');
    expect(out.cookies.find((c) => c.name === 'revenant_session')?.value).toBe('');
    expect((await app.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(303);
  });

  it('sessions expire, and a key session ends when its key is revoked', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('okta-lifecycle'));
    const k = createKey(dir, ['read', 'what-if']);
    const { app: short } = await makeApp(dir, { config: testConfig({ console: { sessionTtlMinutes: 0.01 } }) });
    try {
      const cookie = await linkSession(short);
      expect((await short.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 800));
      const expired = await short.inject({ url: '/v1/session', headers: { cookie } });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().message).toMatch(/session expired or signed out/);
      expect((await short.inject({ url: '/changes', headers: { cookie } })).headers.location).toBe('/login?next=%2Fchanges');
    } finally {
      await short.close();
    }
    const { app: again } = await makeApp(dir);
    try {
      const r = await again.inject({ method: 'POST', url: '/login', payload: `key=${encodeURIComponent(k)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const cookie = cookieOf(r);
      expect((await again.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(200);
      again.revenant.keys.revoke(k);
      expect((await again.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);
    } finally {
      await again.close();
    }
  });

  it('the sign-in token never reaches the logs', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('okta-lifecycle'));
    const { app: a, logs } = await makeApp(dir);
    try {
      const token = a.sessions.issueLink();
      await a.inject({ url: `/login?token=${token}` });
      expect(logs.join('\n')).not.toContain(token);
      expect(logs.join('\n')).toContain('console sign-in');
    } finally {
      await a.close();
    }
  });

  it('serves the hashed assets, compressed when asked, cacheable', async () => {
    const page = await app.inject({ url: '/', headers: { cookie: await linkSession() } });
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)![1];
    const r = await app.inject({ url: js, headers: { 'accept-encoding': 'br, gzip' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['cache-control']).toMatch(/immutable/);
    expect(r.headers['content-type']).toMatch(/javascript/);
  });
});

describe('the /v1 routes of the console', () => {
  const get = (url: string) => app.inject({ url, headers: bearer(readKey) });

  it('GET /v1/leavers lists exactly the departed persons, with counts, closure and facets from the snapshot', async () => {
    const r = await get('/v1/leavers');
    expect(r.statusCode).toBe(200);
    const b = r.json();
    const exp = expectedOf('cross-source-hr');
    const departedIds = new Set([...(exp.closed ?? []), ...(exp.notClosed ?? [])]);
    const listed = new Set<string>(b.items.flatMap((row: { accounts: { id: string; departed: boolean }[] }) => row.accounts.filter((a) => a.departed).map((a) => a.id)));
    expect(listed).toEqual(departedIds);
    expect(b.facets.sources).toEqual(['entra', 'hr', 'okta']);
    expect(b.summary.live).toBe(exp.findings.filter((f) => f.status === 'live').length);
    const closedIds = new Set<string>(b.items.filter((x: { closed: boolean }) => x.closed).flatMap((x: { accounts: { id: string; departed: boolean }[] }) => x.accounts.filter((a) => a.departed).map((a) => a.id)));
    for (const id of exp.closed ?? []) expect(closedIds.has(id)).toBe(true);
    for (const id of exp.notClosed ?? []) expect(closedIds.has(id)).toBe(false);
    // Worst first: not closed before closed.
    expect(b.items.at(-1).closed).toBe(true);
    const maria = b.items.find((x: { name: string }) => x.name === 'Maria Silva');
    expect(maria.accounts.map((a: { timeToDisable: { withinSla: boolean } }) => a.timeToDisable.withinSla)).toEqual([false, false]);
  });

  it('filters, sorts and pages the board', async () => {
    const closed = (await get('/v1/leavers?closed=true')).json();
    expect(closed.items.map((x: { closed: boolean }) => x.closed)).toEqual([true]);
    const crit = (await get('/v1/leavers?severity=critical')).json();
    expect(crit.items.every((x: { severities: string[] }) => x.severities.includes('critical'))).toBe(true);
    expect(crit.total).toBeGreaterThan(0);
    const rule = (await get('/v1/leavers?rule=person.other-account-active')).json();
    expect(rule.total).toBe(expectedOf('cross-source-hr').findings.filter((f) => f.rule === 'person.other-account-active').length);
    const q = (await get('/v1/leavers?q=NORA.BERG')).json();
    expect(q.items.map((x: { name: string }) => x.name)).toEqual(['Nora Berg']);
    const byName = (await get('/v1/leavers?sort=name')).json();
    const names = byName.items.map((x: { name: string }) => x.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)));
    const page = (await get('/v1/leavers?sort=name&offset=1&limit=2')).json();
    expect(page.items.map((x: { name: string }) => x.name)).toEqual(names.slice(1, 3));
    expect((await get('/v1/leavers?sla=soon')).statusCode).toBe(400);
    expect((await get('/v1/leavers?limit=100000')).statusCode).toBe(400);
  });

  it('GET /v1/search suggests by prefix of name, mail, UPN, login or id, exact matches first', async () => {
    const r = (await get('/v1/search?q=maria')).json();
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.every((h: { matched: string }) => h.matched.startsWith('maria'))).toBe(true);
    expect(r.items.map((h: { kind: string }) => h.kind)).toEqual(expect.arrayContaining(['EntraUser', 'OktaUser']));
    const id = (await get('/v1/search?q=00uc7jKq6s0N4nrMnofc')).json();
    expect(id.items[0]).toMatchObject({ id: '00uc7jKq6s0N4nrMnofc', kind: 'OktaUser', subject: true });
    expect((await get('/v1/search?q=zzzz-nothing')).json().items).toEqual([]);
    expect((await get('/v1/search')).statusCode).toBe(400);
  });

  it('GET /v1/persons/{subject} gives the correlated accounts, link keys, and exactly the expected findings', async () => {
    const r = await get('/v1/persons/qray@contoso.com');
    expect(r.statusCode).toBe(200);
    const p = r.json();
    expect(p.members.map((m: { id: string }) => m.id).sort()).toEqual(['00uZfBEhJBXQWWfp1yxe', '891c8227-6ea5-5c9a-a89e-be6a1661540c']);
    expect(p.links).toEqual([expect.objectContaining({ key: 'mail', value: 'quinn.ray@contoso.com', strength: 'medium' })]);
    const want = expectedOf('cross-source-hr').findings.filter((f) => f.subject === '891c8227-6ea5-5c9a-a89e-be6a1661540c');
    const got = p.findings.map((f: { rule: string; status: string; severity: string; via: { id: string } }) => ({ rule: f.rule, status: f.status, severity: f.severity, via: f.via.id }));
    expect(got.sort((a: { rule: string }, b: { rule: string }) => a.rule.localeCompare(b.rule))).toEqual(
      want.map((f) => ({ rule: f.rule, status: f.status, severity: f.severity, via: f.via })).sort((a, b) => a.rule.localeCompare(b.rule)),
    );
    expect(p.closed).toBe(false);
    // Any name of the person gives the same person.
    const other = (await get('/v1/persons/00uZfBEhJBXQWWfp1yxe')).json();
    expect(other.person).toEqual(p.person);
    expect((await get('/v1/persons/nobody@contoso.com')).statusCode).toBe(404);
  });

  it('GET /v1/graph/neighbourhood groups a node edges by kind, counted and paged', async () => {
    const r = await get(`/v1/graph/neighbourhood?node=${encodeURIComponent('okta:00uZfBEhJBXQWWfp1yxe')}&limit=1`);
    expect(r.statusCode).toBe(200);
    const n = r.json();
    expect(n.node).toMatchObject({ id: '00uZfBEhJBXQWWfp1yxe', kind: 'OktaUser' });
    for (const g of n.groups) expect(g.items.length).toBe(Math.min(1, g.count));
    const byKey = (await get(`/v1/graph/neighbourhood?node=${encodeURIComponent(n.node.key)}&dir=out&edges=BELONGS_TO`)).json();
    expect(byKey.groups).toEqual([expect.objectContaining({ edge: 'BELONGS_TO', dir: 'out', count: 1 })]);
    expect((await get('/v1/graph/neighbourhood?node=nothing-here')).statusCode).toBe(404);
    expect((await get('/v1/graph/neighbourhood?node=x&edges=NOT_AN_EDGE')).statusCode).toBe(400);
  });

  it('GET /v1/evidence returns the raw collected object behind a finding and says it is unchanged', async () => {
    const f = (await get('/v1/findings?limit=1000')).json().items.find((x: { evidence: string[] }) => x.evidence.length);
    const ref = f.evidence[0] as string;
    const r = await get(`/v1/evidence?ref=${encodeURIComponent(ref)}`);
    expect(r.statusCode).toBe(200);
    const e = r.json();
    expect(e.verified).toBe(true);
    const [file, line] = ref.split(':');
    expect(e.object).toEqual(JSON.parse(readFileSync(join(scenario('cross-source-hr'), file), 'utf8').split('\n')[Number(line) - 1]));
    expect((await get(`/v1/evidence?ref=${encodeURIComponent('entra/users.jsonl:99999')}`)).statusCode).toBe(404);
    expect((await get(`/v1/evidence?ref=${encodeURIComponent('../../etc/passwd:1')}`)).statusCode).toBe(400);
  });

  it('GET /v1/diff?limit= caps each list and counts them all (the Changes view pages a large diff)', async () => {
    const whole = (await get('/v1/diff')).json();
    expect(whole.counts).toBeUndefined();
    const capped = (await get('/v1/diff?limit=1')).json();
    expect(capped.counts.new).toBe(whole.new.length);
    expect(capped.new).toEqual(whole.new.slice(0, 1));
    expect(whole.new.length).toBeGreaterThan(1);
  });

  it('every console route is in the OpenAPI document', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    for (const p of ['/v1/leavers', '/v1/search', '/v1/persons/{subject}', '/v1/graph/neighbourhood', '/v1/evidence', '/v1/session']) expect(doc.paths[p], p).toBeDefined();
    expect(doc.paths['/login']).toBeUndefined();
  });
});
