/**
 * API keys and rate limits. A route that declares `config.scope` needs `Authorization: Bearer
 * <key>` with that scope (or `admin`); the Graph notification route also takes `?key=`, since
 * Microsoft Graph cannot send headers. Refusals: 401 for a missing, malformed, unknown, revoked
 * or expired key; 403 for a key without the scope. Each key has a fixed one-minute window of
 * requests (its own limit, or `rateLimit.perMinute`), reported in `RateLimit-*` headers; past it,
 * 429 with `Retry-After`. Failed authentications are limited per client address too, which caps
 * guessing. Keys are never logged: only their visible prefix is.
 *
 * A request without an Authorization header may present a console session instead (the
 * `revenant_session` cookie, session.ts): it acts as the session's identity, with its scopes and
 * rate limit. A session that is unknown, expired or signed out is a 401 like a bad key. Requests
 * that change something (any method but GET and HEAD) on a session must come from the console's
 * own origin (`Origin` or `Sec-Fetch-Site`), besides the cookie being `SameSite=Strict`.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../httpError.js';
import { type ApiKeyInfo, hasScope } from '../keys/KeyStore.js';
import { sessionIdOf } from './session.js';
import '../types.js';

const WINDOW_MS = 60_000;

class Windows {
  private readonly m = new Map<string, { start: number; count: number }>();

  hit(key: string, now: number, add = 1): { count: number; resetMs: number } {
    let w = this.m.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      if (this.m.size > 50_000) this.sweep(now);
      w = { start: now, count: 0 };
      this.m.set(key, w);
    }
    w.count += add;
    return { count: w.count, resetMs: w.start + WINDOW_MS - now };
  }

  peek(key: string, now: number): number {
    const w = this.m.get(key);
    return w && now - w.start < WINDOW_MS ? w.count : 0;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.m) if (now - w.start >= WINDOW_MS) this.m.delete(k);
  }
}

const REASONS = {
  missing: 'missing API key: send Authorization: Bearer <key>',
  malformed: 'invalid API key',
  unknown: 'invalid API key',
  revoked: 'API key revoked',
  expired: 'API key expired',
  session: 'session expired or signed out: sign in again at /login',
  'cross-site': 'a console session cannot be used from another origin',
} as const;

/** The request comes from a page of this server (not another site riding on the cookie). */
function sameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (typeof origin === 'string') {
    try {
      const o = new URL(origin);
      return o.host === new URL(`${o.protocol}//${req.headers.host ?? ''}`).host;
    } catch {
      return false;
    }
  }
  return typeof site === 'string';
}

function presentedKey(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    return m ? m[1] : h.trim() ? '' : null;
  }
  if (req.routeOptions.config?.queryKey) {
    const k = (req.query as Record<string, unknown> | undefined)?.key;
    if (typeof k === 'string') return k;
  }
  return null;
}

async function auth(fastify: FastifyInstance): Promise<void> {
  const { keys, config, metrics } = fastify.revenant;
  const perKey = new Windows();
  const failures = new Windows();
  fastify.decorateRequest('apiKey', null);
  // Sign-in forms (console routes) share the failed-authentication limit per address.
  fastify.decorate('authFailures', {
    blocked: (ip: string) => failures.peek(ip, Date.now()) >= config.rateLimit.unauthenticatedPerMinute,
    fail: (ip: string, reason: string) => {
      failures.hit(ip, Date.now());
      metrics.authFailures.inc({ reason });
    },
  });

  fastify.addHook('onRequest', async (req, reply) => {
    const scope = req.routeOptions.config?.scope;
    if (!scope) return;
    const now = Date.now();
    const ip = req.ip;
    const failLimit = config.rateLimit.unauthenticatedPerMinute;
    if (failures.peek(ip, now) >= failLimit) {
      metrics.rateLimited.inc();
      throw new HttpError(429, 'too many failed authentications from this address: wait a minute', { 'retry-after': '60' });
    }
    const refuse = (reason: keyof typeof REASONS, status = 401): never => {
      failures.hit(ip, now);
      metrics.authFailures.inc({ reason });
      throw new HttpError(status, REASONS[reason]);
    };
    const presented = presentedKey(req);
    let key: ApiKeyInfo;
    const sid = presented === null ? sessionIdOf(req) : undefined;
    if (sid !== undefined) {
      const s = fastify.sessions.get(sid);
      if (!s) refuse('session');
      if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) refuse('cross-site', 403);
      req.session = s;
      key = s!.identity;
    } else {
      if (presented === null) refuse('missing');
      const r = keys.verify(presented as string);
      if (!r.ok) refuse(r.reason);
      key = (r as { ok: true; key: ApiKeyInfo }).key;
    }
    if (!hasScope(key, scope)) {
      metrics.authFailures.inc({ reason: 'scope' });
      throw new HttpError(403, `this API key lacks the "${scope}" scope`);
    }
    req.apiKey = key;
    const limit = key.rateLimit ?? config.rateLimit.perMinute;
    const w = perKey.hit(key.prefix, now);
    const reset = Math.max(1, Math.ceil(w.resetMs / 1000));
    reply.header('ratelimit-policy', `${limit};w=60`);
    reply.header('ratelimit-limit', String(limit));
    reply.header('ratelimit-remaining', String(Math.max(0, limit - w.count)));
    reply.header('ratelimit-reset', String(reset));
    if (w.count > limit) {
      metrics.rateLimited.inc();
      throw new HttpError(429, `rate limit of ${limit} requests per minute reached for this API key`, { 'retry-after': String(reset) });
    }
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    authFailures: { blocked(ip: string): boolean; fail(ip: string, reason: string): void };
  }
}

export default fp(auth, { name: 'revenant-auth', fastify: '5.x', dependencies: ['revenant-services', 'revenant-session'] });
