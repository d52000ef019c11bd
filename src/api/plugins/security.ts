/**
 * Response hardening for an API that returns JSON (and Prometheus text, and one text/plain echo
 * for Microsoft Graph): the request id on every response, no sniffing, no framing, no caching, no
 * referrer, a Content-Security-Policy that allows nothing — except on the console's pages, which
 * set their own strict policy (`CONSOLE_CSP`: this origin only, nothing inline) and on its hashed
 * assets, which may be cached — and HSTS when
 * TLS is terminated in front of the server (`hsts: true`). During shutdown, responses close
 * their connection (the graceful close then ends as soon as the last request in flight does).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import '../types.js';

/** The headers every response carries (also those fastify answers before any hook runs). */
export function securityHeaders(hsts: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
    ...(hsts ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** Headers a route may set itself (console pages: their CSP; hashed assets: their caching). */
const OWN = new Set(['content-security-policy', 'cache-control']);

/** The console's pages: scripts, styles and requests only from this origin; nothing inline. */
export const CONSOLE_CSP = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async function security(fastify: FastifyInstance, opts: { hsts: boolean }): Promise<void> {
  const headers = securityHeaders(opts.hsts);
  // While shutting down, responses to requests still in flight close their connection, so a
  // keep-alive client does not hold the server open until its idle timeout.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
    fastify.server.closeIdleConnections?.();
  });
  fastify.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  fastify.addHook('onSend', async (_req, reply, payload) => {
    // Console pages and assets set their own policy and caching; everything else gets the API's.
    for (const [k, v] of Object.entries(headers)) if (!(OWN.has(k) && reply.hasHeader(k))) reply.header(k, v);
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}

export default fp(security, { name: 'revenant-security', fastify: '5.x' });
