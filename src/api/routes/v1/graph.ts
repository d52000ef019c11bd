/**
 * `GET /v1/blast-radius/{principal}`: everything a principal (account, group, application,
 * service principal, credential, token) can reach, with the shortest path to each privilege.
 * `GET /v1/paths?from=&to=`: the access paths between two principals (or to `tier0` / `tenant`).
 * Both walk the latest snapshot's graph within a depth limit, on the embedded engine or in Neo4j.
 * `GET /v1/graph/neighbourhood?node=`: one node (by key, or named like a principal) with its
 * properties and its edges grouped by kind and direction, each group counted and listed a page
 * at a time (`offset`, `limit`) — what the console's graph explorer expands a node with.
 */
import type { FastifyInstance } from 'fastify';
import { SOURCES } from '../../../model/source.js';
import { V1_ERRORS, errorResponses, nameParam, security } from '../../schemas.js';
import { snapshotHeader } from './common.js';
import { nodeSummarySchema } from './search.js';
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
          ...errorResponses(404, 414),
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

  fastify.get<{ Querystring: { node: string; edges?: string[]; dir: 'out' | 'in' | 'both'; offset: number; limit: number } }>(
    '/v1/graph/neighbourhood',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['graph'],
        summary: 'One node, its properties, and its neighbours grouped by edge kind (paged per group)',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['node'],
          properties: {
            node: { ...nameParam, maxLength: 1024, description: 'A node key (as returned by /v1/search and this route), or a principal name as for /v1/blast-radius.' },
            edges: { type: 'array', maxItems: 64, items: { type: 'string', enum: [...SOURCES.allEdgeKinds()] }, description: 'Only these edge kinds.' },
            dir: { type: 'string', enum: ['out', 'in', 'both'], default: 'both' },
            offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 25 },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              snapshot: { type: 'string' },
              node: {
                type: 'object',
                additionalProperties: false,
                properties: { ...nodeSummarySchema.properties, props: { type: 'object', additionalProperties: true }, evidence: { type: ['string', 'null'] } },
                required: ['key', 'kind', 'source', 'id', 'name', 'props'],
              },
              groups: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    edge: { type: 'string' },
                    dir: { type: 'string', enum: ['out', 'in'] },
                    count: { type: 'integer', description: 'Edges of this kind and direction in all.' },
                    offset: { type: 'integer' },
                    items: { type: 'array', items: nodeSummarySchema },
                  },
                },
              },
            },
            required: ['snapshot', 'node', 'groups'],
          },
          ...V1_ERRORS,
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      snapshotHeader(reply, view);
      const q = req.query;
      const n = await view.engine.neighbourhood(q.node, { edges: q.edges, dir: q.dir, offset: q.offset, limit: q.limit });
      return { snapshot: view.id, ...n };
    },
  );
}
