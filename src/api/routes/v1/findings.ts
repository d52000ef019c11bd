/**
 * `GET /v1/findings`: the findings of the latest snapshot, filtered (status, severity, rule,
 * source, since = first seen at or after), paged with cursors that survive snapshot swaps (see
 * cursor.ts): every page returns `next`, the empty last page too, so a SIEM polls with the last
 * cursor it got and receives exactly the findings that appeared since. `GET /v1/findings/{id}`:
 * one finding by its stable id. Both answer in Revenant's JSON or as OCSF events
 * (`?format=ocsf`).
 */
import type { FastifyInstance } from 'fastify';
import { SEVERITIES, STATUSES } from '../../../analysis/severity.js';
import { RULES } from '../../../../queries/residual-access/index.js';
import { decodeCursor, encodeCursor, filterDigest, START, type SortKey } from '../../cursor.js';
import { HttpError } from '../../httpError.js';
import { ERR } from '../../../model/errors.js';
import { API_ERR } from '../../errorCatalogue.js';
import { V1_ERRORS, errorResponses, formatQuery, security } from '../../schemas.js';
import { ocsfOf, snapshotHeader, withSeen } from './common.js';
import '../../types.js';
import { SOURCES } from '../../../../ingest/sources.js';

interface FindingsQuery {
  status?: string[];
  severity?: string[];
  rule?: string[];
  source?: string[];
  since?: string;
  cursor?: string;
  limit: number;
  format: 'json' | 'ocsf';
  ocsfClass: 2008 | 2004;
}

export default async function findingsRoutes(fastify: FastifyInstance): Promise<void> {
  const { config } = fastify.revenant;
  const list = (items: object) => ({ type: 'array', maxItems: 20, items });
  fastify.get<{ Querystring: FindingsQuery }>(
    '/v1/findings',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: 'Findings of the latest snapshot, paged with cursors',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: list({ type: 'string', enum: [...STATUSES] }),
            severity: list({ type: 'string', enum: [...SEVERITIES] }),
            rule: list({ type: 'string', enum: RULES.map((r) => r.id) }),
            source: list({ type: 'string', enum: SOURCES.kinds() }),
            since: { type: 'string', format: 'date-time', description: 'Only findings first seen at or after this time.' },
            cursor: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+$', description: 'The `next` of a previous page.' },
            limit: { type: 'integer', minimum: 1, maximum: config.maxPageSize, default: 100 },
            ...formatQuery,
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              snapshot: { type: 'string' },
              at: { type: 'string' },
              count: { type: 'integer' },
              hasMore: { type: 'boolean', description: 'The listing stopped before the end (the next page may still be empty under filters); when false, `next` returns only findings that appear later.' },
              next: { type: 'string', description: 'Cursor of the next page; always present.' },
              items: { type: 'array', items: { $ref: 'Finding#' }, description: 'format=json' },
              events: { type: 'array', items: { $ref: 'OcsfEvent#' }, description: 'format=ocsf' },
            },
            required: ['snapshot', 'at', 'count', 'hasMore', 'next'],
          },
          ...V1_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const q = req.query;
      const filters = { status: q.status, severity: q.severity, rule: q.rule, source: q.source, since: q.since };
      const digest = filterDigest(filters);
      let start: SortKey = START;
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        if (!c) throw new HttpError(API_ERR.BAD_CURSOR, 'cursor is not valid: use the `next` value of a previous page');
        if (c.digest !== digest) throw new HttpError(API_ERR.BAD_CURSOR, 'cursor was made for other filters: repeat the filters of the first page');
        start = c.key;
      }
      const status = q.status ? new Set(q.status) : null;
      const severity = q.severity ? new Set(q.severity) : null;
      const rule = q.rule ? new Set(q.rule) : null;
      const source = q.source ? new Set(q.source) : null;
      const since = q.since ? Date.parse(q.since) : null;
      let i = view.indexAfter(start);
      let last = start;
      const picked = [];
      while (i < view.ordered.length && picked.length < q.limit) {
        const o = view.ordered[i++];
        last = o.key;
        const f = o.finding;
        if (status && !status.has(f.status)) continue;
        if (severity && !severity.has(f.severity)) continue;
        if (rule && !rule.has(f.rule)) continue;
        if (source && !source.has(f.subject.source)) continue;
        if (since !== null && !(Date.parse(o.firstSeen.at) >= since)) continue;
        picked.push(f);
      }
      snapshotHeader(reply, view);
      const base = { snapshot: view.id, at: view.doc.at, count: picked.length, hasMore: i < view.ordered.length, next: encodeCursor(last, digest) };
      if (q.format === 'ocsf') return { ...base, events: picked.map((f) => ocsfOf(view, f, q.ocsfClass)) };
      return { ...base, items: picked.map((f) => withSeen(view, f)) };
    },
  );

  fastify.get<{ Params: { id: string }; Querystring: { format: 'json' | 'ocsf'; ocsfClass: 2008 | 2004 } }>(
    '/v1/findings/:id',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: 'One finding of the latest snapshot by its stable id',
        security,
        params: { type: 'object', additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' } }, required: ['id'] },
        querystring: { type: 'object', additionalProperties: false, properties: { ...formatQuery } },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: { snapshot: { type: 'string' }, finding: { $ref: 'Finding#' }, event: { $ref: 'OcsfEvent#' } },
            required: ['snapshot'],
          },
          ...V1_ERRORS,
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const f = view.byId.get(req.params.id);
      if (!f) throw new HttpError(ERR.NOT_FOUND, `no finding ${req.params.id} in snapshot ${view.id} (it may be resolved: see /v1/diff)`);
      snapshotHeader(reply, view);
      if (req.query.format === 'ocsf') return { snapshot: view.id, event: ocsfOf(view, f, req.query.ocsfClass) };
      return { snapshot: view.id, finding: withSeen(view, f) };
    },
  );
}
