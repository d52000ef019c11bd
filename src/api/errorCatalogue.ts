/**
 * The HTTP API's one catalogue of error codes (as fastify has its `FST_ERR_*`): every error body
 * carries a stable `code`, and the HTTP status is looked up here from the code — never guessed
 * from a message. The domain's codes (src/model/errors.ts) have their status here too, and
 * fastify's own request errors are mapped onto ours, so a client only ever sees `REVENANT_ERR_*`.
 * A new error: add its code here with its status and a line of what it means (README and
 * /openapi.json list them from this table).
 */
import { ERR, type ErrorCode } from '../model/errors.js';

interface Entry {
  status: number;
  description: string;
}

/** Codes the API itself raises. */
export const API_ERR = {
  VALIDATION: 'REVENANT_ERR_VALIDATION',
  BAD_REQUEST: 'REVENANT_ERR_BAD_REQUEST',
  BAD_CURSOR: 'REVENANT_ERR_BAD_CURSOR',
  CURSOR_EXPIRED: 'REVENANT_ERR_CURSOR_EXPIRED',
  CURSOR_OUTDATED: 'REVENANT_ERR_CURSOR_OUTDATED',
  AUTH_MISSING: 'REVENANT_ERR_AUTH_MISSING',
  AUTH_INVALID: 'REVENANT_ERR_AUTH_INVALID',
  AUTH_REVOKED: 'REVENANT_ERR_AUTH_REVOKED',
  AUTH_EXPIRED: 'REVENANT_ERR_AUTH_EXPIRED',
  SESSION_EXPIRED: 'REVENANT_ERR_SESSION_EXPIRED',
  CROSS_SITE: 'REVENANT_ERR_CROSS_SITE',
  HOOK_SECRET: 'REVENANT_ERR_HOOK_SECRET',
  SCOPE: 'REVENANT_ERR_SCOPE',
  CLIENT_STATE: 'REVENANT_ERR_CLIENT_STATE',
  ROUTE_NOT_FOUND: 'REVENANT_ERR_ROUTE_NOT_FOUND',
  NOT_CONFIGURED: 'REVENANT_ERR_NOT_CONFIGURED',
  URL_TOO_LONG: 'REVENANT_ERR_URL_TOO_LONG',
  SNAPSHOT_CHANGED: 'REVENANT_ERR_SNAPSHOT_CHANGED',
  EVIDENCE_CHANGED: 'REVENANT_ERR_EVIDENCE_CHANGED',
  BODY_TOO_LARGE: 'REVENANT_ERR_BODY_TOO_LARGE',
  MEDIA_TYPE: 'REVENANT_ERR_MEDIA_TYPE',
  RATE_LIMITED: 'REVENANT_ERR_RATE_LIMITED',
  AUTH_RATE_LIMITED: 'REVENANT_ERR_AUTH_RATE_LIMITED',
  HEADERS_TOO_LARGE: 'REVENANT_ERR_HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT: 'REVENANT_ERR_REQUEST_TIMEOUT',
  INTERNAL: 'REVENANT_ERR_INTERNAL',
  ENGINE_UNSUPPORTED: 'REVENANT_ERR_ENGINE_UNSUPPORTED',
  UNAVAILABLE: 'REVENANT_ERR_UNAVAILABLE',
  REMEDIATION_DISABLED: 'REVENANT_ERR_REMEDIATION_DISABLED',
} as const;

export type ApiErrorCode = (typeof API_ERR)[keyof typeof API_ERR];
export type AnyErrorCode = ApiErrorCode | ErrorCode;

