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

/** Graph's form: seconds, `Z`. */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Okta's form: milliseconds, `Z`. */
export function oktaTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A plain date (HR). */
export function dateOnly(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Round down to a whole second. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}
