/**
 * The analyst console end to end in a real browser: Debian's chromium, headless through
 * playwright-core, against `revenant serve` (the built CLI, as a user runs it) on stores loaded
 * from the shared scenarios. Sign-in by the printed link and by a key; the leavers board lists
 * exactly the scenario's departed persons; the person view shows exactly the expected findings
 * (rule, status, severity, via id); a path expands and draws; what-if shows what the residual
 * engine says for an active account; a deep link reloads and the back button works; the keyboard
 * alone reaches every finding; the graph explorer draws a blast radius and expands a node, and is
 * driven by the keyboard alone (open a principal, expand and collapse, filter by edge kind); no
 * request leaves the origin and nothing is logged as an error; an expired session is sent to
 * sign-in. Screenshots of each view go to test-artifacts/console/ (git-ignored). Needs
 * /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it): without it these tests
 * FAIL with that message; they are never skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CSV_PAGE } from '../../src/console/format.js';
import { CHROMIUM_ARGS } from '../../src/reports/chromium.js';
import { cli, cliLoad, createKey } from '../api/helpers.js';
import { ensureBuilt } from '../support/ensureBuilt.js';
import { BIN } from '../support/cli.js';
import { ROOT, SCENARIOS, expectedOf } from '../support/scenarios.js';

const CHROMIUM = process.env.REVENANT_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `console browser test: no Chromium at ${CHROMIUM}. Install Debian's chromium (apt-get install -y chromium; .ci/run does this) or set REVENANT_CHROMIUM to a Chromium binary.`,
    );
  }
}

interface Server {
  proc: ChildProcess;
  origin: string;
  link: string;
  store: string;
}

const temps: string[] = [];
const servers: Server[] = [];

/** `revenant serve` on a new store loaded with a scenario (or a collection folder); resolves with the printed sign-in link. */
async function serve(scenarioName: string, config: object = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'revenant-console-'));
  temps.push(dir);
  const store = join(dir, 'store');
  await cliLoad(store, isAbsolute(scenarioName) ? scenarioName : join(SCENARIOS, scenarioName));
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ logLevel: 'warn', rateLimit: { perMinute: 100000, unauthenticatedPerMinute: 1000 }, ...config }));
  const proc = spawn(process.execPath, [BIN, 'serve', '--store', store, '--port', '0', '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const link = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`revenant serve did not print a sign-in link: ${err}`)), 30_000);
    proc.stderr!.on('data', (d) => {
      err += String(d);
      const m = /analyst console: open (\S+)/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`revenant serve exited (${code}): ${err}`)));
  });
  proc.stdout!.resume();
  const s = { proc, origin: new URL(link).origin, link, store };
  servers.push(s);
  return s;
}

let browser: Browser;
let hr: Server;
let apps: Server;
const seen = { requests: [] as string[], errors: [] as string[], calls: [] as string[], contrast: [] as string[] };

function watch(page: Page): Page {
  page.on('request', (r) => {
    seen.requests.push(r.url());
    if (r.resourceType() === 'fetch' || r.resourceType() === 'xhr') seen.calls.push(new URL(r.url()).pathname);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.errors.push(`${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => seen.errors.push(`pageerror: ${e.message}`));
  return page;
}

async function context(): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
  return ctx;
}

async function signedIn(s: Server): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await context();
  const page = watch(await ctx.newPage());
  // The link is one-time: each context after the first signs in with a key.
  const key = createKey(s.store, ['read', 'what-if']);
  await page.goto(`${s.origin}/login`);
  await page.fill('#key', key);
  await Promise.all([page.waitForURL(`${s.origin}/`), page.click('button[type=submit]')]);
  return { ctx, page };
}

/**
 * WCAG 2.1 AA contrast of every visible text on the page: 4.5:1, or 3:1 for large text (24 px, or
 * 18.66 px bold), against the first opaque background behind it. Returns the failures.
 */
function contrastFailures(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c[3] === undefined || c[3] > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent?.trim() || el.closest('svg, canvas, .visually-hidden, option')) continue;
      const st = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (st.visibility === 'hidden' || st.display === 'none' || r.width === 0 || r.height === 0) continue;
      const fg = rgb(st.color).slice(0, 3);
      const back = bg(el);
      const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${ratio.toFixed(2)}:1 "${n.textContent.trim().slice(0, 40)}" (${st.color} on rgb(${back.join(',')}))`);
    }
    return out;
  });
}

