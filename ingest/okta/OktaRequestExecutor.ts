/**
 * The request executor we give `@okta/okta-sdk-nodejs` (its documented extension point): every
 * HTTP attempt of the SDK goes through it. It
 * - paces each rate-limit bucket from Okta's own headers: with `X-Rate-Limit-Remaining` used up,
 *   new requests to that bucket wait for `X-Rate-Limit-Reset` (epoch seconds of the server's clock,
 *   converted to ours with the `Date` header, so clock skew does not matter); after the reset, at
 *   most `X-Rate-Limit-Limit` go out before the new window's first answer tells what is left;
 * - on a 429 waits for that reset (plus jitter), on 5xx, resets and timeouts backs off, up to the
 *   attempt cap — and returns the last response, which the SDK turns into an error;
 * - sends with the platform's fetch (which notices a connection closed mid-body, where the SDK's
 *   node-fetch would wait for its timeout), bounds concurrency, applies a per-attempt timeout, and
 *   reads the whole body inside the retry loop, so a dropped connection is retried like a reset;
 * - counts requests, retries and 429s into the stats object the paging primitive attaches.
 * Token refresh after a 401 is the SDK's own (OAuth mode: it drops the cached token and retries once).
 */
import okta from '@okta/okta-sdk-nodejs';
import { Limiter } from '../collection/Limiter.js';
import { oktaBucketOf } from './rateLimitBuckets.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { type RetryPolicy, isRetryableNetworkCode, isRetryableStatus, networkCodeOf, retryDelay, sleep } from '../collection/retryPolicy.js';

/** What our paging primitive adds to a request object (the SDK passes it through untouched). */
export interface TaggedRequest {
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  timeout?: number;
  revenantStats?: RequestStats;
  revenantAttempts?: number;
  revenantNetworkCode?: string;
  [k: string]: unknown;
}

interface NodeFetchHeaders {
  get(name: string): string | null;
  forEach(cb: (value: string, name: string) => void): void;
}

interface NodeFetchResponse {
  status: number;
  statusText: string;
  ok: boolean;
  url: string;
  headers: NodeFetchHeaders;
  buffer(): Promise<Buffer>;
}

/** The parts of a fetch Response the SDK reads, as node-fetch shapes them. */
function fetchResponse(r: Response): NodeFetchResponse {
  return {
    status: r.status,
    statusText: r.statusText,
    ok: r.ok,
    url: r.url,
    headers: r.headers,
    buffer: () => Promise.reject(new Error('body already read')),
  };
}

/** A response whose body was read already (what the SDK and our paging see). */
class BufferedResponse {
  constructor(
    private readonly res: NodeFetchResponse,
    private readonly body: Buffer,
  ) {}
  get status() {
    return this.res.status;
  }
  get statusText() {
    return this.res.statusText;
  }
  get ok() {
    return this.res.ok;
  }
  get url() {
    return this.res.url;
  }
  get headers() {
    return this.res.headers;
  }
  text() {
    return Promise.resolve(this.body.toString('utf8'));
  }
  json() {
    return Promise.resolve(JSON.parse(this.body.toString('utf8')) as unknown);
  }
  buffer() {
    return Promise.resolve(this.body);
  }
  clone() {
    return new BufferedResponse(this.res, this.body);
  }
}

interface Bucket {
  limit?: number;
  remaining?: number;
  /** Our clock's time of the bucket's reset. */
  resetAt?: number;
  /** The window's `X-Rate-Limit-Reset` (server epoch seconds), and that of the last window waited out. */
  windowReset?: number;
  passedReset?: number;
  inflight: number;
}

/**
 * The bucket a request counts against: Okta's documented ones (rateLimitBuckets.ts); anything
 * else is paced per endpoint template.
 */
function bucketOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0];
  }
  return oktaBucketOf(path) ?? path.replace(/\/[0-9A-Za-z]{20}(?=\/|$)/g, '/{id}');
}

export interface OktaExecutorOptions {
  retry: RetryPolicy;
  concurrency: number;
  signal: AbortSignal;
}

export class OktaRequestExecutor extends okta.RequestExecutor {
  private readonly limiter: Limiter;
  private readonly buckets = new Map<string, Bucket>();
  /** Server clock minus ours (ms), from the last `Date` header. */
  skewMs = 0;

  constructor(private readonly opts: OktaExecutorOptions) {
    super();
    this.limiter = new Limiter(opts.concurrency);
  }

