/**
 * The analyst console's pages and sign-in, next to /v1 (the console itself is a browser app in
 * src/console that talks only to /v1).
 * - `GET /`, `/leavers`, `/subjects/…`, `/graph`, `/graph/…`, `/changes`: the page shell, for a
 *   signed-in browser; without a session, a redirect to `/login?next=<the page>`.
 * - `GET /login`: the sign-in form (field `key`); with `?token=` (the one-time link `revenant
 *   serve` prints) it opens a session, sets the cookie and redirects to a URL without the token.
 * - `POST /login` (form `key`, `next`): signs in with an API key that has the `read` scope.
 * - `POST /logout`: ends the session and clears the cookie.
 * - `GET /assets/…`: the hashed bundle (immutable; gzip or brotli when the browser takes it).
 * Pages carry the console's strict CSP (`default-src 'self'`, nothing inline). Failed sign-ins
 * count against the same per-address limit as bad API keys.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ConsoleAssets, loadConsoleAssets } from '../consoleAssets.js';
import { hasScope } from '../keys/KeyStore.js';
import { prefixOf } from '../plugins/auth.js';
import { CONSOLE_CSP } from '../plugins/security.js';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from '../plugins/session.js';
import '../types.js';

const TOO_MANY = 'Too many failed sign-ins from this address: wait a minute.';

/** Page routes of the console (each serves the shell; the browser app routes by path). */
export const CONSOLE_PAGES = ['/', '/leavers', '/subjects/*', '/graph', '/graph/*', '/changes'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A safe place to go after sign-in: a path of this server, never another origin. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !/^\/(?![/\\])[^\s]*$/.test(next) || next.length > 2048) return '/';
  if (next.startsWith('/login') || next.startsWith('/logout')) return '/';
  return next;
}

function loginPage(assets: ConsoleAssets, opts: { next: string; message?: string; notice?: string }): string {
  const msg = opts.message ? `<p class="login-error" role="alert">${esc(opts.message)}</p>` : '';
  const notice = opts.notice ? `<p class="login-notice" role="status">${esc(opts.notice)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — Revenant</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${esc(assets.manifest.css)}">
</head>
<body class="login-body">
<main class="login" id="main">
<h1>Revenant</h1>
<p>Sign in to the analyst console with the one-time link <code>revenant serve</code> printed, or with an API key that has the <code>read</code> scope (<code>revenant keys create --name me --scope read</code>).</p>
${notice}${msg}
<form method="post" action="/login">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="off" required autofocus spellcheck="false">
<input type="hidden" name="next" value="${esc(opts.next)}">
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`;
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-security-policy', CONSOLE_CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

export default async function consoleRoutes(fastify: FastifyInstance): Promise<void> {
  const { config, keys } = fastify.revenant;
  if (!config.console.enabled) return;
  const assets = loadConsoleAssets();
  const secure = config.hsts;
  const pageSchema = { hide: true } as const;

  if (assets) {
    await fastify.register(fastifyStatic, {
      root: assets.assetsDir,
      prefix: '/assets/',
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      list: false,
      dotfiles: 'deny',
    });
  }

  const signedIn = (req: FastifyRequest) => fastify.sessions.get(sessionIdOf(req)) !== null;
  const shell = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!signedIn(req)) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    if (!assets) return html(reply, 503, '<!doctype html><title>Revenant</title><p>The console was not built: run <code>npm ci</code> (or <code>npm run build</code>) in the package.</p>');
    return html(reply, 200, assets.indexHtml);
  };
  for (const url of CONSOLE_PAGES) fastify.get(url, { schema: pageSchema }, shell);

  fastify.get<{ Querystring: { token?: string; next?: string; signedOut?: string } }>(
    '/login',
    {
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { token: { type: 'string', maxLength: 100 }, next: { type: 'string', maxLength: 2048 }, signedOut: { type: 'string', maxLength: 8 } },
        },
      },
    },
    async (req, reply) => {
      const next = safeNext(req.query.next);
      if (!assets) return html(reply, 503, '<!doctype html><title>Revenant</title><p>The console was not built: run <code>npm ci</code> in the package.</p>');
      if (req.query.token !== undefined) {
        // The link is checked first; only a failure counts (and past the limit is refused), as for API keys.
        if (!fastify.sessions.consumeLink(req.query.token)) {
          if (await fastify.authFailures.fail(req, 'sign-in-link')) return html(reply, 429, loginPage(assets, { next, message: TOO_MANY }));
          return html(reply, 401, loginPage(assets, { next, message: 'This sign-in link was already used or has expired. Sign in with an API key, or restart revenant serve for a new link.' }));
        }
        const s = fastify.sessions.open('link', null);
        setSessionCookie(reply, s.id, s.expiresAt, secure);
        req.log.info({ via: 'link' }, 'console sign-in');
        return reply.redirect(next, 303);
      }
      if (signedIn(req)) return reply.redirect(next, 303);
      return html(reply, 200, loginPage(assets, { next, notice: req.query.signedOut ? 'You are signed out.' : undefined }));
    },
  );

  fastify.register(async (scope) => {
    // The sign-in form posts application/x-www-form-urlencoded (only in this scope).
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.post<{ Body: { key?: string; next?: string } }>(
      '/login',
      {
        schema: {
          hide: true,
          body: { type: 'object', additionalProperties: false, properties: { key: { type: 'string', maxLength: 200 }, next: { type: 'string', maxLength: 2048 } } },
        },
      },
      async (req, reply) => {
        const next = safeNext(req.body?.next);
        if (!assets) return html(reply, 503, '<!doctype html><title>Revenant</title><p>The console was not built.</p>');
        const presented = (req.body?.key ?? '').trim();
        const r = keys.verify(presented);
        if (!r.ok) {
          if (await fastify.authFailures.fail(req, `login-${r.reason}`, prefixOf(presented))) return html(reply, 429, loginPage(assets, { next, message: TOO_MANY }));
          const why = r.reason === 'revoked' ? 'This API key is revoked.' : r.reason === 'expired' ? 'This API key has expired.' : 'That is not a valid API key.';
          return html(reply, 401, loginPage(assets, { next, message: why }));
        }
        if (!hasScope(r.key, 'read')) {
          fastify.revenant.metrics.authFailures.inc({ reason: 'login-scope' });
          return html(reply, 403, loginPage(assets, { next, message: 'This API key lacks the read scope.' }));
        }
        const s = fastify.sessions.open('key', r.key);
        setSessionCookie(reply, s.id, s.expiresAt, secure);
        req.log.info({ via: 'key', key: r.key.prefix }, 'console sign-in');
        return reply.redirect(next, 303);
      },
    );
    scope.post('/logout', { schema: { hide: true } }, async (req, reply) => {
      fastify.sessions.close(sessionIdOf(req));
      clearSessionCookie(reply, secure);
      return reply.redirect('/login?signedOut=1', 303);
    });
  });
}
