/**
 * The process around the API: builds the fastify instance (JSON logs with request ids, body
 * limit, strict validation: unknown fields are errors, not silently dropped), registers the app
 * plugin, listens, and shuts down gracefully on SIGTERM or SIGINT — it stops accepting, lets the
 * requests in flight finish, drains the event queue and the push deliveries in flight within the
 * grace period, and exits. A second signal exits at once.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import app, { type AppOptions } from './app.js';
import { redactUrl } from './events/GraphSubscriptions.js';
import { securityHeaders } from './plugins/security.js';

export interface ServerOptions extends AppOptions {
  /** A pino logger configuration, `false` for none (default: JSON on stdout at config.logLevel). */
  logger?: FastifyServerOptions['logger'];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

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
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
    // onReady loads the latest snapshot's view before listening: a 250k-person snapshot takes
    // ~5 s on a quiet machine and more under load, past fastify's default 10 s.
    pluginTimeout: 300_000,
    forceCloseConnections: 'idle',
    requestTimeout: 120_000,
    // A URL that does not even decode is refused before routing: same body and headers as any 400.
    frameworkErrors: (err, req, res) => {
      const reply = res as unknown as FastifyReply;
      reply
        .code(400)
        .headers({ ...securityHeaders(config.hsts), 'x-request-id': String(req.id) })
        .type('application/json; charset=utf-8')
        .send({ statusCode: 400, error: 'Bad Request', message: err.message.replace(/'.*'/, 'the URL'), requestId: String(req.id) });
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
