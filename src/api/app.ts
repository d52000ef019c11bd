/**
 * The Revenant HTTP API as a fastify plugin: shared schemas, request validation, services, the
 * OpenAPI document, security headers, the one error handler, request metrics, rate limits, console
 * sessions and API keys, the one-snapshot-per-request guard, then the routes (the /v1 API, and the analyst console's pages
 * and sign-in, whose sessions auth.ts accepts beside API keys). It owns no process concerns (listening,
 * signals, logging destination): `server.ts` does, and tests register it on an instance of their
 * own and drive it with `inject` or a real socket.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import auth from './plugins/auth.js';
import errors from './plugins/errors.js';
import httpMetrics from './plugins/metrics.js';
import openapi from './plugins/openapi.js';
import rateLimit from './plugins/rateLimit.js';
import security from './plugins/security.js';
import session from './plugins/session.js';
import services, { type AppOptions } from './plugins/services.js';
import snapshot from './plugins/snapshot.js';
import validation from './plugins/validation.js';
import consoleRoutes from './routes/console.js';
import healthRoutes from './routes/health.js';
import adminRoutes from './routes/v1/admin.js';
import eventRoutes from './routes/v1/events.js';
import evidenceRoutes from './routes/v1/evidence.js';
import findingsRoutes from './routes/v1/findings.js';
import graphRoutes from './routes/v1/graph.js';
import leaversRoutes from './routes/v1/leavers.js';
import personRoutes from './routes/v1/persons.js';
import remediationRoutes from './routes/v1/remediation.js';
import searchRoutes from './routes/v1/search.js';
import sessionRoutes from './routes/v1/session.js';
import snapshotRoutes from './routes/v1/snapshots.js';
import subjectRoutes from './routes/v1/subjects.js';
import whatIfRoutes from './routes/v1/whatIf.js';
import { SHARED_SCHEMAS } from './schemas.js';
import './types.js';

export type { AppOptions } from './plugins/services.js';

async function revenantApp(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  for (const s of SHARED_SCHEMAS) fastify.addSchema(s);
  await fastify.register(validation);
  await fastify.register(services, opts);
  await fastify.register(openapi);
  await fastify.register(security, { hsts: opts.config.hsts });
  await fastify.register(errors);
  await fastify.register(httpMetrics);
  await fastify.register(rateLimit);
  await fastify.register(session);
  await fastify.register(auth);
  await fastify.register(snapshot);
  await fastify.register(healthRoutes);
  await fastify.register(findingsRoutes);
  await fastify.register(subjectRoutes);
  await fastify.register(whatIfRoutes);
  await fastify.register(graphRoutes);
  await fastify.register(snapshotRoutes);
  await fastify.register(eventRoutes);
  await fastify.register(adminRoutes);
  await fastify.register(leaversRoutes);
  await fastify.register(personRoutes);
  await fastify.register(searchRoutes);
  await fastify.register(evidenceRoutes);
  await fastify.register(remediationRoutes);
  await fastify.register(sessionRoutes);
  await fastify.register(consoleRoutes);
}

export default fp(revenantApp, { name: 'revenant-app', fastify: '5.x' });
