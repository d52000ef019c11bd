/**
 * The JSON Schemas of the HTTP API, defined once: shared definitions (registered with
 * `addSchema`, referenced as `Name#`, and published as OpenAPI components) and the request
 * pieces the routes reuse. Inputs are closed (`additionalProperties: false`: an unknown query
 * parameter or body field is a 400); outputs list every field Revenant writes and stay open
 * where another module owns the shape (a new field there is passed through, not dropped).
 */
import { SEVERITIES, STATUSES } from '../analysis/severity.js';
import { ERROR_CATALOGUE } from './errorCatalogue.js';

const str = { type: 'string' } as const;
const strN = { type: ['string', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const int = { type: 'integer' } as const;
const strArr = { type: 'array', items: str } as const;

export const ErrorSchema = {
  $id: 'Error',
  type: 'object',
  description:
    'Every error. `code` is stable (the catalogue: GET /openapi.json `x-revenant-error-codes`, README); the HTTP status follows from it. 5xx bodies carry only the request id (quote it to the operator, who finds the details in the logs).',
  properties: {
    statusCode: int,
    code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
    error: str,
    message: str,
    requestId: str,
  },
  required: ['statusCode', 'code', 'error', 'message', 'requestId'],
  additionalProperties: false,
} as const;

export const RefSchema = {
  $id: 'Ref',
  type: 'object',
  properties: { source: str, id: str, name: str, kind: str },
  required: ['source', 'id', 'name'],
  additionalProperties: true,
} as const;

export const PathStepSchema = {
  $id: 'PathStep',
  type: 'object',
  description: 'A node ({kind, id, name, source}) or an edge ({edge, reverse?, key?, strength?, value?}) of a path.',
  properties: {
    kind: str,
    id: str,
    name: str,
    source: str,
    edge: str,
    reverse: bool,
    key: str,
    strength: str,
    value: str,
  },
  additionalProperties: true,
} as const;

export const SeenSchema = {
  $id: 'Seen',
  type: 'object',
  properties: { snapshot: str, at: str },
  required: ['snapshot', 'at'],
  additionalProperties: false,
} as const;

export const FindingSchema = {
  $id: 'Finding',
  type: 'object',
  description: 'A residual-access finding (revenant-findings/1; rules in residual-access-rules.md).',
  properties: {
    id: { type: 'string', description: 'Stable finding id: a hash of rule, subject and via.' },
    rule: str,
    status: { type: 'string', enum: [...STATUSES] },
    severity: { type: 'string', enum: [...SEVERITIES] },
    subject: { $ref: 'Ref#' },
    via: { $ref: 'Ref#' },
    validUntil: strN,
    path: { type: 'array', items: { $ref: 'PathStep#' } },
    reaches: {
      type: 'object',
      properties: { tier0: bool, privileges: strArr },
      required: ['tier0', 'privileges'],
      additionalProperties: true,
    },
    evidence: strArr,
    remediation: strArr,
    facts: { type: 'object', additionalProperties: true },
    firstSeen: { $ref: 'Seen#' },
    lastSeen: { $ref: 'Seen#' },
    change: {
      type: 'object',
      description:
        'Only on change-feed pages of GET /v1/findings: what happened to the finding. `kind` created, updated, closed or reopened; the finding is its state after the event (for closed: its last state). `reason`: regression, status-changed, changed, coverage-lost (its data went partial: it can no longer be confirmed, and is not closed), coverage-restored, resolved.',
      properties: {
        seq: int,
        kind: { type: 'string', enum: ['created', 'updated', 'closed', 'reopened'] },
        reason: strN,
        snapshot: str,
        at: str,
        previousStatus: strN,
        previousSeverity: strN,
      },
      required: ['seq', 'kind', 'snapshot', 'at'],
      additionalProperties: false,
    },
  },
  required: ['id', 'rule', 'status', 'severity', 'subject', 'via', 'validUntil', 'path', 'reaches', 'evidence', 'remediation'],
  additionalProperties: true,
} as const;

export const CoverageSchema = {
  $id: 'Coverage',
  type: 'object',
  properties: {
    source: str,
    tenant: str,
    complete: strArr,
    partial: strArr,
    missing: strArr,
    reasons: { type: 'object', additionalProperties: str },
    uncoveredRules: strArr,
  },
  additionalProperties: true,
} as const;

export const SubjectReportSchema = {
  $id: 'SubjectReport',
  type: 'object',
  properties: {
    source: str,
    sourceKey: str,
    id: str,
    name: str,
    departed: bool,
    departedBecause: strArr,
    departedAt: strN,
    departedAtFrom: strN,
    disabled: { type: ['boolean', 'null'] },
    assumed: bool,
    closed: { type: ['boolean', 'null'] },
    closure: str,
    person: strN,
    findings: int,
  },
  required: ['source', 'id', 'name', 'departed', 'closed', 'findings'],
  additionalProperties: true,
} as const;

export const FindingsDocSchema = {
  $id: 'FindingsDoc',
  type: 'object',
  description: 'The `revenant residual --format json` document.',
  properties: {
    format: str,
    at: str,
    snapshot: strN,
    coverage: { type: 'object', additionalProperties: { $ref: 'Coverage#' } },
    subjects: { type: 'array', items: { $ref: 'SubjectReport#' } },
    persons: { type: 'array', items: { type: 'object', additionalProperties: true } },
    findings: { type: 'array', items: { $ref: 'Finding#' } },
  },
  required: ['format', 'at', 'snapshot', 'coverage', 'subjects', 'findings'],
  additionalProperties: true,
} as const;

export const OcsfEventSchema = {
  $id: 'OcsfEvent',
  type: 'object',
  description: 'An OCSF 1.8 IAM Analysis Finding (class_uid 2008) or Detection Finding (2004).',
  properties: {
    activity_id: int,
    category_uid: int,
    class_uid: int,
    type_uid: int,
    severity_id: int,
    time: int,
    metadata: { type: 'object', additionalProperties: true },
    finding_info: { type: 'object', additionalProperties: true },
  },
  required: ['activity_id', 'category_uid', 'class_uid', 'type_uid', 'severity_id', 'time', 'metadata', 'finding_info'],
  additionalProperties: true,
} as const;

export const SnapshotInfoSchema = {
  $id: 'SnapshotInfo',
  type: 'object',
  properties: {
    id: str,
    createdAt: str,
    collectedAt: str,
    nodes: int,
    edges: int,
    bytes: int,
    sources: { type: 'array', items: { type: 'object', properties: { source: str, tenant: str, collectedAt: str }, additionalProperties: true } },
    error: { type: 'string', description: 'Set when the snapshot file cannot be read: it is listed, never served.' },
  },
  required: ['id', 'createdAt', 'collectedAt'],
  additionalProperties: false,
} as const;

export const SHARED_SCHEMAS = [
  ErrorSchema,
  RefSchema,
  PathStepSchema,
  SeenSchema,
  FindingSchema,
  CoverageSchema,
  SubjectReportSchema,
  FindingsDocSchema,
  OcsfEventSchema,
  SnapshotInfoSchema,
] as const;

export const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { $ref: 'Error#' }]));

