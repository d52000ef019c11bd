/**
 * Retry timing shared by the Graph and Okta clients: how many attempts, how long a request may
 * take, and the delay before the next attempt — the server's own delay when it gave one
 * (`Retry-After`, `X-Rate-Limit-Reset`), otherwise exponential backoff, both with jitter so that
 * concurrent workers do not retry in lock-step. Also an abortable `sleep`. Provider-neutral.
 */

export interface RetryPolicy {
  /** Attempts per request, the first included (a 401 token refresh does not count). */
  maxAttempts: number;
  /** First backoff step when the server gives no delay. */
  baseDelayMs: number;
  /** Upper bound of any single wait, server-requested ones included. */
  maxDelayMs: number;
  /** Time allowed for one attempt (connect, headers and body). */
  timeoutMs: number;
}

const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 120_000,
  timeoutMs: 60_000,
};

export function retryPolicy(over: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)) };
  if (!(p.maxAttempts >= 1)) throw new RangeError('retry: maxAttempts must be at least 1');
  return p;
}

/**
 * Delay before attempt `attempt + 1`. With a server delay: that delay plus up to 10 % (at least
 * 50 ms) of jitter, never less than the server asked. Without: "full jitter" exponential backoff.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, serverDelayMs?: number, random: () => number = Math.random): number {
  if (serverDelayMs !== undefined && Number.isFinite(serverDelayMs) && serverDelayMs >= 0) {
    const jitter = Math.max(50, serverDelayMs * 0.1) * random();
    return Math.min(policy.maxDelayMs, serverDelayMs + jitter);
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return cap / 2 + (cap / 2) * random();
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (relative to `now`). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Network failures worth retrying (resets, timeouts, refused or half-open connections). */
const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'TIMEOUT',
  'TERMINATED',
]);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK.has(code);
}

/** HTTP statuses worth retrying: throttling and transient server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** The innermost `code` of an error chain (`fetch failed` → cause `ECONNRESET`). */
export function networkCodeOf(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    const o = cur as { code?: unknown; name?: unknown; cause?: unknown; type?: unknown; message?: unknown };
    if (o.name === 'TimeoutError' || o.type === 'request-timeout' || o.type === 'body-timeout') return 'TIMEOUT';
    if (typeof o.code === 'string' && o.code !== 'ERR_INVALID_STATE') {
      if (!o.cause) return o.code;
      const inner = networkCodeOf(o.cause);
      return inner ?? o.code;
    }
    if (typeof o.message === 'string' && /terminated|other side closed|socket hang up/i.test(o.message) && !o.cause) return 'TERMINATED';
    cur = o.cause;
  }
  return undefined;
}
