/**
 * The process around the API: builds the fastify instance (JSON logs with request ids, body
 * limit, strict validation: unknown fields are errors, not silently dropped), registers the app
 * plugin, listens, and shuts down gracefully on SIGTERM or SIGINT — it stops accepting, lets the
 * requests in flight finish, drains the event queue and the push deliveries in flight within the
 * grace period, and exits. A second signal exits at once.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import app, { type AppOptions } from './app.js';
import { codeOf, parserCodeOf, statusOf } from './errorCatalogue.js';
import { errorBody } from './plugins/errors.js';
import { securityHeaders } from './plugins/security.js';
import { looksLikeKey, redactUrl } from './redact.js';

export interface ServerOptions extends AppOptions {
  /** A pino logger configuration, `false` for none (default: JSON on stdout at config.logLevel). */
  logger?: FastifyServerOptions['logger'];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A client's own request id, if it is safe to echo and log (short, plain, and not an API key). */
function clientRequestId(h: unknown): string | null {
  return typeof h === 'string' && REQUEST_ID.test(h) && !looksLikeKey(h) ? h : null;
}

/**
 * Errors node's HTTP parser raises before a request exists (headers too large: 431; a malformed
 * request line or header: 400; a request that took too long: 408) get the same JSON body, request
 * id and security headers as every other error, and one log line without a stack.
 */
function clientErrorHandler(hsts: boolean) {
  return function (this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const code = parserCodeOf(err);
    const status = statusOf(code);
    const requestId = randomUUID();
    const body = JSON.stringify(errorBody(code, status === 431 ? 'request headers too large' : status === 408 ? 'request timed out' : 'malformed request', requestId));
    this.log.info({ reqId: requestId, status, code, parserError: err.code ?? null }, 'request refused by the HTTP parser');
    if (socket.writable) {
      const headers = {
        ...securityHeaders(hsts),
        'x-request-id': requestId,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n');
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n\r\n${body}`);
    }
    socket.destroy(err);
  };
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    // Headers are never logged (keys, hook secrets); URLs lose any `key=` value.
    serializers: {
      req(req: { method: string; url: string; ip?: string; socket?: { remoteAddress?: string } }) {
        return { method: req.method, url: redactUrl(req.url), remoteAddress: req.ip ?? req.socket?.remoteAddress };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
    redact: { paths: ['req.headers', 'headers', '*.authorization', '*.token', '*.secret', '*.clientState'], censor: '[redacted]' },
  };
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const fastify = Fastify({
    logger: opts.logger ?? loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimit,
    routerOptions: { maxParamLength: 1024 },
    trustProxy: config.trustProxy,
    genReqId: (req) => clientRequestId(req.headers['x-request-id']) ?? randomUUID(),
    // Validation (no coercion of JSON bodies, strict numbers in query strings) is set by plugins/validation.ts.
    return503OnClosing: true,
    // onReady loads the latest snapshot's view before listening: a 250k-person snapshot takes
    // ~5 s on a quiet machine and more under load, past fastify's default 10 s.
    pluginTimeout: 300_000,
    clientErrorHandler: clientErrorHandler(config.hsts),
    forceCloseConnections: 'idle',
    requestTimeout: 120_000,
    // A URL that does not even decode is refused before routing: same body and headers as any 400.
    frameworkErrors: (err, req, res) => {
      const reply = res as unknown as FastifyReply;
      const code = codeOf(err);
      reply
        .code(statusOf(code))
        .headers({ ...securityHeaders(config.hsts), 'x-request-id': String(req.id) })
        .type('application/json; charset=utf-8')
        .send(errorBody(code, 'the URL cannot be decoded', String(req.id)));
    },
  });
  await fastify.register(app, opts);
  return fastify;
}

export interface RunningServer {
  fastify: FastifyInstance;
  address: string;
  /** Graceful shutdown (what SIGTERM does). */
  close(): Promise<void>;
}

/** Build, listen, and handle signals. Resolves once listening. */
export async function startServer(opts: ServerOptions & { host?: string; port?: number; signals?: boolean }): Promise<RunningServer> {
  const fastify = await buildServer(opts);
  const address = await fastify.listen({ host: opts.host ?? opts.config.host, port: opts.port ?? opts.config.port });
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      fastify.log.info('shutting down: draining requests, the event queue and push deliveries');
      await fastify.close();
      fastify.log.info('stopped');
    })();
    return closing;
  };
  if (opts.signals !== false) {
    const onSignal = (sig: NodeJS.Signals) => {
      if (closing) {
        fastify.log.warn({ signal: sig }, 'second signal: exiting now');
        process.exit(1);
      }
      fastify.log.info({ signal: sig }, 'signal received');
      close().then(
        () => process.exit(0),
        (e) => {
          fastify.log.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { fastify, address, close };
}
