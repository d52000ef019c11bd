/**
 * The Microsoft Graph client of the Entra collector: `@microsoft/microsoft-graph-client` v3 with
 * our middleware chain — the SDK's AuthenticationHandler (token from GraphTokenProvider; the
 * Graph host is in `customHosts`, so the token is sent to a national cloud or a test server too)
 * followed by GraphFetchHandler, which sends the request with a per-attempt timeout and reads the
 * whole body, so a connection dropped mid-body fails inside the retry loop instead of surfacing
 * later as a half-parsed page. `graphRequest` is the one place that retries: 429 and 5xx (honouring
 * `Retry-After`, pausing every worker of the session while Graph asks to wait), resets and
 * timeouts, and one token refresh after a 401; it throws a SourceApiError when it gives up.
 */
import { AuthenticationHandler, Client, GraphClientError, type Middleware, ResponseType } from '@microsoft/microsoft-graph-client';
import type { Context } from '@microsoft/microsoft-graph-client';
import { InputError } from '../../src/model/errors.js';
import { Limiter } from '../collection/Limiter.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { type GraphAuthOptions, GraphTokenProvider } from './GraphTokenProvider.js';
import { type RetryPolicy, isRetryableNetworkCode, isRetryableStatus, networkCodeOf, parseRetryAfter, retryDelay, retryPolicy, sleep } from '../collection/retryPolicy.js';
import { SourceApiError, pathTemplate } from '../collection/SourceApiError.js';

export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

export interface GraphSessionOptions extends Omit<GraphAuthOptions, 'graphUrl'> {
  graphUrl?: string;
  /** HTTP requests in flight at once (default 8). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
}

export interface GraphSession {
  readonly client: Client;
  readonly tokens: GraphTokenProvider;
  /** Service root without version: https://graph.microsoft.com */
  readonly graphUrl: string;
  readonly version: 'v1.0';
  readonly limiter: Limiter;
  /** HTTP requests in flight at once. */
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly signal: AbortSignal;
  /** No request starts before this time (ms since epoch): set by 429s with Retry-After. */
  pauseUntil: number;
}

/** Sends the request with a timeout and buffers the body (a dropped connection is caught here). */
class GraphFetchHandler implements Middleware {
  constructor(
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  async execute(context: Context): Promise<void> {
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]);
    try {
      const res = await fetch(context.request as string | Request, { ...(context.options as RequestInit), signal });
      const noBody = res.status === 204 || res.status === 205 || res.status === 304;
      const body = noBody ? null : await res.arrayBuffer();
      context.response = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (e) {
      if (this.signal.aborted) throw this.signal.reason ?? e;
      const err = new GraphClientError(`network error: ${networkCodeOf(e) ?? (e as Error)?.message ?? 'unknown'}`);
      err.customError = { code: networkCodeOf(e) ?? 'NETWORK' };
      throw err;
    }
  }
}

