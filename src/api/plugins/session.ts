/**
 * Console sessions: the browser's way to present a `read`-scoped identity, beside API keys
 * (auth.ts accepts either). A session starts from the one-time sign-in link `revenant serve`
 * prints (as Jupyter does: single use, valid until used or `console.linkTtlMinutes`), or from
 * `POST /login` with an API key that has the `read` scope. The browser holds only a random
 * session id in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` when the server says HTTPS is
 * in front); the server keeps the SHA-256 of it in memory, so a restart signs everyone out and
 * nothing about a session touches disk. A session ends at `console.sessionTtlMinutes` after
 * sign-in, at sign-out, or — for a key session — as soon as its key is revoked or expires (the
 * key is checked again on every request, and the session never holds more scopes than the key).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyInfo, KeyStore, Scope } from '../keys/KeyStore.js';
import '../types.js';

export const SESSION_COOKIE = 'revenant_session';

/**
 * The most a session can do: read, and ask what-if questions. A link session (the operator who
 * started the server) has both; a key session has those of them its key has (`admin` implies both).
 */
export const SESSION_SCOPES: readonly Scope[] = ['read', 'what-if'];

export interface SessionInfo {
  /** The identity requests of this session act as (an API key's record, or the sign-in link's). */
  identity: ApiKeyInfo;
  via: 'link' | 'key';
  createdAt: number;
  expiresAt: number;
}

interface Stored {
  via: 'link' | 'key';
  /** The key's prefix for a key session (its record is read again on each request). */
  keyPrefix: string | null;
  /** Short, non-secret name of the session (for rate limits and logs). */
  tag: string;
  createdAt: number;
  expiresAt: number;
}

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  private readonly sessions = new Map<string, Stored>();
  private link: { hash: Buffer; expiresAt: number } | null = null;

  constructor(
    private readonly keys: KeyStore,
    private readonly opts: { ttlMs: number; linkTtlMs: number; now?: () => number; remediation?: boolean },
  ) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** A new one-time sign-in token (any earlier one stops working). Never stored in clear. */
  issueLink(): string {
    const token = randomBytes(32).toString('base64url');
    this.link = { hash: sha(token), expiresAt: this.now() + this.opts.linkTtlMs };
    return token;
  }

  /** Use the sign-in token: true once, for the right token before it expires. */
  consumeLink(token: string): boolean {
    const l = this.link;
    if (!l || !TOKEN_RE.test(token) || this.now() >= l.expiresAt) return false;
    if (!timingSafeEqual(l.hash, sha(token))) return false;
    this.link = null;
    return true;
  }

  /** Open a session; returns the session id for the cookie. */
  open(via: 'link' | 'key', key: ApiKeyInfo | null): { id: string; expiresAt: number } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    let expiresAt = now + this.opts.ttlMs;
    if (key?.expiresAt) expiresAt = Math.min(expiresAt, Date.parse(key.expiresAt));
    const hash = sha(id).toString('hex');
    this.sessions.set(hash, { via, keyPrefix: key?.prefix ?? null, tag: hash.slice(0, 12), createdAt: now, expiresAt });
    return { id, expiresAt };
  }

  /** The live session of a session id, or null (unknown, expired, or its key revoked or expired). */
  get(id: string | undefined): SessionInfo | null {
    if (!id || !TOKEN_RE.test(id)) return null;
    const hash = sha(id).toString('hex');
    const s = this.sessions.get(hash);
    if (!s) return null;
    const now = this.now();
    if (now >= s.expiresAt) {
      this.sessions.delete(hash);
      return null;
    }
    let identity: ApiKeyInfo;
    if (s.via === 'key') {
      const k = s.keyPrefix ? this.keys.get(s.keyPrefix) : undefined;
      if (!k || k.revokedAt || (k.expiresAt && Date.parse(k.expiresAt) <= now) || !(k.scopes.includes('read') || k.scopes.includes('admin'))) {
        this.sessions.delete(hash);
        return null;
      }
      // A session is a browser's read identity: never more than `read` and `what-if`, whatever else the key may do —
      // but for `remediate`, when the key has it by name and the server enables remediation (the console's apply).
      const scopes: Scope[] = SESSION_SCOPES.filter((x) => k.scopes.includes('admin') || k.scopes.includes(x));
      if (this.opts.remediation && k.scopes.includes('remediate')) scopes.push('remediate');
      identity = { ...k, scopes };
    } else {
      identity = {
        prefix: `session-${s.tag}`,
        name: 'console sign-in link',
        scopes: [...SESSION_SCOPES],
        createdAt: new Date(s.createdAt).toISOString(),
        expiresAt: new Date(s.expiresAt).toISOString(),
        revokedAt: null,
        lastUsedAt: null,
        rateLimit: null,
      };
    }
    return { identity, via: s.via, createdAt: s.createdAt, expiresAt: s.expiresAt };
  }

  close(id: string | undefined): void {
    if (id && TOKEN_RE.test(id)) this.sessions.delete(sha(id).toString('hex'));
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    if (this.sessions.size < 1000) return;
    const now = this.now();
    for (const [h, s] of this.sessions) if (now >= s.expiresAt) this.sessions.delete(h);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionStore;
  }
  interface FastifyRequest {
    /** The console session the request presented (set by auth.ts), or null. */
    session: SessionInfo | null;
  }
}

/** The session id the request's cookie carries, if any. */
export function sessionIdOf(req: FastifyRequest): string | undefined {
  return req.cookies?.[SESSION_COOKIE];
}

export function setSessionCookie(reply: FastifyReply, id: string, expiresAt: number, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: Math.max(1, Math.floor((expiresAt - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

async function session(fastify: FastifyInstance): Promise<void> {
  const { keys, config } = fastify.revenant;
  await fastify.register(cookie);
  fastify.decorate(
    'sessions',
    new SessionStore(keys, { ttlMs: config.console.sessionTtlMinutes * 60_000, linkTtlMs: config.console.linkTtlMinutes * 60_000, remediation: config.remediation.enabled }),
  );
  fastify.decorateRequest('session', null);
}

export default fp(session, { name: 'revenant-session', fastify: '5.x', dependencies: ['revenant-services'] });
