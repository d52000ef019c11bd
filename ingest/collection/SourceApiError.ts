/**
 * The typed error the paging primitives of both providers (Graph and Okta) throw when a request
 * still fails after its retries (code `REVENANT_ERR_SOURCE_API`): it carries the HTTP status (0
 * for a network failure), the provider's own error code (`providerCode`), the request path (never
 * the query string, never a header) and how many attempts were made. Messages never contain a
 * token, a secret or a key. It lives here because both collectors share it; it is provider-neutral.
 */
import { ERR, RevenantError } from '../../src/model/errors.js';

export interface SourceApiErrorInit {
  /** HTTP status; 0 when no response arrived (reset, timeout, TLS failure). */
  status: number;
  /** The provider's error code (`Authorization_RequestDenied`, `E0000006`) or a network code (`ECONNRESET`). */
  providerCode?: string;
  /** Request path without query string, e.g. `/v1.0/groups/{id}/members`. */
  path?: string;
  attempts?: number;
  /** A permission the request needs, named in the message when the status is 401 or 403. */
  permission?: string;
  /** What the user should know beyond status and code (kept in the ledger reason). */
  hint?: string;
  /** The provider's id of the failed request (Graph `request-id`, Okta `X-Okta-Request-Id`), for support cases. */
  requestId?: string | null;
}

export class SourceApiError extends RevenantError {
  readonly status: number;
  /** The provider's error code or a network code (our own code is `code`: `REVENANT_ERR_SOURCE_API`). */
  readonly providerCode: string | undefined;
  readonly path: string | undefined;
  readonly attempts: number;
  readonly permission: string | undefined;
  readonly hint: string | undefined;
  readonly requestId: string | null;

  constructor(message: string, init: SourceApiErrorInit) {
    super(message, ERR.SOURCE_API);
    this.status = init.status;
    this.providerCode = init.providerCode;
    this.path = init.path;
    this.attempts = init.attempts ?? 1;
    this.permission = init.permission;
    this.hint = init.hint;
    this.requestId = init.requestId ?? null;
  }

  /** True when the caller lacks a permission or scope (the dataset is `missing`, not broken). */
  get forbidden(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** Short reason for the manifest ledger: `HTTP 503 after 5 attempts on /v1.0/users`. */
  get reason(): string {
    const what = this.status === 0 ? `network error ${this.providerCode ?? ''}`.trim() : `HTTP ${this.status}${this.providerCode ? ` ${this.providerCode}` : ''}`;
    const tries = this.attempts > 1 ? ` after ${this.attempts} attempts` : '';
    const where = this.path ? ` on ${this.path}` : '';
    const perm = this.forbidden && this.permission ? ` (needs ${this.permission})` : '';
    return `${what}${tries}${where}${perm}${this.hint ? `: ${this.hint}` : ''}`;
  }
}

/** Replace ids in a path by `{id}` so that reasons group failures of many parents into one line. */
export function pathTemplate(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((seg, i, all) => {
      if (i === 0 || seg === '' || /^v\d|^beta$/.test(seg)) return seg;
      const prev = all[i - 1];
      // Graph GUIDs, Okta ids (00u…, 0oa…, 00g…), and any segment after a collection name that looks like an id.
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(seg)) return '{id}';
      if (/^[0-9a-zA-Z]{20}$/.test(seg) && /^[a-z]/.test(prev ?? '')) return '{id}';
      return seg;
    })
    .join('/');
}
