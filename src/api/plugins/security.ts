/**
 * Response hardening for an API that only ever returns JSON (and Prometheus text, and one
 * text/plain echo for Microsoft Graph): the request id on every response, no sniffing, no
 * framing, no caching, no referrer, a Content-Security-Policy that allows nothing, and HSTS when
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
    reply.headers(headers);
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}

export default fp(security, { name: 'revenant-security', fastify: '5.x' });