export function createGraphSession(opts: GraphSessionOptions): GraphSession {
  const graphUrl = (opts.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
  const url = new URL(graphUrl);
  if (url.protocol !== 'https:') throw new InputError(`collect entra: --graph-url must be https (the Graph client sends tokens only over TLS): ${graphUrl}`);
  const tokens = new GraphTokenProvider({ ...opts, graphUrl });
  const retry = retryPolicy(opts.retry);
  const signal = opts.signal ?? new AbortController().signal;
  const client = Client.initWithMiddleware({
    baseUrl: `${graphUrl}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([url.hostname]),
    middleware: [new AuthenticationHandler({ getAccessToken: () => tokens.get() }), new GraphFetchHandler(retry.timeoutMs, signal)],
  });
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  return { client, tokens, graphUrl, version: 'v1.0', limiter: new Limiter(concurrency), concurrency, retry, signal, pauseUntil: 0 };
}

/** The tenant id to record: the token's `tid` when it is a JWT, else what was given. */
export async function resolveTenant(session: GraphSession, given: string): Promise<string> {
  return (await session.tokens.tenantId()) ?? given;
}

export interface GraphRequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the version (`/users?$top=999`) or absolute (an `@odata.nextLink`, followed verbatim). */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A permission to name when the request is refused (401/403). */
  permission?: string;
}

/** Pause the whole session (every worker) until `ms` from now: Graph asked us to wait. */
export function pauseSession(session: GraphSession, ms: number): void {
  session.pauseUntil = Math.max(session.pauseUntil, Date.now() + ms);
}

/**
 * One Graph request with retries. Returns the parsed JSON body of a 2xx response (null when empty);
 * throws SourceApiError after the last attempt or at once for an error that retrying cannot fix.
 */
export async function graphRequest(session: GraphSession, stats: RequestStats, spec: GraphRequestSpec): Promise<unknown> {
  return (await graphCall(session, stats, spec)).body;
}

/** A 2xx answer of Graph: the parsed body (null when empty), status, Graph's `request-id` and the attempts it took. */
export interface GraphAnswer {
  body: unknown;
  status: number;
  requestId: string | null;
  attempts: number;
}

/** `graphRequest` with the answer's status and request id (writes journal them). */
export async function graphCall(session: GraphSession, stats: RequestStats, spec: GraphRequestSpec): Promise<GraphAnswer> {
  const { retry, signal } = session;
  const path = pathTemplate(spec.url.replace(/^https:\/\/[^/]+/i, ''));
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    const wait = session.pauseUntil - Date.now();
    if (wait > 0) await sleep(wait, signal);
    let status = 0;
    let code: string | undefined;
    let message = '';
    let retryAfterMs: number | undefined;
    let requestId: string | null = null;
    try {
      const req = session.client.api(spec.url).responseType(ResponseType.RAW).headers(spec.headers ?? {});
      const send = () => {
        switch (spec.method) {
          case 'POST':
            return req.post(spec.body ?? {});
          case 'PATCH':
            return req.patch(spec.body ?? {});
          case 'PUT':
            return req.put(spec.body ?? {});
          case 'DELETE':
            return req.delete();
          default:
            return req.get();
        }
      };
      const res = (await session.limiter.run(send)) as Response;
      stats.requests++;
      const text = await res.text();
      if (res.ok) {
        const answer = { status: res.status, requestId: res.headers.get('request-id'), attempts: attempt };
        if (!text) return { body: null, ...answer };
        try {
          return { body: JSON.parse(text), ...answer };
        } catch {
          // A write that succeeded is not sent again because its body is odd.
          if (spec.method !== 'GET') return { body: null, ...answer };
          status = res.status;
          code = 'MALFORMED_BODY';
          message = 'the response body is not valid JSON';
        }
      } else {
        status = res.status;
        requestId = res.headers.get('request-id');
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        const err = graphErrorOf(text);
        code = err.code;
        message = err.message ?? res.statusText;
      }
    } catch (e) {
      if (signal.aborted) throw signal.reason ?? e;
      if (e instanceof SourceApiError) throw e;
      stats.requests++;
      code = ((e as GraphClientError)?.customError as { code?: string } | undefined)?.code ?? networkCodeOf(e) ?? 'NETWORK';
      message = 'no response';
    }

    if (status === 401 && !refreshed) {
      // An access token that expired (or was revoked) during a long run: renew it once, then retry.
      refreshed = true;
      try {
        await session.tokens.refresh();
      } catch (e) {
        if (!(e instanceof SourceApiError)) throw e;
        throw new SourceApiError(e.message, { status: e.status, providerCode: e.providerCode, path, attempts: attempt, permission: spec.permission, hint: e.hint });
      }
      attempt--;
      continue;
    }
    const retryable = code === 'MALFORMED_BODY' || (status === 0 ? isRetryableNetworkCode(code) : isRetryableStatus(status));
    if (!retryable || attempt >= retry.maxAttempts) {
      const where = status === 0 ? `network error ${code}` : `HTTP ${status}${code ? ` ${code}` : ''}`;
      throw new SourceApiError(`Graph ${spec.method} ${path}: ${where}: ${truncate(message)}`, {
        status,
        providerCode: code,
        path,
        attempts: attempt,
        permission: spec.permission,
        requestId,
      });
    }
    stats.retries++;
    if (status === 429) {
      stats.throttled++;
      if (retryAfterMs !== undefined) pauseSession(session, retryAfterMs);
    }
    await sleep(retryDelay(retry, attempt, retryAfterMs), signal);
  }
}

/** `{"error": {"code", "message"}}` of a Graph error body, tolerant of anything else. */
function graphErrorOf(text: string): { code?: string; message?: string } {
  try {
    const o = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return {
      code: typeof o?.error?.code === 'string' ? o.error.code : undefined,
      message: typeof o?.error?.message === 'string' ? o.error.message : undefined,
    };
  } catch {
    return { message: text.slice(0, 200) || undefined };
  }
}

function truncate(s: string): string {
  return s.length > 240 ? `${s.slice(0, 240)}…` : s;
}
