/**
 * Time for the synthetic tenant: every date is an offset from the analysis time `at` (never the
 * wall clock), kept in whole seconds, and printed the way each API prints it: Graph without
 * milliseconds (`2026-10-15T09:00:00Z`), Okta with them (`2026-10-12T10:00:00.000Z`), HR as a
 * plain date (`2026-09-01`, which the catalogue reads as midnight UTC).
 */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The default analysis and collection time. */
export const DEFAULT_AT = '2026-11-01T00:00:00Z';

/** The last instant `toISOString` prints with a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_FOUR_DIGIT_YEAR = 253402300799999;
const dayText = new Map<number, string>();
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()` split into its date (`YYYY-MM-DD`, memoised per day: a tenant's
 * dates fall on a few thousand days) and its time of day as numbers; null outside 1970–9999,
 * where the callers fall back on Date itself. Synth prints tens of millions of dates.
 */
function isoParts(ms: number): { day: string; h: number; m: number; s: number; milli: number } | null {
  if (!(ms >= 0 && ms <= MAX_FOUR_DIGIT_YEAR)) return null;
  const t = Math.floor(ms);
  const d = Math.floor(t / DAY);
  let day = dayText.get(d);
  if (day === undefined) {
    day = new Date(d * DAY).toISOString().slice(0, 10);
    dayText.set(d, day);
  }
  let r = t - d * DAY;
  const h = Math.floor(r / HOUR);
  r -= h * HOUR;
  const m = Math.floor(r / MINUTE);
  r -= m * MINUTE;
  const s = Math.floor(r / SECOND);
  return { day, h, m, s, milli: r - s * SECOND };
}

/** Graph's form: seconds, `Z` (milliseconds only when there are any). */
export function graphTime(ms: number): string {
  const p = isoParts(ms);
  if (!p) return new Date(ms).toISOString().replace('.000Z', 'Z');
  return `${p.day}T${two(p.h)}:${two(p.m)}:${two(p.s)}${p.milli === 0 ? '' : `.${three(p.milli)}`}Z`;
}

/** Okta's form: milliseconds, `Z`. */
export function oktaTime(ms: number): string {
  const p = isoParts(ms);
  if (!p) return new Date(ms).toISOString();
  return `${p.day}T${two(p.h)}:${two(p.m)}:${two(p.s)}.${three(p.milli)}Z`;
}

/** A plain date (HR). */
export function dateOnly(ms: number): string {
  const p = isoParts(ms);
  return p ? p.day : new Date(ms).toISOString().slice(0, 10);
}

/** Round down to a whole second. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}