export const ERROR_CATALOGUE: Readonly<Record<AnyErrorCode, Entry>> = {
  [API_ERR.VALIDATION]: { status: 400, description: 'A query parameter, path parameter, header or body field is missing, unknown, or not of its type and range.' },
  [API_ERR.BAD_REQUEST]: { status: 400, description: 'The request cannot be parsed (malformed JSON, bad URL encoding, bad headers, bad Content-Length).' },
  [API_ERR.BAD_CURSOR]: { status: 400, description: 'The cursor is not one of ours, or was made for other filters.' },
  [API_ERR.CURSOR_EXPIRED]: { status: 410, description: 'The cursor points before the retained change history (or into a change feed that was reset): list again without a cursor.' },
  [API_ERR.CURSOR_OUTDATED]: { status: 400, description: 'The cursor is of the first cursor version (positions by first-seen snapshot), which cannot continue the change feed: list again without a cursor.' },
  [API_ERR.AUTH_MISSING]: { status: 401, description: 'No API key was presented.' },
  [API_ERR.AUTH_INVALID]: { status: 401, description: 'The API key is malformed or unknown.' },
  [API_ERR.AUTH_REVOKED]: { status: 401, description: 'The API key was revoked.' },
  [API_ERR.AUTH_EXPIRED]: { status: 401, description: 'The API key expired.' },
  [API_ERR.SESSION_EXPIRED]: { status: 401, description: 'The console session is unknown, expired or signed out: sign in again at /login.' },
  [API_ERR.CROSS_SITE]: { status: 403, description: 'A console session used from another origin for a request that changes something.' },
  [API_ERR.HOOK_SECRET]: { status: 401, description: 'An event hook delivery without the configured shared secret.' },
  [API_ERR.SCOPE]: { status: 403, description: 'The API key lacks the scope the route needs.' },
  [API_ERR.CLIENT_STATE]: { status: 403, description: 'Every Graph notification of the delivery carries a wrong clientState.' },
  [API_ERR.ROUTE_NOT_FOUND]: { status: 404, description: 'No such route.' },
  [API_ERR.NOT_CONFIGURED]: { status: 404, description: 'The feature is not configured on this server (e.g. an event hook).' },
  [API_ERR.URL_TOO_LONG]: { status: 414, description: 'A path parameter is longer than the server accepts.' },
  [API_ERR.SNAPSHOT_CHANGED]: { status: 409, description: 'The request names a snapshot other than the one being served (reload).' },
  [API_ERR.EVIDENCE_CHANGED]: { status: 409, description: 'An input file changed after it was loaded: the evidence no longer matches.' },
  [API_ERR.BODY_TOO_LARGE]: { status: 413, description: 'The body is larger than bodyLimit.' },
  [API_ERR.MEDIA_TYPE]: { status: 415, description: 'The Content-Type is not accepted by the route.' },
  [API_ERR.RATE_LIMITED]: { status: 429, description: 'The API key made more requests this minute than its rate limit (see Retry-After).' },
  [API_ERR.AUTH_RATE_LIMITED]: { status: 429, description: 'Too many failed authentications from this address or for this key prefix (valid keys are never refused for this).' },
  [API_ERR.HEADERS_TOO_LARGE]: { status: 431, description: 'The request headers are larger than the server accepts.' },
  [API_ERR.REQUEST_TIMEOUT]: { status: 408, description: 'The request was not received in time.' },
  [API_ERR.INTERNAL]: { status: 500, description: 'An internal error: quote the request id to the operator (the details are in the log).' },
  [API_ERR.ENGINE_UNSUPPORTED]: { status: 501, description: 'Not available on the engine the server runs on.' },
  [API_ERR.UNAVAILABLE]: { status: 503, description: 'The server is shutting down.' },
  [API_ERR.REMEDIATION_DISABLED]: { status: 403, description: 'Applying a remediation plan is off on this server (remediation.enabled in the config).' },
  [ERR.RUNTIME]: { status: 500, description: 'A runtime failure (e.g. Neo4j cannot be reached): quote the request id to the operator.' },
  [ERR.INPUT]: { status: 400, description: 'Bad input.' },
  [ERR.STORE]: { status: 500, description: 'The store cannot be read.' },
  [ERR.NOT_FOUND]: { status: 404, description: 'No such subject, principal or finding in the snapshot being served.' },
  [ERR.NO_SNAPSHOT]: { status: 503, description: 'No snapshot is loaded yet (the only 503 besides shutdown): run `revenant load`.' },
  [ERR.SNAPSHOT_NOT_FOUND]: { status: 404, description: 'No such snapshot in the store (unknown, or pruned).' },
  [ERR.SNAPSHOT_AMBIGUOUS]: { status: 400, description: 'The snapshot id prefix matches several snapshots.' },
  [ERR.SNAPSHOT_UNREADABLE]: { status: 500, description: 'A snapshot file of the store cannot be read.' },
  [ERR.SOURCE_API]: { status: 500, description: 'A request to a source API (Microsoft Graph, Okta) still failed after its retries (an event-driven refresh): quote the request id to the operator.' },
  [ERR.RESOURCE]: { status: 500, description: 'A job the server runs (an event-driven refresh) was refused for lack of resources (the memory budget).' },
  [ERR.SNAPSHOT_TOO_OLD]: { status: 409, description: 'A remediation plan on data older than remediation.maxAge: collect again, or force it.' },
  [ERR.PLAN_CONFLICT]: { status: 409, description: 'The remediation plan changed since it was reviewed, is being applied already, or was interrupted (resume it).' },
};

