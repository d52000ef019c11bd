/**
 * The Okta client of the collector: `@okta/okta-sdk-nodejs` configured with an API token
 * (`OKTA_CLIENT_TOKEN`, the SDK's convention) or OAuth 2.0 private-key JWT client credentials,
 * our OktaRequestExecutor (pacing, retries) and no response cache. `oktaList` is the Okta paging
 * primitive: it follows `Link: <…>; rel="next"` (or the `_links.next` of the few endpoints that
 * page in the body) verbatim through the SDK's authenticated HTTP layer, keeps each object's raw
 * JSON, and throws a SourceApiError when a page still fails — a list never ends quietly.
 * `oktaPerParent` reads one such list per parent object with bounded concurrency.
 * The SDK is CommonJS: its values are used through the default export.
 */
import okta from '@okta/okta-sdk-nodejs';
import { InputError } from '../../src/model/errors.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { type RetryPolicy, retryPolicy } from '../collection/retryPolicy.js';
import { SourceApiError, pathTemplate } from '../collection/SourceApiError.js';
import { OktaRequestExecutor, type TaggedRequest } from './OktaRequestExecutor.js';

export type OktaAuthMode = 'token' | 'private-key';

/** Read-only scopes the collector asks for in private-key mode (see docs/collectors.md). */
const OKTA_SCOPES = [
  'okta.users.read',
  'okta.groups.read',
  'okta.apps.read',
  'okta.appGrants.read',
  'okta.apiTokens.read',
  'okta.roles.read',
  'okta.idps.read',
  'okta.logs.read',
];

export interface OktaSessionOptions {
  orgUrl: string;
  auth?: OktaAuthMode;
  /** API token (SSWS); default OKTA_CLIENT_TOKEN. */
  token?: string;
  /** OAuth service app client id (private-key mode). */
  clientId?: string;
  /** PEM or JWK (JSON) private key (private-key mode). */
  privateKey?: string;
  keyId?: string;
  scopes?: readonly string[];
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
}

export interface OktaSession {
  readonly client: InstanceType<typeof okta.Client>;
  readonly orgUrl: string;
  readonly executor: OktaRequestExecutor;
  readonly concurrency: number;
  readonly signal: AbortSignal;
}

export function createOktaSession(opts: OktaSessionOptions): OktaSession {
  let orgUrl: string;
  try {
    const u = new URL(opts.orgUrl);
    if (u.protocol !== 'https:') throw new Error('not https');
    orgUrl = `${u.protocol}//${u.host}`;
  } catch {
    throw new InputError(`collect okta: --org-url must be an https URL such as https://example.okta.com (got ${JSON.stringify(opts.orgUrl)})`);
  }
  const signal = opts.signal ?? new AbortController().signal;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const executor = new OktaRequestExecutor({ retry: retryPolicy(opts.retry), concurrency, signal });
  const auth = opts.auth ?? (opts.privateKey ? 'private-key' : 'token');
  const base = { orgUrl, requestExecutor: executor, cacheMiddleware: null, userAgent: 'revenant' };
  let client: InstanceType<typeof okta.Client>;
  if (auth === 'private-key') {
    if (!opts.clientId || !opts.privateKey) {
      throw new InputError('collect okta: --auth private-key needs --client-id and --private-key (or OKTA_CLIENT_CLIENTID and OKTA_CLIENT_PRIVATEKEY)');
    }
    client = new okta.Client({
      ...base,
      authorizationMode: 'PrivateKey',
      clientId: opts.clientId,
      scopes: [...(opts.scopes ?? OKTA_SCOPES)],
      privateKey: opts.privateKey,
      keyId: opts.keyId,
    });
  } else {
    const token = opts.token ?? process.env.OKTA_CLIENT_TOKEN;
    if (!token) throw new InputError('collect okta: an API token is needed: set OKTA_CLIENT_TOKEN (or use --auth private-key)');
    client = new okta.Client({ ...base, token });
  }
  return { client, orgUrl, executor, concurrency, signal };
}

