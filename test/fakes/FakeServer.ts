/**
 * The HTTPS server under both API fakes: listens on 127.0.0.1 on an ephemeral port with the test
 * CA's certificate, logs every request, adds latency, and injects faults before the fake's own
 * handler runs — an HTTP status (429 with its headers, 503, 403), a connection dropped before the
 * response or in the middle of its body, or an action (expire every token). Faults match the
 * request path and query (or a predicate), can skip the first N matches and fire a limited number
 * of times, and apply to whole requests, to inner `$batch` requests, or both.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { testCa } from './testCa.js';

export interface FakeRequest {
  method: string;
  /** Path without query, e.g. `/v1.0/users`. */
  path: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body?: unknown;
  /** An inner request of a Graph `$batch`. */
  inBatch: boolean;
  /** Milliseconds the server spent on it after the added latency (set when answered). */
  serviceMs?: number;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Close the connection instead of answering: before any byte, or after half the body. */
  drop?: 'before' | 'mid-body';
}

export interface Fault {
  /** Matched against `path?query` (decoded), or a predicate. */
  match: RegExp | ((r: FakeRequest) => boolean);
  status?: number;
  headers?: Record<string, string> | (() => Record<string, string>);
  body?: unknown;
  drop?: 'before' | 'mid-body';
  /** Run before answering (and answer normally when no status/drop is set). */
  action?: (r: FakeRequest) => void;
  /** Let the first `after` matching requests through. */
  after?: number;
  /** Fire at most this many times (default: always). */
  times?: number;
  /** true: only inner `$batch` requests; false: only whole requests; undefined: both. */
  inBatch?: boolean;
  /** Matching requests seen (maintained by the server). */
  seen?: number;
  /** Times fired (maintained by the server). */
  fired?: number;
}

export type Handler = (r: FakeRequest) => Promise<FakeResponse> | FakeResponse;

export function requestTarget(r: FakeRequest): string {
  let q = r.rawQuery;
  try {
    q = decodeURIComponent(r.rawQuery.replace(/\+/g, ' '));
  } catch {
    /* keep raw */
  }
  return q ? `${r.path}?${q}` : r.path;
}

export class FakeServer {
  readonly log: FakeRequest[] = [];
  readonly faults: Fault[] = [];
  latencyMs = 0;
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  url = '';
  port = 0;

  constructor(private readonly handler: Handler) {}

  /** Listen on 127.0.0.1 (`port`: 0, any free one). */
  async start(port = 0): Promise<string> {
    const ca = testCa();
    this.server = createServer({ key: ca.keyPem, cert: ca.certPem }, (req, res) => {
      this.serve(req, res).catch((e) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'FakeServerError', message: String((e as Error)?.stack ?? e) } }));
        }
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('secureConnection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `https://127.0.0.1:${this.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  addFault(f: Fault): Fault {
    f.seen = 0;
    f.fired = 0;
    this.faults.push(f);
    return f;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The fault response for a request, if a fault fires (also runs fault actions). */
  applyFaults(r: FakeRequest): FakeResponse | undefined {
    const target = requestTarget(r);
    for (const f of this.faults) {
      if (f.inBatch !== undefined && f.inBatch !== r.inBatch) continue;
      const hit = typeof f.match === 'function' ? f.match(r) : f.match.test(target);
      if (!hit) continue;
      f.seen = (f.seen ?? 0) + 1;
      if (f.seen <= (f.after ?? 0)) continue;
      if (f.times !== undefined && (f.fired ?? 0) >= f.times) continue;
      f.fired = (f.fired ?? 0) + 1;
      f.action?.(r);
      if (f.status === undefined && !f.drop) continue;
      const headers = typeof f.headers === 'function' ? f.headers() : f.headers;
      return { status: f.status ?? 500, headers: { 'content-type': 'application/json', ...(headers ?? {}) }, body: f.body, drop: f.drop };
    }
    return undefined;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Concatenated, not resolved: a path that starts with `//` (the Azure SDKs send `//providers/…` for a scope) stays a path.
    const u = new URL(`https://x${req.url ?? '/'}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text || undefined;
    if (text && /json/.test(req.headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
    const rawQuery = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '';
    const r: FakeRequest = { method: req.method ?? 'GET', path: decodeURIComponent(u.pathname), rawQuery, query: u.searchParams, headers, body, inBatch: false };
    this.log.push(r);
    if (this.latencyMs > 0) await new Promise((ok) => setTimeout(ok, this.latencyMs));
    const t0 = performance.now();
    const out = this.applyFaults(r) ?? (await this.handler(r));
    this.send(res, out);
    r.serviceMs = performance.now() - t0;
  }

  private send(res: ServerResponse, out: FakeResponse): void {
    if (out.drop === 'before') {
      res.socket?.destroy();
      return;
    }
    const payload = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(out.headers ?? {}) };
    if (out.drop === 'mid-body') {
      const full = payload.length > 20 ? payload : `${payload}${' '.repeat(40)}`;
      res.writeHead(out.status, { ...headers, 'content-length': String(Buffer.byteLength(full)) });
      res.write(full.slice(0, Math.floor(full.length / 2)));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    res.writeHead(out.status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
    res.end(payload);
  }
}
