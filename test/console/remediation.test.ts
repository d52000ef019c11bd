/**
 * The person view's remediation section in a real browser (Debian's chromium through
 * playwright-core) against `revenant serve` and the Graph fake: the plan is shown — the actions
 * to apply with their calls, what each breaks and how to undo it, and what the guard rails hold
 * back with the switch that lifts them; a session whose key may not remediate, or on a server that
 * does not enable remediation, cannot apply; with both, the reviewed plan is applied after a
 * confirmation naming it, the job is followed until every action is done, and the tenant received
 * exactly the plan's calls. Fails, never skips, without Chromium.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../src/reports/chromium.js';
import { createKey } from '../api/helpers.js';
import { type LiveScenario, type Served, ensureBuilt, liveScenario, serveWithRemediation, stopServed } from '../remediate/helpers.js';

const CHROMIUM = process.env.REVENANT_CHROMIUM ?? '/usr/bin/chromium';
const ALICE = '4b90264f-c87d-5281-a083-91a09f9d78fc';

let browser: Browser;
let l: LiveScenario;
let on: Served;
let off: Served;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`console remediation test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set REVENANT_CHROMIUM)`);
  ensureBuilt();
  l = await liveScenario('entra-owned-apps');
  [on, off] = await Promise.all([serveWithRemediation(l, true), serveWithRemediation(l, false)]);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--headless'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopServed();
  await l?.stop();
});

async function signIn(s: Served, scopes: ('read' | 'remediate' | 'what-if')[]): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.origin}/login`);
  await page.fill('#key', createKey(l.store, scopes));
  await Promise.all([page.waitForURL(`${s.origin}/`), page.click('button[type=submit]')]);
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

describe('remediation in the person view', () => {
  test('the plan is shown; without the remediate scope, or on a server that does not enable it, nothing can be applied', async () => {
    for (const [s, scopes] of [
      [on, ['read']],
      [off, ['read', 'remediate']],
    ] as const) {
      const page = await signIn(s, [...scopes]);
      await page.goto(`${s.origin}/subjects/${ALICE}`);
      await page.click('#plan-button');
      await page.waitForSelector('[data-testid=plan-actions]');
      expect(await page.$$eval('[data-testid=plan-actions] > li', (els) => els.length)).toBe(6);
      const text = await page.textContent('[data-testid=remediation]');
      expect(text).toMatch(/Remove client secret deploy/);
      expect(text).toMatch(/Breaks: every workload that signs in as the application/);
      expect(text).toMatch(/cannot be undone/);
      expect(text).toMatch(/Needs: entra: Application\.ReadWrite\.All/);
      expect(await page.textContent('[data-testid=plan-held]')).toMatch(/last owner left/);
      expect(await page.$('[data-testid=apply]')).toBeNull();
      await page.waitForSelector('[data-testid=apply-unavailable]');
      await page.context().close();
    }
    expect(l.graph!.writes.length).toBe(0);
  }, 120_000);

  test('lifting a guard plans again; applying asks for the reviewed plan, then follows the job to the end', async () => {
    const page = await signIn(on, ['read', 'remediate']);
    await page.goto(`${on.origin}/subjects/${ALICE}`);
    // Nothing is planned until asked.
    await page.waitForSelector('#plan-button');
    expect(await page.$('[data-testid=plan-summary]')).toBeNull();
    await page.click('#plan-button');
    await page.waitForSelector('[data-testid=plan-actions]');
    // Lift the last-owner guard, and put it back: the plan is asked for again each time.
    const before = await page.textContent('[data-testid=plan-summary]');
    await page.check('[data-testid=plan-held] input[type=checkbox]');
    await page.waitForFunction((b) => document.querySelector('[data-testid=plan-summary]')?.textContent !== b && document.querySelectorAll('[data-testid=plan-actions] > li').length === 7, before);
    await page.uncheck('[data-testid=plan-held] input[type=checkbox]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=plan-actions] > li').length === 6);
    expect(await page.isDisabled('#apply-button')).toBe(true);
    await page.check('#apply-confirm');
    await page.click('#apply-button');
    await page.waitForFunction(() => document.querySelector('[data-testid=job-state]')?.textContent === 'finished', null, { timeout: 90_000 });
    const outcomes = await page.$$eval('[data-testid=job] tr[data-outcome]', (rows) => rows.map((r) => r.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(l.graph!.writes.length).toBe(6);
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
  }, 180_000);
});
