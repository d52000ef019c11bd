/**
 * Instants. Every comparison in analysis uses the analysis time `at`, never the wall clock. A
 * date without a time means 00:00:00Z of that day; a date-time without a zone is read as UTC.
 */

/** Milliseconds since the epoch, or null for null/empty/unreadable values. */
export function instant(v: unknown): number | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  let s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export const HOUR_MS = 3_600_000;
