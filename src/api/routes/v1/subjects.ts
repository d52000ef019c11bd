/**
 * `GET /v1/subjects/{subject}/residual-access`: what is still usable for one identity — the
 * question a SIEM asks when it sees a termination, a disable, or a sign-in attempt of a disabled
 * account. The subject is named by id, UPN, login, mail or employee id (prefix `entra:` or
 * `okta:` to pick a source); every account it resolves to is reported, departed or not, with its
 * findings from the latest snapshot's stored analysis.
 */
import type { FastifyInstance } from 'fastify';
import type { SubjectReport } from '../../../../queries/residual.js';
import type { SourceCoverage } from '../../../analysis/coverage.js';
import { HttpError } from '../../httpError.js';
import { ERR } from '../../../model/errors.js';
import { V1_ERRORS, errorResponses, formatQuery, nameParam, security } from '../../schemas.js';
import { subjectKey } from '../../snapshot/SnapshotView.js';
import { ocsfOf, snapshotHeader, withSeen } from './common.js';
import '../../types.js';

export default async function subjectRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Params: { subject: string }; Querystring: { format: 'json' | 'ocsf'; ocsfClass: 2008 | 2004 } }>(
    '/v1/subjects/:subject/residual-access',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: "One subject's residual access",
        security,
        params: { type: 'object', additionalProperties: false, properties: { subject: nameParam }, required: ['subject'] },
        querystring: { type: 'object', additionalProperties: false, properties: { ...formatQuery } },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              snapshot: { type: 'string' },
              at: { type: 'string' },
              query: { type: 'string' },
              subjects: { type: 'array', items: { $ref: 'SubjectReport#' } },
              coverage: { type: 'object', additionalProperties: { $ref: 'Coverage#' } },
              findings: { type: 'array', items: { $ref: 'Finding#' } },
              events: { type: 'array', items: { $ref: 'OcsfEvent#' } },
            },
            required: ['snapshot', 'at', 'query', 'subjects', 'coverage'],
          },
          ...V1_ERRORS,
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const accounts = await view.engine.accounts(req.params.subject);
      if (accounts.length === 0) throw new HttpError(ERR.NOT_FOUND, `subject not found in snapshot ${view.id} (name an account by id, UPN, login or mail; prefix entra: or okta: to pick a source)`);
      const subjects: SubjectReport[] = [];
      const findings = [];
      const coverage: Record<string, SourceCoverage> = {};
      for (const a of accounts) {
        const sk = subjectKey(a.source, a.id);
        subjects.push(
          view.subjects.get(sk) ?? {
            source: a.source,
            sourceKey: a.sourceKey,
            id: a.id,
            name: a.name,
            departed: false,
            departedBecause: [],
            departedAt: null,
            departedAtFrom: null,
            disabled: false,
            assumed: false,
            closed: null,
            closure: 'not departed',
            person: null,
            findings: 0,
          },
        );
        if (view.doc.coverage[a.sourceKey]) coverage[a.sourceKey] = view.doc.coverage[a.sourceKey];
        findings.push(...(view.bySubject.get(sk) ?? []));
      }
      snapshotHeader(reply, view);
      const base = { snapshot: view.id, at: view.doc.at, query: req.params.subject, subjects, coverage };
      if (req.query.format === 'ocsf') return { ...base, events: findings.map((f) => ocsfOf(view, f, req.query.ocsfClass)) };
      return { ...base, findings: findings.map((f) => withSeen(view, f)) };
    },
  );
}
