/**
 * Drift guard for the documentation's links: every relative link in README.md, bench/README.md and
 * docs/*.md names a file or folder that exists, and every `#anchor` (in the same file or in another
 * Markdown file) matches a heading there, slugged as GitHub slugs headings. Code blocks and inline
 * code are not links. No Markdown parser is a dependency, so headings and links are read with the
 * few CommonMark rules these files use (ATX headings, fenced code, inline `[text](target)` links).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/scenarios.js';

/** GitHub's heading anchor: inline markup dropped, lower case, punctuation removed, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

interface Parsed {
  anchors: Set<string>;
  links: { line: number; target: string }[];
}

/** Headings' anchors (a repeated heading gets -1, -2, … as on GitHub) and inline links, outside code. */
function parse(text: string): Parsed {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const links: Parsed['links'] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      return;
    }
    if (fence !== null) return;
    const h = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (h) {
      const s = slug(h[1]);
      const n = seen.get(s) ?? 0;
      anchors.add(n === 0 ? s : `${s}-${n}`);
      seen.set(s, n + 1);
    }
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) links.push({ line: i + 1, target: m[1] });
  });
  return { anchors, links };
}

/** Every relative link of `file` that does not resolve, as `file:line: target (why)`. */
function brokenLinks(file: string, text: string, read: (path: string) => string | null): string[] {
  const out: string[] = [];
  const own = parse(text);
  for (const { line, target } of own.links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const hash = target.indexOf('#');
    const path = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? '' : decodeURIComponent(target.slice(hash + 1));
    const to = path === '' ? file : resolve(dirname(file), path);
    const where = `${relative(ROOT, file)}:${line}: ${target}`;
    if (path !== '' && !existsSync(to)) {
      out.push(`${where} (no such file)`);
      continue;
    }
    if (anchor === '') continue;
    const body = path === '' ? text : to.endsWith('.md') ? read(to) : null;
    if (body === null) out.push(`${where} (an anchor on a file that is not Markdown)`);
    else if (!parse(body).anchors.has(anchor)) out.push(`${where} (no heading with that anchor)`);
  }
  return out;
}

const readMd = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : null);
const DOCS = [
  join(ROOT, 'README.md'),
  join(ROOT, 'bench', 'README.md'),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f)),
];

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Offboarding runbook: plan, review, apply, verify, evidence')).toBe('offboarding-runbook-plan-review-apply-verify-evidence');
    expect(slug('A first load offline: `revenant neo4j import`')).toBe('a-first-load-offline-revenant-neo4j-import');
    expect(slug('250,000 people with GitHub and Azure (issue 16)')).toBe('250000-people-with-github-and-azure-issue-16');
    expect(slug("History: the README's Performance section up to session 13")).toBe('history-the-readmes-performance-section-up-to-session-13');
    expect(slug('Scaling, 1k → 1M')).toBe('scaling-1k--1m');
  });

  it('finds a broken anchor, a missing file, and links only outside code', () => {
    const file = join(ROOT, 'README.md');
    const md = [
      '# Title',
      '## Part',
      '## Part',
      '[ok](#part-1) [bad](#nope) [gone](no/such/file.md) `[code](#nope2)`',
      '```',
      '# not a heading',
      '[in a fence](#nope3)',
      '```',
      '[external](https://example.com/#x)',
    ].join('\n');
    expect(brokenLinks(file, md, readMd)).toEqual(['README.md:4: #nope (no heading with that anchor)', 'README.md:4: no/such/file.md (no such file)']);
  });

  it('every relative link and anchor in README.md, bench/README.md and docs/ resolves', () => {
    const parsed = DOCS.map((f) => parse(readFileSync(f, 'utf8')));
    // The README links into bench/README.md and docs/: the check is not vacuous.
    expect(parsed[0].links.filter((l) => l.target.includes('#')).length).toBeGreaterThan(5);
    const broken = DOCS.flatMap((f) => brokenLinks(f, readFileSync(f, 'utf8'), readMd));
    expect(broken).toEqual([]);
  });
});
