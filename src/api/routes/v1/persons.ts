/**
 * `GET /v1/persons/{subject}`: the person behind any account id, UPN, login, mail or employee id —
 * the console's person view. Every correlated account and HR record (with its properties and
 * evidence), the links that joined them (key, value, strength), each account's departure and
 * closure, time from termination to disable against the SLA, the findings of every account (with
 * first and last seen), and the coverage of the sources involved.
 */
import type { FastifyInstance } from 'fastify';
import type { Finding, SubjectReport } from '../../../../queries/residual.js';
import type { SourceCoverage } from '../../../analysis/coverage.js';
import { formatDuration } from '../../../reports/duration.js';
import { terminationOf, timeToDisable } from '../../../reports/leavers.js';
import { parseNodeKey } from '../../../model/ids.js';
import { V1_ERRORS, errorResponses, nameParam, security, slaQuery, timeToDisableSchema } from '../../schemas.js';
import { subjectKey } from '../../snapshot/SnapshotView.js';
import { slaMsOf, snapshotHeader, withSeen } from './common.js';
import { nodeSummarySchema } from './search.js';
import '../../types.js';

export default async function personRoutes(fastify: FastifyInstance): Promise<void> {
  const member = {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...nodeSummarySchema.properties,
      account: { type: 'boolean' },
      props: { type: 'object', additionalProperties: true },
      evidence: { type: ['string', 'null'] },
      report: { $ref: 'SubjectReport#' },
      timeToDisable: timeToDisableSchema,
    },
    required: ['key', 'kind', 'source', 'id', 'name', 'account', 'props'],
  } as const;

  fastify.get<{ Params: { subject: string }; Querystring: { sla: string } }>(
    '/v1/persons/:subject',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: 'A person: correlated accounts with link keys, departure, findings and coverage',
        security,
        params: { type: 'object', additionalProperties: false, properties: { subject: nameParam }, required: ['subject'] },
        querystring: { type: 'object', additionalProperties: false, properties: { sla: slaQuery } },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              snapshot: { type: 'string' },
              at: { type: 'string' },
              query: { type: 'string' },
              sla: { type: 'string' },
              person: { anyOf: [nodeSummarySchema, { type: 'null' }] },
              departed: { type: 'boolean', description: 'At least one account of the person is departed.' },
              closed: { type: ['boolean', 'null'], description: 'Every departed account closed (null: nothing departed).' },
              members: { type: 'array', items: member },
              links: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  properties: { from: { type: 'string' }, to: { type: 'string' }, key: { type: 'string' }, value: { type: 'string' }, strength: { type: 'string' } },
                },
              },
              coverage: { type: 'object', additionalProperties: { $ref: 'Coverage#' } },
              findings: { type: 'array', items: { $ref: 'Finding#' } },
            },
            required: ['snapshot', 'at', 'query', 'person', 'members', 'links', 'coverage', 'findings'],
          },
          ...V1_ERRORS,
          ...errorResponses(404, 414),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const slaMs = slaMsOf(req.query.sla);
      const p = await view.engine.person(req.params.subject);
      const coverage: Record<string, SourceCoverage> = {};
      const findings: Finding[] = [];
      const subjects: SubjectReport[] = [];
      const members = p.members.map((m) => {
        if (!m.account) return m;
        const { sourceKey } = parseNodeKey(m.key);
        const s: SubjectReport = view.subjects.get(subjectKey(m.source, m.id)) ?? {
          source: m.source,
          sourceKey,
          id: m.id,
          name: m.name,
          departed: false,
          departedBecause: [],
          departedAt: null,
          departedAtFrom: null,
          disabled: false,
          assumed: false,
          closed: null,
          closure: 'not departed',
          person: p.person?.id ?? null,
          findings: 0,
        };
        subjects.push(s);
        const cov = view.doc.coverage[s.sourceKey];
        if (cov) coverage[s.sourceKey] = cov;
        findings.push(...(view.bySubject.get(subjectKey(m.source, m.id)) ?? []));
        return { ...m, report: s, ...(s.departed ? { timeToDisable: timeToDisable(s, terminationOf(s).at, view.time, slaMs) } : {}) };
      });
      const departed = subjects.filter((s) => s.departed);
      // The analysis's own verdict on the person when it has one (it also counts cross-source findings).
      const verdict = p.person ? view.doc.persons.find((x) => x.id === p.person!.id)?.closed : undefined;
      snapshotHeader(reply, view);
      return {
        snapshot: view.id,
        at: view.doc.at,
        query: req.params.subject,
        sla: formatDuration(slaMs),
        person: p.person,
        departed: departed.length > 0,
        closed: departed.length ? (verdict ?? departed.every((s) => s.closed === true)) : null,
        members,
        links: p.links,
        coverage,
        findings: findings.map((f) => withSeen(view, f)),
      };
    },
  );
}
