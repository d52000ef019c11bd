/**
 * Drift guard: the documentation's rule tables are the rules' own declarations. README.md's rule
 * table and docs/residual-access-rules.md's coverage table are generated (scripts/rule-tables.mjs)
 * and must be current; the catalogue's per-source rule tables (prose "fires when", so written by
 * hand) must list exactly the engine's rules, by source, in catalogue order, with their statuses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../queries/residual-access/index.js';
import { generatedRegions, needsTable, readRegion, readmeRuleTable, writeRegion } from '../../queries/residual-access/ruleTables.js';
import type { Rule } from '../../queries/residual-access/Rule.js';
import { ROOT } from '../support/scenarios.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Rows of the first table under a `## heading` of a markdown document, as arrays of trimmed cells. */
function tableUnder(doc: string, heading: string): string[][] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  expect(start, `no "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + 1);
  const end = rest.indexOf('\n## ');
  const lines = (end < 0 ? rest : rest.slice(0, end)).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].slice(1, -1).split(' | ').map((c) => c.trim()));
  return rows;
}

describe('generated rule tables', () => {
  for (const { file, name, text } of generatedRegions()) {
    it(`${file} (${name}) is current: run node scripts/rule-tables.mjs after changing a rule`, () => {
      expect(readRegion(read(file), name)).toBe(text);
    });
  }

  it('the README table has one row per rule with its declared status, title, via and scope', () => {
    const rows = readmeRuleTable().split('\n').slice(2);
    expect(rows.map((r) => r.split(' | ')[0].slice(3, -1))).toEqual(RULES.map((r) => r.id));
    const sessions = RULES.find((r) => r.id === 'entra.sessions-not-revoked') as Rule;
    expect(readmeRuleTable([sessions])).toContain('| window or dormant | Sign-in sessions');
  });

  it('the coverage table groups consecutive rules with the same needs and names every rule once', () => {
    const text = needsTable();
    for (const r of RULES) expect(text.split(`\`${r.id}\``).length - 1, r.id).toBe(1);
    expect(text).toContain('| `entra.owned-app-secret`, `entra.owned-app-certificate` |');
  });

  it('a region is replaced in place and a document without markers is an error', () => {
    const doc = 'a\n<!-- generated:x (node scripts/rule-tables.mjs; do not edit) -->\nold\n<!-- /generated:x -->\nb\n';
    const out = writeRegion(doc, 'x', 'new');
    expect(readRegion(out, 'x')).toBe('new');
    expect(out.startsWith('a\n') && out.endsWith('\nb\n')).toBe(true);
    expect(() => writeRegion('no markers', 'x', 'new')).toThrow(/no <!-- generated:x/);
  });
});

describe('the catalogue document (docs/residual-access-rules.md)', () => {
  const doc = read('docs/residual-access-rules.md');
  const sections: [string, (r: Rule) => boolean][] = [
    ['Entra rules', (r) => r.source === 'entra'],
    ['Okta rules', (r) => r.source === 'okta'],
    ['Cross-source rules', (r) => r.source === 'cross'],
    ['GitHub rules', (r) => r.source === 'github'],
    ['Azure rules', (r) => r.source === 'azure'],
  ];

  for (const [heading, belongs] of sections) {
    it(`"${heading}" lists exactly the engine's rules of that source, in order, with their statuses`, () => {
      const rows = tableUnder(doc, heading);
      const rules = RULES.filter(belongs);
      expect(rows.map((r) => r[0])).toEqual(rules.map((r) => `\`${r.id}\``));
      expect(rows.map((r) => r[1])).toEqual(rules.map((r) => r.statuses.join(' or ')));
    });
  }

  it('the sections together name every rule of the engine', () => {
    const ids = sections.flatMap(([h]) => tableUnder(doc, h).map((r) => r[0].slice(1, -1)));
    expect([...ids].sort()).toEqual(RULES.map((r) => r.id).sort());
  });
});
