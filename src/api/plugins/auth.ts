/**
 * Who is asking. A route that declares `config.scope` needs an identity with that scope (or
 * `admin`), presented one of two ways (`identify`):
 * - an API key: `Authorization: Bearer <key>` — or `?key=` on the Graph notification route, since
 *   Microsoft Graph cannot send headers;
 * - without an Authorization header, a console session (the `revenant_session` cookie,
 *   session.ts): it acts as the session's identity, with its scopes and rate limit. Requests that
 *   change something (any method but GET and HEAD) on a session must come from the console's own
 *   origin (`Origin` or `Sec-Fetch-Site`), besides the cookie being `SameSite=Strict`.
 * The identity is verified first; only a request that fails is counted by the failed-authentication
 * limiter (rateLimit.ts), so a valid key is never refused because others guessed from its address.
 * Refusals: 401 for a missing, malformed, unknown, revoked or expired key or an unknown, expired or
 * signed-out session; 429 when failures from the address or for the key prefix are over the limit;
 * 403 for an identity without the scope, or a session used from another origin. The per-key rate
 * limit applies after (rateLimit.ts). Keys are never logged: only their visible prefix is.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_ERR, type ApiErrorCode } from '../errorCatalogue.js';
import { HttpError } from '../httpError.js';
import { type ApiKeyInfo, hasScope } from '../keys/KeyStore.js';
import { type SessionInfo, sessionIdOf } from './session.js';
import '../types.js';

const REASONS = {
  missing: { code: API_ERR.AUTH_MISSING, message: 'missing API key: send Authorization: Bearer <key>' },
  malformed: { code: API_ERR.AUTH_INVALID, message: 'invalid API key' },
  unknown: { code: API_ERR.AUTH_INVALID, message: 'invalid API key' },
  revoked: { code: API_ERR.AUTH_REVOKED, message: 'API key revoked' },
  expired: { code: API_ERR.AUTH_EXPIRED, message: 'API key expired' },
  session: { code: API_ERR.SESSION_EXPIRED, message: 'session expired or signed out: sign in again at /login' },
} satisfies Record<string, { code: ApiErrorCode; message: string }>;

type Identified =
  | { ok: true; key: ApiKeyInfo; session: SessionInfo | null }
  | { ok: false; reason: keyof typeof REASONS; prefix: string | null };

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

/** The visible prefix of something shaped like a key (`rvn_<8 hex>_…`), for the per-prefix failure count. */
export function prefixOf(presented: string): string | null {
  return /^rvn_([0-9a-f]{8})_/.exec(presented)?.[1] ?? null;
}

async function auth(fastify: FastifyInstance): Promise<void> {
  const { keys, config, metrics } = fastify.revenant;
  fastify.decorateRequest('apiKey', null);

  const identify = (req: FastifyRequest): Identified => {
    const presented = presentedKey(req);
    if (presented === null) {
      const sid = sessionIdOf(req);
      if (sid === undefined) return { ok: false, reason: 'missing', prefix: null };
      const s = fastify.sessions.get(sid);
      return s ? { ok: true, key: s.identity, session: s } : { ok: false, reason: 'session', prefix: null };
    }
    const r = keys.verify(presented);
    return r.ok ? { ok: true, key: r.key, session: null } : { ok: false, reason: r.reason, prefix: prefixOf(presented) };
  };

  fastify.addHook('onRequest', async (req, reply) => {
    const scope = req.routeOptions.config?.scope;
    if (!scope) return;
    const id = identify(req);
    if (!id.ok) {
      const wait = await fastify.authFailures.fail(req, id.reason, id.prefix);
      if (wait > 0) {
        metrics.rateLimited.inc();
        throw new HttpError(API_ERR.AUTH_RATE_LIMITED, 'too many failed authentications from this address: wait before trying again', { 'retry-after': String(wait) });
      }
      const { code, message } = REASONS[id.reason];
      throw new HttpError(code, message);
    }
    if (id.session && req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
      metrics.authFailures.inc({ reason: 'cross-site' });
      throw new HttpError(API_ERR.CROSS_SITE, 'a console session cannot be used from another origin');
    }
    if (!hasScope(id.key, scope)) {
      metrics.authFailures.inc({ reason: 'scope' });
      throw new HttpError(API_ERR.SCOPE, `this API key lacks the "${scope}" scope`);
    }
    req.session = id.session;
    req.apiKey = id.key;
    reply.header('ratelimit-policy', `${id.key.rateLimit ?? config.rateLimit.perMinute};w=60`);
  });
}

export default fp(auth, { name: 'revenant-auth', fastify: '5.x', dependencies: ['revenant-services', 'revenant-session', 'revenant-rate-limit'] });
