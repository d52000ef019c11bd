/**
 * Typed errors. `InputError` is bad input or bad usage (exit code 2): its message names the
 * place (`load: entra/users.jsonl:17: accountEnabled must be boolean`). Anything else that
 * escapes is a runtime failure (exit code 1). Messages never carry secret values.
 */

export class RevenantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input (a collection, a CSV, an argument): exit code 2. */
export class InputError extends RevenantError {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  constructor(message: string, place: { file?: string; line?: number; field?: string } = {}) {
    super(message);
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
export class StoreError extends InputError {}

/** A subject, principal or finding that does not exist in the snapshot. Exit code 2. */
export class NotFoundError extends InputError {}

/**
 * A job that would not fit the resources it is allowed (a load whose estimated memory exceeds the
 * memory budget), refused before it starts: exit code 2, like bad usage, with what to change.
 */
export class ResourceError extends InputError {}
