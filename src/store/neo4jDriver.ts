/**
 * Opens the neo4j-driver `Driver` the Neo4j engine uses, configured to fail fast: a server that
 * is down, unreachable or not speaking Bolt shows up within seconds as one clear line
 * (`cannot reach Neo4j at bolt://host:7687: connection refused …`) instead of the driver's
 * default minute of retries. `openNeo4jDriver` only builds the driver (no I/O);
 * `connectNeo4j` also proves the server answers; `asNeo4jConnectionError` turns a connection
 * failure thrown by any later driver call into the same one-line error. Messages never carry
 * the password.
 */
import net from 'node:net';
import neo4j, { type AuthToken, type Config, type Driver } from 'neo4j-driver';
import { ERR, InputError, RevenantError } from '../model/errors.js';

export interface Neo4jConnectionOptions {
  /** `bolt://`, `neo4j://` (with optional `+s` / `+ssc`). */
  uri: string;
  /** Basic auth when given; no auth (a server with `dbms.security.auth_enabled=false`) otherwise. */
  user?: string;
  password?: string;
}

/**
 * Driver settings shared by product code and tests. Connecting fails fast: a TCP connection gives
 * up after 5 s, and `connectNeo4j` bounds the whole first contact (handshake included) by
 * CONNECT_TIMEOUT_MS, so a server that is down, unreachable or not speaking Bolt is reported
 * within seconds. Waiting for a connection of a busy pool does not: the push keeps several
 * transactions in flight, a batch waits for a connection while the ones ahead of it are written,
 * and on a loaded server one batch can take longer than 5 s — the old 5 s acquisition timeout
 * failed a real `load --neo4j` that way. So acquisition waits up to ACQUISITION_TIMEOUT_MS. A
 * transaction that fails with a transient error (a deadlock, a lost connection) is retried by
 * the driver for 2 s on one server.
 */
export const FAIL_FAST_CONFIG = {
  connectionTimeout: 5_000,
  connectionAcquisitionTimeout: 120_000,
  maxTransactionRetryTime: 2_000,
} as const satisfies Config;

/** How long a command waits for a connection of a busy pool (see FAIL_FAST_CONFIG). */
export const ACQUISITION_TIMEOUT_MS = FAIL_FAST_CONFIG.connectionAcquisitionTimeout;

/**
 * On a cluster or Aura (a routing URI: `neo4j://`, `neo4j+s://`, `neo4j+ssc://`) transient
 * failures also come from a leader switch or a member restarting, which take seconds to settle:
 * transactions are retried for up to 30 s there. One server (`bolt://`) keeps the short retry, so
 * a server that went down is still reported within seconds.
 */
export const CLUSTER_RETRY_MS = 30_000;

/** How long transient failures are retried for a URI (see CLUSTER_RETRY_MS). */
export function retryTimeFor(uri: string): number {
  return /^neo4j(\+s|\+ssc)?:\/\//i.test(uri.trim()) ? CLUSTER_RETRY_MS : FAIL_FAST_CONFIG.maxTransactionRetryTime;
}

/**
 * Run `work` again while it fails with an error the driver classes as retriable (transient
 * errors, leader switches, lost connections), with exponential back-off, for up to `maxMs`. For
 * work the driver does not retry itself — auto-commit queries such as `CALL … IN TRANSACTIONS` —
 * and which is safe to repeat (every such query of the store is idempotent).
 */
export async function withRetries<T>(work: () => Promise<T>, maxMs: number, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  const started = Date.now();
  for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await work();
    } catch (e) {
      if (!neo4j.isRetriableError(e) || Date.now() - started + delay > maxMs) throw e;
      await sleep(delay * (0.8 + Math.random() * 0.4));
    }
  }
}

/**
 * Upper bound for `connectNeo4j`'s first contact, handshake included: the driver's connection
 * timeout covers only the TCP connect, and its acquisition timeout is long (FAIL_FAST_CONFIG).
 */
export const CONNECT_TIMEOUT_MS = 7_500;

const SCHEMES = ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc'];

