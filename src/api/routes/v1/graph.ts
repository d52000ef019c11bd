/**
 * `GET /v1/blast-radius/{principal}`: everything a principal (account, group, application,
 * service principal, credential, token) can reach, with the shortest path to each privilege.
 * `GET /v1/paths?from=&to=`: the access paths between two principals (or to `tier0` / `tenant`).
 * Both walk the latest snapshot's graph within a depth limit, on the embedded engine or in Neo4j.
 */
import type { FastifyInstance } from 'fastify';
import { V1_ERRORS, errorResponses, nameParam, security } from '../../schemas.js';
import { snapshotHeader } from './common.js';
import '../../types.js';

const principalRef = {
  type: 'object',
  properties: { source: { type: 'string' }, kind: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } },
  additionalProperties: true,
} as const;

const pathSteps = { type: 'array', items: { $ref: 'PathStep#' } } as const;

export default async function graphRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Params: { principal: string }; Querystring: { maxDepth: number; listLimit: number } }>(
    '/v1/blast-radius/:principal',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['graph'],
        summary: 'Everything a principal can reach',
        security,
        params: { type: 'object', additionalProperties: false, properties: { principal: nameParam }, required: ['principal'] },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { maxDepth: { type: 'integer', minimum: 1, maximum: 16, default: 8 }, listLimit: { type: 'integer', minimum: 0, maximum: 2000, default: 200 } },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              format: { type: 'string' },
              snapshot: { type: ['string', 'null'] },
              principal: principalRef,
              maxDepth: { type: 'integer' },
              truncated: { type: 'boolean' },
              tier0: { type: 'boolean' },
              wholeTenant: {
                type: 'array',
                items: { type: 'object', properties: { tenant: { type: 'string' }, via: { type: 'string' }, path: pathSteps }, additionalProperties: true },
              },
              privileges: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { label: { type: 'string' }, tier0: { type: 'boolean' }, depth: { type: 'integer' }, path: pathSteps },
                  additionalProperties: true,
                },
              },
              reached: { type: 'object', additionalProperties: { type: 'integer' } },
              objects: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { kind: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, depth: { type: 'integer' } },
                  additionalProperties: true,
                },
              },
            },
            required: ['format', 'principal', 'privileges'],
          },
          ...V1_ERRORS,
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      snapshotHeader(reply, view);
      return view.engine.blastRadius(req.params.principal, { maxDepth: req.query.maxDepth, listLimit: req.query.listLimit });
    },
  );

  fastify.get<{ Querystring: { from: string; to: string; maxDepth: number; limit: number } }>(
    '/v1/paths',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['graph'],
        summary: 'Access paths between two principals (to may be `tier0` or `tenant`)',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: {
            from: nameParam,
            to: nameParam,
            maxDepth: { type: 'integer', minimum: 1, maximum: 16, default: 8 },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              format: { type: 'string' },
              snapshot: { type: ['string', 'null'] },
              from: principalRef,
              to: { type: 'string' },
              maxDepth: { type: 'integer' },
              truncated: { type: 'boolean' },
              paths: {
                type: 'array',
                items: { type: 'object', properties: { length: { type: 'integer' }, steps: pathSteps }, additionalProperties: true },
              },
            },
            required: ['format', 'from', 'to', 'paths'],
          },
          ...V1_ERRORS,
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      snapshotHeader(reply, view);
      return view.engine.paths(req.query.from, req.query.to, { maxDepth: req.query.maxDepth, limit: req.query.limit });
    },
  );
}