/** Responses every authenticated /v1 route can give. */
export const V1_ERRORS = errorResponses(400, 401, 403, 429, 431, 500, 503);

/** Query parameters shared by routes that can answer in OCSF. */
export const formatQuery = {
  format: { type: 'string', enum: ['json', 'ocsf'], default: 'json', description: '`ocsf`: findings as OCSF 1.8 events.' },
  ocsfClass: { type: 'integer', enum: [2008, 2004], default: 2008, description: 'OCSF class: 2008 IAM Analysis Finding (default) or 2004 Detection Finding.' },
} as const;

/** A name in a path or query (subject, principal): printable, bounded. */
export const nameParam = {
  type: 'string',
  minLength: 1,
  maxLength: 512,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
} as const;

export const security = [{ bearerAuth: [] }];

/** The SLA query parameter of the leavers board and the person view (time from termination to disable). */
export const slaQuery = { type: 'string', maxLength: 20, default: '24h', description: 'Time from termination to disable that is on time, e.g. 24h, 3d.' } as const;

/** An account's time from termination to disable, measured against the SLA (src/reports/leavers.ts). */
export const timeToDisableSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { state: { type: 'string' }, ms: { type: ['integer', 'null'] }, withinSla: { type: ['boolean', 'null'] }, text: { type: 'string' } },
} as const;
