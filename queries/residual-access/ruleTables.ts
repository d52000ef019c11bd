/**
 * The rule tables of the documentation, rendered from the rules' own declarations (one source of
 * truth): README.md's rule table (id, status, title, via, applies to) and the coverage table of
 * docs/residual-access-rules.md (which datasets each rule needs). Each lives in its document
 * between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`; `node scripts/rule-tables.mjs`
 * rewrites them and test/drift/ruleTables.test.ts fails when a document is not current.
 */
import { RULES } from './index.js';
import type { Rule } from './Rule.js';

const code = (s: string) => `\`${s}\``;

/** README.md's rule table: one row per rule, in catalogue order. */
export function readmeRuleTable(rules: readonly Rule[] = RULES): string {
  const rows = rules.map((r) => `| ${code(r.id)} | ${r.statuses.join(' or ')} | ${r.title} | ${r.viaDoc} | ${r.appliesTo === 'departed' ? 'every departed' : 'disabled in its own source'} |`);
  return ['| id | status | finds | via | applies to |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** What a rule's `needs` reads as in the coverage table (cross-source rules: the users of every source, HR people). */
function needsText(r: Rule): string {
  if (r.source === 'cross') {
    const perSource = Object.entries(r.needs).map(([s, ds]) => `${s} ${(ds ?? []).join(', ')}`);
    return `${perSource.join('; ')} (each source present; HR only when an HR source is present)`;
  }
  return (r.needs[r.source] ?? []).join(', ');
}

/** docs/residual-access-rules.md's coverage table: consecutive rules with the same needs share a row. */
export function needsTable(rules: readonly Rule[] = RULES): string {
  const rows: { ids: string[]; needs: string }[] = [];
  for (const r of rules) {
    const needs = needsText(r);
    const last = rows[rows.length - 1];
    if (last && last.needs === needs) last.ids.push(r.id);
    else rows.push({ ids: [r.id], needs });
  }
  return ['| rule | needs |', '|---|---|', ...rows.map((x) => `| ${x.ids.map(code).join(', ')} | ${x.needs} |`)].join('\n');
}

/** Every generated region: the document (relative to the repository root), the region's name and its text. */
export function generatedRegions(): { file: string; name: string; text: string }[] {
  return [
    { file: 'README.md', name: 'rules', text: readmeRuleTable() },
    { file: 'docs/residual-access-rules.md', name: 'rule-needs', text: needsTable() },
  ];
}

const markers = (name: string) => [`<!-- generated:${name} (node scripts/rule-tables.mjs; do not edit) -->`, `<!-- /generated:${name} -->`] as const;

/** The text between a region's markers, or null when the document has no such region. */
export function readRegion(doc: string, name: string): string | null {
  const [open, close] = markers(name);
  const i = doc.indexOf(open);
  const j = doc.indexOf(close);
  if (i < 0 || j < i) return null;
  return doc.slice(i + open.length, j).trim();
}

/** The document with the region's text replaced (an error when the markers are missing). */
export function writeRegion(doc: string, name: string, text: string): string {
  const [open, close] = markers(name);
  const i = doc.indexOf(open);
  const j = doc.indexOf(close);
  if (i < 0 || j < i) throw new Error(`rule-tables: no ${open} … ${close} region`);
  return `${doc.slice(0, i + open.length)}\n${text}\n${doc.slice(j)}`;
}
