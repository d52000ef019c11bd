/**
 * Closed-loop offboarding over HTTP:
 * - `GET /v1/subjects/{subject}/remediation-plan` (scope `read`): the subject's plan on the current
 *   snapshot — one ordered action per finding, what it breaks, whether it can be undone, the
 *   permission it needs, and what the guard rails hold back (`?include=RULE`, `?force=true`).
 * - `POST /v1/subjects/{subject}/remediation` (scope `remediate`, and only when the config enables
 *   remediation): applies the plan the caller reviewed (`plan` must be the id the GET returned —
 *   a plan that changed since is refused, 409) with the same guard rails, re-reads and journal as
 *   the CLI; answers 202 with a job.
 * - `GET /v1/remediation-jobs/{id}` (scope `read`): the job's state and the outcome of each action.
 * Plans are made on the embedded store's copy of the current snapshot.
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { SOURCES } from '../../../../ingest/sources.js';
import { RULES } from '../../../../queries/residual-access/index.js';
import { ERR } from '../../../model/errors.js';
import { buildPlan } from '../../../remediate/buildPlan.js';
import type { Plan } from '../../../remediate/Plan.js';
import { parseDuration } from '../../../reports/duration.js';
import { currentAcceptances, acceptanceAt, readAcceptances } from '../../../reports/acceptances.js';
import { LazyGraph } from '../../../store/LazyGraph.js';
import { SnapshotDb } from '../../../store/SnapshotDb.js';
import { resolveSecret } from '../../config.js';
import { API_ERR } from '../../errorCatalogue.js';
import { HttpError } from '../../httpError.js';
import { V1_ERRORS, errorResponses, nameParam, security } from '../../schemas.js';
import { snapshotHeader } from './common.js';
import '../../types.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const strArr = { type: 'array', items: str } as const;
const open = { type: 'object', additionalProperties: true } as const;

const PlanStepSchema = {
  type: 'object',
  properties: { kind: str, source: str, sourceKey: str, call: open, params: { type: 'object', additionalProperties: str }, object: str, target: str },
  required: ['kind', 'source', 'sourceKey', 'call', 'params', 'object', 'target'],
  additionalProperties: false,
} as const;

// Inline, not `addSchema`d: a schema added inside this plugin would give its routes fastify's
// default validator (which drops unknown body fields) instead of the API's strict one.
export const PlanSchema = {
  type: 'object',
  description: 'A remediation plan (revenant-remediation-plan/1; docs/remediation.md).',
  properties: {
    format: str,
    id: str,
    createdAt: str,
    subject: str,
    accounts: { type: 'array', items: open },
    at: str,
    snapshot: open,
    options: open,
    summary: { type: 'object', additionalProperties: int },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          n: int,
          id: str,
          state: { type: 'string', enum: ['planned', 'excluded', 'manual', 'accepted'] },
          reason: str,
          include: str,
          title: str,
          phase: str,
          rule: str,
          findings: strArr,
          consequence: bool,
          subject: { $ref: 'Ref#' },
          via: { $ref: 'Ref#' },
          status: str,
          severity: str,
          steps: { type: 'array', items: PlanStepSchema },
          manual: strArr,
          breaks: str,
          undo: str,
          reversible: bool,
          permissions: strArr,
        },
        required: ['n', 'id', 'state', 'title', 'rule', 'findings', 'steps', 'manual', 'breaks', 'undo', 'reversible', 'permissions'],
        additionalProperties: false,
      },
    },
    findings: { type: 'array', items: { $ref: 'Finding#' } },
  },
  required: ['format', 'id', 'createdAt', 'subject', 'accounts', 'at', 'snapshot', 'options', 'summary', 'actions', 'findings'],
  additionalProperties: false,
} as const;

const JobSchema = {
  type: 'object',
  properties: {
    id: str,
    plan: str,
    subject: str,
    state: { type: 'string', enum: ['running', 'finished', 'failed', 'interrupted'] },
    startedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
    summary: { type: 'object', additionalProperties: int },
    calls: int,
    actions: {
      type: 'array',
      items: { type: 'object', properties: { n: int, id: str, title: str, outcome: str, steps: strArr, reason: str }, required: ['n', 'id', 'title', 'outcome'], additionalProperties: false },
    },
    error: { type: ['string', 'null'] },
    href: str,
  },
  required: ['id', 'plan', 'subject', 'state', 'summary', 'actions'],
  additionalProperties: false,
} as const;

const RULE_IDS = RULES.map((r) => r.id);

interface PlanQuery {
  include?: string[];
  force?: boolean;
}

export default async function remediationRoutes(fastify: FastifyInstance): Promise<void> {
  const { store, config, remediation } = fastify.revenant;
  const maxAgeMs = parseDuration(config.remediation.maxAge, 'remediation.maxAge');

  /** The plan of a subject on the current snapshot (the embedded store's copy of it). */
  const planOf = (snapshotId: string, subject: string, q: PlanQuery): Plan => {
    const path = store.pathOf(snapshotId);
    if (!existsSync(path)) throw new HttpError(API_ERR.ENGINE_UNSUPPORTED, `snapshot ${snapshotId} is not in the embedded store: remediation plans are made on the embedded store's snapshots`);
    const db = new SnapshotDb(path);
    try {
      const now = Date.now();
      const acc = currentAcceptances(readAcceptances(store.dir));
      return buildPlan(new LazyGraph(db, snapshotId), {
        subject,
        include: q.include,
        force: q.force,
        maxAgeMs,
        now,
        accepted: (id) => {
          const st = acceptanceAt(acc, id, now);
          return st?.state === 'accepted' ? st.acceptance.until : null;
        },
      });
    } finally {
      db.close();
    }
  };

  fastify.get<{ Params: { subject: string }; Querystring: PlanQuery }>(
    '/v1/subjects/:subject/remediation-plan',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['remediation'],
        summary: "A subject's remediation plan (nothing changes)",
        security,
        params: { type: 'object', additionalProperties: false, properties: { subject: nameParam }, required: ['subject'] },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            include: { type: 'array', maxItems: 30, items: { type: 'string', enum: RULE_IDS }, description: 'Let the guarded actions of these rules run.' },
            force: { type: 'boolean', default: false, description: 'Plan on a snapshot older than remediation.maxAge.' },
          },
        },
        response: { 200: PlanSchema, ...V1_ERRORS, ...errorResponses(404, 409, 414, 501) },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      const plan = planOf(view.id, req.params.subject, req.query);
      remediation.runs.savePlan(plan);
      snapshotHeader(reply, view);
      return plan;
    },
  );

  fastify.post<{ Params: { subject: string }; Body: PlanQuery & { plan: string; resume?: boolean } }>(
    '/v1/subjects/:subject/remediation',
    {
      config: { scope: 'remediate', snapshot: true },
      schema: {
        tags: ['remediation'],
        summary: 'Apply the reviewed remediation plan of a subject (a job to poll)',
        security,
        params: { type: 'object', additionalProperties: false, properties: { subject: nameParam }, required: ['subject'] },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['plan'],
          properties: {
            plan: { type: 'string', pattern: '^[0-9a-f]{16}$', description: 'The id of the plan you reviewed (GET …/remediation-plan with the same include and force).' },
            include: { type: 'array', maxItems: 30, items: { type: 'string', enum: RULE_IDS } },
            force: { type: 'boolean' },
            resume: { type: 'boolean', description: 'Continue an interrupted run of this plan (done steps are never sent again).' },
          },
        },
        response: { 202: JobSchema, ...V1_ERRORS, ...errorResponses(404, 409, 413, 414, 415, 501) },
      },
    },
    async (req, reply) => {
      if (!config.remediation.enabled) {
        throw new HttpError(API_ERR.REMEDIATION_DISABLED, 'remediation is disabled on this server (remediation.enabled in the config): use `revenant remediate SUBJECT --apply`, or enable it');
      }
      const view = req.view!;
      const plan = planOf(view.id, req.params.subject, req.body);
      if (plan.id !== req.body.plan) {
        throw new HttpError(ERR.PLAN_CONFLICT, `the plan changed since it was reviewed (now ${plan.id}, reviewed ${req.body.plan}): GET the plan again and review it`);
      }
      if (remediation.running(plan.id) || remediation.runs.state(plan.id) === 'running') throw new HttpError(ERR.PLAN_CONFLICT, `plan ${plan.id} is being applied already: poll /v1/remediation-jobs/${plan.id}`);
      const state = remediation.runs.state(plan.id);
      if (state === 'interrupted' && !req.body.resume) throw new HttpError(ERR.PLAN_CONFLICT, `plan ${plan.id} was interrupted: send "resume": true to continue it (done steps are never sent again)`);
      const env = fastify.revenant.env;
      const connections: Record<string, unknown> = {};
      // Each source that declares a connection makes its own from its `remediation.<source>` section.
      for (const src of SOURCES.all()) {
        const section = config.remediation[src.kind];
        const def = src.capabilities?.connection;
        if (!def || !section || typeof section !== 'object') continue;
        const secret = (ref: string, field: string) => resolveSecret(ref, `remediation.${src.kind}.${field}`, env);
        connections[src.kind] = def.fromConfig(section as Record<string, unknown>, secret, env);
      }
      const needs = [...new Set(plan.actions.filter((a) => a.state === 'planned').flatMap((a) => a.steps.map((s) => s.source)))].filter((s) => !connections[s]);
      if (needs.length) throw new HttpError(API_ERR.NOT_CONFIGURED, `the plan has calls for ${needs.join(', ')} and the config has no remediation.${needs[0]} credentials`);
      const job = remediation.start(plan, connections, { resume: !!req.body.resume, by: `api:${req.apiKey?.prefix ?? 'key'}` });
      req.log.info({ plan: plan.id, key: req.apiKey?.prefix, planned: plan.summary.planned }, 'remediation job started');
      snapshotHeader(reply, view);
      reply.code(202).header('Location', `/v1/remediation-jobs/${job.id}`);
      return { ...job, href: `/v1/remediation-jobs/${job.id}` };
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/v1/remediation-jobs/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['remediation'],
        summary: 'A remediation job: its state and the outcome of each action',
        security,
        params: { type: 'object', additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } }, required: ['id'] },
        response: { 200: JobSchema, ...V1_ERRORS, ...errorResponses(404, 414) },
      },
    },
    async (req) => {
      const job = remediation.get(req.params.id);
      if (!job) throw new HttpError(ERR.NOT_FOUND, `no remediation job ${req.params.id}`);
      return { ...job, href: `/v1/remediation-jobs/${job.id}` };
    },
  );
}
