/**
 * `GET /v1/findings`: the findings of the snapshot being served, then every change after them —
 * a list-then-watch feed a SIEM can poll without missing a finding. Without a cursor, the current
 * findings are listed (by id, filtered by status, severity, rule, source, since = first seen at or
 * after); each page returns `next`, and once the listing is done `next` continues with the
 * store's change feed (store/ChangeFeed.ts) from the position of the snapshot the listing
 * started on: every finding created, updated (status, severity, reach… changed, or unconfirmable
 * because its data went partial), closed or reopened since, in order, each item with its
 * `change` (seq, kind, reason, snapshot, previous status). Under filters, an event is delivered
 * when the finding's state before or after it matches (an escalation into the filter, a finding
 * leaving it, and the close of a finding whose last state matched). The empty last page returns a
 * cursor too. A cursor older than the retained history (its snapshots were pruned), or of another
 * feed, is 410 REVENANT_ERR_CURSOR_EXPIRED, and a cursor of the first version (before the feed) is
 * 400 REVENANT_ERR_CURSOR_OUTDATED — never a silent restart: list again without a cursor. Delivery is at least
 * once (a finding changed while a listing was in progress can come twice): upsert by `id`.
 * `GET /v1/findings/{id}`: one finding by its stable id. Both answer in Revenant's JSON or as OCSF
 * events (`?format=ocsf`).
 */
import type { FastifyInstance } from 'fastify';
import type { Finding } from '../../../../queries/residual.js';
import { SEVERITIES, STATUSES } from '../../../analysis/severity.js';
import { RULES } from '../../../../queries/residual-access/index.js';
import type { FeedEvent, FeedFilter } from '../../../store/ChangeFeed.js';
import { type Cursor, decodeCursor, encodeCursor, filterDigest } from '../../cursor.js';
import { HttpError } from '../../httpError.js';
import { ERR } from '../../../model/errors.js';
import { API_ERR } from '../../errorCatalogue.js';
import { findingToOcsf, type OcsfClassUid } from '../../ocsf/ocsf.js';
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

const ACTIVITY_OF = { created: 'create', reopened: 'create', updated: 'update', closed: 'close' } as const;

function changeItem(e: FeedEvent): Finding & Record<string, unknown> {
  return {
    ...e.doc,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    change: {
      seq: e.seq,
      kind: e.kind,
      reason: e.reason,
      snapshot: e.snapshot,
      at: e.at,
      previousStatus: e.previousStatus,
      previousSeverity: e.previousSeverity,
    },
  };
}

function changeOcsf(e: FeedEvent, classUid: OcsfClassUid) {
  return findingToOcsf(e.doc, {
    activity: ACTIVITY_OF[e.kind],
    classUid,
    snapshot: e.snapshot,
    time: Date.parse(e.at) || 0,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    previousStatus: e.previousStatus && e.previousStatus !== e.status ? e.previousStatus : undefined,
    reason: e.reason ?? (e.kind === 'reopened' ? 'reopened' : undefined),
  });
}

