/** `GET /v1/admin/status` (scope `admin`): the snapshot being served, the event queue, the push sinks. */
import type { FastifyInstance } from 'fastify';
import { V1_ERRORS, security } from '../../schemas.js';
import '../../types.js';

export default async function adminRoutes(fastify: FastifyInstance): Promise<void> {
  const { snapshots, queue, pusher, keys, startedAt } = fastify.revenant;
  fastify.get(
    '/v1/admin/status',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Server state: snapshot, event queue, push sinks',
        security,
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              startedAt: { type: 'string' },
              snapshot: {
                type: ['object', 'null'],
                properties: { id: { type: 'string' }, at: { type: 'string' }, findings: { type: 'integer' }, servedSince: { type: 'string' }, swaps: { type: 'integer' } },
                additionalProperties: false,
              },
              queue: { type: 'object', additionalProperties: { type: 'integer' } },
              recentJobs: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    seq: { type: 'integer' },
                    kind: { type: 'string' },
                    source: { type: 'string' },
                    subject: { type: ['string', 'null'] },
                    reason: { type: 'string' },
                    state: { type: 'string' },
                    attempts: { type: 'integer' },
                    receivedAt: { type: 'string' },
                    finishedAt: { type: ['string', 'null'] },
                    result: { type: ['string', 'null'] },
                    lastError: { type: ['string', 'null'] },
                  },
                },
              },
              sinks: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    name: { type: 'string' },
                    type: { type: 'string' },
                    position: { type: ['string', 'null'] },
                    pending: { type: 'integer' },
                    dead: { type: 'integer' },
                    delivered: { type: 'integer' },
                    down: { type: 'boolean' },
                    lastError: { type: ['string', 'null'] },
                  },
                },
              },
              keys: { type: 'integer' },
            },
            required: ['startedAt', 'snapshot', 'queue', 'sinks'],
          },
          ...V1_ERRORS,
        },
      },
    },
    async () => {
      const v = snapshots.current;
      return {
        startedAt: new Date(startedAt).toISOString(),
        snapshot: v ? { id: v.id, at: v.doc.at, findings: v.doc.findings.length, servedSince: new Date(v.loadedAt).toISOString(), swaps: snapshots.swaps } : null,
        queue: queue.counts(),
        recentJobs: queue.list(20),
        sinks: pusher.status(),
        keys: keys.list().filter((k) => !k.revokedAt).length,
      };
    },
  );
}
