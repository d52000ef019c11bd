/**
 * Snapshot ids: the UTC instant a snapshot was made, `YYYYMMDD-HHMMSS-mmm`, so that ids sort in
 * the order the snapshots were made. Both engines name snapshots this way.
 */

/** The id of a snapshot made at `d`. */
export function snapshotStamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}`;
}
