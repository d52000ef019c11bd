/**
 * The one error handler: every error becomes `{statusCode, error, message, requestId}`. Client
 * errors (validation, bad JSON, too large, unknown subject, bad key) say what was wrong; server
 * errors say nothing internal — the details go to the log under the request id, which the body
 * carries so an operator can find them.
 */
import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { InputError, NotFoundError, StoreError } from '../../model/errors.js';
import { HttpError } from '../httpError.js';
import '../types.js';

function statusOf(err: FastifyError | Error): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof StoreError) return /no snapshot .* in |ambiguous/.test(err.message) ? 404 : 503;
  if (err instanceof InputError) return 400;
  const fe = err as FastifyError;
  if (fe.validation) return 400;
  const s = fe.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

async function errors(fastify: FastifyInstance): Promise<void> {
  fastify.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const status = statusOf(err);
    let message: string;
    if (err instanceof HttpError && (status === 503 || status === 501)) {
      // Ours, and safe: "no snapshot loaded yet", "not available on this engine".
      message = err.message;
    } else if (status >= 500) {
      req.log.error({ err }, 'request failed');
      message = status === 503 ? 'not ready: try again shortly' : 'internal error: quote the request id to the operator';
    } else {
      message = err.message.split(fastify.revenant.store.dir).join('<store>').slice(0, 1000);
      if (status !== 404) req.log.info({ status, reason: message }, 'request refused');
    }
    if (err instanceof HttpError) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer realm="revenant"');
    reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, requestId: String(req.id) });
  });
  fastify.setNotFoundHandler((req, reply) => {
    reply.code(404).type('application/json; charset=utf-8').send({ statusCode: 404, error: 'Not Found', message: 'no such route', requestId: String(req.id) });
  });
}

export default fp(errors, { name: 'revenant-errors', fastify: '5.x', dependencies: ['revenant-services'] });
