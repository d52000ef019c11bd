/**
 * The report and the attestation in a real browser: Debian's chromium, headless through
 * playwright-core, opens report.html from disk and the test checks that the charts and the
 * tier-0 path pictures render (non-empty SVG with visible marks and text), that nothing is
 * logged to the console as an error, and that the page makes no network request. The evidence
 * page renders the same way and prints to PDF. Needs /usr/bin/chromium (`apt-get install -y
 * chromium`; .ci/run installs it): without it this test FAILS with that message, it is not skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { withChromium } from '../../src/reports/chromium.js';
import { writeEvidence } from '../../src/reports/writeEvidence.js';
import { writeReport } from '../../src/reports/writeReport.js';
import { type TwoSnapshots, twoSnapshots } from './fixture.js';

const CHROMIUM = process.env.REVENANT_CHROMIUM ?? '/usr/bin/chromium';
let t: TwoSnapshots;
let reportHtml: string;
let tier0Count: number;

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `browser test: no Chromium at ${CHROMIUM}. Install Debian's chromium (apt-get install -y chromium; .ci/run does this) or set REVENANT_CHROMIUM to a Chromium binary.`,
    );
  }
}

interface Observed {
  requests: string[];
  errors: string[];
}

async function open(ctx: BrowserContext, file: string): Promise<{ page: Page; seen: Observed }> {
  const page = await ctx.newPage();
  const seen: Observed = { requests: [], errors: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.errors.push(`pageerror: ${e.message}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForTimeout(300); // let late requests (icons, fonts) show up if there were any
  return { page, seen };
}

beforeAll(async () => {
  requireChromium();
  t = await twoSnapshots();
  await t.loadSecond();
  const r = await writeReport({ out: join(t.root, 'report'), store: t.storeDir });
  reportHtml = join(r.out, 'report.html');
  tier0Count = r.doc.tier0Live.length;
  expect(tier0Count).toBeGreaterThan(0);
}, 60_000);

afterAll(() => t?.cleanup());

describe('report.html in headless Chromium', () => {
  test('charts and path pictures render, no console error, no network request', async () => {
    requireChromium();
    await withChromium(CHROMIUM, async (ctx) => {
      const { page, seen } = await open(ctx, reportHtml);
      const pageUrl = pathToFileURL(reportHtml).href;
      expect(seen.requests.filter((u) => u !== pageUrl && !u.startsWith('data:'))).toEqual([]);
      expect(seen.errors).toEqual([]);

      const charts = await page.evaluate(() =>
        ['chart-status', 'chart-severity', 'chart-time-to-disable'].map((id) => {
          const svg = document.querySelector(`figure#${id} svg`) as SVGSVGElement | null;
          if (!svg) return { id, width: 0, height: 0, marks: 0, text: 0 };
          const r = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll('path')].filter((p) => {
            const b = (p as SVGGraphicsElement).getBBox();
            return b.width > 0 && b.height > 0;
          }).length;
          const text = [...svg.querySelectorAll('text')].filter((x) => (x as SVGTextContentElement).getComputedTextLength() > 0).length;
          return { id, width: r.width, height: r.height, marks, text };
        }),
      );
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(100);
        expect(c.height, c.id).toBeGreaterThan(100);
        expect(c.marks, c.id).toBeGreaterThan(0);
        expect(c.text, c.id).toBeGreaterThan(3);
      }

      const pictures = await page.evaluate(() =>
        [...document.querySelectorAll('section#tier0 figure.path-figure svg')].map((svg) => {
          const r = svg.getBoundingClientRect();
          const boxes = [...svg.querySelectorAll('g.node rect')].filter((x) => (x as SVGGraphicsElement).getBBox().width > 0).length;
          const text = [...svg.querySelectorAll('g.node text')].filter((x) => (x as SVGTextContentElement).getComputedTextLength() > 0).length;
          const arrows = [...svg.querySelectorAll('line, path')].filter((x) => {
            const b = (x as SVGGraphicsElement).getBBox();
            return b.width + b.height > 0;
          }).length;
          return { width: r.width, height: r.height, boxes, text, arrows };
        }),
      );
      expect(pictures).toHaveLength(tier0Count);
      for (const p of pictures) {
        expect(p.width).toBeGreaterThan(200);
        expect(p.height).toBeGreaterThan(30);
        expect(p.boxes).toBeGreaterThanOrEqual(4);
        expect(p.text).toBeGreaterThanOrEqual(4);
        expect(p.arrows).toBeGreaterThan(0);
      }
      // The collapsed rows open without a script.
      const sections = await page.evaluate(() => [...document.querySelectorAll('main > section')].map((s) => s.id));
      expect(sections).toEqual(['summary', 'changes', 'coverage-lost', 'trends', 'leavers', 'tier0', 'ownerless', 'remediations', 'findings', 'accepted', 'coverage', 'method']);
      await page.close();
    });
  }, 120_000);

  test('the leaver attestation renders without error and prints to PDF', async () => {
    requireChromium();
    const prev = process.env.REVENANT_CHROMIUM;
    process.env.REVENANT_CHROMIUM = CHROMIUM;
    let res;
    try {
      res = await writeEvidence({ subject: 'alice@contoso.com', out: join(t.root, 'evidence'), store: t.storeDir, pdf: 'always' });
    } finally {
      if (prev === undefined) delete process.env.REVENANT_CHROMIUM;
      else process.env.REVENANT_CHROMIUM = prev;
    }
    const pdf = res.files.find((f) => f.endsWith('.pdf'))!;
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(pdf).length).toBeGreaterThan(5000);
    const htmlFile = res.files.find((f) => f.endsWith('.html'))!;
    await withChromium(CHROMIUM, async (ctx) => {
      const { page, seen } = await open(ctx, htmlFile);
      expect(seen.errors).toEqual([]);
      expect(seen.requests.filter((u) => u !== pathToFileURL(htmlFile).href && !u.startsWith('data:'))).toEqual([]);
      expect(await page.locator('#timeline tbody tr').count()).toBeGreaterThan(5);
      await page.close();
    });
  }, 120_000);
});
