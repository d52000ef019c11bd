/**
 * The Azure Resource Manager clients of the collector: the official management SDKs
 * (`@azure/arm-authorization`, `@azure/arm-managementgroups`, `@azure/arm-resources-subscriptions`,
 * `@azure/arm-msi`) sharing one `@azure/identity` credential (the Entra collector's token
 * provider, audience `https://management.azure.com/.default`) and one pipeline configuration:
 * the SDK's own retry policies (429 and 503 honouring `Retry-After`, exponential backoff for other
 * transient failures and resets) capped by our attempt count and delay, a per-attempt timeout,
 * and a per-retry policy of ours that counts every attempt into the dataset that sent it (a
 * request header names the dataset; the policy removes it before the request leaves) and keeps
 * at most `concurrency` requests in flight. `armList` reads one ARM list to its end with the
 * SDK's `nextLink` paging, keeping each page's raw JSON (`onResponse`): lines are ARM objects as
 * returned, not the SDK's flattened models.
 */
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ManagementGroupsAPI } from '@azure/arm-managementgroups';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { type PipelinePolicy, createPipelineRequest } from '@azure/core-rest-pipeline';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { httpsServiceRoot } from '../collection/httpsServiceRoot.js';
import { Limiter } from '../collection/Limiter.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { type RetryPolicy, networkCodeOf, retryPolicy } from '../collection/retryPolicy.js';
import { SourceApiError, pathTemplate } from '../collection/SourceApiError.js';
import { GRAPH_AUTH_MODES, type GraphAuthMode, GraphTokenProvider, jwtClaims } from '../entra/GraphTokenProvider.js';

/** How `collect azure --auth` may authenticate: Entra's token modes. */
export const AZURE_AUTH_MODES: readonly GraphAuthMode[] = GRAPH_AUTH_MODES;

export const DEFAULT_ARM_URL = 'https://management.azure.com';
const DATASET_HEADER = 'x-revenant-dataset';

export interface ArmSessionOptions {
  tenant: string;
  armUrl?: string;
  authorityHost?: string;
  mode?: GraphAuthMode;
  /** A ready bearer token for ARM (mode `token`): REVENANT_AZURE_TOKEN. */
  token?: string;
  clientId?: string;
  certificatePath?: string;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
}

export interface ArmSession {
  readonly armUrl: string;
  readonly authorization: AuthorizationManagementClient;
  readonly managementGroups: ManagementGroupsAPI;
  readonly subscriptions: SubscriptionClient;
  /** A managed-identity client for one subscription. */
  msi(subscriptionId: string): ManagedServiceIdentityClient;
  readonly tokens: GraphTokenProvider;
  readonly retry: RetryPolicy;
  readonly signal: AbortSignal;
  /** Request options that count attempts into `stats` and capture each page's raw body. */
  options(stats: RequestStats, onBody?: (body: unknown) => void): ArmOperationOptions;
  /** One GET of an ARM URL through the same pipeline (auth, retries, counting): status and parsed body. */
  get(stats: RequestStats, url: string): Promise<{ status: number; body: unknown }>;
  /**
   * One call of an ARM URL through the same pipeline (remediation's writes and re-reads, where the
   * generated operations cannot name the root scope): status, parsed body and ARM's request id.
   */
  send(stats: RequestStats, method: 'GET' | 'PUT' | 'DELETE', url: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: unknown; requestId: string | null }>;
}

export interface ArmOperationOptions {
  abortSignal: AbortSignal;
  requestOptions: { customHeaders: Record<string, string>; timeout: number };
  onResponse?: (raw: { bodyAsText?: string | null; status: number }) => void;
  [k: string]: unknown;
}

/** The Entra token provider as an `@azure/identity` TokenCredential for the ARM clients. */
class ProviderCredential implements TokenCredential {
  constructor(private readonly tokens: GraphTokenProvider) {}
  async getToken(): Promise<AccessToken> {
    const token = await this.tokens.get();
    const exp = jwtClaims(token)?.exp;
    return { token, expiresOnTimestamp: typeof exp === 'number' ? exp * 1000 : Date.now() + 3600_000 };
  }
}

