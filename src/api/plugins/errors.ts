/**
 * The one error handler: every error becomes `{statusCode, code, error, message, requestId}`,
 * its status looked up from its code in the catalogue (errorCatalogue.ts). Client errors
 * (validation, bad JSON, too large, unknown subject, bad key) say what was wrong and are logged
 * as one line without a stack; server errors say nothing internal — the details go to the log
 * under the request id, which the body carries so an operator can find them.
 */
import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERR } from '../../model/errors.js';
import { API_ERR, type AnyErrorCode, codeOf, statusOf } from '../errorCatalogue.js';
import { HttpError } from '../httpError.js';
import '../types.js';

/** The error body every error response has. */
export function errorBody(code: AnyErrorCode, message: string, requestId: string): { statusCode: number; code: AnyErrorCode; error: string; message: string; requestId: string } {
  const statusCode = statusOf(code);
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message, requestId };
}

export function sendError(reply: FastifyReply, code: AnyErrorCode, message: string): FastifyReply {
  return reply
    .code(statusOf(code))
    .type('application/json; charset=utf-8')
    .send(errorBody(code, message, String(reply.request.id)));
}

async function errors(fastify: FastifyInstance): Promise<void> {
  const storeDir = fastify.revenant.store.dir;
  const safe = (m: string) => m.split(storeDir).join('<store>').slice(0, 1000);
  fastify.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const code = codeOf(err);
    const status = statusOf(code);
    let message: string;
    if (code === ERR.NO_SNAPSHOT || code === API_ERR.ENGINE_UNSUPPORTED) {
      // Ours, and safe: "no snapshot loaded yet", "not available on this engine".
      message = safe(err.message);
      if (code === ERR.NO_SNAPSHOT && !reply.hasHeader('retry-after')) reply.header('retry-after', '5');
    } else if (status >= 500) {
      req.log.error({ err }, 'request failed');
      message = code === API_ERR.UNAVAILABLE ? 'not ready: try again shortly' : 'internal error: quote the request id to the operator';
    } else {
      message = safe(err.message);
      if (status !== 404) req.log.info({ status, code, reason: message }, 'request refused');
    }
    if (err instanceof HttpError) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer realm="revenant"');
    sendError(reply, code, message);
  });
  fastify.setNotFoundHandler((_req, reply) => {
    sendError(reply, API_ERR.ROUTE_NOT_FOUND, 'no such route');
  });
}

export default fp(errors, { name: 'revenant-errors', fastify: '5.x', dependencies: ['revenant-services'] });
