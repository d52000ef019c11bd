/**
 * `GET /v1/session`: who the caller is — a console session (signed in by the one-time link or
 * with an API key) or an API key — with its scopes and when it expires. The console reads it to
 * know whether the what-if toggle can be offered.
 */
import type { FastifyInstance } from 'fastify';
import { V1_ERRORS, security } from '../../schemas.js';
import '../../types.js';

export default async function sessionRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get(
    '/v1/session',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['admin'],
        summary: 'The calling identity: session or API key, scopes, expiry',
        security,
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              via: { type: 'string', enum: ['link', 'key', 'bearer'], description: 'link or key: a console session; bearer: an API key in the Authorization header.' },
              name: { type: 'string' },
              scopes: { type: 'array', items: { type: 'string' } },
              expiresAt: { type: ['string', 'null'] },
            },
            required: ['via', 'name', 'scopes', 'expiresAt'],
          },
          ...V1_ERRORS,
        },
      },
    },
    async (req) => {
      const k = req.apiKey!;
      const s = req.session;
      return {
        via: s ? s.via : 'bearer',
        name: k.name,
        scopes: k.scopes,
        expiresAt: s ? new Date(s.expiresAt).toISOString() : k.expiresAt,
      };
    },
  );
}
