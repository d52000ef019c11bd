/**
 * Typed errors, each with a stable `code` (like fastify's `FST_ERR_*`): callers decide by type or
 * code, never by message text. `InputError` is bad input or bad usage (exit code 2): its message
 * names the place (`load: entra/users.jsonl:17: accountEnabled must be boolean`). Anything else
 * that escapes is a runtime failure (exit code 1). Messages never carry secret values. The HTTP
 * API maps these codes to statuses in one catalogue (src/api/errorCatalogue.ts).
 */

/** The domain's error codes. Add a code here (and its HTTP status in the API's catalogue). */
export const ERR = {
  /** A runtime failure (exit code 1): a service that cannot be reached, a write that failed. */
  RUNTIME: 'REVENANT_ERR_RUNTIME',
  /** Bad input or usage in general. */
  INPUT: 'REVENANT_ERR_INPUT',
  /** A store problem that is none of the more specific ones below. */
  STORE: 'REVENANT_ERR_STORE',
  /** A subject, principal, finding or acceptance that does not exist. */
  NOT_FOUND: 'REVENANT_ERR_NOT_FOUND',
  /** The store holds no snapshot yet. */
  NO_SNAPSHOT: 'REVENANT_ERR_NO_SNAPSHOT',
  /** A snapshot id that is not (or no longer: pruned) in the store. */
  SNAPSHOT_NOT_FOUND: 'REVENANT_ERR_SNAPSHOT_NOT_FOUND',
  /** A snapshot id prefix that matches several snapshots. */
  SNAPSHOT_AMBIGUOUS: 'REVENANT_ERR_SNAPSHOT_AMBIGUOUS',
  /** A snapshot file that exists but cannot be read (corrupt, other schema version, no analysis). */
  SNAPSHOT_UNREADABLE: 'REVENANT_ERR_SNAPSHOT_UNREADABLE',
  /** A job refused before it starts because it would not fit its resources (the memory budget). */
  RESOURCE: 'REVENANT_ERR_RESOURCE',
  /** A source API (Microsoft Graph, Okta, …) request that still failed after its retries (SourceApiError). */
  SOURCE_API: 'REVENANT_ERR_SOURCE_API',
  /** A remediation plan refused because the snapshot's data is older than the allowed age. */
  SNAPSHOT_TOO_OLD: 'REVENANT_ERR_SNAPSHOT_TOO_OLD',
  /** A remediation plan that cannot be applied as asked: another run of it is going on, an interrupted run needs resuming, or it changed since it was reviewed. */
  PLAN_CONFLICT: 'REVENANT_ERR_PLAN_CONFLICT',
} as const;

export type ErrorCode = (typeof ERR)[keyof typeof ERR];

export class RevenantError extends Error {
  readonly code: string;
  constructor(message: string, code: ErrorCode = ERR.RUNTIME, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where bad input is: file, line and field (each optional). */
export interface InputPlace {
  file?: string;
  line?: number;
  field?: string;
}

/** Bad input (a collection, a CSV, an argument): exit code 2. */
export class InputError extends RevenantError {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  constructor(message: string, place: InputPlace = {}, code: ErrorCode = ERR.INPUT) {
    super(message, code);
    this.file = place.file;
    this.line = place.line;
    this.field = place.field;
  }

  /** `file:line: field must be …` */
  static at(file: string, line: number | undefined, field: string | undefined, what: string): InputError {
    const where = line === undefined ? file : `${file}:${line}`;
    const msg = field ? `${where}: ${field} ${what}` : `${where}: ${what}`;
    return new InputError(msg, { file, line, field });
  }
}

/** A store problem: no snapshot yet, unknown snapshot id, unreadable store. Exit code 2. */
export class StoreError extends InputError {
  constructor(message: string, code: ErrorCode = ERR.STORE) {
    super(message, {}, code);
  }
}

/** A subject, principal or finding that does not exist in the snapshot. Exit code 2. */
export class NotFoundError extends InputError {
  constructor(message: string, place: InputPlace = {}) {
    super(message, place, ERR.NOT_FOUND);
  }
}

/**
 * A job that would not fit the resources it is allowed (a load whose estimated memory exceeds the
 * memory budget), refused before it starts: exit code 2, like bad usage, with what to change.
 */
export class ResourceError extends InputError {
  constructor(message: string, place: InputPlace = {}) {
    super(message, place, ERR.RESOURCE);
  }
}
