/**
 * `GET /v1/search?q=`: what the console's search box suggests as the analyst types — persons,
 * accounts, applications, service principals, groups, credentials and roles whose id, display
 * name, mail, UPN, login, employee id or appId starts with `q` (case-insensitive), exact matches
 * first. One index range scan on the snapshot's name index, so it stays fast at any size.
 */
import type { FastifyInstance } from 'fastify';
import { V1_ERRORS, security } from '../../schemas.js';
import { snapshotHeader } from './common.js';
import '../../types.js';

export const nodeSummarySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', description: 'The node key (for /v1/graph/neighbourhood).' },
    kind: { type: 'string' },
    source: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    tier0: { type: 'boolean' },
    stub: { type: 'boolean', description: 'Known only by reference (not listed by its source).' },
    subject: { type: 'boolean', description: 'An account, HR record or person: it opens the person view.' },
    matched: { type: 'string' },
  },
  required: ['key', 'kind', 'source', 'id', 'name'],
} as const;

export default async function searchRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Querystring: { q: string; limit: number } }>(
    '/v1/search',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['graph'],
        summary: 'Objects whose id, name, mail, UPN, login or employee id starts with q',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['q'],
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
            limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: { snapshot: { type: 'string' }, q: { type: 'string' }, items: { type: 'array', items: nodeSummarySchema } },
            required: ['snapshot', 'q', 'items'],
          },
          ...V1_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      snapshotHeader(reply, view);
      return { snapshot: view.id, q: req.query.q, items: await view.engine.search(req.query.q, req.query.limit) };
    },
  );
}
