/**
 * A headless Chromium through playwright-core, for the attestation PDF (and the browser test):
 * finds an installed Chromium (REVENANT_CHROMIUM, else Debian's /usr/bin/chromium and the usual
 * names — playwright-core never downloads one), launches it with an empty profile folder and
 * every background network feature off, lets the page load only file: and data: URLs, and
 * removes the profile afterwards.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Path of an installed Chromium, or null. */
export function findChromium(): string | null {
  const env = process.env.REVENANT_CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Run `fn` with a fresh headless browser context; always closes it and removes its profile. */
export async function withChromium<T>(executablePath: string, fn: (ctx: BrowserContext) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'revenant-chromium-'));
  let ctx: BrowserContext | undefined;
  try {
    ctx = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, offline: true, timeout: 60_000 });
    await ctx.route('**/*', (route) => {
      const u = route.request().url();
      return u.startsWith('file:') || u.startsWith('data:') ? route.continue() : route.abort('blockedbyclient');
    });
    return await fn(ctx);
  } finally {
    await ctx?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Print an HTML file to PDF (A4, backgrounds on). */
export async function htmlToPdf(executablePath: string, htmlPath: string, pdfPath: string): Promise<void> {
  await withChromium(executablePath, async (ctx) => {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  });
}
