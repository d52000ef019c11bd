/**
 * What a source does for event-driven refreshes (`capabilities.events` of its registration, a
 * lazy module in `ingest/<source>/events.ts`): read one subject again, read its activity log for
 * polling (`revenant watch`, `events.watch`), turn its webhook deliveries into queue items, and
 * run the chores its deliveries may ask for (Graph subscription lifecycle). The server's event
 * queue, worker and watcher (src/api/events) only ask the registry: they name no source.
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

export interface SourceEvents {
  /**
   * Read one subject (account id, UPN, login or mail) again into a per-subject collection under
   * `out`; returns its source folder. Throws EventConfigError without collector settings.
   */
  refreshSubject(ctx: SourceEventContext, req: { subject: string; out: string }): Promise<string>;
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