export default async function findingsRoutes(fastify: FastifyInstance): Promise<void> {
  const { config, feed } = fastify.revenant;
  const list = (items: object) => ({ type: 'array', maxItems: 20, items });
  fastify.get<{ Querystring: FindingsQuery }>(
    '/v1/findings',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: 'Findings of the snapshot being served, then every change after them (cursor-paged change feed)',
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
              phase: { type: 'string', enum: ['list', 'changes'], description: '`list`: current findings of the snapshot; `changes`: events of the change feed (each item has `change`).' },
              count: { type: 'integer' },
              hasMore: { type: 'boolean', description: 'More is there now (the next page may still be empty under filters); when false, `next` returns only what changes later.' },
              next: { type: 'string', description: 'Cursor of the next page; always present. Keep the last one: polling with it later returns every change since.' },
              items: { type: 'array', items: { $ref: 'Finding#' }, description: 'format=json' },
              events: { type: 'array', items: { $ref: 'OcsfEvent#' }, description: 'format=ocsf' },
            },
            required: ['snapshot', 'at', 'phase', 'count', 'hasMore', 'next'],
          },
          ...V1_ERRORS,
          ...errorResponses(410),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const q = req.query;
      const since = q.since ? new Date(q.since).toISOString() : undefined;
      const filters = { status: q.status, severity: q.severity, rule: q.rule, source: q.source, since: q.since };
      const digest = filterDigest(filters);
      let cursor: Cursor = { phase: 'list', epoch: feed.epoch, end: view.feedEnd, after: '', digest };
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        if (!c) throw new HttpError(API_ERR.BAD_CURSOR, 'cursor is not valid: use the `next` value of a previous page');
        if (c.phase === 'legacy') throw new HttpError(API_ERR.CURSOR_OUTDATED, 'this cursor is of the first cursor version, which cannot continue the change feed: list again without a cursor');
        if (c.digest !== digest) throw new HttpError(API_ERR.BAD_CURSOR, 'cursor was made for other filters: repeat the filters of the first page');
        if (c.epoch !== feed.epoch) throw new HttpError(API_ERR.CURSOR_EXPIRED, "this cursor belongs to another change feed (the store's feed was reset): list again without a cursor");
        cursor = c;
      }
      const position = cursor.phase === 'list' ? cursor.end : cursor.after;
      if (position < feed.prunedThrough()) {
        throw new HttpError(API_ERR.CURSOR_EXPIRED, 'this cursor is older than the retained change history (its snapshots were pruned): list again without a cursor');
      }
      snapshotHeader(reply, view);
      const head = { snapshot: view.id, at: view.doc.at };

      if (cursor.phase === 'list') {
        const status = q.status ? new Set(q.status) : null;
        const severity = q.severity ? new Set(q.severity) : null;
        const rule = q.rule ? new Set(q.rule) : null;
        const source = q.source ? new Set(q.source) : null;
        const sinceMs = since ? Date.parse(since) : null;
        let i = view.indexAfter(cursor.after);
        let last = cursor.after;
        const picked: Finding[] = [];
        while (i < view.sorted.length && picked.length < q.limit) {
          const f = view.sorted[i++];
          last = f.id;
          if (status && !status.has(f.status)) continue;
          if (severity && !severity.has(f.severity)) continue;
          if (rule && !rule.has(f.rule)) continue;
          if (source && !source.has(f.subject.source)) continue;
          if (sinceMs !== null && !(Date.parse(view.history.get(f.id)?.firstSeen.at ?? view.doc.at) >= sinceMs)) continue;
          picked.push(f);
        }
        const done = i >= view.sorted.length;
        const next: Cursor = done ? { phase: 'changes', epoch: feed.epoch, after: cursor.end, digest } : { ...cursor, after: last };
        const base = { ...head, phase: 'list' as const, count: picked.length, hasMore: !done || cursor.end < view.feedEnd, next: encodeCursor(next) };
        if (q.format === 'ocsf') return { ...base, events: picked.map((f) => ocsfOf(view, f, q.ocsfClass)) };
        return { ...base, items: picked.map((f) => withSeen(view, f)) };
      }

      const filter: FeedFilter = { status: q.status, severity: q.severity, rule: q.rule, source: q.source, since };
      const { events, next } = feed.read(cursor.after, view.feedEnd, filter, q.limit);
      const base = {
        ...head,
        phase: 'changes' as const,
        count: events.length,
        hasMore: next < view.feedEnd,
        next: encodeCursor({ ...cursor, after: Math.max(next, cursor.after) }),
      };
      if (q.format === 'ocsf') return { ...base, events: events.map((e) => changeOcsf(e, q.ocsfClass)) };
      return { ...base, items: events.map(changeItem) };
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
          ...errorResponses(404, 414),
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
