/** Small formatting and export helpers shared by the views: dates, durations, CSV, downloads. */
export const fmtDate = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : '—');

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const h = ms / 3_600_000;
  if (h < 1) return `${Math.round(ms / 60_000)} min`;
  if (h < 48) return `${Math.round(h)} h`;
  return `${Math.round(h / 24)} d`;
}

export const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** Findings per request when a list of the diff is exported: its CSV is made a page at a time, never from the whole diff at once. */
export const CSV_PAGE = 2_000;

export type CsvCell = string | number | boolean | null | undefined;

/** RFC 4180 CSV lines (each ending CRLF): fields quoted when they hold a comma, quote or line break; formulas neutralised. */
export function csvLines(rows: CsvCell[][]): string {
  const cell = (v: CsvCell) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => `${r.map(cell).join(',')}\r\n`).join('');
}

/** RFC 4180 CSV with a header line (see csvLines). */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return csvLines([header, ...rows]);
}

export function download(name: string, data: Blob | string, type = 'text/csv;charset=utf-8'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A principal as the graph explorer names it: `source:id` (resolved by the API like the CLI does). */
export const principalOf = (n: { source?: string; id?: string }) => (n.source && n.source !== 'person' ? `${n.source}:${n.id}` : String(n.id));

export const STATUS_ORDER = ['live', 'window', 'unverified', 'dormant'] as const;
export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const;
