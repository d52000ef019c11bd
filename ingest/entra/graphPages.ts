/**
 * The Graph paging primitive. `graphList` reads one collection to its end, following each
 * `@odata.nextLink` verbatim; `graphBatchLists` reads many per-object collections (owners,
 * members, federated credentials, appRoleAssignedTo) through JSON `$batch`, 20 requests per
 * batch, several batches in flight, each inner request following its own `@odata.nextLink` in a
 * later batch. A throttled inner response (429 with its own `Retry-After`) or a transient 5xx is
 * sent again after the delay, up to the retry cap; an inner request that still fails is reported
 * to `onFailure` with a typed error so that the dataset is marked partial, never silently short.
 * A page error of `graphList` throws: a list never ends quietly.
 */
import { type GraphSession, graphRequest, pauseSession } from './client.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { isRetryableStatus, parseRetryAfter, retryDelay, sleep } from '../collection/retryPolicy.js';
import { SourceApiError, pathTemplate } from '../collection/SourceApiError.js';

const BATCH_SIZE = 20;

interface Page {
  items: unknown[];
  next?: string;
}

/** The items and next link of a collection page; throws when the body is not a collection page. */
function pageOf(body: unknown, url: string): Page {
  const o = body as { value?: unknown; '@odata.nextLink'?: unknown } | null;
  if (!o || !Array.isArray(o.value)) {
    throw new SourceApiError(`Graph GET ${pathTemplate(url)}: response is not a collection page (no "value" array)`, {
      status: 200,
      providerCode: 'MALFORMED_PAGE',
      path: pathTemplate(url),
    });
  }
  const next = typeof o['@odata.nextLink'] === 'string' && o['@odata.nextLink'] ? o['@odata.nextLink'] : undefined;
  return { items: o.value, next };
}

export interface ListOptions {
  headers?: Record<string, string>;
  permission?: string;
}

/**
 * Every item of a Graph collection, page by page. The next page is requested as soon as a page
 * arrives, while its items are still being written, so latency overlaps the work.
 */
export async function* graphList<T = Record<string, unknown>>(
  session: GraphSession,
  stats: RequestStats,
  url: string,
  opts: ListOptions = {},
): AsyncGenerator<T> {
  const seen = new Set<string>();
  const fetchPage = async (u: string): Promise<Page> => {
    const body = await graphRequest(session, stats, { method: 'GET', url: u, headers: opts.headers, permission: opts.permission });
    return pageOf(body, u);
  };
  let pending: Promise<Page> | undefined = fetchPage(url);
  while (pending) {
    const page: Page = await pending;
    pending = undefined;
    if (page.next) {
      if (seen.has(page.next)) {
        throw new SourceApiError(`Graph GET ${pathTemplate(url)}: the service returned the same @odata.nextLink twice`, {
          status: 200,
          providerCode: 'PAGING_LOOP',
          path: pathTemplate(url),
        });
      }
      seen.add(page.next);
      pending = fetchPage(page.next);
      pending.catch(() => {}); // surfaced when awaited; no unhandled rejection if the reader stops early
    }
    stats.objects += page.items.length;
    for (const item of page.items) yield item as T;
  }
}

/** One GET of a single object (null when it does not exist). */
export async function graphGet<T = Record<string, unknown>>(
  session: GraphSession,
  stats: RequestStats,
  url: string,
  opts: ListOptions = {},
): Promise<T | null> {
  try {
    const body = await graphRequest(session, stats, { method: 'GET', url, headers: opts.headers, permission: opts.permission });
    if (body) stats.objects++;
    return body as T | null;
  } catch (e) {
    if (e instanceof SourceApiError && e.status === 404) return null;
    throw e;
  }
}

export interface BatchListRequest {
  /** The parent id this list belongs to. */
  key: string;
  /** Relative to the version: `/groups/{id}/members?$select=id&$top=999`. */
  url: string;
}

export interface BatchListItem<T> {
  key: string;
  item: T;
}

export interface BatchListOptions {
  /** The parent's list could not be read (after retries): the dataset is partial. */
  onFailure(key: string, error: SourceApiError): void;
  /** The parent's list was read to its end (progress). */
  onDone?(key: string): void;
  /** Batches in flight at once (default: the session's concurrency). */
  parallel?: number;
  permission?: string;
  /** The requests GET single objects, not collections: each 200 body is one item. */
  single?: boolean;
}