  override async fetch(request: TaggedRequest): Promise<never> {
    const { retry, signal } = this.opts;
    const stats = request.revenantStats;
    const url = String(request.url);
    const key = bucketOf(url);
    const bucket = this.bucket(key);
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      await this.waitForBucket(bucket);
      let res: NodeFetchResponse | undefined;
      let body: Buffer | undefined;
      let netCode: string | undefined;
      bucket.inflight++;
      try {
        await this.limiter.acquire();
        try {
          this.emit('request', request);
          const r = await fetch(url, {
            method: String(request.method ?? 'GET').toUpperCase(),
            headers: request.headers,
            body: request.body as string | undefined,
            signal: AbortSignal.any([signal, AbortSignal.timeout(retry.timeoutMs)]),
          });
          // The whole body is read inside the attempt: a connection dropped mid-body is retried here.
          body = Buffer.from(await r.arrayBuffer());
          res = fetchResponse(r);
          this.emit('response', res);
        } finally {
          this.limiter.release();
        }
      } catch (e) {
        if (signal.aborted) throw signal.reason ?? e;
        netCode = networkCodeOf(e) ?? 'NETWORK';
      } finally {
        bucket.inflight--;
      }
      if (stats) stats.requests++;
      request.revenantAttempts = attempt;
      if (res && body) {
        this.observe(bucket, res.headers);
        const retryable = isRetryableStatus(res.status);
        if (!retryable || attempt >= retry.maxAttempts) return new BufferedResponse(res, body) as never;
        let serverDelay: number | undefined;
        if (res.status === 429) {
          if (stats) stats.throttled++;
          serverDelay = this.resetDelay(res.headers);
          bucket.remaining = 0;
          if (serverDelay !== undefined) bucket.resetAt = Date.now() + serverDelay;
        }
        if (stats) stats.retries++;
        await sleep(retryDelay(retry, attempt, serverDelay), signal);
        continue;
      }
      request.revenantNetworkCode = netCode;
      if (!isRetryableNetworkCode(netCode) || attempt >= retry.maxAttempts) {
        const err = new Error(`network error ${netCode}`) as Error & { code?: string; attempts?: number };
        err.code = netCode;
        err.attempts = attempt;
        throw err;
      }
      if (stats) stats.retries++;
      await sleep(retryDelay(retry, attempt), signal);
    }
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { inflight: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * Wait while the bucket's remaining requests are all spoken for, until its reset. At the reset
   * a new window begins whose budget, until its first answer tells, is the bucket's limit less
   * what is still in flight: the requests that waited for the reset go out up to that budget and
   * the rest wait for the answer (on a loaded machine it can take a while, and a bucket may have
   * dozens of requests waiting). Nothing known about the bucket yet: go.
   */
  private async waitForBucket(b: Bucket): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (b.remaining === undefined) return;
      if (b.resetAt !== undefined && now >= b.resetAt) {
        b.passedReset = b.windowReset;
        b.windowReset = undefined;
        b.resetAt = undefined;
        b.remaining = b.limit === undefined ? undefined : Math.max(0, b.limit - b.inflight);
        continue;
      }
      if (b.remaining > 0) {
        b.remaining--; // reserved for this request; the response's own count replaces the guess
        return;
      }
      if (b.resetAt === undefined) {
        // The new window's budget is spoken for and no answer has told its state yet. With
        // nothing in flight no answer is coming (errors carry no headers): go, a 429 paces.
        if (b.inflight === 0) {
          b.remaining = undefined;
          return;
        }
        await sleep(25 + Math.random() * 50, this.opts.signal);
        continue;
      }
      await sleep(b.resetAt - now + 25 + Math.random() * 100, this.opts.signal);
    }
  }

  /** Read the rate-limit headers of a response into the bucket it counted against. */
  private observe(b: Bucket, h: NodeFetchHeaders): void {
    const date = Date.parse(h.get('date') ?? '');
    if (!Number.isNaN(date)) this.skewMs = date - Date.now();
    const limit = Number(h.get('x-rate-limit-limit'));
    const remaining = Number(h.get('x-rate-limit-remaining'));
    const reset = Number(h.get('x-rate-limit-reset'));
    if (!Number.isFinite(remaining) || !Number.isFinite(reset) || h.get('x-rate-limit-remaining') === null) return;
    // An answer from a window already waited out (it reached us late) says nothing about this one.
    if (b.passedReset !== undefined && reset <= b.passedReset) return;
    // The reset is in the server's clock; `Date` has one-second resolution, hence the extra second.
    const resetAt = reset * 1000 - this.skewMs + 1000;
    if (Number.isFinite(limit) && limit > 0) b.limit = limit;
    // Requests still in flight were reserved already and are not in this response's count yet.
    const left = Math.max(0, remaining - b.inflight);
    if (b.resetAt === undefined || Math.abs(resetAt - b.resetAt) > 1500) {
      b.resetAt = resetAt;
      b.windowReset = reset;
      b.remaining = left;
    } else {
      b.remaining = Math.min(b.remaining ?? left, left);
    }
  }

  /** Milliseconds until the bucket resets, by the server's clock (`X-Rate-Limit-Reset` − `Date`). */
  private resetDelay(h: NodeFetchHeaders): number | undefined {
    const reset = Number(h.get('x-rate-limit-reset'));
    if (!Number.isFinite(reset) || h.get('x-rate-limit-reset') === null || h.get('x-rate-limit-reset')!.includes(',')) return undefined;
    const date = Date.parse(h.get('date') ?? '');
    const serverNow = Number.isNaN(date) ? Date.now() : date;
    return Math.max(0, reset * 1000 - serverNow + 1000);
  }
}
