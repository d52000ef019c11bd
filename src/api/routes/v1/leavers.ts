/**
 * `GET /v1/leavers`: the leavers board — every departed person (accounts correlated into
 * persons; an account no person links is its own row) with their accounts per system, time from
 * termination to disable against the SLA, counts of open findings by status, the worst
 * severity, and whether they are closed and why not (findings, or coverage missing for the
 * rules). Filtered by status, severity, rule, source, closed and a text query; sorted; paged.
 * The rows are the report's (src/reports/leavers.ts), built once per snapshot, SLA and state of
 * the accepted risks, so a board of 25,000 leavers pages in milliseconds. The snapshot's sources,
 * rules, statuses and severities come with the answer: the console builds its filters from them.
 */
import { statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { FindingsDoc } from '../../../../queries/residual.js';
import { RULES } from '../../../../queries/residual-access/index.js';
import { SEVERITIES, STATUSES } from '../../../analysis/severity.js';
import { acceptanceAt, acceptancesPath, currentAcceptances, readAcceptances } from '../../../reports/acceptances.js';
import { formatDuration } from '../../../reports/duration.js';
import { type LeaverRow, buildLeavers } from '../../../reports/leavers.js';
import { V1_ERRORS, security, slaQuery, timeToDisableSchema } from '../../schemas.js';
import type { SnapshotView } from '../../snapshot/SnapshotView.js';
import { slaMsOf, snapshotHeader } from './common.js';
import '../../types.js';

export interface BoardRow extends LeaverRow {
  /** Statuses, severities, rules and sources of the person's open findings and accounts (for filters). */
  statuses: string[];
  severities: string[];
  rules: string[];
  sources: string[];
  /** Lower-cased text the query box searches: names, ids, person id. */
  text: string;
  /** Earliest departure of the person's departed accounts. */
  departedAt: string | null;
  /** Longest time to disable over the person's accounts (ms), null when unknown. */
  timeToDisableMs: number | null;
  withinSla: boolean | null;
  live: number;
}

const SORTS = ['worst', 'name', 'open', 'live', 'departedAt', 'timeToDisable'] as const;
type Sort = (typeof SORTS)[number];

interface BoardQuery {
  status?: string[];
  severity?: string[];
  rule?: string[];
  source?: string[];
  closed?: boolean;
  q?: string;
  sort: Sort;
  order?: 'asc' | 'desc';
  sla: string;
  offset: number;
  limit: number;
}

/** Board rows of a findings document (pure; exported for tests). */
export function boardRows(doc: FindingsDoc, opts: { at: number; slaMs: number; slaText: string; accepted: (id: string) => boolean }): BoardRow[] {
  const bySubject = new Map<string, FindingsDoc['findings']>();
  for (const f of doc.findings) {
    const k = `${f.subject.source}:${f.subject.id}`;
    (bySubject.get(k) ?? bySubject.set(k, []).get(k)!).push(f);
  }
  const rows = buildLeavers(doc, { at: opts.at, slaMs: opts.slaMs, slaText: opts.slaText, periodFrom: null, accepted: (f) => opts.accepted(f.id) });
  return rows.map((r) => {
    const statuses = new Set<string>();
    const severities = new Set<string>();
    const rules = new Set<string>();
    let live = 0;
    let departedAt: string | null = null;
    let ttd: number | null = null;
    let withinSla: boolean | null = null;
    for (const a of r.accounts) {
      if (!a.departed) continue;
      for (const f of bySubject.get(`${a.source}:${a.id}`) ?? []) {
        if (opts.accepted(f.id)) continue;
        statuses.add(f.status);
        severities.add(f.severity);
        rules.add(f.rule);
        if (f.status === 'live') live++;
      }
      if (a.departedAt && (departedAt === null || a.departedAt < departedAt)) departedAt = a.departedAt;
      if (a.timeToDisable.ms !== null) ttd = Math.max(ttd ?? 0, a.timeToDisable.ms);
      if (a.timeToDisable.withinSla === false) withinSla = false;
      else if (a.timeToDisable.withinSla === true && withinSla === null) withinSla = true;
    }
    const text = [r.name, r.person, ...r.accounts.flatMap((a) => [a.name, a.id])].join('\u0000').toLowerCase();
    return {
      ...r,
      statuses: [...statuses],
      severities: [...severities],
      rules: [...rules],
      sources: [...new Set(r.accounts.map((a) => a.source))],
      text,
      departedAt,
      timeToDisableMs: ttd,
      withinSla,
      live,
    };
  });
}

const SEV = ['critical', 'high', 'medium', 'low'];

function compare(sort: Sort): (a: BoardRow, b: BoardRow) => number {
  switch (sort) {
    case 'name':
      return (a, b) => a.name.localeCompare(b.name) || a.person.localeCompare(b.person);
    case 'open':
      return (a, b) => a.open - b.open;
    case 'live':
      return (a, b) => a.live - b.live;
    case 'departedAt':
      return (a, b) => (a.departedAt ?? '').localeCompare(b.departedAt ?? '');
    case 'timeToDisable':
      return (a, b) => (a.timeToDisableMs ?? -1) - (b.timeToDisableMs ?? -1);
    case 'worst':
      return () => 0;
  }
}

const cache = new WeakMap<SnapshotView, Map<string, BoardRow[]>>();

export default async function leaversRoutes(fastify: FastifyInstance): Promise<void> {
  const { store, snapshots } = fastify.revenant;
  const list = (items: object) => ({ type: 'array', maxItems: 50, items });

  const rowsOf = (view: SnapshotView, slaMs: number, slaText: string): BoardRow[] => {
    let mtime = 0;
    try {
      mtime = statSync(acceptancesPath(store.dir)).mtimeMs;
    } catch {
      // no acceptances yet
    }
    const key = `${slaMs}|${mtime}`;
    let byKey = cache.get(view);
    if (!byKey) cache.set(view, (byKey = new Map<string, BoardRow[]>()));
    let rows = byKey.get(key);
    if (!rows) {
      const current = currentAcceptances(readAcceptances(store.dir));
      rows = boardRows(view.doc, { at: view.time, slaMs, slaText, accepted: (id) => acceptanceAt(current, id, view.time)?.state === 'accepted' });
      byKey.clear();
      byKey.set(key, rows);
    }
    return rows;
  };

  // Build the default board of a new snapshot once snapshots stop arriving for a moment, so the
  // first view does not wait for it. (It reads every finding: at 250,000 people seconds of CPU,
  // which under a stream of event-driven refreshes would sit between each swap and its pushes.)
  const DEFAULT_SLA = slaMsOf(slaQuery.default);
  const SETTLE_MS = 10_000;
  let prepare: NodeJS.Timeout | undefined;
  snapshots.on('swap', ({ next }) => {
    clearTimeout(prepare);
    prepare = setTimeout(() => {
      if (snapshots.current !== next) return;
      try {
        rowsOf(next, DEFAULT_SLA, formatDuration(DEFAULT_SLA));
      } catch (e) {
        fastify.log.warn({ err: (e as Error).message }, 'leavers board: could not prepare the board of the new snapshot');
      }
    }, SETTLE_MS);
    prepare.unref();
  });
  fastify.addHook('onClose', async () => clearTimeout(prepare));

  const account = {
    type: 'object',
    additionalProperties: false,
    properties: {
      source: { type: 'string' },
      sourceKey: { type: 'string' },
      tenant: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      departed: { type: 'boolean' },
      departedBecause: { type: 'array', items: { type: 'string' } },
      disabled: { type: 'boolean' },
      terminatedAt: { type: ['string', 'null'] },
      terminatedFrom: { type: ['string', 'null'] },
      departedAt: { type: ['string', 'null'] },
      departedAtFrom: { type: ['string', 'null'] },
      timeToDisable: timeToDisableSchema,
      findings: { type: 'object', additionalProperties: { type: 'integer' } },
      closed: { type: ['boolean', 'null'] },
      closure: { type: 'string' },
    },
  } as const;

  fastify.get<{ Querystring: BoardQuery }>(
    '/v1/leavers',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: 'The leavers board: every departed person, their accounts, time to disable, findings and closure',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: list({ type: 'string', enum: [...STATUSES] }),
            severity: list({ type: 'string', enum: [...SEVERITIES] }),
            rule: list({ type: 'string', enum: RULES.map((r) => r.id) }),
            source: list({ type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' }),
            closed: { type: 'boolean', description: 'Only closed (true) or only not closed (false) persons.' },
            q: { type: 'string', maxLength: 200, description: 'Substring of a name, account id, UPN, login, mail or person id.' },
            sort: { type: 'string', enum: [...SORTS], default: 'worst', description: '`worst`: not closed first, by worst severity and open findings.' },
            order: { type: 'string', enum: ['asc', 'desc'], description: 'Default: desc for counts and times, asc for names.' },
            sla: slaQuery,
            offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              snapshot: { type: 'string' },
              at: { type: 'string' },
              sla: { type: 'string' },
              total: { type: 'integer', description: 'Rows matching the filters.' },
              offset: { type: 'integer' },
              summary: {
                type: 'object',
                additionalProperties: false,
                properties: { persons: { type: 'integer' }, closed: { type: 'integer' }, open: { type: 'integer' }, live: { type: 'integer' } },
              },
              facets: {
                type: 'object',
                additionalProperties: false,
                description: 'What the filters can take in this snapshot.',
                properties: {
                  sources: { type: 'array', items: { type: 'string' } },
                  rules: { type: 'array', items: { type: 'string' } },
                  statuses: { type: 'array', items: { type: 'string' } },
                  severities: { type: 'array', items: { type: 'string' } },
                },
              },
              coverage: { type: 'object', additionalProperties: { $ref: 'Coverage#' } },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    person: { type: 'string' },
                    name: { type: 'string' },
                    closed: { type: 'boolean' },
                    why: { type: 'string' },
                    open: { type: 'integer' },
                    live: { type: 'integer' },
                    worstSeverity: { type: ['string', 'null'] },
                    statuses: { type: 'array', items: { type: 'string' } },
                    severities: { type: 'array', items: { type: 'string' } },
                    rules: { type: 'array', items: { type: 'string' } },
                    sources: { type: 'array', items: { type: 'string' } },
                    departedAt: { type: ['string', 'null'] },
                    timeToDisableMs: { type: ['integer', 'null'] },
                    withinSla: { type: ['boolean', 'null'] },
                    accounts: { type: 'array', items: account },
                  },
                },
              },
            },
            required: ['snapshot', 'at', 'sla', 'total', 'offset', 'summary', 'facets', 'items'],
          },
          ...V1_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const q = req.query;
      const slaMs = slaMsOf(q.sla);
      const all = rowsOf(view, slaMs, formatDuration(slaMs));
      const status = q.status ? new Set(q.status) : null;
      const severity = q.severity ? new Set(q.severity) : null;
      const rule = q.rule ? new Set(q.rule) : null;
      const source = q.source ? new Set(q.source) : null;
      const text = q.q?.trim().toLowerCase() || null;
      const rows = all.filter(
        (r) =>
          (q.closed === undefined || r.closed === q.closed) &&
          (!status || r.statuses.some((s) => status.has(s))) &&
          (!severity || r.severities.some((s) => severity.has(s))) &&
          (!rule || r.rules.some((s) => rule.has(s))) &&
          (!source || r.sources.some((s) => source.has(s))) &&
          (!text || r.text.includes(text)),
      );
      if (q.sort === 'worst') {
        if (q.order === 'asc') rows.reverse();
      } else {
        // Ties keep the board's worst-first order.
        const desc = (q.order ?? (q.sort === 'name' ? 'asc' : 'desc')) === 'desc';
        const cmp = compare(q.sort);
        const idx = new Map(all.map((r, i) => [r, i]));
        rows.sort((a, b) => (desc ? -cmp(a, b) : cmp(a, b)) || idx.get(a)! - idx.get(b)!);
      }
      const page = rows.slice(q.offset, q.offset + q.limit);
      snapshotHeader(reply, view);
      const sources = [...new Set([...Object.values(view.doc.coverage).map((c) => c.source), ...all.flatMap((r) => r.sources)])].sort();
      return {
        snapshot: view.id,
        at: view.doc.at,
        sla: formatDuration(slaMs),
        total: rows.length,
        offset: q.offset,
        summary: {
          persons: all.length,
          closed: all.filter((r) => r.closed).length,
          open: all.reduce((n, r) => n + r.open, 0),
          live: all.reduce((n, r) => n + r.live, 0),
        },
        facets: { sources, rules: RULES.map((r) => r.id), statuses: [...STATUSES], severities: SEV.filter((s) => (SEVERITIES as readonly string[]).includes(s)) },
        coverage: view.doc.coverage,
        items: page.map((r) => ({
          person: r.person,
          name: r.name,
          closed: r.closed,
          why: r.why,
          open: r.open,
          live: r.live,
          worstSeverity: r.worstSeverity,
          statuses: r.statuses,
          severities: r.severities,
          rules: r.rules,
          sources: r.sources,
          departedAt: r.departedAt,
          timeToDisableMs: r.timeToDisableMs,
          withinSla: r.withinSla,
          accounts: r.accounts, // serialised through the schema: the report-only `inPeriod` is left out
        })),
      };
    },
  );
}