export interface OktaResponse {
  body: unknown;
  headers: { get(name: string): string | null };
}

/** One GET through the SDK (auth, our executor's retries); throws SourceApiError on failure. */
export async function oktaGet(session: OktaSession, stats: RequestStats, url: string, permission?: string): Promise<OktaResponse> {
  return oktaCall(session, stats, 'GET', url, { permission });
}

/** A 2xx answer of Okta with its status, `X-Okta-Request-Id` and the attempts it took. */
export interface OktaAnswer extends OktaResponse {
  status: number;
  requestId: string | null;
  attempts: number;
}

/**
 * One request of any method through the SDK's authenticated HTTP layer and our executor (pacing,
 * retries); throws SourceApiError on failure, with Okta's error code and request id.
 */
export async function oktaCall(
  session: OktaSession,
  stats: RequestStats,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  opts: { body?: unknown; permission?: string } = {},
): Promise<OktaAnswer> {
  const abs = url.startsWith('http') ? url : `${session.orgUrl}${url}`;
  const path = pathTemplate(new URL(abs).pathname);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const request: TaggedRequest = { method, headers, revenantStats: stats, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) };
  try {
    const res = (await session.client.http.http(abs, request, { isCollection: method === 'GET' } as never)) as unknown as {
      status: number;
      text(): Promise<string>;
      headers: OktaResponse['headers'];
    };
    const text = await res.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        // A write that succeeded is not reported as failed because its body is odd.
        if (method === 'GET') throw new SourceApiError(`Okta GET ${path}: the response body is not valid JSON`, { status: 200, providerCode: 'MALFORMED_BODY', path });
      }
    }
    return { body, headers: res.headers, status: res.status, requestId: res.headers.get('x-okta-request-id'), attempts: request.revenantAttempts ?? 1 };
  } catch (e) {
    if (session.signal.aborted) throw session.signal.reason ?? e;
    if (e instanceof SourceApiError) throw e;
    const o = e as { status?: number; errorCode?: string; errorSummary?: string; code?: string; message?: string; headers?: unknown };
    const attempts = request.revenantAttempts ?? 1;
    if (typeof o.status === 'number') {
      const summary = o.errorSummary ? `: ${o.errorSummary}` : '';
      throw new SourceApiError(`Okta ${method} ${path}: HTTP ${o.status}${o.errorCode ? ` ${o.errorCode}` : ''}${summary}`, {
        status: o.status,
        providerCode: o.errorCode,
        path,
        attempts,
        permission: opts.permission,
        requestId: headerOf(o.headers, 'x-okta-request-id'),
      });
    }
    const code = request.revenantNetworkCode ?? o.code ?? 'NETWORK';
    throw new SourceApiError(`Okta ${method} ${path}: network error ${code}`, { status: 0, providerCode: code, path, attempts });
  }
}

/** A header of an SDK error's response headers (a Headers object or a plain record). */
function headerOf(h: unknown, name: string): string | null {
  if (!h || typeof h !== 'object') return null;
  const get = (h as { get?: unknown }).get;
  if (typeof get === 'function') return (get.call(h, name) as string | null) ?? null;
  const v = (h as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : null;
}

/** The `rel="next"` target of a Link header (several links, comma separated). */
function nextLinkOf(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2])) return m[1];
  }
  return undefined;
}

export interface OktaListOptions {
  permission?: string;
  /** Items of a page whose body is not an array (e.g. `{ "value": [...] }`). */
  itemsOf?(body: unknown): unknown[] | undefined;
}

/**
 * Every item of an Okta collection, page by page, following the `next` link verbatim. The next
 * page is requested as soon as a page arrives, while its items are still being written.
 */