/** The server could not be reached, or refused us. Runtime failure (exit code 1). */
export class Neo4jConnectionError extends RevenantError {
  readonly uri: string;
  constructor(uri: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot reach Neo4j at ${uri}: ${reason}`, ERR.RUNTIME, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.uri = uri;
  }
}

let noDelay = false;

/**
 * Turn Nagle's algorithm off on the driver's sockets (TCP_NODELAY, as Neo4j's Python driver
 * does). neo4j-driver 5 leaves it on and has no setting for it: a transaction's messages go as
 * several small writes (BEGIN, then RUN and PULL), and with Nagle the later ones wait for the
 * server's delayed ACK — about 40 ms on Linux — before leaving. That cost 40-50 ms on about 40 %
 * of a one-subject query's round trips (bench/subject.mjs). The driver enables keep-alive on
 * every socket it opens, so that is the hook: a socket asking for keep-alive also gets no-delay
 * (another such socket, an HTTP agent's, gets what Node's HTTP client sets by default anyway).
 * Installed once per process, when the first driver is built.
 */
export function disableNagleForBolt(): void {
  if (noDelay) return;
  noDelay = true;
  const proto = net.Socket.prototype;
  const keepAlive = Object.getOwnPropertyDescriptor(proto, 'setKeepAlive')!.value as net.Socket['setKeepAlive'];
  proto.setKeepAlive = function (this: net.Socket, ...args: Parameters<net.Socket['setKeepAlive']>) {
    this.setNoDelay(true);
    return keepAlive.apply(this, args);
  };
}

/** Builds a driver with FAIL_FAST_CONFIG (and any `extra` settings). Validates its input; performs no I/O. */
export function openNeo4jDriver(options: Neo4jConnectionOptions, extra: Config = {}): Driver {
  disableNagleForBolt();
  const uri = checkUri(options?.uri);
  const { user, password } = options;
  if (user === undefined && password !== undefined) {
    throw new InputError('neo4j: a password was given without a user');
  }
  const auth: AuthToken = user === undefined ? noAuth() : neo4j.auth.basic(user, password ?? '');
  return neo4j.driver(uri, auth, { ...FAIL_FAST_CONFIG, maxTransactionRetryTime: retryTimeFor(uri), ...extra });
}

/**
 * Opens a driver and proves the server answers (`verifyConnectivity`). Rejects with a
 * `Neo4jConnectionError` within `timeoutMs`, closing the driver it opened.
 */
export async function connectNeo4j(
  options: Neo4jConnectionOptions,
  timeoutMs: number = CONNECT_TIMEOUT_MS,
): Promise<Driver> {
  const driver = openNeo4jDriver(options);
  try {
    await verifyNeo4jReachable(driver, options.uri, timeoutMs);
    return driver;
  } catch (e) {
    void driver.close().catch(() => undefined);
    throw e;
  }
}

/**
 * Start closing `driver` and return at once: the driver sends GOODBYE and ends its sockets on its
 * own (their closes need no answer from the server), and a failure to close is ignored — for a
 * command whose work with the server is done. The process still exits only after the sockets
 * are closed, which takes no round trip.
 */
export function closeInBackground(driver: Driver): void {
  void driver.close().catch(() => undefined);
}

/** Rejects with a `Neo4jConnectionError` unless `driver` reaches its server within `timeoutMs`. */
export async function verifyNeo4jReachable(
  driver: Driver,
  uri: string,
  timeoutMs: number = CONNECT_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Neo4jConnectionError(redact(uri), `no answer within ${Math.round(timeoutMs / 100) / 10} s`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([driver.verifyConnectivity(), timeout]);
  } catch (e) {
    throw asNeo4jConnectionError(uri, e);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A connection failure (refused, unresolvable host, timeout, not Bolt, credentials rejected)
 * becomes a one-line `Neo4jConnectionError`; anything else (a Cypher error, a constraint
 * violation) is returned unchanged. Use as `catch (e) { throw asNeo4jConnectionError(uri, e); }`.
 */
export function asNeo4jConnectionError(uri: string, error: unknown): unknown {
  if (error instanceof Neo4jConnectionError) return error;
  const reason = connectionFailureReason(error);
  return reason === undefined ? error : new Neo4jConnectionError(redact(uri), reason, { cause: error });
}

function connectionFailureReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const texts = [error.message];
  for (let c = (error as { cause?: unknown }).cause, depth = 0; c instanceof Error && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    texts.push(c.message);
  }
  const all = texts.join(' | ');

  if (code === 'Neo.ClientError.Security.Unauthorized' || code === 'Neo.ClientError.Security.AuthenticationRateLimit') {
    return `the server rejected the credentials (${oneLine(error.message)})`;
  }
  const os = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/.exec(all)?.[1];
  const cause = /Caused by: (.*)$/m.exec(texts.find((t) => t.includes('Caused by: ')) ?? '')?.[1];
  const detail = cause ? ` (${oneLine(cause)})` : '';
  switch (os) {
    case 'ECONNREFUSED':
      return `connection refused: nothing is listening there${detail}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name does not resolve${detail}`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection was reset${detail}`;
    case 'ETIMEDOUT':
      return `connection timed out${detail}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable${detail}`;
  }
  if (/Connection acquisition timed out|Failed to establish connection in|connection timed out/i.test(all)) {
    return `no Bolt answer in time (${oneLine(error.message)})`;
  }
  if (/Server responded HTTP/i.test(all)) {
    return 'the server answered HTTP, not Bolt (wrong port? Bolt is usually 7687, HTTP 7474)';
  }
  if (/encrypt|SSL|TLS|certificate/i.test(all) && (code === 'ServiceUnavailable' || code === 'SessionExpired')) {
    return `encryption mismatch (${oneLine(cause ?? error.message)})`;
  }
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || /Could not perform discovery|Failed to connect to server/.test(all)) {
    return oneLine(cause ?? error.message);
  }
  return undefined;
}

/** No authentication (a server with `dbms.security.auth_enabled=false`). `auth.none()` exists at
 * runtime in neo4j-driver 5 but is missing from its type declarations. */
function noAuth(): AuthToken {
  return (neo4j.auth as typeof neo4j.auth & { none(): AuthToken }).none();
}

function checkUri(uri: unknown): string {
  if (typeof uri !== 'string' || uri.trim() === '') {
    throw new InputError('neo4j: uri must be a non-empty string such as bolt://127.0.0.1:7687');
  }
  const scheme = /^([a-z0-9+]+):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (!scheme || !SCHEMES.includes(scheme)) {
    throw new InputError(`neo4j: uri ${redact(uri)} must start with one of ${SCHEMES.map((s) => `${s}://`).join(', ')}`);
  }
  return uri.trim();
}

/** Drops any `user:password@` from a URI before it goes into a message. */
function redact(uri: string): string {
  return uri.replace(/^([a-z0-9+]+:\/\/)[^@/]*@/i, '$1');
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
