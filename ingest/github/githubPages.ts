/**
 * The GitHub paging primitives. `restList` reads one REST list to its end through
 * `octokit.paginate.iterator` (which follows `Link: <…>; rel="next"` verbatim, `per_page=100`,
 * and unwraps `{"total_count", "<items>"}` bodies); `graphqlList` reads one GraphQL connection
 * through `octokit.graphql.paginate.iterator` (`$cursor` ← `pageInfo.endCursor`, `first: 100`);
 * `restGet` reads one object. Rate limits and retries are the client's plugins'. A page that still
 * fails throws a SourceApiError naming the status, GitHub's message, the path and the permission
 * the request needs: a list never ends quietly, and GraphQL `errors` beside partial data fail the
 * list too.
 */
import type { RequestStats } from '../collection/runDatasets.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import type { GitHubSession } from './client.js';

type Raw = Record<string, unknown>;

export interface GitHubListOptions {
  /** The permission or scope the request needs, named in the reason of a 401/403/404. */
  permission?: string;
}

/** `/repos/acme/web/keys` → `/repos/{owner}/{repo}/keys` (a route given by the caller is kept as is). */
function routePath(route: string): string {
  return route.replace(/^GET /, '').split('?')[0];
}

/** A SourceApiError from whatever Octokit threw (RequestError, GraphqlResponseError, network). */
export function githubError(e: unknown, route: string, permission?: string): SourceApiError {
  if (e instanceof SourceApiError) return e;
  const o = e as {
    status?: number;
    message?: string;
    name?: string;
    errors?: { type?: string; message?: string }[];
    request?: { request?: { retryCount?: number } };
    response?: { data?: { message?: string } };
    cause?: unknown;
  };
  const path = routePath(route);
  const attempts = (o.request?.request?.retryCount ?? 0) + 1;
  if (o.name === 'GraphqlResponseError' || Array.isArray(o.errors)) {
    const first = o.errors?.[0];
    const forbidden = first?.type === 'FORBIDDEN' || first?.type === 'INSUFFICIENT_SCOPES';
    return new SourceApiError(`GitHub GraphQL ${path}: ${first?.type ?? 'ERROR'}: ${truncate(first?.message ?? o.message ?? '')}`, {
      status: forbidden ? 403 : 200,
      providerCode: first?.type ?? 'GRAPHQL_ERROR',
      path,
      attempts,
      permission,
      hint: truncate(first?.message ?? ''),
    });
  }
  const message = o.response?.data?.message ?? o.message ?? '';
  if (typeof o.status !== 'number') {
    // Not an HTTP answer: a bug or a client-side failure; say what it was.
    return new SourceApiError(`GitHub GET ${path}: ${truncate(message)}`, { status: 0, providerCode: o.name ?? 'CLIENT', path, attempts, hint: truncate(message) });
  }
  const status = o.status;
  if (status === 500 && /network error/.test(o.message ?? '')) {
    return new SourceApiError(`GitHub GET ${path}: ${o.message}`, { status: 0, providerCode: /network error: (\S+)/.exec(o.message ?? '')?.[1], path, attempts });
  }
  const hint = status === 404 && permission ? `GitHub answers 404 when the feature is off or the caller may not see it: ${truncate(message)}` : status >= 400 && status < 500 ? truncate(message) : undefined;
  return new SourceApiError(`GitHub GET ${path}: HTTP ${status}: ${truncate(message)}`, {
    status,
    providerCode: codeOf(status, message),
    path,
    attempts,
    permission,
    hint,
  });
}

function codeOf(status: number, message: string): string | undefined {
  if (/secondary rate/i.test(message)) return 'secondary_rate_limit';
  if (/rate limit/i.test(message)) return 'rate_limited';
  if (status === 403 && /personal access token|not accessible by/i.test(message)) return 'not_accessible';
  return undefined;
}

function truncate(s: string): string {
  return s.length > 240 ? `${s.slice(0, 240)}…` : s;
}