export async function* oktaList<T = Record<string, unknown>>(
  session: OktaSession,
  stats: RequestStats,
  url: string,
  opts: OktaListOptions = {},
): AsyncGenerator<T> {
  const seen = new Set<string>();
  const fetchPage = async (u: string): Promise<{ items: unknown[]; next?: string }> => {
    const { body, headers } = await oktaGet(session, stats, u, opts.permission);
    const items = Array.isArray(body) ? body : opts.itemsOf?.(body);
    if (!Array.isArray(items)) {
      const path = pathTemplate(u.replace(/^https?:\/\/[^/]+/, ''));
      throw new SourceApiError(`Okta GET ${path}: the response is not a list`, { status: 200, providerCode: 'MALFORMED_PAGE', path });
    }
    // An empty page ends the list (a polling endpoint would otherwise announce pages forever).
    return { items, next: items.length ? (nextLinkOf(headers.get('link')) ?? bodyNext(body)) : undefined };
  };
  let pending: Promise<{ items: unknown[]; next?: string }> | undefined = fetchPage(url);
  while (pending) {
    const page: { items: unknown[]; next?: string } = await pending;
    pending = undefined;
    if (page.next) {
      if (seen.has(page.next)) {
        const path = pathTemplate(url.split('?')[0]);
        throw new SourceApiError(`Okta GET ${path}: the service returned the same next link twice`, { status: 200, providerCode: 'PAGING_LOOP', path });
      }
      seen.add(page.next);
      pending = fetchPage(page.next);
      pending.catch(() => {}); // surfaced when awaited
    }
    stats.objects += page.items.length;
    for (const item of page.items) yield item as T;
  }
}

function bodyNext(body: unknown): string | undefined {
  const href = (body as { _links?: { next?: { href?: unknown } } } | null)?._links?.next?.href;
  return typeof href === 'string' && href ? href : undefined;
}

export interface PerParentOptions<P> {
  /** Parents to read one list for. */
  parents: readonly P[];
  url: (p: P) => string;
  /** Statuses that mean "this parent has no such list" (404 always does). */
  emptyOn?: readonly number[];
  permission?: string;
  onFailure(p: P, e: SourceApiError): void;
  onDone?(n: number, total: number): void;
}

/**
 * One paged list per parent, `session.concurrency` lists at once; yields `{parent, item}` as
 * they arrive. A parent whose list fails is reported to `onFailure` (the others go on).
 */
export async function* oktaPerParent<P>(
  session: OktaSession,
  stats: RequestStats,
  o: PerParentOptions<P>,
): AsyncGenerator<{ parent: P; item: Record<string, unknown> }> {
  const buffer: { parent: P; item: Record<string, unknown> }[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let next = 0;
  let done = 0;
  let active = 0;
  /** The first failure, boxed (whatever was thrown). */
  let failure = null as { error: unknown } | null;
  const HIGH_WATER = 5000;
  const drainWaiters: (() => void)[] = [];

  const worker = async () => {
    while (next < o.parents.length && !failure) {
      const p = o.parents[next++];
      try {
        for await (const item of oktaList(session, stats, o.url(p), { permission: o.permission })) {
          buffer.push({ parent: p, item });
          notify();
          if (buffer.length > HIGH_WATER) await new Promise<void>((r) => drainWaiters.push(r));
        }
      } catch (e) {
        if (session.signal.aborted || !(e instanceof SourceApiError)) {
          failure ??= { error: e };
          break;
        }
        if (!(e.status === 404 || o.emptyOn?.includes(e.status))) o.onFailure(p, e);
      }
      o.onDone?.(++done, o.parents.length);
    }
  };
  const n = Math.min(session.concurrency, o.parents.length);
  active = n;
  for (let k = 0; k < n; k++) {
    worker()
      .catch((e) => {
        failure ??= { error: e };
      })
      .finally(() => {
        active--;
        notify();
      });
  }
  while (true) {
    while (buffer.length) {
      yield buffer.shift()!;
      if (buffer.length < HIGH_WATER / 2) while (drainWaiters.length) drainWaiters.shift()!();
    }
    if (failure) throw failure.error;
    if (active === 0) break;
    await new Promise<void>((r) => {
      wake = r;
      if (buffer.length || active === 0 || failure) notify();
    });
  }
}
