/**
 * Rate limits, with @fastify/rate-limit (its fixed one-minute windows in an LRU store; a
 * measurement did not show it falling short — `bench/api.mjs` runs every request through it):
 * - per API key: each key may make its own `rateLimit` (or `rateLimit.perMinute`) requests a
 *   minute, keyed on the key's prefix — the hook runs on every route that needs a key, after the
 *   key was verified (auth.ts), and reports `RateLimit-*` headers; past the limit, 429 with
 *   `Retry-After` (code REVENANT_ERR_RATE_LIMITED);
 * - failed authentications (`authFailures.fail`, by auth.ts and the console's sign-in forms):
 *   counted per client address (`req.ip`, which
 *   honours `trustProxy`: X-Forwarded-For counts only from a trusted proxy) and per presented key
 *   prefix, `rateLimit.unauthenticatedPerMinute` each. Only failures are counted and only failures
 *   are refused: a valid key is verified before this limiter is consulted, so guessing from a
 *   shared address (a NAT, a proxy) never locks out the SIEM or the event hooks. API keys carry
 *   256 random bits, so online guessing is hopeless anyway; this limiter caps what an
 *   unauthenticated client costs (each failure over the limit is a 429 with Retry-After, counted in
 *   `revenant_rate_limited_total`) and makes guessing visible.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit, { type CreateRateLimitOptions, normalizeIP } from '@fastify/rate-limit';
import { API_ERR } from '../errorCatalogue.js';
import { HttpError } from '../httpError.js';
import '../types.js';

const WINDOW_MS = 60_000;
/** Counters kept (LRU): enough for every key and a large botnet of failing addresses. */
const CACHE = 100_000;
const FAILED_PREFIX = Symbol('revenant.failedPrefix');

export interface AuthFailureLimiter {
  /**
   * Count one failed authentication of `req` (`reason` for the metrics; and of the key prefix it
   * presented, if any); the wait in seconds when that puts it over a limit, else 0.
   */
  fail(req: FastifyRequest, reason: string, prefix?: string | null): Promise<number>;
}

declare module 'fastify' {
  interface FastifyInstance {
    authFailures: AuthFailureLimiter;
  }
}

async function rateLimits(fastify: FastifyInstance): Promise<void> {
  const { config, metrics } = fastify.revenant;
  await fastify.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: WINDOW_MS,
    cache: CACHE,
    enableDraftSpec: true,
    // Requests without a verified key (routes that need none; refused ones never get here) are not counted.
    allowList: (req) => !req.apiKey,
    keyGenerator: (req) => `key:${req.apiKey?.prefix}`,
    max: (req) => req.apiKey?.rateLimit ?? config.rateLimit.perMinute,
    onExceeded: () => metrics.rateLimited.inc(),
    errorResponseBuilder: (_req, ctx) => new HttpError(API_ERR.RATE_LIMITED, `rate limit of ${ctx.max} requests per minute reached for this API key`),
  });
  const max = config.rateLimit.unauthenticatedPerMinute;
  // `cache` (the LRU size) is passed on to the limiter's own store, though the types do not list it.
  const sized = (o: CreateRateLimitOptions) => ({ ...o, cache: CACHE }) as CreateRateLimitOptions;
  const perAddress = fastify.createRateLimit(sized({ max, timeWindow: WINDOW_MS, allowList: [], keyGenerator: (req) => `addr:${normalizeIP(req.ip)}` }));
  const perPrefix = fastify.createRateLimit(
    sized({ max, timeWindow: WINDOW_MS, allowList: [], keyGenerator: (req) => `prefix:${(req as FastifyRequest & { [FAILED_PREFIX]?: string })[FAILED_PREFIX]}` }),
  );
  fastify.decorate('authFailures', {
    async fail(req: FastifyRequest, reason: string, prefix: string | null = null): Promise<number> {
      metrics.authFailures.inc({ reason });
      const a = await perAddress(req);
      let wait = a.isAllowed || !a.isExceeded ? 0 : a.ttlInSeconds;
      if (prefix) {
        (req as FastifyRequest & { [FAILED_PREFIX]?: string })[FAILED_PREFIX] = prefix;
        const p = await perPrefix(req);
        if (!p.isAllowed && p.isExceeded) wait = Math.max(wait, p.ttlInSeconds);
      }
      return wait > 0 ? Math.max(1, wait) : 0;
    },
  });
}

export default fp(rateLimits, { name: 'revenant-rate-limit', fastify: '5.x', dependencies: ['revenant-services'] });
