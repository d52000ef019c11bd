/**
 * The contract between remediation (src/remediate: plans, journal, apply, verify) and the sources
 * that carry out writes (ingest/<source>/remediation.ts). A source declares its action kinds: the
 * route of the call a finding's remediation names (`POST /applications/{id}/removePassword`), the
 * object it acts on, the least-privilege permission it needs, what it breaks and how it is undone,
 * a re-read that tells whether the object still matches the finding, and the call itself through
 * the source's official SDK client. It also says which of a rule's calls a plan uses. Nothing here
 * performs I/O; the types only.
 */

/** One HTTP call as a finding's remediation names it (path relative to the API's root). */
export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** `/applications/1b2…/removePassword`, `/api/v1/users/00u…/lifecycle/deactivate` (query kept). */
  path: string;
  /** The API's origin when the finding names it (`https://management.azure.com`); absent: the source's own API root. */
  origin?: string;
  body?: unknown;
}

/** A finding, as much of it as a remediation needs (the `revenant-findings/1` fields). */
export interface FindingRef {
  id: string;
  rule: string;
  status: string;
  severity: string;
  subject: { source: string; id: string; name: string };
  via: { source: string; kind: string; id: string; name: string };
  path: ({ kind: string; id: string; name: string; source: string } | { edge: string })[];
  reaches: { tier0: boolean; privileges: string[] };
}

/** A step of a planned action: one call of one kind, with the ids its route names. */
export interface StepRef {
  kind: string;
  call: Call;
  /** Route parameters, e.g. `{ id: '1b2…', keyId: '9f0…' }`. */
  params: Record<string, string>;
}

/** What the re-read just before a step found. */
export type CheckResult =
  /** The object is there and still matches the finding: act. */
  | { state: 'present'; note?: string }
  /** The object (or the relation) is gone already: the step counts as done. */
  | { state: 'gone'; why: string }
  /** The object changed since the plan and no longer matches the finding: skip, never act. */
  | { state: 'changed'; why: string };

/** The answer to a write. */
export interface CallOutcome {
  status: number;
  /** The provider's request id (Graph `request-id`, Okta `X-Okta-Request-Id`), when it sent one. */
  requestId: string | null;
  attempts: number;
}

/** What a step needs at run time: the facts of its finding and the moment the plan's data was read. */
export interface StepContext {
  finding: FindingRef;
  /** When the snapshot the plan was built on was collected (ms): a change after it is a change since the plan. */
  observedAt: number;
}

/**
 * A kind of write. `W` is the source's write session (its SDK client with our retry policy).
 * Every call goes through `run`; `check` reads, never writes.
 */
export interface ActionKind<W = unknown> {
  /** `entra.removePassword`, `okta.unassignApp`. */
  kind: string;
  /**
   * The route the finding's remediation call must match, with `{name}` parameters (`{name*}`: any
   * number of segments); `origin`: the call names this API origin (an absolute URL), else none.
   */
  route: { method: Call['method']; path: string; origin?: string };
  /** The route parameter naming the object acted on (it must be an object of the finding). */
  target: string;
  /** What the object is, for the plan ("client secret", "group membership"). */
  object: string;
  /** What is done to it ("Remove", "Revoke", "Disable"). */
  verb: string;
  /**
   * When in a plan: `contain` (stop the account: disable, sessions, tokens), `credentials` (secrets,
   * certificates, federated credentials, API tokens), `entitlements` (memberships, roles, assignments,
   * grants), `ownership` (last: an owner may be needed to clean up the rest).
   */
  phase: 'contain' | 'credentials' | 'entitlements' | 'ownership';
  /** Least-privilege permission (Graph application permission or Okta scope), and any role the API demands. */
  permission: string[];
  /** What the action breaks, in general (the plan adds the finding's own reach). */
  breaks: string;
  /** How to undo it, or why it cannot be undone. */
  undo: string;
  reversible: boolean;
  /** Disables or deactivates a user account (guard rails: only the subject's own, or an included other account). */
  disablesAccount?: boolean;
  /** Removes the subject's app assignment (guard rails: not from a still-active account without --include). */
  unassignsApp?: boolean;
  /** Parameters the route does not carry (e.g. a keyId named in the call's text); the route's and the JSON body's string fields are taken anyway. */
  params?(call: Call): Record<string, string>;
  check(w: W, step: StepRef, ctx: StepContext): Promise<CheckResult>;
  /** Perform the call. `clientRequestId` is sent where the API takes one (Graph `client-request-id`). */
  run(w: W, step: StepRef, clientRequestId: string): Promise<CallOutcome>;
  /** The body to journal (never secret material, never certificate data). Default: the call's body. */
  journalBody?(step: StepRef): unknown;
}