export function createArmSession(opts: ArmSessionOptions): ArmSession {
  const armUrl = httpsServiceRoot(opts.armUrl, DEFAULT_ARM_URL, 'collect azure: --arm-url');
  const policy = retryPolicy(opts.retry);
  const signal = opts.signal ?? new AbortController().signal;
  const tokens = new GraphTokenProvider({
    mode: opts.mode,
    token: opts.token,
    tenant: opts.tenant,
    graphUrl: armUrl,
    authorityHost: opts.authorityHost,
    clientId: opts.clientId,
    certificatePath: opts.certificatePath,
    resourceName: 'Azure Resource Manager',
    command: 'collect azure',
    tokenEnv: 'REVENANT_AZURE_TOKEN',
  });
  const credential = new ProviderCredential(tokens);
  const limiter = new Limiter(Math.max(1, opts.concurrency ?? 8));
  const byDataset = new Map<string, RequestStats>();
  let nextKey = 0;
  const attempted = new WeakSet<object>();

  const counting: PipelinePolicy = {
    name: 'revenantCounting',
    async sendRequest(request, next) {
      const key = request.headers.get(DATASET_HEADER);
      request.headers.delete(DATASET_HEADER);
      const stats = key ? byDataset.get(key) : undefined;
      // The retry policy sends the same request object again: a second sight is a retry.
      if (stats && attempted.has(request)) stats.retries++;
      attempted.add(request);
      return limiter.run(async () => {
        if (stats) stats.requests++;
        try {
          const res = await next(request);
          if (stats && res.status === 429) stats.throttled++;
          return res;
        } catch (e) {
          if (stats && (e as { statusCode?: number }).statusCode === 429) stats.throttled++;
          throw e;
        }
      });
    },
  };
  const common = {
    endpoint: armUrl,
    $host: armUrl,
    credentialScopes: [`${armUrl}/.default`],
    retryOptions: { maxRetries: Math.max(0, policy.maxAttempts - 1), retryDelayInMs: policy.baseDelayMs, maxRetryDelayInMs: policy.maxDelayMs },
    additionalPolicies: [{ policy: counting, position: 'perRetry' as const }],
    userAgentOptions: { userAgentPrefix: 'revenant' },
  };
  const msiClients = new Map<string, ManagedServiceIdentityClient>();
  const authorization = new AuthorizationManagementClient(credential, '00000000-0000-0000-0000-000000000000', common);
  const send: ArmSession['send'] = async (stats, method, target, opts = {}) => {
    const key = String(nextKey++);
    byDataset.set(key, stats);
    const request = createPipelineRequest({ url: target, method, abortSignal: signal, timeout: policy.timeoutMs });
    request.headers.set(DATASET_HEADER, key);
    for (const [h, v] of Object.entries(opts.headers ?? {})) request.headers.set(h, v);
    if (opts.body !== undefined) {
      request.headers.set('content-type', 'application/json');
      request.body = JSON.stringify(opts.body);
    }
    let res;
    try {
      res = await authorization.sendRequest(request);
    } finally {
      byDataset.delete(key);
    }
    let body: unknown = null;
    try {
      body = res.bodyAsText ? JSON.parse(res.bodyAsText) : null;
    } catch {
      body = null;
    }
    return { status: res.status, body, requestId: res.headers.get('x-ms-request-id') ?? null };
  };
  return {
    armUrl,
    authorization,
    managementGroups: new ManagementGroupsAPI(credential, common),
    subscriptions: new SubscriptionClient(credential, common),
    msi(subscriptionId: string) {
      let c = msiClients.get(subscriptionId);
      if (!c) msiClients.set(subscriptionId, (c = new ManagedServiceIdentityClient(credential, subscriptionId, common)));
      return c;
    },
    tokens,
    retry: policy,
    signal,
    async get(stats, target) {
      const { status, body } = await send(stats, 'GET', target);
      return { status, body };
    },
    send,
    options(stats, onBody) {
      const key = String(nextKey++);
      byDataset.set(key, stats);
      return {
        abortSignal: signal,
        requestOptions: { customHeaders: { [DATASET_HEADER]: key }, timeout: policy.timeoutMs },
        onResponse: (raw) => {
          // `parsedBody` is the SDK's deserialized model by now; the raw JSON is `bodyAsText`.
          if (raw.status < 200 || raw.status >= 300 || !onBody) return;
          try {
            onBody(raw.bodyAsText ? JSON.parse(raw.bodyAsText) : null);
          } catch {
            onBody(null);
          }
        },
      };
    },
  };
}

