/**
 * `GET /v1/snapshots`: the snapshots in the store, and which one is being served (a snapshot whose
 * file cannot be read is listed with `error`, and never breaks the list).
 * `GET /v1/diff?from=&to=`: what changed between two snapshots (default: the one before the
 * snapshot being served, and the one being served — not a newer file that is not served yet) —
 * new, resolved, persisting, changed (regressions flagged) and coverage lost (never counted as
 * resolved); a snapshot against itself is the empty diff; an unknown or pruned snapshot is 404. As
 * OCSF, new is Create, changed and persisting are Update, resolved is Close, and findings lost
 * with their data's coverage are Update with reason `coverage-lost`. Both answer for the snapshot
 * being served and name it in `x-revenant-snapshot`. The last few diffs are cached by resolved
 * snapshot ids (snapshots are immutable); entries of pruned snapshots are dropped. `limit` caps
 * each list and `offset` skips into it, `list` keeps only one (the console shows a page, and
 * exports a list as CSV a page at a time; `counts` always has the full sizes). The diff's body is
 * streamed in pieces (output/jsonChunks + chunkStream, as the CLI writes its JSON): at a million
 * users it holds half a million findings, more than one JavaScript string can (and OCSF events
 * are made one at a time as they are written).
 */
import type { FastifyInstance } from 'fastify';
import type { DiffResult } from '../../../../queries/diff.js';
import { JsonArray, jsonChunks } from '../../../output/jsonChunks.js';
import { chunkStream } from '../../../output/writeChunks.js';
import { findingToOcsf, type OcsfEvent } from '../../ocsf/ocsf.js';
import { V1_ERRORS, errorResponses, formatQuery, security } from '../../schemas.js';
import { snapshotHeader } from './common.js';
import '../../types.js';

/** The diff's lists a client can page one at a time (`list`). */
const DIFF_LISTS = ['new', 'resolved', 'persisting', 'changed', 'coverageLost'] as const;
type DiffList = (typeof DIFF_LISTS)[number];

/** Levels of the diff jsonChunks takes apart: the document, its lists, a coverage loss, its findings. */
const DIFF_DEPTH = 4;