/** Every item of a REST list, page by page. */
export async function* restList<T = Raw>(
  session: GitHubSession,
  stats: RequestStats,
  route: string,
  params: Raw = {},
  opts: GitHubListOptions = {},
): AsyncGenerator<T> {
  // The iterator re-sends only method, url and headers: the counting fetch rides on a request function.
  const request = session.octokit.request.defaults({ request: session.requestOptions(stats) });
  const [method, url] = route.split(' ');
  const it = (session.octokit.paginate.iterator(request as never, { method, url, per_page: 100, ...params } as never) as AsyncIterable<{ data: unknown }>)[
    Symbol.asyncIterator
  ]();
  for (;;) {
    let step: IteratorResult<{ data: unknown }>;
    try {
      step = await it.next();
    } catch (e) {
      if (session.signal.aborted) throw session.signal.reason ?? e;
      throw githubError(e, route, opts.permission);
    }
    if (step.done) return;
    const data = step.value.data;
    if (!Array.isArray(data)) {
      throw new SourceApiError(`GitHub GET ${routePath(route)}: response is not a list`, { status: 200, providerCode: 'MALFORMED_PAGE', path: routePath(route) });
    }
    stats.objects += data.length;
    for (const item of data) yield item as T;
  }
}

/** One REST object (null on 404 when `notFoundIsNull`). */
export async function restGet<T = Raw>(
  session: GitHubSession,
  stats: RequestStats,
  route: string,
  params: Raw = {},
  opts: GitHubListOptions & { notFoundIsNull?: boolean } = {},
): Promise<T | null> {
  try {
    // Octokit types requests per known route; ours are built at run time, so the route is a plain string.
    const request = session.octokit.request as unknown as (route: string, params: Raw) => Promise<{ data: T }>;
    const res = await request(route, { ...params, request: session.requestOptions(stats) });
    stats.objects++;
    return res.data;
  } catch (e) {
    if (session.signal.aborted) throw session.signal.reason ?? e;
    if (opts.notFoundIsNull && (e as { status?: number }).status === 404) return null;
    throw githubError(e, route, opts.permission);
  }
}

/** A value at a dotted path of a GraphQL `data` object. */
function at(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Raw)[k] : undefined;
  return cur;
}

/**
 * Every node (or edge) of one GraphQL connection, page by page. `connection` is the path of the
 * connection in `data` (`['organization', 'membersWithRole']`); items are its `edges` when the
 * query asks for them (edge fields such as `role` matter), else its `nodes`. `onFirstPage` sees
 * the first page's data (the issuer beside a connection). A null parent (no SAML provider) ends
 * the list with no items: the caller decides what that means.
 */
export async function* graphqlList<T = Raw>(
  session: GitHubSession,
  stats: RequestStats,
  query: string,
  variables: Raw,
  connection: readonly string[],
  opts: GitHubListOptions & { onFirstPage?: (data: unknown) => void } = {},
): AsyncGenerator<T> {
  const name = `graphql:${connection.join('.')}`;
  const it = (session.octokit.graphql.paginate.iterator(query, { ...variables, request: session.requestOptions(stats) }) as AsyncIterable<unknown>)[
    Symbol.asyncIterator
  ]();
  let first = true;
  for (;;) {
    let step: IteratorResult<unknown>;
    try {
      step = await it.next();
    } catch (e) {
      if (session.signal.aborted) throw session.signal.reason ?? e;
      // A null parent makes the paginator look for pageInfo in vain: an empty connection.
      if (first && /No pageInfo property found/.test((e as Error)?.message ?? '')) return;
      throw githubError(e, name, opts.permission);
    }
    if (step.done) return;
    if (first) opts.onFirstPage?.(step.value);
    first = false;
    const conn = at(step.value, connection) as { edges?: unknown[]; nodes?: unknown[] } | null | undefined;
    if (conn === null || conn === undefined) return;
    const items = Array.isArray(conn.edges) ? conn.edges : Array.isArray(conn.nodes) ? conn.nodes : undefined;
    if (!items) throw new SourceApiError(`GitHub ${name}: the connection has neither edges nor nodes`, { status: 200, providerCode: 'MALFORMED_PAGE', path: name });
    stats.objects += items.length;
    for (const item of items) yield item as T;
  }
}