async function shot(page: Page, name: string): Promise<void> {
  seen.contrast.push(...(await contrastFailures(page)).map((f) => `${name}: ${f}`));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const findingsOnPage = (page: Page, within = '[data-testid=findings]') =>
  page.$$eval(`${within} article.finding`, (els) =>
    els.map((e) => ({ rule: e.getAttribute('data-rule'), status: e.getAttribute('data-status'), severity: e.getAttribute('data-severity'), via: e.getAttribute('data-via') })),
  );

const byKey = (a: { rule: string | null; via: string | null }, b: { rule: string | null; via: string | null }) => `${a.rule}|${a.via}`.localeCompare(`${b.rule}|${b.via}`);

beforeAll(async () => {
  requireChromium();
  ensureBuilt();
  [hr, apps] = await Promise.all([serve('cross-source-hr'), serve('entra-owned-apps')]);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--headless'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.proc.kill('SIGTERM');
  await Promise.all(servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))));
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('the analyst console in Chromium', () => {
  test('signs in with the one-time link; the leavers board lists exactly the departed persons', async () => {
    const ctx = await context();
    const page = watch(await ctx.newPage());
    await page.goto(hr.link);
    expect(page.url()).toBe(`${hr.origin}/`);
    const cookie = (await ctx.cookies()).find((c) => c.name === 'revenant_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.waitForSelector('[data-testid=leavers] tbody tr');
    const listed = await page.$$eval('[data-testid=leavers] tbody li[data-account]', (els) =>
      els.filter((e) => !e.textContent!.includes('active, not departed')).map((e) => e.getAttribute('data-account')),
    );
    const exp = expectedOf('cross-source-hr');
    expect(new Set(listed)).toEqual(new Set([...(exp.closed ?? []), ...(exp.notClosed ?? [])]));
    await shot(page, 'leavers');
    // The link worked once: a second use is refused.
    const again = await page.goto(hr.link);
    expect(again!.status()).toBe(401);
    await ctx.close();
  }, 60_000);

  test('signs in with an API key that has the read scope, and comes back to the page it was sent from', async () => {
    const ctx = await context();
    const page = watch(await ctx.newPage());
    await page.goto(`${hr.origin}/changes`);
    expect(page.url()).toBe(`${hr.origin}/login?next=%2Fchanges`);
    await shot(page, 'sign-in');
    await page.fill('#key', createKey(hr.store, ['read']));
    await Promise.all([page.waitForURL(`${hr.origin}/changes`), page.click('button[type=submit]')]);
    await page.waitForSelector('[data-testid=diff]');
    await shot(page, 'changes');
    await ctx.close();
  }, 60_000);

  test('the person view shows exactly the expected findings of each departed subject; a path expands', async () => {
    const { ctx, page } = await signedIn(hr);
    const exp = expectedOf('cross-source-hr');
    const subjects = [...new Set(exp.findings.map((f) => f.subject))];
    for (const s of subjects) {
      await page.goto(`${hr.origin}/subjects/${encodeURIComponent(s)}`);
      await page.waitForSelector('[data-testid=findings]');
      const shown = await findingsOnPage(page);
      // The person view shows every account of the person: keep this subject's (its findings' subject ids).
      const mine = await page.$$eval('[data-testid=findings] article.finding', (els, id) => els.filter((e) => e.querySelector('dd code')?.textContent === id).length, s);
      const want = exp.findings.filter((f) => f.subject === s).map((f) => ({ rule: f.rule, status: f.status, severity: f.severity, via: f.via }));
      expect(mine, s).toBe(want.length);
      for (const w of want) expect(shown, s).toContainEqual(w);
    }
    // A path expands into a drawing with every node of the finding's path.
    await page.goto(`${hr.origin}/subjects/891c8227-6ea5-5c9a-a89e-be6a1661540c`);
    const first = page.locator('article.finding').first();
    await first.locator('button.disclosure').click();
    await first.locator('figure.path-graph svg').waitFor();
    expect(await first.locator('button.disclosure').getAttribute('aria-expanded')).toBe('true');
    expect(await first.locator('figure.path-graph a.path-node').count()).toBeGreaterThanOrEqual(2);
    await first.locator('ul.evidence button').first().click();
    await first.locator('.raw pre').waitFor();
    expect(await first.locator('.raw').textContent()).toContain('unchanged since the load');
    await shot(page, 'person');
    await ctx.close();
  }, 90_000);

  test('what-if shows the residual engine findings for an account that has not left', async () => {
    const { ctx, page } = await signedIn(hr);
    // Oscar Wu has left neither Entra nor Okta: the toggle assumes both his accounts disabled now.
    const active = 'oscar.wu@contoso.com';
    const accounts = ['9934fad4-756a-51be-8aa7-c84112a40bef', '00uGbzbKHBj1rx75zt0d'];
    const want = JSON.parse(
      (await cli('residual', '--collection', join(SCENARIOS, 'cross-source-hr'), ...accounts.flatMap((a) => ['--assume-departed', a]), '--at', expectedOf('cross-source-hr').at, '--format', 'json')).stdout,
    ).findings.map((f: { rule: string; status: string; severity: string; via: { id: string } }) => ({ rule: f.rule, status: f.status, severity: f.severity, via: f.via.id }));
    expect(want.length).toBeGreaterThan(0);
    await page.goto(`${hr.origin}/subjects/${encodeURIComponent(active)}`);
    await page.check('#whatif-toggle');
    await page.waitForSelector('[data-testid=whatif-result]');
    expect(page.url()).toBe(`${hr.origin}/subjects/${encodeURIComponent(active)}?whatif=1`);
    const got = await findingsOnPage(page, '[data-testid=whatif-result]');
    expect(got.sort(byKey)).toEqual(want.sort(byKey));
    await shot(page, 'what-if');
    // A deep link reloads to the same state.
    await page.reload();
    await page.waitForSelector('[data-testid=whatif-result]');
    expect((await findingsOnPage(page, '[data-testid=whatif-result]')).sort(byKey)).toEqual(want.sort(byKey));
    // The back button returns to the previous view.
    await page.goto(`${hr.origin}/?closed=false`);
    await page.waitForSelector('[data-testid=leavers] tbody tr');
    await page.click('[data-testid=leavers] tbody tr:first-child th a');
    await page.waitForSelector('[data-testid=findings]');
    await page.goBack();
    await page.waitForSelector('[data-testid=leavers] tbody tr');
    expect(page.url()).toBe(`${hr.origin}/?closed=false`);
    expect(await page.isChecked('input[name=closed][value=false]')).toBe(true);
    await ctx.close();
  }, 90_000);

  test('the keyboard alone reaches every finding', async () => {
    const { ctx, page } = await signedIn(hr);
    await page.goto(`${hr.origin}/subjects/891c8227-6ea5-5c9a-a89e-be6a1661540c`);
    await page.waitForSelector('[data-testid=findings] article.finding');
    const all = await page.$$eval('article.finding', (els) => els.map((e) => e.id));
    const reached = new Set<string>();
    for (let i = 0; i < 80 && reached.size < all.length; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.closest('article.finding')?.id ?? null);
      if (id) reached.add(id);
    }
    expect([...reached].sort()).toEqual([...all].sort());
    // Enter on a focused disclosure opens it.
    await page.focus('article.finding button.disclosure');
    await page.keyboard.press('Enter');
    await page.waitForSelector('article.finding figure.path-graph');
    // The search box works from the keyboard too.
    await page.focus('#search-input');
    await page.keyboard.type('nora');
    await page.waitForSelector('#search-list li[role=option]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/subjects\//);
    await page.waitForSelector('[data-testid=accounts]');
    expect(await page.textContent('h1')).toContain('Nora');
    await ctx.close();
  }, 60_000);

  test('the graph explorer draws a blast radius with its tier-0 path, expands a node, and finds paths', async () => {
    const { ctx, page } = await signedIn(apps);
    const exp = expectedOf('entra-owned-apps');
    const crit = exp.findings.find((f) => f.severity === 'critical')!;
    await page.goto(`${apps.origin}/subjects/${crit.subject}`);
    await page.waitForSelector('[data-testid=findings] article.finding');
    const card = page.locator(`article.finding[data-severity=critical]`).first();
    await card.locator('button.disclosure').click();
    await card.locator('figure.path-graph svg').waitFor();
    expect(await card.locator('figure.path-graph').textContent()).toContain('TIER 0');
    await shot(page, 'person-tier0');
    await page.goto(`${apps.origin}/graph/${encodeURIComponent(`entra:${crit.subject}`)}`);
    await page.waitForSelector('[data-testid=graph-canvas][data-drawn=true]');
    const before = await page.locator('.node-list li').count();
    expect(before).toBeGreaterThan(1);
    expect(await page.locator('.node-btn.t0').count()).toBeGreaterThan(0);
    await page.check('text=Highlight tier 0');
    await page.locator('.node-list button.node-btn').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('.node-list li').length !== n, before);
    await page.waitForSelector('[data-testid=node-props]');
    await page.fill('#paths-to', 'tier0');
    await page.click('text=Find paths');
    await page.waitForSelector('[data-testid=paths] figure.path-graph');
    expect(page.url()).toContain('to=tier0');
    await shot(page, 'graph');
    await ctx.close();
  }, 90_000);

  test('the graph explorer with the keyboard alone: open a principal, expand and collapse a node, filter by edge kind', async () => {
    const { ctx, page } = await signedIn(apps);
    const exp = expectedOf('entra-owned-apps');
    const principal = `entra:${exp.findings.find((f) => f.severity === 'critical')!.subject}`;
    /** Press Tab (or `key`) until the focused element matches `selector`; fails after `max` presses. */
    const tabTo = async (selector: string, what: string, key = 'Tab', max = 200) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press(key);
        if (await page.evaluate((sel) => !!document.activeElement?.matches(sel), selector)) return;
      }
      throw new Error(`${key} never reached ${what}`);
    };
    const nodeList = () => page.$$eval('.node-list li button', (els) => els.map((e) => e.textContent ?? '').sort());
    await page.waitForSelector('[data-testid=leavers] tbody tr');
    // Open the explorer from the navigation, and a principal from its form.
    await tabTo('a[href="/graph"]', 'the Graph link');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${apps.origin}/graph`);
    await tabTo('#principal', 'the principal field');
    await page.keyboard.type(principal);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${apps.origin}/graph/${encodeURIComponent(principal)}`);
    await page.waitForSelector('[data-testid=graph-canvas][data-drawn=true]');
    const before = await nodeList();
    expect(before.length).toBeGreaterThan(1);

    // Expand the first node of the list with Enter (focusing it shows its properties), then collapse it.
    await tabTo('.node-list button.node-btn[aria-expanded=false]', 'a node of the drawing');
    const focused = await page.evaluate(() => document.activeElement!.textContent);
    await page.waitForSelector('[data-testid=node-props]');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.node-list li').length > n, before.length);
    const expanded = await nodeList();
    expect(expanded.length).toBeGreaterThan(before.length);
    for (const b of before) expect(expanded).toContain(b);
    expect(await page.textContent('.graph-canvas-wrap [role=status]')).toMatch(/^Expanded /);
    const again = page.locator('.node-list button.node-btn', { hasText: focused! }).first();
    expect(await again.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await again.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.node-list li').length === n, before.length);
    expect(await nodeList()).toEqual(before);
    expect(await again.getAttribute('aria-expanded')).toBe('false');

    // Filter by edge kind: Space on an edge-kind box hides that kind's edges, Space again shows them.
    const total = Number(await page.getAttribute('[data-testid=graph-canvas]', 'data-edges-total'));
    expect(total).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('[data-testid=graph-canvas]', 'data-edges-shown'))).toBe(total);
    await tabTo('fieldset.filter input[type=checkbox]', 'an edge-kind filter', 'Shift+Tab');
    const kind = await page.evaluate(() => document.activeElement!.closest('label')!.textContent!.trim());
    await page.keyboard.press('Space');
    await page.waitForFunction((t) => Number(document.querySelector('[data-testid=graph-canvas]')!.getAttribute('data-edges-shown')) < t, total);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(false);
    expect(await page.textContent('.graph-canvas-wrap [role=status]')).toContain(`hidden: ${kind}`);
    await shot(page, 'graph-keyboard');
    await page.keyboard.press('Space');
    await page.waitForFunction((t) => Number(document.querySelector('[data-testid=graph-canvas]')!.getAttribute('data-edges-shown')) === t, total);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
    expect(page.url()).toBe(`${apps.origin}/graph/${encodeURIComponent(principal)}`);
    await ctx.close();
  }, 90_000);

  test('an expired session is sent to sign-in, from a page load and from the page itself', async () => {
    const short = await serve('okta-lifecycle', { console: { sessionTtlMinutes: 0.03 } });
    const ctx = await context();
    const page = watch(await ctx.newPage());
    await page.goto(short.link);
    await page.waitForSelector('[data-testid=leavers] tbody tr');
    await page.waitForTimeout(2200);
    // The page's next API call finds the session gone and goes to sign-in, keeping its place.
    await page.click('a[href="/changes"]');
    await page.waitForURL(`${short.origin}/login?next=%2Fchanges`);
    // A fresh load of a page is redirected too.
    await page.goto(`${short.origin}/graph`);
    expect(page.url()).toBe(`${short.origin}/login?next=%2Fgraph`);
    await ctx.close();
  }, 60_000);

  test('a diff list larger than a page exports as CSV a page at a time, never the whole diff in one response', async () => {
    // One snapshot of a synthetic tenant: every finding is new, more than one CSV page of them.
    const dir = mkdtempSync(join(tmpdir(), 'revenant-console-synth-'));
    temps.push(dir);
    const made = await cli('synth', '--users', '5000', '--seed', '3', '--out', join(dir, 'collection'));
    expect(made.code, made.stderr).toBe(0);
    const big = await serve(join(dir, 'collection'));
    const all = (JSON.parse((await cli('residual', '--all', '--store', big.store, '--format', 'json')).stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);
    expect(all.length).toBeGreaterThan(CSV_PAGE);

    const { ctx, page } = await signedIn(big);
    const diffCalls: URL[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/v1/diff') diffCalls.push(u);
    });
    await page.goto(`${big.origin}/changes`);
    await page.waitForSelector('[data-testid=new] tbody tr');
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('button', { hasText: 'Export CSV' }).first().click()]);
    expect(file.suggestedFilename()).toBe('new.csv');
    const lines = readFileSync((await file.path())!, 'utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('id,rule,status,severity,subject_id,subject,via_id,note');
    const ids = lines.slice(1).map((l) => l.slice(0, l.indexOf(',')));
    expect(ids).toHaveLength(all.length);
    expect(new Set(ids)).toEqual(new Set(all));

    // Every request for the diff asked for a page (the board's first page, then the CSV's pages of `new` alone).
    expect(diffCalls.length).toBeGreaterThan(2);
    for (const u of diffCalls) {
      expect(Number(u.searchParams.get('limit')), u.href).toBeGreaterThan(0);
      expect(Number(u.searchParams.get('limit')), u.href).toBeLessThanOrEqual(CSV_PAGE);
    }
    const pages = diffCalls.filter((u) => u.searchParams.get('list') === 'new');
    expect(pages.map((u) => Number(u.searchParams.get('offset')))).toEqual(Array.from({ length: Math.ceil(all.length / CSV_PAGE) }, (_, i) => i * CSV_PAGE));
    expect(pages.every((u) => u.searchParams.get('to') === pages[0].searchParams.get('to') && u.searchParams.get('to'))).toBe(true);
    await ctx.close();
  }, 240_000);

  test('the page only called /v1, and every view met WCAG 2.1 AA contrast', () => {
    expect(seen.calls.length).toBeGreaterThan(10);
    expect(seen.calls.filter((p) => !p.startsWith('/v1/'))).toEqual([]);
    expect(seen.contrast).toEqual([]);
  });

  test('no request left the origin and nothing was logged as an error', () => {
    const origins = [hr.origin, apps.origin, ...servers.map((s) => s.origin)];
    const outside = seen.requests.filter((u) => !origins.some((o) => u.startsWith(`${o}/`)) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(seen.requests.length).toBeGreaterThan(20);
    expect(outside).toEqual([]);
    // The refused second use of the sign-in link is the only expected error (its 401 page load).
    expect(seen.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
