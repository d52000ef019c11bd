/**
 * An error the API raises on purpose, with a code of the catalogue (errorCatalogue.ts) that
 * decides its HTTP status, a message that is safe to show to the caller, and extra response
 * headers (Retry-After, WWW-Authenticate).
 */
import { type ApiErrorCode, type AnyErrorCode, statusOf } from './errorCatalogue.js';

export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ApiErrorCode | AnyErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusOf(code);
  }
}
