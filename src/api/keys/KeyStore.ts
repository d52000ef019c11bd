/**
 * API keys: `rvn_<prefix>_<secret>`. The prefix (8 hex characters) is visible and names the key
 * in lists, logs and metrics; only the SHA-256 of the whole key is stored, so a stolen database
 * yields no usable key. A key is shown once, when it is created. Each key has scopes (`read`,
 * `what-if`, `events`, `metrics`, `admin`, `remediate`; `admin` implies every other but `remediate`, which
 * writes to the tenants and is only ever given by name), an optional expiry, an optional
 * per-key rate limit (requests per minute) and can be revoked. Verification compares hashes in
 * constant time and says why a key is refused (unknown, revoked, expired) only to the caller
 * that presented the matching secret.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { InputError } from '../../model/errors.js';

export const SCOPES = ['read', 'what-if', 'events', 'metrics', 'admin', 'remediate'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyInfo {
  prefix: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** Requests per minute; null: the server's default. */
  rateLimit: number | null;
}

export type VerifyResult =
  | { ok: true; key: ApiKeyInfo }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

const KEY_RE = /^rvn_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest();

interface Row {
  prefix: string;
  hash: string;
  name: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  rate_limit: number | null;
}

function toInfo(r: Row): ApiKeyInfo {
  return {
    prefix: r.prefix,
    name: r.name,
    scopes: JSON.parse(r.scopes) as Scope[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    rateLimit: r.rate_limit,
  };
}

export function hasScope(key: ApiKeyInfo, scope: Scope): boolean {
  if (scope === 'remediate') return key.scopes.includes('remediate');
  return key.scopes.includes('admin') || key.scopes.includes(scope);
}

export class KeyStore {
  private readonly sGet: Database.Statement;
  private readonly sTouch: Database.Statement;
  /** last_used_at is written at most once a minute per key (not on every request). */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.sGet = db.prepare('SELECT * FROM api_keys WHERE prefix = ?');
    this.sTouch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE prefix = ?');
  }

  /** Create a key; returns the key itself (to show once) and its record. */
  create(opts: { name: string; scopes: readonly string[]; expiresAt?: string | null; rateLimit?: number | null }): { key: string; info: ApiKeyInfo } {
    const name = opts.name.trim();
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a key name may not hold
    if (!name || name.length > 100 || /[\u0000-\u001f]/.test(name)) throw new InputError('keys: --name must be 1 to 100 printable characters', { field: '--name' });
    const scopes = [...new Set(opts.scopes)];
    if (scopes.length === 0) throw new InputError(`keys: give at least one scope (${SCOPES.join(', ')})`, { field: '--scope' });
    for (const s of scopes) {
      if (!(SCOPES as readonly string[]).includes(s)) throw new InputError(`keys: unknown scope ${JSON.stringify(s)} (expected ${SCOPES.join(', ')})`, { field: '--scope' });
    }
    let expiresAt: string | null = null;
    if (opts.expiresAt) {
      const t = Date.parse(opts.expiresAt);
      if (Number.isNaN(t)) throw new InputError(`keys: --expires ${JSON.stringify(opts.expiresAt)} is not an ISO-8601 date or date-time`, { field: '--expires' });
      if (t <= this.now()) throw new InputError('keys: --expires must be in the future', { field: '--expires' });
      expiresAt = new Date(t).toISOString();
    }
    const rateLimit = opts.rateLimit ?? null;
    if (rateLimit !== null && (!Number.isInteger(rateLimit) || rateLimit < 1 || rateLimit > 10_000_000)) {
      throw new InputError('keys: --rate-limit must be a whole number of requests per minute (1 to 10,000,000)', { field: '--rate-limit' });
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const prefix = randomBytes(4).toString('hex');
      if (this.sGet.get(prefix)) continue;
      const key = `rvn_${prefix}_${randomBytes(32).toString('base64url')}`;
      const createdAt = new Date(this.now()).toISOString();
      this.db
        .prepare('INSERT INTO api_keys(prefix, hash, name, scopes, created_at, expires_at, rate_limit) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(prefix, hashOf(key).toString('hex'), name, JSON.stringify(scopes), createdAt, expiresAt, rateLimit);
      return { key, info: toInfo(this.sGet.get(prefix) as Row) };
    }
    throw new Error('keys: could not find a free key prefix');
  }

  list(): ApiKeyInfo[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, prefix').all() as Row[]).map(toInfo);
  }

  get(prefix: string): ApiKeyInfo | undefined {
    const r = this.sGet.get(prefix) as Row | undefined;
    return r ? toInfo(r) : undefined;
  }

  /** Revoke by prefix (or the whole key); returns the record, or undefined when unknown. */
  revoke(prefixOrKey: string): ApiKeyInfo | undefined {
    const m = KEY_RE.exec(prefixOrKey);
    const prefix = m ? m[1] : prefixOrKey.replace(/^rvn_/, '').replace(/_.*$/, '');
    const r = this.sGet.get(prefix) as Row | undefined;
    if (!r) return undefined;
    if (!r.revoked_at) this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE prefix = ?').run(new Date(this.now()).toISOString(), prefix);
    return toInfo(this.sGet.get(prefix) as Row);
  }

  /** Check a presented key. Never throws on hostile input. */
  verify(presented: string): VerifyResult {
    const m = KEY_RE.exec(presented);
    if (!m) return { ok: false, reason: 'malformed' };
    const r = this.sGet.get(m[1]) as Row | undefined;
    const want = r ? Buffer.from(r.hash, 'hex') : Buffer.alloc(32);
    const same = timingSafeEqual(want, hashOf(presented));
    if (!r || !same) return { ok: false, reason: 'unknown' };
    if (r.revoked_at) return { ok: false, reason: 'revoked' };
    const now = this.now();
    if (r.expires_at && Date.parse(r.expires_at) <= now) return { ok: false, reason: 'expired' };
    const last = this.touched.get(r.prefix) ?? 0;
    if (now - last > 60_000) {
      this.touched.set(r.prefix, now);
      try {
        this.sTouch.run(new Date(now).toISOString(), r.prefix);
      } catch {
        // a busy database must not fail the request
      }
    }
    return { ok: true, key: toInfo(r) };
  }
}
