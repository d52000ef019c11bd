/**
 * Cursors of `GET /v1/findings`. Findings are listed in a fixed order that does not depend on
 * the snapshot: by the snapshot in which each finding was first seen, then by finding id. A
 * cursor is the opaque encoding of the sort key of the last item returned (plus a digest of the
 * filters it was made for), so it resumes at the same place in any later snapshot: findings that
 * persist keep their place, findings that appear later sort after every earlier one, and a page
 * is never repeated or skipped because a new snapshot was swapped in. The last page returns a
 * cursor too, and asking with it later returns exactly what appeared since.
 */
import { createHash } from 'node:crypto';

export interface SortKey {
  /** Snapshot id in which the finding was first seen. */
  s: string;
  /** Finding id. */
  i: string;
}

export const START: SortKey = { s: '', i: '' };

export function compareKeys(a: SortKey, b: SortKey): number {
  return a.s < b.s ? -1 : a.s > b.s ? 1 : a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
}

export function filterDigest(filters: Record<string, unknown>): string {
  const norm = Object.keys(filters)
    .sort()
    .map((k) => {
      const v = filters[k];
      return [k, Array.isArray(v) ? [...(v as unknown[])].map(String).sort() : (v ?? null)];
    });
  return createHash('sha256').update(JSON.stringify(norm)).digest('base64url').slice(0, 12);
}

export function encodeCursor(key: SortKey, digest: string): string {
  return Buffer.from(JSON.stringify({ v: 1, s: key.s, i: key.i, f: digest }), 'utf8').toString('base64url');
}

/** Decode a cursor; null when it is not one of ours (the caller answers 400). */
export function decodeCursor(cursor: string): { key: SortKey; digest: string } | null {
  try {
    const o = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (o.v !== 1 || typeof o.s !== 'string' || typeof o.i !== 'string' || typeof o.f !== 'string') return null;
    if (o.s.length > 64 || o.i.length > 64) return null;
    return { key: { s: o.s, i: o.i }, digest: o.f };
  } catch {
    return null;
  }
}
