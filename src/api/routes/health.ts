/**
 * Operations: `/healthz` (the process answers), `/readyz` (a snapshot is loaded and being
 * served; 503 until then), `/metrics` (Prometheus text; needs a key with the `metrics` or
 * `admin` scope unless `metrics.public` is set).
 */
import type { FastifyInstance } from 'fastify';
import { errorResponses, security } from '../schemas.js';
import '../types.js';

export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  const { snapshots, metrics, config } = fastify.revenant;
  fastify.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'], additionalProperties: false } },
      },
    },
    async () => ({ status: 'ok' }),
  );
  fastify.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: a snapshot is loaded',
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, snapshot: { type: 'string' }, findings: { type: 'integer' } },
            required: ['status', 'snapshot'],
            additionalProperties: false,
          },
          503: {
            type: 'object',
            properties: { status: { type: 'string' }, reason: { type: 'string' } },
            required: ['status', 'reason'],
            additionalProperties: false,
          },
        },
      },
    },
    async (_req, reply) => {
      const v = snapshots.current;
      if (!v) return reply.code(503).send({ status: 'not ready', reason: 'no snapshot loaded yet' });
      return { status: 'ready', snapshot: v.id, findings: v.doc.findings.length };
    },
  );
  fastify.get(
    '/metrics',
    {
      config: config.metrics.public ? {} : { scope: 'metrics' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        produces: ['text/plain'],
        ...(config.metrics.public ? {} : { security }),
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' }, ...errorResponses(401, 403, 429) },
      },
    },
    async (_req, reply) => {
      const text = await metrics.registry.metrics();
      reply.type(metrics.registry.contentType);
      return text;
    },
  );
}