const snapshotId = { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' } as const;

export default async function snapshotRoutes(fastify: FastifyInstance): Promise<void> {
  const { snapshots } = fastify.revenant;
  const source = snapshots.source;
  fastify.get(
    '/v1/snapshots',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['snapshots'],
        summary: 'Snapshots in the store (oldest first) and the one being served',
        security,
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: { current: { type: ['string', 'null'] }, snapshots: { type: 'array', items: { $ref: 'SnapshotInfo#' } } },
            required: ['current', 'snapshots'],
          },
          ...V1_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      snapshotHeader(reply, view);
      return { current: view.id, snapshots: await source.list() };
    },
  );

  const cache = new Map<string, DiffResult>();
  /** Forget the diffs of snapshots no longer in the store. */
  const dropPruned = (ids: readonly string[]) => {
    const have = new Set(ids);
    for (const k of [...cache.keys()]) if (k.split('|').some((id) => id && !have.has(id))) cache.delete(k);
  };
  snapshots.on('swap', () => {
    source.ids().then(dropPruned, () => undefined);
  });
  const findingList = { type: 'array', items: { $ref: 'Finding#' } } as const;
  fastify.get<{ Querystring: { from?: string; to?: string; limit?: number; offset?: number; list?: DiffList; format: 'json' | 'ocsf'; ocsfClass: 2008 | 2004 } }>(
    '/v1/diff',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['snapshots'],
        summary: 'Findings new, resolved, persisting and changed between two snapshots',
        description:
          'The body is streamed (chunked transfer encoding, no Content-Length): a diff of a large tenant can hold hundreds of thousands of findings. A client that shows a page asks for `limit` (each list capped, `counts` the full sizes).',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: snapshotId,
            to: snapshotId,
            limit: { type: 'integer', minimum: 0, maximum: 1_000_000, description: 'At most this many findings in each list (default: all); `counts` has the full sizes.' },
            offset: { type: 'integer', minimum: 0, maximum: 100_000_000, description: 'Skip this many findings of each list first (with `limit`: a page; `counts` has the full sizes).' },
            list: {
              type: 'string',
              enum: DIFF_LISTS,
              description: 'Only this list (the others are left out; `counts` still has every size): a client paging one list into a download asks for it alone.',
            },
            ...formatQuery,
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              from: { type: ['string', 'null'] },
              to: { type: 'string' },
              new: findingList,
              resolved: findingList,
              persisting: findingList,
              changed: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { before: { $ref: 'Finding#' }, after: { $ref: 'Finding#' }, regression: { type: 'boolean' } },
                  required: ['before', 'after', 'regression'],
                  additionalProperties: false,
                },
              },
              coverageLost: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    sourceKey: { type: 'string' },
                    datasets: { type: 'array', items: { type: 'string' } },
                    rules: { type: 'array', items: { type: 'string' } },
                    findings: findingList,
                  },
                  additionalProperties: true,
                },
              },
              events: { type: 'array', items: { $ref: 'OcsfEvent#' } },
              counts: {
                type: 'object',
                additionalProperties: false,
                properties: { new: { type: 'integer' }, resolved: { type: 'integer' }, persisting: { type: 'integer' }, changed: { type: 'integer' }, regressed: { type: 'integer' }, coverageLost: { type: 'integer' } },
              },
            },
            required: ['from', 'to'],
          },
          ...V1_ERRORS,
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      snapshotHeader(reply, view);
      const ids = await source.ids();
      dropPruned(ids);
      const to = req.query.to ? await source.resolve(req.query.to) : view.id;
      let from: string | undefined;
      if (req.query.from) from = await source.resolve(req.query.from);
      else {
        const i = ids.indexOf(to);
        from = i > 0 ? ids[i - 1] : undefined;
      }
      const key = `${from ?? ''}|${to}`;
      let diff = cache.get(key);
      if (!diff) {
        diff = await source.diff(from, to);
        cache.set(key, diff);
        if (cache.size > 8) cache.delete(cache.keys().next().value!);
      }
      const { limit, offset = 0, list } = req.query;
      if (limit !== undefined || offset > 0 || list) {
        const page = <T>(xs: T[]) => xs.slice(offset, limit === undefined ? undefined : offset + limit);
        diff = {
          ...diff,
          new: page(diff.new),
          resolved: page(diff.resolved),
          persisting: page(diff.persisting),
          changed: page([...diff.changed.filter((c) => c.regression), ...diff.changed.filter((c) => !c.regression)]),
          coverageLost: diff.coverageLost.map((l) => ({ ...l, findings: page(l.findings) })),
          counts: {
            new: diff.new.length,
            resolved: diff.resolved.length,
            persisting: diff.persisting.length,
            changed: diff.changed.length,
            regressed: diff.changed.filter((c) => c.regression).length,
            coverageLost: diff.coverageLost.reduce((n, l) => n + l.findings.length, 0),
          },
        } as DiffResult;
        if (list) for (const other of DIFF_LISTS) if (other !== list) delete (diff as Partial<DiffResult>)[other];
      }
      // Streamed (the same JSON the schema describes): half a million findings do not fit in one string.
      reply.type('application/json; charset=utf-8');
      if (req.query.format !== 'ocsf') return reply.send(chunkStream(jsonChunks(diff, 0, DIFF_DEPTH)));
      const time = Date.parse(to === view.id ? view.info.collectedAt : (await source.info(to)).collectedAt) || Date.now();
      const cls = req.query.ocsfClass;
      const ev = (f: DiffResult['new'][number], activity: 'create' | 'update' | 'close', previousStatus?: string, reason?: string): OcsfEvent =>
        findingToOcsf(f, { activity, classUid: cls, snapshot: to, time, previousStatus, reason });
      // Lists left out by `list` are not there.
      const d: Partial<DiffResult> = diff;
      // Each event is made as it is written, never the whole list at once.
      const events = new JsonArray(function* () {
        for (const f of d.new ?? []) yield ev(f, 'create');
        for (const c of d.changed ?? []) yield ev(c.after, 'update', c.before.status, c.regression ? 'regression' : 'status-changed');
        for (const f of d.persisting ?? []) yield ev(f, 'update');
        for (const f of d.resolved ?? []) yield ev(f, 'close');
        for (const l of d.coverageLost ?? []) for (const f of l.findings) yield ev(f, 'update', undefined, 'coverage-lost');
      });
      return reply.send(chunkStream(jsonChunks({ from: diff.from, to: diff.to, events })));
    },
  );
}