/** How a rule's findings are remediated with this source's kinds. */
export interface RulePolicy {
  /** Kinds to execute, in the finding's order: every remediation call of these kinds. */
  use?: string[];
  /** Alternatives: the first kind (in this order) that the finding names is used. */
  oneOf?: string[];
  /** Remediation happens outside the API (or outside the subject's objects): listed, never executed. */
  manualOnly?: string;
  /** The calls run only with `--include RULE`, for this reason (the manual step must come first). */
  needsInclude?: string;
  /**
   * While the plan holds a finding of `rule` about the same object (`via`), the calls run only with
   * `--include` of this rule: acting first would hide that finding without resolving it.
   */
  blockedBy?: { rule: string; reason: string };
}

/** Everything a source contributes to remediation. */
export interface SourceRemediation<W = unknown> {
  source: string;
  kinds: ActionKind<W>[];
  /** Policies of the source's own rules, by rule id. */
  rules: Record<string, RulePolicy>;
  /** The kinds that disable one of this source's accounts, in order (cross-source rules use them). */
  disableAccount: string[];
  /** Where a call of this source goes, for a script (`https://graph.microsoft.com/v1.0`, the org URL). */
  scriptBase(tenant: string): string;
  /** How a review script (`remediate --format script`) authenticates this source's calls. */
  script: {
    /** What the script's header says of the token (`Okta calls read $OKTA_API_TOKEN (SSWS)`). */
    tokenNote: string;
    /** The curl header argument, quoted for the shell (`"Authorization: SSWS $OKTA_API_TOKEN"`). */
    auth: string;
    /**
     * The shell lines of a step that is not one plain curl call (a read-modify-write), else
     * undefined. `url` is the step's full URL, `shq` quotes a word for the shell.
     */
    lines?(step: StepRef, base: string, auth: string, shq: (s: string) => string): string[] | undefined;
  };
  /** A write session from this source's connection settings (credentials are read here, never stored); `signal` aborts its requests. */
  connect(conn: unknown, signal: AbortSignal): W;
  /** Whether an account is disabled in this source now (null: it no longer exists). */
  accountDisabled(w: W, accountId: string): Promise<boolean | null>;
  /**
   * Read one account again from the live tenant (the per-subject collection) into `out`, and the
   * objects the `also` steps acted on (whatever its audit trail still shows); returns the source
   * folder written and the accounts it is complete for.
   */
  collectSubject(conn: unknown, subject: string, out: string, signal: AbortSignal, also?: readonly StepRef[]): Promise<{ dir: string; accounts: string[] }>;
  /**
   * Read again only the objects `steps` act on, for a plan whose subject is another source's
   * account (a GitHub account's workload credential held by a managed identity), into `out`: a
   * subject collection complete for no account (its ledger lists the parents it read in full).
   * Absent: such steps' objects are not read again, and their findings cannot read as gone.
   */
  collectObjects?(conn: unknown, out: string, signal: AbortSignal, steps: readonly StepRef[]): Promise<{ dir: string; accounts: string[] }>;
}
