/**
 * Renders a findings document for people: a table with a summary. JSON output is the document
 * itself; CSV is the findings CSV of src/reports/csv.ts (one column table for every findings
 * CSV). Each rendering is produced in pieces (`…Chunks`), so half a million findings stream out
 * instead of becoming one string.
 */
import type { FindingsDoc } from '../../queries/residual.js';

/** Aligned columns, one line (with its newline) at a time; cells longer than `maxWidth` are cut. */
export function* tableLines(header: string[], rows: readonly string[][], maxWidth = 48): Generator<string> {
  const cut = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const widths = header.map((h) => cut(h).length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], cut(r[i] ?? '').length);
  for (const r of [header, ...rows]) yield `${r.map((c, i) => (i === r.length - 1 ? cut(c) : cut(c).padEnd(widths[i]))).join('  ').trimEnd()}\n`;
}

/** Pad cells into aligned columns. */
export function table(header: string[], rows: string[][], maxWidth = 48): string {
  return [...tableLines(header, rows, maxWidth)].join('').slice(0, -1);
}

export function findingsTable(doc: FindingsDoc): string {
  return [...findingsTableChunks(doc)].join('');
}

export function* findingsTableChunks(doc: FindingsDoc): Generator<string> {
  const out: string[] = [];
  const departed = doc.subjects.filter((s) => s.departed);
  const closed = departed.filter((s) => s.closed).length;
  out.push(`Residual access at ${doc.at}${doc.snapshot ? ` (snapshot ${doc.snapshot})` : ''}`);
  out.push(`${departed.length} departed subject${departed.length === 1 ? '' : 's'}, ${closed} closed; ${doc.findings.length} finding${doc.findings.length === 1 ? '' : 's'}`);
  const notDeparted = doc.subjects.filter((s) => !s.departed);
  for (const s of notDeparted) out.push(`note: ${s.source} ${s.name} is not departed (use --assume-departed ${s.name} to see what would remain)`);
  if (doc.findings.length) {
    out.push('');
    yield `${out.join('\n')}\n`;
    out.length = 0;
    yield* tableLines(
        ['SEVERITY', 'STATUS', 'RULE', 'SUBJECT', 'VIA', 'VALID UNTIL', 'REACHES'],
        doc.findings.map((f) => [
          f.severity,
          f.status,
          f.rule,
          f.subject.name,
          `${f.via.kind} ${f.via.name}`,
          f.validUntil ?? '-',
          f.reaches.tier0 ? `TIER 0: ${f.reaches.privileges.filter(Boolean)[0] ?? ''}` : (f.reaches.privileges[0] ?? '-'),
        ]),
    );
  }
  const open = departed.filter((s) => s.closed === false && s.findings === 0);
  if (open.length) {
    out.push('');
    for (const s of open) out.push(`not closed: ${s.source} ${s.name}: ${s.closure}`);
  }
  for (const [key, c] of Object.entries(doc.coverage)) {
    if (c.uncoveredRules.length) {
      out.push('');
      out.push(`coverage: ${key}: ${[...c.partial.map((d) => `${d} partial`), ...c.missing.map((d) => `${d} missing`)].join(', ')}`);
      out.push(`  uncovered rules (missing data never reads as "no access"): ${c.uncoveredRules.join(', ')}`);
    }
  }
  if (out.length) yield `${out.join('\n')}\n`;
}