/** fastify's own request errors, by their `FST_ERR_*` code, as ours. */
const FASTIFY_CODES: Readonly<Record<string, ApiErrorCode>> = {
  FST_ERR_VALIDATION: API_ERR.VALIDATION,
  FST_ERR_NOT_FOUND: API_ERR.ROUTE_NOT_FOUND,
  FST_ERR_CTP_BODY_TOO_LARGE: API_ERR.BODY_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: API_ERR.MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: API_ERR.BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: API_ERR.BAD_REQUEST,
  FST_ERR_CTP_INVALID_JSON_BODY: API_ERR.BAD_REQUEST,
  FST_ERR_BAD_URL: API_ERR.BAD_REQUEST,
  FST_ERR_INVALID_URL: API_ERR.BAD_REQUEST,
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: API_ERR.BAD_REQUEST,
  FST_ERR_ROUTE_MISSING_CONTENT: API_ERR.BAD_REQUEST,
  FST_ERR_MAX_PARAM_LENGTH: API_ERR.URL_TOO_LONG,
  FST_ERR_HANDLER_TIMEOUT: API_ERR.UNAVAILABLE,
};

/** Node's parser errors (`clientError`), by their `HPE_*` / `ERR_*` code, as ours. */
const PARSER_CODES: Readonly<Record<string, ApiErrorCode>> = {
  HPE_HEADER_OVERFLOW: API_ERR.HEADERS_TOO_LARGE,
  ERR_HTTP_REQUEST_TIMEOUT: API_ERR.REQUEST_TIMEOUT,
};

export function statusOf(code: AnyErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

export function isKnownCode(code: unknown): code is AnyErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

/**
 * The catalogue code of any error that reaches the error handler: our own codes as they are,
 * fastify's mapped, a JSON parser's refusal (fastify gives it a 4xx `statusCode` but no code)
 * as a bad request; anything else is internal.
 */
export function codeOf(err: unknown): AnyErrorCode {
  const e = err as { code?: unknown; statusCode?: unknown; validation?: unknown } | null;
  if (!e || typeof e !== 'object') return API_ERR.INTERNAL;
  if (isKnownCode(e.code)) return e.code;
  if (typeof e.code === 'string' && FASTIFY_CODES[e.code]) return FASTIFY_CODES[e.code];
  if (e.validation) return API_ERR.VALIDATION;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return e.statusCode === 413 ? API_ERR.BODY_TOO_LARGE : API_ERR.BAD_REQUEST;
  return API_ERR.INTERNAL;
}

/** The catalogue code of a parser-level error on a connection (no request object exists yet). */
export function parserCodeOf(err: { code?: unknown }): ApiErrorCode {
  return (typeof err.code === 'string' && PARSER_CODES[err.code]) || API_ERR.BAD_REQUEST;
}
