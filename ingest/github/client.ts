/**
 * The GitHub client of the collector: `@octokit/core` with the official pagination plugins
 * (`@octokit/plugin-paginate-rest` for `Link: rel="next"`, `@octokit/plugin-paginate-graphql`
 * for `pageInfo.endCursor`), `@octokit/plugin-throttling` (primary limits from
 * `x-ratelimit-remaining`/`x-ratelimit-reset`, secondary limits from `retry-after`) and
 * `@octokit/plugin-retry` (5xx and network failures), authenticated with a token (a classic or
 * fine-grained PAT, SSO-authorized) or as a GitHub App installation through `@octokit/auth-app`.
 * Requests go through the platform's fetch with a per-attempt timeout, the whole body read inside
 * the attempt, and a bounded number in flight; each dataset passes its own fetch (`request.fetch`,
 * which Octokit reuses for every page and every retry of that request), so every attempt is
 * counted into the dataset that asked for it. Token values never leave the
 * auth strategy except as the `Authorization` header.
 */
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { paginateGraphQL } from '@octokit/plugin-paginate-graphql';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { InputError } from '../../src/model/errors.js';
import { httpsServiceRoot } from '../collection/httpsServiceRoot.js';
import { Limiter } from '../collection/Limiter.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { type RetryPolicy, networkCodeOf, retryPolicy } from '../collection/retryPolicy.js';

export const DEFAULT_GITHUB_URL = 'https://api.github.com';

export type GitHubAuthMode = 'token' | 'app';
export const GITHUB_AUTH_MODES: readonly GitHubAuthMode[] = ['token', 'app'];

export interface GitHubSessionOptions {
  /** REST root: https://api.github.com, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  apiUrl?: string;
  auth: GitHubAuthMode;
  /** A token (mode `token`): REVENANT_GITHUB_TOKEN or GITHUB_TOKEN. */
  token?: string;
  /** GitHub App id, private key (PEM) and the installation on the organisation (mode `app`). */
  appId?: string;
  privateKey?: string;
  installationId?: string;
  /** HTTP requests in flight at once (default 4: GitHub asks integrators not to send in parallel much). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
}

const Client = Octokit.plugin(paginateRest, paginateGraphQL, throttling, retry);
export type GitHubClient = InstanceType<typeof Client>;

export interface GitHubSession {
  readonly octokit: GitHubClient;
  readonly apiUrl: string;
  readonly auth: GitHubAuthMode;
  readonly retry: RetryPolicy;
  readonly signal: AbortSignal;
  readonly limiter: Limiter;
  /** Octokit `request` options whose fetch counts every attempt into `stats`. */
  requestOptions(stats: RequestStats): { fetch: CountingFetch };
}

type CountingFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & { revenantStats?: RequestStats };

export function createGitHubSession(opts: GitHubSessionOptions): GitHubSession {
  const apiUrl = httpsServiceRoot(opts.apiUrl, DEFAULT_GITHUB_URL, 'collect github: --api-url');
  const policy = retryPolicy(opts.retry);
  const signal = opts.signal ?? new AbortController().signal;
  const limiter = new Limiter(Math.max(1, opts.concurrency ?? 4));
  // A server delay is honoured as given; the tests' small --retry-base-ms scales only the backoff
  // of 5xx retries (plugin-retry waits (n+1)² × base).
  const retryBaseMs = Math.max(1, Math.round(policy.baseDelayMs / 2));
  const attemptsAfterFirst = Math.max(0, policy.maxAttempts - 1);

  const fetchFor = (stats: RequestStats | undefined): CountingFetch => {
    const f: CountingFetch = (input, init) => limiter.run(async () => {
      const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(policy.timeoutMs)]);
      if (stats) stats.requests++;
      try {
        const res = await fetch(input, { ...init, signal: attemptSignal });
        const noBody = res.status === 204 || res.status === 205 || res.status === 304;
        const body = noBody ? null : await res.arrayBuffer();
        if (stats && res.status === 429) stats.throttled++;
        if (stats && res.status === 403 && res.headers.get('x-ratelimit-remaining') === '0') stats.throttled++;
        if (stats && res.status === 403 && res.headers.get('retry-after')) stats.throttled++;
        const buffered = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
        // Octokit reads `response.url` (the paginator resolves page numbers against it).
        Object.defineProperty(buffered, 'url', { value: res.url });
        return buffered;
      } catch (e) {
        if (signal.aborted) throw signal.reason ?? e;
        // @octokit/request turns a thrown fetch into a RequestError with status 500, which plugin-retry retries.
        throw new Error(`network error: ${networkCodeOf(e) ?? (e as Error)?.message ?? 'unknown'}`, { cause: e });
      }
    });
    f.revenantStats = stats;
    return f;
  };

  let auth: unknown;
  let authStrategy: unknown;
  if (opts.auth === 'app') {
    if (!opts.appId || !opts.privateKey || !opts.installationId) {
      throw new InputError('collect github: --auth app needs --app-id, --private-key (a PEM file) and --installation-id (or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)');
    }
    authStrategy = createAppAuth;
    auth = { appId: opts.appId, privateKey: opts.privateKey, installationId: opts.installationId };
  } else {
    const token = opts.token?.trim();
    if (!token) throw new InputError('collect github: a token is needed: set REVENANT_GITHUB_TOKEN (or GITHUB_TOKEN), or use --auth app');
    auth = token;
  }

  const onLimit = (retryAfter: number, options: { request: { retryCount: number } }, _o: unknown, retryCount?: number) => {
    const n = retryCount ?? options.request.retryCount ?? 0;
    return n < attemptsAfterFirst && retryAfter * 1000 <= policy.maxDelayMs;
  };
  const octokit = new Client({
    baseUrl: apiUrl,
    auth,
    authStrategy,
    userAgent: 'revenant',
    request: { fetch: fetchFor(undefined), signal },
    throttle: {
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
    },
    retry: { retries: attemptsAfterFirst, retryAfterBaseValue: retryBaseMs, doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
  } as never);

  // Count retries: every attempt after the first of a request.
  octokit.hook.wrap('request', async (request, options) => {
    const o = options.request as { retryCount?: number; fetch?: CountingFetch } | undefined;
    const stats = o?.fetch?.revenantStats;
    const retryCount = o?.retryCount ?? 0;
    if (stats && retryCount > 0) stats.retries++;
    return request(options);
  });

  return {
    octokit,
    apiUrl,
    auth: opts.auth,
    retry: policy,
    signal,
    limiter,
    requestOptions: (stats) => ({ fetch: fetchFor(stats) }),
  };
}