interface Pending {
  key: string;
  url: string;
  /** Attempts made for this page. */
  attempt: number;
  notBefore: number;
}

/** Relative form of an absolute nextLink, as a `$batch` request URL: the service root and version removed. */
function relativeToVersion(link: string, session: GraphSession): string {
  if (!/^https:\/\//i.test(link)) return link;
  const u = new URL(link);
  const prefix = `/${session.version}`;
  const rest = u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname;
  // Keep the query string exactly as the service wrote it.
  const q = link.indexOf('?');
  return `${rest}${q >= 0 ? link.slice(q) : ''}`;
}

/**
 * Every item of many per-parent lists, through `$batch`. Items are yielded as `{key, item}` in no
 * particular order. Failures are reported per key to `onFailure`; the generator itself throws only
 * when the session is aborted.
 */
export async function* graphBatchLists<T = Record<string, unknown>>(
  session: GraphSession,
  stats: RequestStats,
  requests: Iterable<BatchListRequest>,
  opts: BatchListOptions,
): AsyncGenerator<BatchListItem<T>> {
  const { retry, signal } = session;
  const queue: Pending[] = [];
  for (const r of requests) queue.push({ key: r.key, url: r.url, attempt: 1, notBefore: 0 });
  const out: BatchListItem<T>[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let inflight = 0;
  /** The first failure, boxed (whatever was thrown). */
  let failure = null as { error: unknown } | null;
  const parallel = Math.max(1, opts.parallel ?? session.concurrency);

  const fail = (p: Pending, err: SourceApiError) => opts.onFailure(p.key, err);

  const sendBatch = async (batch: Pending[]) => {
    const body = { requests: batch.map((p, i) => ({ id: String(i + 1), method: 'GET', url: p.url })) };
    let res: unknown;
    try {
      res = await graphRequest(session, stats, { method: 'POST', url: '/$batch', body, headers: { 'Content-Type': 'application/json' } });
    } catch (e) {
      if (signal.aborted) throw e;
      const err =
        e instanceof SourceApiError ? e : new SourceApiError(`Graph POST /$batch: ${(e as Error)?.message ?? e}`, { status: 0, path: '/$batch' });
      for (const p of batch) fail(p, withPath(err, p.url));
      return;
    }
    const responses = Array.isArray((res as { responses?: unknown })?.responses) ? ((res as { responses: unknown[] }).responses as BatchResponse[]) : [];
    const byId = new Map(responses.map((r) => [String(r?.id), r]));
    const now = Date.now();
    batch.forEach((p, i) => {
      const r = byId.get(String(i + 1));
      const status = typeof r?.status === 'number' ? r.status : 0;
      if (status >= 200 && status < 300 && opts.single) {
        if (r!.body && typeof r!.body === 'object') {
          stats.objects++;
          out.push({ key: p.key, item: r!.body as T });
        }
        opts.onDone?.(p.key);
        return;
      }
      if (status >= 200 && status < 300) {
        const b = r!.body as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
        if (!b || !Array.isArray(b.value)) {
          retryOrFail(p, 200, 'MALFORMED_PAGE', undefined, now);
          return;
        }
        stats.objects += b.value.length;
        for (const item of b.value) out.push({ key: p.key, item: item as T });
        const next = typeof b['@odata.nextLink'] === 'string' && b['@odata.nextLink'] ? b['@odata.nextLink'] : undefined;
        if (next) queue.push({ key: p.key, url: relativeToVersion(next, session), attempt: 1, notBefore: 0 });
        else opts.onDone?.(p.key);
        return;
      }
      if (status === 404) {
        // The parent was deleted between the two reads: it has no list any more.
        opts.onDone?.(p.key);
        return;
      }
      const code = typeof (r?.body as { error?: { code?: unknown } })?.error?.code === 'string' ? (r!.body as { error: { code: string } }).error.code : undefined;
      const retryAfter = parseRetryAfter(headerOf(r?.headers, 'retry-after'));
      if (status === 429) {
        stats.throttled++;
        if (retryAfter !== undefined) pauseSession(session, retryAfter);
      }
      retryOrFail(p, status, code, retryAfter, now);
    });
  };

  const retryOrFail = (p: Pending, status: number, code: string | undefined, retryAfter: number | undefined, now: number) => {
    const retryable = status === 0 || code === 'MALFORMED_PAGE' || isRetryableStatus(status);
    if (retryable && p.attempt < retry.maxAttempts) {
      stats.retries++;
      queue.push({ ...p, attempt: p.attempt + 1, notBefore: now + retryDelay(retry, p.attempt, retryAfter) });
      return;
    }
    const path = pathTemplate(p.url);
    fail(
      p,
      new SourceApiError(`Graph GET ${path} (in $batch): HTTP ${status}${code ? ` ${code}` : ''}`, {
        status,
        providerCode: code,
        path,
        attempts: p.attempt,
        permission: opts.permission,
      }),
    );
  };

  const pump = () => {
    if (failure || signal.aborted) return;
    while (inflight < parallel && queue.length) {
      const now = Date.now();
      const ready: Pending[] = [];
      for (let i = 0; i < queue.length && ready.length < BATCH_SIZE; ) {
        if (queue[i].notBefore <= now) ready.push(queue.splice(i, 1)[0]);
        else i++;
      }
      if (!ready.length) {
        const soonest = Math.min(...queue.map((q) => q.notBefore));
        if (inflight === 0) {
          inflight++;
          sleep(soonest - now, signal)
            .then(
              () => {},
              (e) => {
                failure ??= { error: e };
              },
            )
            .finally(() => {
              inflight--;
              pump();
              notify();
            });
        }
        return;
      }
      inflight++;
      sendBatch(ready)
        .catch((e) => {
          failure ??= { error: e };
        })
        .finally(() => {
          inflight--;
          pump();
          notify();
        });
    }
  };

  pump();
  while (true) {
    while (out.length) yield out.shift()!;
    if (failure) throw failure.error;
    signal.throwIfAborted();
    if (!queue.length && inflight === 0) break;
    await new Promise<void>((r) => {
      wake = r;
      if (out.length || failure || (!queue.length && inflight === 0)) notify();
    });
  }
}

interface BatchResponse {
  id?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function headerOf(h: Record<string, string> | undefined, name: string): string | undefined {
  if (!h) return undefined;
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name) return String(v);
  return undefined;
}

function withPath(err: SourceApiError, url: string): SourceApiError {
  const path = pathTemplate(url);
  return new SourceApiError(err.message, { status: err.status, providerCode: err.providerCode, path, attempts: err.attempts, permission: err.permission });
}

/**
 * One round of a Graph delta query: follows `@odata.nextLink` from `url` (the delta function, a
 * saved `@odata.deltaLink`, or `$deltatoken=latest`) to the page that carries
 * `@odata.deltaLink`, handing every item to `onItem`, and returns that deltaLink. A page error
 * throws (a 410 `resyncRequired` or `syncStateNotFound` included: the caller reads in full).
 */
export async function graphDeltaRound(
  session: GraphSession,
  stats: RequestStats,
  url: string,
  onItem: (item: Record<string, unknown>) => void | Promise<void>,
  opts: ListOptions = {},
): Promise<string> {
  const seen = new Set<string>();
  let next: string | undefined = url;
  while (next) {
    const body = (await graphRequest(session, stats, { method: 'GET', url: next, headers: opts.headers, permission: opts.permission })) as Record<string, unknown> | null;
    const page = pageOf(body, next);
    stats.objects += page.items.length;
    for (const item of page.items) await onItem(item as Record<string, unknown>);
    const delta = body?.['@odata.deltaLink'];
    if (typeof delta === 'string' && delta) return delta;
    if (!page.next) {
      throw new SourceApiError(`Graph GET ${pathTemplate(url)}: a delta page without @odata.nextLink or @odata.deltaLink`, { status: 200, providerCode: 'MALFORMED_PAGE', path: pathTemplate(url) });
    }
    if (seen.has(page.next)) throw new SourceApiError(`Graph GET ${pathTemplate(url)}: the service returned the same @odata.nextLink twice`, { status: 200, providerCode: 'PAGING_LOOP', path: pathTemplate(url) });
    seen.add(page.next);
    next = page.next;
  }
  throw new SourceApiError(`Graph GET ${pathTemplate(url)}: no deltaLink`, { status: 200, providerCode: 'MALFORMED_PAGE', path: pathTemplate(url) });
}
