/**
 * What a source does for event-driven refreshes (`capabilities.events` of its registration, a
 * lazy module in `ingest/<source>/events.ts`): read one subject again, read its activity log for
 * polling (`revenant watch`, `events.watch`), turn its webhook deliveries into queue items, and
 * run the chores its deliveries may ask for (Graph subscription lifecycle), and describe the
 * webhook its vendor delivers to (`webhook`: path, JSON schemas, and what a delivery means). The
 * server's event queue, worker, watcher and webhook routes (src/api) only ask the registry: they
 * name no source.
 */

/** A job for the event queue: a refresh of one subject, or a chore the source runs itself. */
export interface EventJobInput {
  /** `refresh`, or a chore kind of the source (e.g. Graph's `reauthorize`). */
  kind: string;
  source: string;
  tenant?: string | null;
  /** Account id, login or mail (refresh), or what the chore is about (a subscription id). */
  subject?: string | null;
  /** Event type or lifecycle event that caused the job. */
  reason: string;
}

/** One accepted event: its de-duplication key (`okta:<uuid>`; null when it has none) and its jobs. */
export interface EventItem {
  key: string | null;
  jobs: EventJobInput[];
}

/**
 * A refresh subject that names a credential rather than its owner (an Okta API token revocation
 * names the token): the worker finds the owner in the current snapshot.
 */
export const API_TOKEN_PREFIX = 'apiToken:';

/** What a source's event code is given: its `events.<source>` settings, secrets and the server's abort signal. */
export interface SourceEventContext {
  /** The source's section of the server config (`events.<source>`), as written. */
  settings: Record<string, unknown> | undefined;
  /** Resolve a secret reference (`env:NAME`, `file:PATH`, or the value) named by its config path. */
  secret: (ref: string, field: string) => string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** The source is not configured for this (no collector settings): the job fails at once, not retried. */
export class EventConfigError extends Error {}

/** A chore the source refused for good (e.g. a subscription that is gone): not retried. */
export class PermanentEventError extends Error {}

/** A webhook request as the route hands it to the source (validated against the endpoint's schemas). */
export interface WebhookRequest {
  headers: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

/** What the source's webhook is given: its `events.<source>` settings and its secret (resolved at start). */
export interface WebhookContext {
  settings: Record<string, unknown>;
  secret: string;
}

/**
 * What a request means, neutral of HTTP (the route maps it to a reply, an error code and metrics):
 * a reply to send as is (a verification echo), event items to queue, or a refusal.
 */
export type WebhookOutcome =
  | { kind: 'reply'; status: number; body: unknown; contentType?: string; result: string }
  | {
      kind: 'items';
      items: EventItem[];
      status: number;
      /** Counted in the reply beside the queue's counts (e.g. `ignored`, `rejected`). */
      counts: Record<string, number>;
      /** Items refused as forged (a wrong shared secret) or unreadable, logged and counted. */
      forged?: number;
      rejected?: number;
    }
  | { kind: 'refused'; reason: 'secret' | 'client-state' | 'invalid'; message: string; forged?: number; rejected?: number };

/** One HTTP endpoint of a source's webhook. */
export interface WebhookEndpoint {
  method: 'GET' | 'POST';
  summary: string;
  /** JSON schemas (fastify route schema parts): querystring properties, headers, body, success responses. */
  querystring?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: Record<string, unknown>;
  /** The body given per content type (`{ 'application/json': { schema }, … }`) instead of `body`. */
  content?: Record<string, unknown>;
  responses: Record<number, unknown>;
  /** The status of a delivery whose items were queued (its reply: the queue's counts and `counts`). */
  acceptedStatus?: 200 | 202;
  /** Whether the API key may come as `?key=` (a vendor that sends no headers). */
  queryKey?: boolean;
  /** What the metrics count a forged request as (`authFailures` reason). */
  forgedReason: string;
  handle(req: WebhookRequest, ctx: WebhookContext): WebhookOutcome;
}

/** The webhook a source's vendor delivers to: `/v1/events/<path>`, configured by `events.<source>.<secretField>`. */
export interface SourceWebhook {
  path: string;
  /** The settings field holding the shared secret (a secret reference); without it the webhook answers "not configured". */
  secretField: string;
  /** What the vendor calls it, for messages ("Okta event hooks"). */
  title: string;
  endpoints: WebhookEndpoint[];
}

/**
 * The server config's `events.<source>` section as the source declares it (`capabilities.
 * eventSettings`, synchronous: the config is validated without loading any event code). The
 * config file's schema builds `events.properties` from these.
 */
export interface EventSettingsDef {
  /** JSON Schema properties of the section (`additionalProperties` is false): secrets as `env:NAME`/`file:PATH` references. */
  properties: Record<string, unknown>;
  /** Fill in defaults and normalise values of a valid section, in place (e.g. a header name lower-cased). */
  normalise?(section: Record<string, unknown>): void;
}

export interface SourceEvents {
  /** What its activity log is called (`revenant watch` names it). */
  logName?: string;
  /** The webhook its vendor delivers events to, if any. */
  webhook?: SourceWebhook;
  /**
   * Read one subject (account id, UPN, login or mail) again into a per-subject collection under
   * `out`; returns its source folder. Throws EventConfigError without collector settings.
   */
  refreshSubject(ctx: SourceEventContext, req: { subject: string; out: string }): Promise<string>;
  /**
   * Load what `refreshSubject` runs (its collector's modules, the vendor SDK) ahead of the first
   * event, so that the first refresh does not pay for it. Optional; reads nothing from the vendor.
   */
  prepare?(ctx: SourceEventContext): Promise<void>;
  /**
   * Read the source's activity log in [since, until) and return the queue items of the events
   * that name users whose access may have changed. Absent: the source cannot be polled.
   */
  pollLog?(ctx: SourceEventContext, window: { since: string; until: string }): Promise<{ events: number; items: EventItem[] }>;
  /** Whether `events.watch` polls this source (its settings allow reading the log). */
  canPoll?(ctx: SourceEventContext): boolean;
  /** Run a chore job (any kind but `refresh`) this source's deliveries queue; returns the result text. */
  chore?(ctx: SourceEventContext, job: EventJobInput): Promise<string>;
}
