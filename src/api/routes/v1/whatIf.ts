/**
 * `POST /v1/what-if`: the findings that would remain if the named accounts were disabled now
 * (an Entra account is assumed `accountEnabled == false`; an Okta account deactivated, with
 * Okta's documented effects). Runs the residual-access engine on the latest snapshot for those
 * accounts only; needs the `what-if` scope.
 */
import type { FastifyInstance } from 'fastify';
import { RULES } from '../../../../queries/residual-access/index.js';
import { instant } from '../../../model/time.js';
import { HttpError } from '../../httpError.js';
import { API_ERR } from '../../errorCatalogue.js';
import { V1_ERRORS, errorResponses, formatQuery, nameParam, security } from '../../schemas.js';
import { ocsfOf, snapshotHeader } from './common.js';
import '../../types.js';

interface WhatIfBody {
  assumeDeparted: string[];
  subjects?: string[];
  at?: string;
  rules?: string[];
}

export default async function whatIfRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: WhatIfBody; Querystring: { format: 'json' | 'ocsf'; ocsfClass: 2008 | 2004 } }>(
    '/v1/what-if',
    {
      config: { scope: 'what-if', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: 'Findings as if the named accounts were disabled now',
        security,
        querystring: { type: 'object', additionalProperties: false, properties: { ...formatQuery } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['assumeDeparted'],
          properties: {
            assumeDeparted: { type: 'array', minItems: 1, maxItems: 50, items: nameParam, description: 'Accounts to treat as disabled (id, UPN, login or mail).' },
            subjects: { type: 'array', maxItems: 50, items: nameParam, description: 'Other accounts to report alongside.' },
            at: { type: 'string', format: 'date-time', description: 'Analysis time (default: the snapshot collection time).' },
            rules: { type: 'array', maxItems: 50, items: { type: 'string', enum: RULES.map((r) => r.id) } },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              snapshot: { type: 'string' },
              doc: { $ref: 'FindingsDoc#' },
              events: { type: 'array', items: { $ref: 'OcsfEvent#' } },
            },
            required: ['snapshot'],
          },
          ...V1_ERRORS,
          ...errorResponses(404, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const b = req.body;
      const at = b.at ? instant(b.at) : undefined;
      if (at === null) throw new HttpError(API_ERR.VALIDATION, 'body/at must be an ISO-8601 date-time');
      const doc = await view.engine.whatIf({ assumeDeparted: b.assumeDeparted, subjects: b.subjects, at, rules: b.rules });
      snapshotHeader(reply, view);
      if (req.query.format === 'ocsf') {
        return { snapshot: view.id, events: doc.findings.map((f) => ({ ...ocsfOf(view, f, req.query.ocsfClass, 'create', 'what-if') })) };
      }
      return { snapshot: view.id, doc };
    },
  );
}