/** A SourceApiError from whatever the Azure SDK threw (RestError, AuthenticationError, network). */
export function armError(e: unknown, path: string, permission?: string): SourceApiError {
  if (e instanceof SourceApiError) return e;
  const o = e as { statusCode?: number; code?: string; message?: string; details?: { error?: { code?: string; message?: string } }; name?: string };
  const status = typeof o.statusCode === 'number' ? o.statusCode : 0;
  const code = o.details?.error?.code ?? o.code ?? (status === 0 ? networkCodeOf(e) : undefined);
  const message = o.details?.error?.message ?? o.message ?? '';
  const p = pathTemplate(path);
  return new SourceApiError(`Azure GET ${p}: ${status ? `HTTP ${status}` : 'no response'}${code ? ` ${code}` : ''}: ${truncate(message)}`, {
    status,
    providerCode: code,
    path: p,
    permission,
    hint: status >= 400 && status < 500 ? truncate(firstLine(message)) : undefined,
  });
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * Every raw item of an ARM list: `list(options)` is the SDK's paged operation; each page's raw
 * `value` (captured from `onResponse`) is yielded as it arrives; `nextLink` is the SDK's to follow.
 * A page that still fails after the retries throws a SourceApiError.
 */
export async function* armList(
  session: ArmSession,
  stats: RequestStats,
  path: string,
  list: (options: ArmOperationOptions) => { byPage(): AsyncIterableIterator<unknown[]> },
  permission?: string,
): AsyncGenerator<Record<string, unknown>> {
  let raw: unknown[] = [];
  const options = session.options(stats, (body) => {
    const v = (body as { value?: unknown } | null)?.value;
    raw = Array.isArray(v) ? v : [];
  });
  const pages = list(options).byPage();
  for (;;) {
    let step: IteratorResult<unknown[]>;
    try {
      step = await pages.next();
    } catch (e) {
      if (session.signal.aborted) throw session.signal.reason ?? e;
      throw armError(e, path, permission);
    }
    if (step.done) return;
    const items = raw;
    raw = [];
    stats.objects += items.length;
    for (const item of items) yield item as Record<string, unknown>;
  }
}

/**
 * Every raw item of an ARM list read by URL (`nextLink` followed verbatim) — for the root scope
 * `/`, whose URL the generated clients cannot build (`/{scope}/providers/…` becomes `//providers`).
 */
export async function* armUrlList(session: ArmSession, stats: RequestStats, path: string, permission?: string): AsyncGenerator<Record<string, unknown>> {
  let url: string | undefined = `${session.armUrl}${path}`;
  const seen = new Set<string>();
  while (url) {
    let res: { status: number; body: unknown };
    try {
      res = await session.get(stats, url);
    } catch (e) {
      if (session.signal.aborted) throw session.signal.reason ?? e;
      throw armError(e, path, permission);
    }
    const body = res.body as { value?: unknown; nextLink?: unknown; error?: { code?: string; message?: string } } | null;
    if (res.status < 200 || res.status >= 300) {
      throw armError({ statusCode: res.status, code: body?.error?.code, message: body?.error?.message ?? '' }, path, permission);
    }
    if (!body || !Array.isArray(body.value)) throw new SourceApiError(`Azure GET ${pathTemplate(path)}: response is not a list`, { status: res.status, providerCode: 'MALFORMED_PAGE', path: pathTemplate(path) });
    stats.objects += body.value.length;
    for (const item of body.value) yield item as Record<string, unknown>;
    const next: string | undefined = typeof body.nextLink === 'string' && body.nextLink ? body.nextLink : undefined;
    if (next && seen.has(next)) throw new SourceApiError(`Azure GET ${pathTemplate(path)}: the same nextLink twice`, { status: 200, providerCode: 'PAGING_LOOP', path: pathTemplate(path) });
    if (next) seen.add(next);
    url = next;
  }
}

/** One raw ARM object (null on 404). */
export async function armGet(
  session: ArmSession,
  stats: RequestStats,
  path: string,
  get: (options: ArmOperationOptions) => Promise<unknown>,
  permission?: string,
): Promise<Record<string, unknown> | null> {
  let body: unknown;
  try {
    await get(session.options(stats, (b) => (body = b)));
  } catch (e) {
    if (session.signal.aborted) throw session.signal.reason ?? e;
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw armError(e, path, permission);
  }
  stats.objects++;
  return (body as Record<string, unknown>) ?? null;
}
