/**
 * The OpenAPI 3 document, generated from the route schemas by @fastify/swagger and served at
 * `/openapi.json`. Shared schemas keep their names as components (`#/components/schemas/Finding`).
 * Registered before the routes so that every route is in it.
 */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOGUE } from '../errorCatalogue.js';
import { API_VERSION } from '../version.js';
import '../types.js';

async function openapi(fastify: FastifyInstance): Promise<void> {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Revenant API',
        version: API_VERSION,
        description:
          'Residual access after an identity is disabled, for SIEMs and scripts: findings on demand (JSON or OCSF 1.8), identity events in (Okta event hooks, Microsoft Graph change notifications). Every /v1 route needs an API key with a scope.',
      },
      // An OpenAPI extension (not in the document's types): every error code, its status and meaning.
      ...({ 'x-revenant-error-codes': ERROR_CATALOGUE } as object),
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from `revenant keys create` (rvn_<prefix>_<secret>).' },
        },
      },
      tags: [
        { name: 'findings', description: 'Residual-access findings of the latest snapshot' },
        { name: 'graph', description: 'Blast radius and access paths' },
        { name: 'snapshots', description: 'Snapshots and their differences' },
        { name: 'events', description: 'Identity events in' },
        { name: 'admin', description: 'Server state' },
        { name: 'operations', description: 'Health and metrics' },
      ],
    },
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
  });
  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
}

export default fp(openapi, { name: 'revenant-openapi', fastify: '5.x' });
