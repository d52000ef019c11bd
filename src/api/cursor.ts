/**
 * Cursors of `GET /v1/findings`, opaque to clients. A first request (no cursor) lists the
 * findings of the snapshot being served, by finding id; its cursor is a `list` cursor: the last id
 * listed and `end`, the change-feed position of that snapshot. When the listing is done, the
 * cursor becomes a `changes` cursor at `end`, and from there on each page is the change feed's
 * events after the cursor's position (created, updated, closed, reopened — store/ChangeFeed.ts).
 * Every cursor names the feed it belongs to (`epoch`) and a digest of the filters it was made for.
 * A cursor of the first version (positions by first-seen snapshot) cannot be continued.
 */
import { createHash } from 'node:crypto';

export type Cursor =
  | { phase: 'list'; epoch: string; end: number; after: string; digest: string }
  | { phase: 'changes'; epoch: string; after: number; digest: string };

export type Decoded = Cursor | { phase: 'legacy' } | null;

export function filterDigest(filters: Record<string, unknown>): string {
  const norm = Object.keys(filters)
    .sort()
    .map((k) => {
      const v = filters[k];
      return [k, Array.isArray(v) ? [...(v as unknown[])].map(String).sort() : (v ?? null)];
    });
  return createHash('sha256').update(JSON.stringify(norm)).digest('base64url').slice(0, 12);
}

export function encodeCursor(c: Cursor): string {
  const o = c.phase === 'list' ? { v: 2, p: 'l', e: c.epoch, s: c.end, i: c.after, f: c.digest } : { v: 2, p: 'c', e: c.epoch, s: c.after, f: c.digest };
  return Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
}

const position = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Decode a cursor; `legacy` for a first-version cursor, null when it is not one of ours (the caller answers 400). */
export function decodeCursor(cursor: string): Decoded {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object') return null;
  if (o.v === 1 && typeof o.s === 'string' && typeof o.i === 'string' && typeof o.f === 'string') return { phase: 'legacy' };
  if (o.v !== 2 || typeof o.e !== 'string' || o.e.length > 32 || typeof o.f !== 'string' || !position(o.s)) return null;
  if (o.p === 'l' && typeof o.i === 'string' && o.i.length <= 64) return { phase: 'list', epoch: o.e, end: o.s, after: o.i, digest: o.f };
  if (o.p === 'c') return { phase: 'changes', epoch: o.e, after: o.s, digest: o.f };
  return null;
}
