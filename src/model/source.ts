/**
 * The source registry: what a source is, declared once in its own folder
 * (`ingest/<source>/source.ts`) and registered once (`ingest/sources.ts`). A source declares its
 * datasets with their line schemas, its transforms in load order, how its tenant names a source
 * key, the node it adds for its tenant, its account kinds (how an account's state and departure
 * are read, its correlation keys, its Cypher predicates), the node kinds it contributes, the
 * lookup fields of its node kinds, its collector and event entry points (lazy, so that analysis
 * never loads a collector) and an open set of capabilities. Everything outside the source's
 * folder — loader, store, analysis, engines, CLI, API — asks the registry and names no source.
 * Types only import from src/model: the registry is the lowest layer every other one reads.
 */
import type { Transform } from './Emit.js';
import type { SourceRemediation } from './remediation.js';
import { type Privilege, type Reach, mergeReach } from './reach.js';
import { EDGE_KINDS, EdgeKind, NodeKind } from './schema.js';
import type { ReachContext } from './reachContext.js';
import type { EventSettingsDef, SourceEvents } from './sourceEvents.js';
import type { EdgeProps, GraphEdge, GraphNode, Prov } from './types.js';

/** A JSON Schema (for Ajv) that one line of a dataset must satisfy. */
export type LineSchema = Record<string, unknown>;

export interface DatasetDef {
  /** `users` → `users.jsonl`, and the manifest's ledger entry. */
  name: string;
  /** What analysis relies on in a line (ids and the type of every field a rule reads). */
  schema: LineSchema;
  /** The field holding a line's own id (unique within the file); `null`: lines have none. Default `id`. */
  idField?: string | null;
  /**
   * The field and message reported when a line satisfies none of the schema's `anyOf` branches
   * (HR: `employeeId/email`), instead of the first branch's error.
   */
  anyOfProblem?: { field: string; problem: string };
  /** The identity of a line (what a delta, a tombstone or a per-subject refresh replaces); absent: lines are never replaced one by one. */
  record?: RecordSpec;
}

/**
 * The identity of a dataset's lines: what makes two lines the same object (a later collection's
 * line replaces an earlier one, a tombstone removes it), and, where a line is about someone
 * else's object, its owner (the account a membership, assignment or token is about) and parent
 * (the object a per-parent list was read under) — what a per-subject refresh and a delta
 * replace when they read an owner or a parent again (ingest/collection/subjectCover.ts).
 */
export interface RecordSpec {
  /** The identity of a line within its dataset (null: the line names no object). */
  key: (line: Record<string, unknown>) => string | null;
  /** The account or object a line is about, when that differs from the line's own object. */
  owner?: (line: Record<string, unknown>) => string | null;
  /** The parent the line was listed under, for per-parent lists owned by someone else (owners). */
  parent?: (line: Record<string, unknown>) => string | null;
  /**
   * What a per-subject collection is complete for in this dataset: `accounts` (the lines owned
   * by its accounts), `parents` (the lines under the parents it read), `both` (owned by its
   * accounts or under its parents), `accounts+lines` (owned by its accounts or by the owners of
   * the lines it read). Absent: lines are only replaced one by one.
   */
  covers?: 'accounts' | 'parents' | 'both' | 'accounts+lines';
}

/** The graph a source's account reader may look at (a subset of src/store's GraphReader). */
export interface GraphView {
  node: (key: string) => GraphNode | undefined;
  in: (key: string, kind: EdgeKind) => readonly GraphEdge[];
  out: (key: string, kind: EdgeKind) => readonly GraphEdge[];
}

/** A departure time read from the account's own source, and where it came from. */
export interface Departure {
  at: number | null;
  from: string;
  evidence?: Prov | null;
}

/**
 * What an account's own source says about it at the analysis time (HR, the what-if and the
 * fall-back departure time are the core's: src/analysis/accounts.ts).
 */
export interface OwnAccountState {
  /** Disabled in its own source (e.g. Entra disabled or deleted, Okta SUSPENDED/DEPROVISIONED). */
  disabled: boolean;
  /** Can sign in as far as its own source says. */
  usable: boolean;
  /** The source's own status word, when it has one (Okta `status`), else null. */
  status: string | null;
  /** Why it is departed by its own source's word, in the catalogue's wording (`accountEnabled=false`). */
  because: string[];
  /** Departed by a leave date of its own that has passed (Entra employeeLeaveDateTime). */
  leaveDeparted: boolean;
  /**
   * Its departure time D from its own source, once the core knows whether it is departed (HR
   * included); null lets the core fall back to the HR termination date.
   */
  departure: (departed: boolean) => Departure | null;
  /**
   * What the source's own rules read of the account's state besides the above (GitHub: the
   * organisation's SAML enforcement and EMU), copied to AccountState.facts.
   */
  facts?: Readonly<Record<string, unknown>>;
}

/**
 * An account another account borrows its departure from (AccountKindDef.borrowsDeparture): an
 * account of a non-borrowing kind linked to it by an identity provider's assertion
 * (SAME_PERSON with key `asserted`), with its own state at the analysis time (HR and what-if
 * included).
 */
export interface LinkedAccount {
  key: string;
  /** Its source kind (`entra`, `okta`). */
  source: string;
  name: string;
  departed: boolean;
  disabled: boolean;
  because: readonly string[];
  departedAt: number | null;
  departedAtFrom: string | null;
  departedAtEvidence: Prov | null;
}

/** Correlation keys of one record: an employee id (strong) and mail-like values (medium). */
export interface CorrelationKeys {
  employeeId: string | null;
  mails: string[];
}

/**
 * Links an identity provider asserts (a GitHub account's SAML NameID or SCIM userName matched in
 * the IdP tenant its issuer names): account key → the records it is asserted to be, with the
 * asserted value. Strong correlation links with key `asserted`; a record asserted to be two
 * records is linked to neither.
 */
export type AssertedLinks = ReadonlyMap<string, readonly { key: string; value: string }[]>;

/** The part of the snapshot writer a source's load-time derivation uses (after every source is loaded). */
export interface DeriveWriter {
  nodesOf(kind: NodeKind): Generator<{ nid: number; key: string; props: Record<string, unknown> }>;
  putEdge(kind: EdgeKind, from: number, to: number, props?: EdgeProps): void;
}

/**
 * Cypher for an account kind (Neo4j engine), built from our own variable names only: every
 * value travels as a parameter (`$at`, `$assumed`, `$k` — the source's `constants` are merged
 * into `$k`). `h` gives label and relationship-type text checked against the schema.
 */
export interface AccountCypher {
  /** Departed by its own source's word at `$at` (not stub, not HR, not what-if: the core adds those). */
  departedOwn: (u: string, h: CypherHelpers) => string;
  /** Usable by its own source's word (the core adds not-stub and not assumed). */
  usable: (u: string, h: CypherHelpers) => string;
  /** Leave-date departure (accounts.ts `leaveDeparted`); absent: never. */
  leaveDeparted?: (u: string, h: CypherHelpers) => string;
  /**
   * Facts the account reader looks at besides the account and HR (Entra: the latest `Disable
   * account` event): a Cypher list expression of `{n: NODE(x), r: REL(y)}` maps.
   */
  stateFacts?: (u: string, h: CypherHelpers) => string;
  /** Values passed to every residual query in `$k` (e.g. `oktaDisabled`). */
  constants?: Record<string, unknown>;
  /**
   * Disabled by its own source's word (`OwnAccountState.disabled`; the core adds the what-if).
   * Needed when another kind borrows departure from this one; absent: never disabled.
   */
  disabledOwn?: (u: string, h: CypherHelpers) => string;
}

/** What an account kind's Cypher gets to write labels, types and node/edge maps. */
export interface CypherHelpers {
  label: (kind: NodeKind) => string;
  rel: (kind: EdgeKind) => string;
  /** `x {.key, .kind, .props, .file, .line}` — a node the engine reads back. */
  node: (x: string) => string;
  /** A relationship map the engine reads back. */
  edge: (r: string) => string;
  /** For a kind that borrows departure: an account asserted to be `u` is disabled (own source or what-if). */
  linkedDisabled: (u: string) => string;
  /** `(x:A OR x:B)`: a node of one of these kinds. */
  hasLabel: (x: string, kinds: readonly NodeKind[]) => string;
  /** The first node (by edge order, as the embedded engine sees it) at the end of one edge kind out of `n`, as a node map, or null. */
  firstOut: (n: string, kind: EdgeKind) => string;
}

export interface AccountKindDef {
  /** The node kind of the source's accounts (a departed subject is one of these). */
  kind: NodeKind;
  /** Its own source's word on the account at `at` (listed accounts only: stubs are never read). */
  own: (node: GraphNode, at: number, g: GraphView, linked: readonly LinkedAccount[]) => OwnAccountState;
  /** A what-if (`--assume-departed`): the reason shown, and the status it assumes (Okta: DEPROVISIONED). */
  whatIf: { because: string; status?: string };
  /** Correlation keys of a listed account, from its properties. */
  correlation: (props: Record<string, unknown>) => CorrelationKeys;
  /**
   * false when some correlation value is not one of the kind's lookup names (id, name and its
   * `names` fields: GitHub's verified mails): a delta then finds the accounts sharing a value by
   * reading every account of the kind (src/store/delta/derivePersons.ts). Default true.
   */
  correlationNamed?: boolean;
  /** The Neo4j engine's form of `own`. */
  cypher: AccountCypher;
  /**
   * Borrowed departure (sources-github.md "Departure"): the account has no departure of its own;
   * the core reads the accounts an IdP asserts it is (SAME_PERSON key `asserted`, of kinds that
   * do not borrow) and passes their states to `own` as `linked`, and in Cypher it is departed
   * when one of them is. Its `own` then says departed, disabled and D from them.
   */
  borrowsDeparture?: boolean;
  /**
   * What `own` reads of the graph besides the account's own row: the edges (direction from the
   * node read, kind) it follows, and the kinds of nodes it reads by key rather than through an
   * edge (GitHub: the organisation's settings). A delta probes the persons of changed accounts by
   * this (src/analysis/accounts.ts `departureReads`): a change `own` reads that is not named here
   * would go unseen; test/delta/departureReads checks every read is named.
   */
  reads?: { edges?: readonly { dir: 'out' | 'in'; kind: EdgeKind }[]; keyed?: readonly NodeKind[] };
  /**
   * The named reach (its source's `privileges.reach`) that says what an account of this kind
   * holds — the reach the cross-source rules (`person.*`, `hr.*`) carry; absent: none.
   */
  reach?: string;
  /**
   * Whether the cross-source rules (`person.*`, `hr.*`, which read an IdP account's sign-in)
   * apply to accounts of this kind as subjects; default true. GitHub accounts have their own rules.
   */
  crossRules?: boolean;
  /**
   * The calls that disable an account of this kind in its own source (the remediation of
   * `hr.leaver-account-enabled` and `person.other-account-active`), by its id; absent: a generic
   * instruction (queries/residual-access/ruleHelpers.ts `disableAccountRemediation`).
   */
  disable?: (id: string) => string[];
}

/** A kind of record that correlates to persons but is not an account (HR people). */
export interface RecordKindDef {
  kind: NodeKind;
  correlation: (props: Record<string, unknown>) => CorrelationKeys;
  /** As AccountKindDef.correlationNamed. */
  correlationNamed?: boolean;
  /** A person is named after a record of this kind when it has one (HR), else after its first account. */
  namesPerson?: boolean;
  /**
   * Terminated at `at` (HR `terminated` with no date or a date at or before it): the date, or
   * undefined when not terminated. Accounts of the same person are departed by it.
   */
  terminated?: (props: Record<string, unknown>, at: number) => { date: number | null } | undefined;
  /** `terminated` in Cypher, for a record bound to `r` (Neo4j engine). */
  cypherTerminated?: (r: string) => string;
}

/** One option of a `revenant collect <source>` command, in commander's flag syntax. */
export interface CollectOption {
  /** `--tenant <tenant>`, `--emu`, `--repo <repo...>`. */
  flags: string;
  description: string;
  /** The value when the option is not given (shown in the help). */
  default?: string;
  /** Must be given (commander's required option). */
  required?: boolean;
  /** Not shown in the help (tests). */
  hidden?: boolean;
}

/** A dataset event of a collector run (progress on a terminal, JSON lines otherwise). */
export type CollectorEvent =
  | { type: 'start'; source: string; dataset: string }
  | { type: 'progress'; source: string; dataset: string; lines: number; requests: number; done?: number; total?: number }
  | { type: 'finish'; source: string; dataset: string; status: string; count: number; reason?: string; requests: number; objects: number; seconds: number; resumed?: boolean };

/**
 * The options every collector shares, already checked by the CLI (src/cli/collect.ts), with the
 * run's abort signal (Ctrl-C) and progress callback.
 */
export interface CollectRun {
  /** The collection folder (the day's, or a subject's, when `--out` is not given). */
  out: string;
  subject?: string;
  /** ISO-8601 instants of the audit / System Log window. */
  since?: string;
  until?: string;
  resume?: boolean;
  force?: boolean;
  /** Datasets not to collect (each one of the collector's `datasets`). */
  skip?: string[];
  concurrency?: number;
  parallelDatasets?: number;
  retry: { maxAttempts?: number; timeoutMs?: number; baseDelayMs?: number };
  /** `--delta`: read only what changed since the collection `base` (a collector whose def says `delta`). */
  delta?: { base: string; overlapMinutes?: number };
  /** The collection time to record (tests, benchmarks); default now. */
  collectedAt?: string;
  signal: AbortSignal;
  onEvent: (e: CollectorEvent) => void;
}

/** What a collector run wrote: the folder and its manifest's ledger (the CLI prints the summary). */
export interface CollectorResult {
  dir: string;
  manifest: { datasets: Record<string, { status: string; count?: number; reason?: string }> };
}

/** A collector's entry point (the module `CollectorDef.load` imports). */
export interface CollectorModule {
  /**
   * Run `revenant collect <source>`: `flags` are the command's own options as commander parsed
   * them (camel-cased); a collector that takes the common options gets them checked in `run`.
   * An import (no common options) returns a one-line summary instead of a manifest.
   */
  collect(flags: Readonly<Record<string, unknown>>, run: CollectRun): Promise<CollectorResult | { dir: string; summary: string }>;
}

/**
 * `revenant collect <source>`: the command's description and options (declared with the source,
 * so that the help needs no collector), the datasets `--skip` takes, and the collector itself,
 * loaded only when the command runs.
 */
export interface CollectorDef {
  description: string;
  /** The source's own options, listed before the common ones. */
  options: readonly CollectOption[];
  /** Datasets `--skip` accepts (default: the source's datasets). */
  datasets?: readonly string[];
  /**
   * false: an import with only its own options (HR roster: no progress, no Ctrl-C handling, no
   * common options); default true.
   */
  common?: boolean;
  /** Whether the collector reads a delta (`--delta`, `--base`, `CollectRun.delta`). */
  delta?: boolean;
  load: () => Promise<CollectorModule>;
}

/** What `revenant subscribe <source>` hands the source's subscribe module (the CLI resolves the config and secrets). */
export interface SubscribeContext {
  /** The source's section of the server config (`events.<source>`, validated) when `--config` is given. */
  settings: Readonly<Record<string, unknown>> | undefined;
  /** Resolve a secret reference (`env:NAME`, `file:PATH`, or the value), named in messages by `field`. */
  secret: (ref: string, field: string) => string;
  /** A URL fit to print: credentials in its query (an API key as `key=`) hidden. */
  redactUrl: (url: string) => string;
  env: NodeJS.ProcessEnv;
}

export interface SubscribeModule {
  /**
   * Create or renew the subscription; `flags` are the command's own options (camel-cased).
   * Returns the line for stderr and the JSON result for stdout, neither carrying a secret.
   * Throws InputError for a missing or bad setting.
   */
  subscribe(flags: Readonly<Record<string, unknown>>, ctx: SubscribeContext): Promise<{ message: string; result: unknown }>;
}

/**
 * `revenant subscribe <source>`: create or renew the vendor's event subscription that feeds the
 * source's webhook (Graph change notifications for Entra). Declared with the source so the help
 * needs no SDK; the module is loaded only when the command runs.
 */
export interface SubscribeDef {
  description: string;
  /** The command's own options, after `--config <file>` (the server's config file, which the CLI reads). */
  options: readonly CollectOption[];
  load: () => Promise<SubscribeModule>;
}

/** Retry settings of the calls a connection makes (the commands' `--max-attempts`, `--timeout`). */
export interface ConnectionRetry {
  maxAttempts?: number;
  timeoutMs?: number;
  baseDelayMs?: number;
}

/**
 * How `remediate`, `verify` and the server's remediation reach the source's live tenant: the
 * commands' options, the JSON Schema of the server config's `remediation.<source>` section
 * (credentials as `env:NAME`/`file:PATH` references), and the connection its remediation session
 * takes, made from either (no SDK is loaded here: the session is made by its remediation).
 */
export interface ConnectionDef {
  options: readonly CollectOption[];
  configSchema: Record<string, unknown>;
  /**
   * The connection from the commands' options (camel-cased) and the snapshot's tenant of the
   * source; undefined when no tenant or no credentials are found (left out: the caller says
   * which is missing when a call needs it). Throws InputError for a bad option.
   */
  fromCli(flags: Readonly<Record<string, unknown>>, tenant: string | undefined, env: NodeJS.ProcessEnv, retry: ConnectionRetry): unknown;
  /** The connection from the server config's section; `secret` resolves a reference by its field in the section. */
  fromConfig(section: Readonly<Record<string, unknown>>, secret: (ref: string, field: string) => string, env: NodeJS.ProcessEnv): unknown;
}

/**
 * What a source can do besides being read: an open record so that later work (delta
 * collection, remediation executors, subject refresh) adds its own fields without touching the
 * core. Each entry point is lazy (`() => import(…)`).
 */
export interface SourceCapabilities {
  /** `revenant collect <source>`: declared here, the collector loaded only when it runs. */
  collector?: CollectorDef;
  /**
   * Event-driven refreshes (src/api/events): read one subject again, poll the source's activity
   * log, run the chores its webhooks queue (src/model/sourceEvents.ts). Absent: events about this
   * source are refused as not configured.
   */
  events?: () => Promise<SourceEvents>;
  /** Its section of the server config, `events.<source>` (validated without loading `events`). */
  eventSettings?: EventSettingsDef;
  /** Its remediation writes (src/remediate): action kinds, rule policies, the write session; loaded only by remediation. */
  remediation?: () => Promise<SourceRemediation>;
  /** How remediation and verification reach its live tenant (options, config section, connection). */
  connection?: ConnectionDef;
  /** `revenant subscribe <source>`: the vendor's event subscription, created or renewed. */
  subscribe?: SubscribeDef;
  [capability: string]: unknown;
}

export interface SourceDefinition {
  /** `entra`: the manifest's `source`, the folder name and the source key's prefix. */
  kind: string;
  /** Human name (`Microsoft Entra ID`). */
  title: string;
  /** Every dataset of the format, in format order. */
  datasets: readonly DatasetDef[];
  /** Transforms in load order (objects before the relationships that reference them). */
  load: readonly (readonly [string, Transform])[];
  /** The tenant as it goes into the source key (Entra: lower-cased GUID); default: trimmed. */
  tenantKey?: (tenant: string) => string;
  /** The node that stands for the tenant itself (the target of tenant-wide privileges), if any. */
  tenantNode?: { kind: NodeKind; name: (tenant: string) => string };
  /**
   * The dataset that lists the source's identities (cross-source rules need it complete); null for
   * a source that lists none of its own (the Azure resource plane, whose principals are Entra's).
   */
  identities: string | null;
  /**
   * Node kinds scanned by kind (a Neo4j index on `snapshot` each), besides its account kinds and
   * its tenant node: the kinds saved queries and the departed-subject selection list (Entra:
   * applications and service principals; Okta: identity providers).
   */
  scannedKinds?: readonly NodeKind[];
  /**
   * Generic reference kinds: a stub of one is upgraded to the kind of a more specific reference
   * to the same key (Entra: a directory object a role assignment names, later referenced as a user).
   */
  genericKinds?: readonly NodeKind[];
  /**
   * Token kinds that name their owner by a property (Okta: an API token's `userId`): what
   * `tokenOwner` reads in both engines (queries/accountRefs.ts).
   */
  tokenOwners?: Partial<Record<NodeKind, string>>;
  /** Its account kinds (empty for a source of people only, like HR). */
  accounts: readonly AccountKindDef[];
  /** Kinds that correlate but are not accounts (HR people). */
  records?: readonly RecordKindDef[];
  /**
   * Node kinds a user can name, with the fields besides id and display name they are looked up
   * by (the name index). Kinds absent here are never named.
   */
  names: Partial<Record<NodeKind, readonly string[]>>;
  /** Node kinds this source adds to the schema (made with `sourceNodeKind`). */
  nodeKinds?: readonly NodeKind[];
  /** Edge kinds this source adds to the schema (made with `sourceEdgeKind`); `props`: its edges carry properties. */
  edgeKinds?: readonly { kind: EdgeKind; props?: boolean }[];
  /**
   * Its objects' instances by a shared id, within one tenant (INSTANCE_OF from each `instance`
   * node to the `of` node whose `by` property is the same; when several share it, the last
   * listed): Entra's service principals of an application, by `appId`. Derived at load time and
   * by a delta alike (src/store/deriveGraph.ts, src/store/delta/deriveDelta.ts).
   */
  instances?: readonly { instance: NodeKind; of: NodeKind; by: string }[];
  /**
   * What its credentials and tokens sign in as (AUTHENTICATES_AS), derived at load time and by a
   * delta alike: a credential kind (`credentials`) held by a `holders` kind through HAS_CREDENTIAL
   * signs in as the holder (`self`) or as the holder's instances (`instances`: its INSTANCE_OF
   * sources, as an application's secret signs in as its service principals); a token kind
   * (`tokens`) signs in as the node that holds it through one of `tokenEdges`.
   */
  signIn?: {
    credentials?: readonly NodeKind[];
    holders?: readonly { kind: NodeKind; as: 'self' | 'instances' }[];
    tokens?: readonly NodeKind[];
    tokenEdges?: readonly EdgeKind[];
  };
  /**
   * Load-time derivation after every source is loaded (before correlation): edges the lines
   * imply but do not state (GitHub: account → organisation, credentials by login, repositories
   * a GitHub Actions federated credential of another source trusts).
   */
  derive?: (w: DeriveWriter) => void;
  /** IdP-asserted correlation links (key `asserted`), matched only in the tenant each assertion's issuer names. */
  asserted?: (w: DeriveWriter) => AssertedLinks;
  /**
   * Datasets of other sources this source's analysis reads (`source:dataset`, e.g.
   * `entra:federatedIdentityCredentials`): documentation of the cross-source joins; rules say
   * what they need per source in `needs`, and coverage checks every source present.
   */
  reads?: readonly string[];
  /** Its part of the privilege graph: steps and the privileges its nodes confer (blast radius, paths). */
  privileges?: SourcePrivileges;
  /**
   * The id space (the middle of a node key, as its transforms emit it) of each node kind a
   * finding's subject or `via` can name: the Neo4j store links a finding to those nodes.
   */
  idSpaces?: Partial<Record<NodeKind, string>>;
  /** Kinds that hold no access of their own (audit events): never a principal or a resource to name. */
  inert?: readonly NodeKind[];
  /**
   * Where the console's search ranks hits of a kind after people (0), accounts (1) and records
   * (2): applications 3, groups 4, role definitions 5; unlisted kinds come last (9).
   */
  searchRank?: Partial<Record<NodeKind, number>>;
  /**
   * A name that matches one node of `kind` and otherwise only nodes linked to it by incoming
   * `instances` edges resolves to that node (an Entra application and its own service
   * principals: control of the application includes them).
   */
  resolvesToOwner?: readonly { kind: NodeKind; instances: EdgeKind }[];
  /**
   * Properties of a stub of one of its kinds (a node referenced but not listed) besides `name`
   * and `stub` (Entra: a role definition is named after its well-known template).
   */
  stubProps?: Partial<Record<NodeKind, (id: string) => Record<string, unknown>>>;
  /**
   * Residual-access rules this source brings, after the catalogue's (each a Rule of
   * queries/residual-access/Rule.ts: typed there, as src/model cannot name it).
   */
  rules?: readonly SourceRule[];
  /**
   * The source whose folder of the same tenant this one is analysed with (Azure: the Entra tenant
   * its principals live in; `manifest.tenant` pairs the folders, compared in the paired source's
   * canonical form). Without that folder every rule of this source is uncovered (framework
   * decision 1, sources-azure.md): its subjects are the paired source's accounts.
   */
  pairedWith?: string;
  /**
   * Datasets every rule of this source needs besides its own `needs`, read from the source's
   * manifest ledger (GitHub: `scimIdentities` unless the `settings` ledger says the organisation
   * is not EMU — a suspended managed user is departed only by SCIM). Absent: none.
   */
  coverageNeeds?: (datasets: Readonly<Record<string, Readonly<Record<string, unknown>>>>) => readonly string[];
  /** Optional manifest fields this source writes (e.g. GitHub `enterprise`), for documentation and checks. */
  manifestFields?: readonly string[];
  /** Event types its webhooks accept, for documentation (the routes live in src/api). */
  events?: readonly string[];
  capabilities?: SourceCapabilities;
}

/**
 * One step of the privilege graph (blast radius and paths): an edge kind that carries control out
 * of a node of some kind, forwards or against its direction; a terminal step reaches a node
 * without expanding it; `when` keeps only edges whose property (case-insensitively) is one of
 * `values` (GitHub: a repository role of `admin`); `active` keeps only nodes that still confer
 * it at the analysis time (Azure: an assignment whose PIM schedule instances all ended does not).
 */
export interface PrivilegeStep {
  edge: EdgeKind;
  reverse?: boolean;
  terminal?: boolean;
  when?: { prop: string; values: readonly string[] };
  active?: {
    /** Whether the node reached by the step is followed (the embedded engine). */
    of: (n: GraphNode, g: GraphView, ctx: ReachContext) => boolean;
    /** The same for the node bound to `x` in Cypher (may read `$at` and `$complete`). */
    cypher: (x: string, h: CypherHelpers) => string;
  };
}

/**
 * The steps out of a principal every identity source shares (membership, ownership, role and app
 * role assignments, app access, grants), for sources to list under their principal kinds.
 */
export const PRINCIPAL_STEPS: readonly PrivilegeStep[] = [
  { edge: EdgeKind.MEMBER_OF },
  { edge: EdgeKind.OWNS },
  { edge: EdgeKind.HAS_ROLE },
  { edge: EdgeKind.HAS_APP_ROLE },
  { edge: EdgeKind.APP_USER, terminal: true },
  { edge: EdgeKind.ASSIGNED_TO, terminal: true },
  { edge: EdgeKind.HAS_GRANT },
];

/**
 * A named reach (SourcePrivileges.reach): what a node of the source can do, in both engines.
 * Rules name it (`reachOfNamed(name, g, key)` embedded, `REACH(name, x)` in Cypher); the Neo4j
 * engine runs its `cypher` once per distinct object and turns the facts it returns into
 * privileges with the sources' `facts`.
 */
export interface NamedReach {
  /** The embedded engine's reach of the node `key` at the analysis time (`ctx`). */
  of: (g: GraphView, key: string, ctx: ReachContext) => Reach;
  /**
   * The Cypher subquery for a node bound to `x`: binds `out` to a list of facts (maps with a
   * `t` one of the registered `facts` reads); it may read `$at` and `$complete` (ReachContext).
   * Absent: the reach is embedded only.
   */
  cypher?: (x: string, out: string, h: CypherHelpers) => string;
}

/** A small graph of the nodes a Cypher fact returned (src/store/neo4jFacts.ts FactGraph). */
export interface FactLinks extends GraphView {
  /** Add an edge made from two nodes (nothing when either is missing). */
  link: (kind: EdgeKind, from: GraphNode | null | undefined, to: GraphNode | null | undefined) => FactLinks;
}

/** What a fact reader gets: the fact's nodes read back, and an empty fact graph to put them in. */
export interface FactContext {
  node: (v: unknown) => GraphNode;
  maybeNode: (v: unknown) => GraphNode | null;
  graph: () => FactLinks;
}

/**
 * Tenant-wide power derived at load time (deriveGraph, and the same rule per changed node in a
 * delta: src/store/delta/deriveDelta.ts): a node of one of `kinds` may get edges to its tenant
 * node (Entra: Global Administrator at "/" → CONTROLS_TENANT; Okta: SUPER_ADMIN) and a name.
 */
export interface TenantPowers {
  /** The node kinds that own these derived facts, in derivation order. */
  kinds: readonly NodeKind[];
  /** Every edge kind `derive` may return (what a delta drops from an owner before deriving it again). */
  edges: readonly EdgeKind[];
  /** Kinds an owner reads: when one of these changes, the owners linked to it by an incoming `via` edge are derived again. */
  reads?: readonly { kind: NodeKind; via: EdgeKind }[];
  /**
   * One owner's derived facts: the edge kinds from it to its tenant's node (used only when the
   * tenant has one) and its name (undefined: unchanged). `lookup` reads a listed node by key
   * (undefined for stubs and absent nodes).
   */
  derive: (n: { key: string; kind: NodeKind; props: Record<string, unknown> }, lookup: (key: string) => { key: string; kind: NodeKind; props: Record<string, unknown> } | undefined) => { edges: readonly EdgeKind[]; name?: string };
}

/** What a source adds to reach and tier 0 (src/analysis/privilegeGraph.ts, queries/blast-radius.ts, paths, the rules' reach). */
export interface SourcePrivileges {
  /** Steps out of the source's node kinds (and into other sources' kinds: GitHub → an Entra federated credential). */
  steps: Partial<Record<NodeKind, readonly PrivilegeStep[]>>;
  /**
   * The privilege a node of the source confers when reached by `edge` from `from` (Entra: a role
   * assignment; an app role assignment held by a service principal; GitHub: an organisation
   * reached as owner is tier 0, a repository reached as admin is an admin role), else null.
   */
  privilegeOf: (n: GraphNode, edge: EdgeKind, g: GraphView, from: string) => { label: string; tier0: boolean } | null;
  /** Whether a node is tier 0 by itself (the explorer's badge), else false; absent: never. */
  isTier0?: (n: GraphNode, g: GraphView) => boolean;
  /**
   * The edges next to a node of a kind that `isTier0` reads (Entra: a role assignment's
   * definition; an app role assignment's holders and resource): the Neo4j engine fetches them,
   * with the nodes at their other end, beside every node the console summarises.
   */
  tierFacts?: Partial<Record<NodeKind, readonly { edge: EdgeKind; dir: 'out' | 'in' }[]>>;
  /**
   * The edge out of a node of a kind whose first target `privilegeOf` reads for the privilege's
   * label beyond what the walk reaches (Entra: a role assignment's definition, an app role
   * assignment's resource): the Neo4j privilege graph fetches it for every node it reaches.
   */
  labelFacts?: Partial<Record<NodeKind, EdgeKind>>;
  /** Named reaches (see NamedReach): the names are global (`entraObject`, `oktaUser`), each declared once. */
  reach?: Readonly<Record<string, NamedReach>>;
  /**
   * What this source adds to another source's named reach (Azure: the roles an Entra object holds
   * join `entraObject`, so every rule that carries it — owned-app credentials, a leaver's account,
   * sessions, memberships, ownerships — reaches Azure roles too). The registry merges them in both
   * engines: `of` merged with the base's, the Cypher subqueries' fact lists concatenated; an
   * extension needs a Cypher form when the base has one.
   */
  extends?: Readonly<Record<string, NamedReach>>;
  /** Readers of the Cypher reach facts by their `t`: the privileges one fact confers (names global, declared once). */
  facts?: Readonly<Record<string, (fact: Record<string, unknown>, c: FactContext) => Privilege[]>>;
  /** Tenant-wide power derived at load time. */
  tenant?: TenantPowers;
  /** Node kinds blast radius lists by name (others are only counted). */
  listed?: readonly NodeKind[];
  /** Constants its Cypher reads from `$k` (merged with the account kinds'). */
  constants?: Record<string, unknown>;
}

/** What the registry knows of a rule a source brings (the full shape is queries/residual-access/Rule.ts). */
export interface SourceRule {
  id: string;
  source: string;
}

/** A kind person correlation reads (SourceRegistry.correlatedKinds). */
export interface CorrelatedKind {
  kind: NodeKind;
  /** Its place in correlation's order. */
  rank: number;
  keys: (props: Record<string, unknown>) => CorrelationKeys;
  /** Whether its stubs correlate (records: yes; accounts: only listed ones). */
  stubs: boolean;
  namesPerson: boolean;
  /** Whether its correlation values are in the name index. */
  named: boolean;
}

/** The registered sources, in registration order. */
export class SourceRegistry {
  private readonly byKind = new Map<string, SourceDefinition>();
  private readonly accountByKind = new Map<string, { source: SourceDefinition; account: AccountKindDef }>();
  private readonly recordByKind = new Map<string, { source: SourceDefinition; record: RecordKindDef }>();
  private readonly names = new Map<string, readonly string[]>();
  private readonly addedKinds: NodeKind[] = [];
  private readonly spaces = new Map<string, string>();
  private readonly reaches = new Map<string, NamedReach>();
  private readonly extensions = new Map<string, NamedReach[]>();
  private readonly merged = new Map<string, NamedReach>();
  private readonly stubs = new Map<string, (id: string) => Record<string, unknown>>();
  private readonly generic = new Set<string>();
  private readonly tokenOwnerProps = new Map<string, string>();
  private readonly factReaders = new Map<string, (fact: Record<string, unknown>, c: FactContext) => Privilege[]>();
  private registered = 0;
  private correlated: { version: number; kinds: ReadonlyMap<string, CorrelatedKind> } | undefined;

  /** Grows with every registration: what is built from the registry is rebuilt when it changes. */
  get version(): number {
    return this.registered;
  }
  private readonly collectorList: { kind: string; title: string; collector: CollectorDef; datasets: readonly string[] }[] = [];
  private readonly addedEdges: EdgeKind[] = [];
  private readonly edgesWithProps = new Set<string>();

  /** Register a source. Throws when its kind, an account kind or a contributed node kind is taken. */
  register(def: SourceDefinition): SourceDefinition {
    if (!/^[a-z][a-z0-9]*$/.test(def.kind)) throw new Error(`source registry: bad source kind ${JSON.stringify(def.kind)} (lower-case letters and digits)`);
    if (this.byKind.has(def.kind)) throw new Error(`source registry: ${def.kind} is already registered`);
    const datasetNames = new Set(def.datasets.map((d) => d.name));
    for (const [name] of def.load) {
      if (!datasetNames.has(name)) throw new Error(`source registry: ${def.kind} loads ${name}, which is not one of its datasets`);
    }
    if (def.identities !== null && !datasetNames.has(def.identities)) throw new Error(`source registry: ${def.kind}'s identities dataset ${def.identities} is not one of its datasets`);
    for (const a of def.accounts) {
      if (this.accountByKind.has(a.kind)) throw new Error(`source registry: account kind ${a.kind} is already registered`);
    }
    const reaches = Object.entries(def.privileges?.reach ?? {});
    const facts = Object.entries(def.privileges?.facts ?? {});
    for (const [name] of reaches) if (this.reaches.has(name)) throw new Error(`source registry: reach ${name} is already registered`);
    for (const [t] of facts) if (this.factReaders.has(t)) throw new Error(`source registry: reach fact ${t} is already registered`);
    for (const a of def.accounts) {
      if (a.reach && !reaches.some(([name]) => name === a.reach)) throw new Error(`source registry: ${def.kind}'s account kind ${a.kind} names reach ${a.reach}, which its privileges do not declare`);
    }
    this.byKind.set(def.kind, def);
    this.registered++;
    for (const a of def.accounts) this.accountByKind.set(a.kind, { source: def, account: a });
    for (const r of def.records ?? []) this.recordByKind.set(r.kind, { source: def, record: r });
    for (const [k, fields] of Object.entries(def.names)) if (fields) this.names.set(k, fields);
    for (const k of def.nodeKinds ?? []) if (!this.addedKinds.includes(k)) this.addedKinds.push(k);
    for (const [k, space] of Object.entries(def.idSpaces ?? {})) if (space) this.spaces.set(k, space);
    for (const [name, r] of reaches) this.reaches.set(name, r);
    for (const [name, r] of Object.entries(def.privileges?.extends ?? {})) (this.extensions.get(name) ?? this.extensions.set(name, []).get(name)!).push(r);
    this.merged.clear();
    for (const [k, f] of Object.entries(def.stubProps ?? {})) if (f) this.stubs.set(k, f);
    for (const k of def.genericKinds ?? []) this.generic.add(k);
    for (const [k, p] of Object.entries(def.tokenOwners ?? {})) if (p) this.tokenOwnerProps.set(k, p);
    for (const [t, read] of facts) this.factReaders.set(t, read);
    const collector = def.capabilities?.collector;
    if (collector) this.addCollector(def.kind, def.title, collector, collector.datasets ?? def.datasets.map((d) => d.name));
    for (const e of def.edgeKinds ?? []) {
      if (!this.addedEdges.includes(e.kind)) this.addedEdges.push(e.kind);
      if (e.props) this.edgesWithProps.add(e.kind);
    }
    return def;
  }

  /**
   * Register the collector of a source the loader does not read yet (GitHub, the Azure resource
   * plane: `revenant collect` writes their folders, analysis comes with their SourceDefinition).
   */
  registerCollector(kind: string, title: string, collector: CollectorDef & { datasets: readonly string[] }): void {
    if (this.byKind.has(kind)) throw new Error(`source registry: ${kind} is already registered`);
    this.addCollector(kind, title, collector, collector.datasets);
  }

  private addCollector(kind: string, title: string, collector: CollectorDef, datasets: readonly string[]): void {
    if (this.collectorList.some((c) => c.kind === kind)) throw new Error(`source registry: a collector for ${kind} is already registered`);
    this.collectorList.push({ kind, title, collector, datasets });
  }

  /** The `revenant collect` commands, in registration order, each with the datasets `--skip` takes. */
  collectors(): readonly { kind: string; title: string; collector: CollectorDef; datasets: readonly string[] }[] {
    return this.collectorList;
  }

  /** The source of this kind, or undefined. */
  get(kind: string): SourceDefinition | undefined {
    return this.byKind.get(kind);
  }

  /** The source of this kind; throws for a kind nobody registered (a programming error). */
  of(kind: string): SourceDefinition {
    const def = this.byKind.get(kind);
    if (!def) throw new Error(`source registry: no source ${JSON.stringify(kind)} is registered`);
    return def;
  }

  has(kind: string): boolean {
    return this.byKind.has(kind);
  }

  /** Every registered source, in registration order. */
  all(): readonly SourceDefinition[] {
    return [...this.byKind.values()];
  }

  /** Registered source kinds, in registration order. */
  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  /** Kinds of the sources that have accounts (what a subject name may be prefixed with). */
  accountSources(): string[] {
    return this.all()
      .filter((s) => s.accounts.length > 0)
      .map((s) => s.kind);
  }

  /** Every account node kind, in registration order. */
  accountKinds(): NodeKind[] {
    return [...this.accountByKind.keys()] as NodeKind[];
  }

  /** Account kinds the cross-source rules read, as subjects and as a person's other accounts (not `crossRules: false`). */
  crossAccountKinds(): NodeKind[] {
    return this.accountKinds().filter((k) => this.accountByKind.get(k)!.account.crossRules !== false);
  }

  isAccountKind(kind: string): boolean {
    return this.accountByKind.has(kind);
  }

  /** The account definition of a node kind and its source, or undefined when it is not an account kind. */
  account(kind: string): { source: SourceDefinition; account: AccountKindDef } | undefined {
    return this.accountByKind.get(kind);
  }

  /** Record kinds (not accounts) that correlate (HR people). */
  recordKinds(): { source: SourceDefinition; record: RecordKindDef }[] {
    return [...this.recordByKind.values()];
  }

  /**
   * The kinds person correlation reads, in its order (their `rank`): every account kind (listed
   * accounts only, never stubs), then every record kind (stubs too), each with its declared keys,
   * whether it names persons (HR) and whether its values are lookup names (`correlationNamed`).
   * The full load (deriveGraph) and a delta (derivePersons) both correlate these.
   */
  correlatedKinds(): ReadonlyMap<string, CorrelatedKind> {
    if (this.correlated?.version !== this.registered) {
      const list = [
        ...this.accountKinds().map((kind) => {
          const a = this.accountByKind.get(kind)!.account;
          return { kind, keys: a.correlation, stubs: false, namesPerson: false, named: a.correlationNamed !== false };
        }),
        ...this.recordKinds().map(({ record }) => ({ kind: record.kind, keys: record.correlation, stubs: true, namesPerson: record.namesPerson === true, named: record.correlationNamed !== false })),
      ];
      this.correlated = { version: this.registered, kinds: new Map(list.map((k, rank) => [k.kind, { ...k, rank }])) };
    }
    return this.correlated.kinds;
  }

  record(kind: string): { source: SourceDefinition; record: RecordKindDef } | undefined {
    return this.recordByKind.get(kind);
  }

  /** Lookup fields of a node kind (undefined: the kind is never named). */
  nameFields(kind: string): readonly string[] | undefined {
    return this.names.get(kind);
  }

  /** The id space of a node kind a finding can name (undefined: findings never name it). */
  idSpace(kind: string): string | undefined {
    return this.spaces.get(kind);
  }

  /** Whether a node kind may be named as a principal or resource: not a record (HR) nor inert (audit events). */
  isNameable(kind: string): boolean {
    return !this.recordByKind.has(kind) && !this.all().some((s) => s.inert?.includes(kind as NodeKind));
  }

  /** Every source's `privileges.tierFacts`, as [kind, edges] in registration order. */
  tierFacts(): readonly (readonly [NodeKind, readonly { edge: EdgeKind; dir: 'out' | 'in' }[]])[] {
    return this.all().flatMap((s) => Object.entries(s.privileges?.tierFacts ?? {}) as [NodeKind, readonly { edge: EdgeKind; dir: 'out' | 'in' }[]][]);
  }

  /** Every source's `privileges.labelFacts`, as [kind, edge] in registration order. */
  labelFacts(): readonly (readonly [NodeKind, EdgeKind])[] {
    return this.all().flatMap((s) => Object.entries(s.privileges?.labelFacts ?? {}) as [NodeKind, EdgeKind][]);
  }

  /** The inert kinds of every source (audit events): never offered by a search. */
  inertKinds(): ReadonlySet<NodeKind> {
    return new Set(this.all().flatMap((s) => s.inert ?? []));
  }

  /** Where the console's search ranks a kind: people 0, accounts 1, records 2, then the sources' `searchRank`, else 9. */
  searchRank(kind: NodeKind): number {
    if (kind === NodeKind.Person) return 0;
    if (this.accountByKind.has(kind)) return 1;
    if (this.recordByKind.has(kind)) return 2;
    for (const s of this.all()) {
      const r = s.searchRank?.[kind];
      if (r !== undefined) return r;
    }
    return 9;
  }

  /** Owner kinds a name resolves to over their instances (see SourceDefinition.resolvesToOwner). */
  ownerResolutions(): readonly { kind: NodeKind; instances: EdgeKind }[] {
    return this.all().flatMap((s) => s.resolvesToOwner ?? []);
  }

  /**
   * Every source's `signIn`, merged (credential, token and holder kinds; token edges), and every
   * `instances` declaration: what deriveGraph and the delta derivation read.
   */
  signIn(): { credentials: ReadonlySet<NodeKind>; tokens: ReadonlySet<NodeKind>; holders: ReadonlyMap<NodeKind, 'self' | 'instances'>; tokenEdges: readonly EdgeKind[]; instances: readonly { instance: NodeKind; of: NodeKind; by: string }[] } {
    const all = this.all();
    const si = all.map((d) => d.signIn ?? {});
    return {
      credentials: new Set(si.flatMap((x) => x.credentials ?? [])),
      tokens: new Set(si.flatMap((x) => x.tokens ?? [])),
      holders: new Map(si.flatMap((x) => (x.holders ?? []).map((h) => [h.kind, h.as] as const))),
      tokenEdges: [...new Set(si.flatMap((x) => x.tokenEdges ?? []))],
      instances: all.flatMap((d) => d.instances ?? []),
    };
  }

  /** Node kinds the registered sources contributed to the schema, in registration order. */
  contributedNodeKinds(): readonly NodeKind[] {
    return this.addedKinds;
  }

  /** Every edge kind: the schema's, then those the registered sources contributed (the explorer lists them all). */
  allEdgeKinds(): readonly EdgeKind[] {
    return [...EDGE_KINDS, ...this.contributedEdgeKinds()];
  }

  /** Edge kinds the registered sources contributed to the schema, in registration order. */
  contributedEdgeKinds(): readonly EdgeKind[] {
    return this.addedEdges;
  }

  /** Whether a contributed edge kind's edges carry properties. */
  edgeKindHasProps(kind: string): boolean {
    return this.edgesWithProps.has(kind);
  }

  /**
   * A named reach (SourcePrivileges.reach) with what other sources extend it by
   * (SourcePrivileges.extends); throws for a name no source declares, or an extension without the
   * Cypher form its base has (programming errors).
   */
  reach(name: string): NamedReach {
    const done = this.merged.get(name);
    if (done) return done;
    const r = this.reaches.get(name);
    if (!r) throw new Error(`source registry: no reach ${JSON.stringify(name)} is registered`);
    const ext = this.extensions.get(name) ?? [];
    const all = [r, ...ext];
    if (r.cypher && ext.some((e) => !e.cypher)) throw new Error(`source registry: an extension of reach ${name} has no Cypher form`);
    const out: NamedReach = !ext.length
      ? r
      : {
          of: (g, key, ctx) => mergeReach(...all.map((x) => x.of(g, key, ctx))),
          cypher: r.cypher ? (x, o, h) => `CALL (${x}) {\n${all.map((e, i) => e.cypher!(x, `${o}_${i}`, h)).join('\n')}\n  RETURN ${all.map((_, i) => `${o}_${i}`).join(' + ')} AS ${o}\n}` : undefined,
        };
    this.merged.set(name, out);
    return out;
  }

  /** Every named reach, in registration order. */
  reachNames(): string[] {
    return [...this.reaches.keys()];
  }

  /** The reader of a Cypher reach fact by its `t`, or undefined. */
  factReader(t: string): ((fact: Record<string, unknown>, c: FactContext) => Privilege[]) | undefined {
    return this.factReaders.get(t);
  }

  /** The properties a stub of this kind gets besides `name` and `stub` (SourceDefinition.stubProps). */
  stubPropsOf(kind: string, id: string): Record<string, unknown> | undefined {
    return this.stubs.get(kind)?.(id);
  }

  /**
   * Node kinds with a Neo4j index on `snapshot`: every account kind, tenant node kind and
   * declared `scannedKinds`, in registration order, each once.
   */
  scannedKinds(): NodeKind[] {
    return [...new Set([...this.accountKinds(), ...this.all().flatMap((s) => [...(s.tenantNode ? [s.tenantNode.kind] : []), ...(s.scannedKinds ?? [])])])];
  }

  /** Whether a kind is a generic reference kind (SourceDefinition.genericKinds). */
  isGenericKind(kind: string): boolean {
    return this.generic.has(kind);
  }

  /** The property a token kind names its owner's id by (SourceDefinition.tokenOwners), or undefined. */
  tokenOwnerProp(kind: string): string | undefined {
    return this.tokenOwnerProps.get(kind);
  }

  /** The node kinds that stand for a tenant (the registered sources' `tenantNode`). */
  tenantKinds(): NodeKind[] {
    return this.all().flatMap((s) => (s.tenantNode ? [s.tenantNode.kind] : []));
  }

  /** The source key of a tenant (`entra:<guid>`), with the source's own canonical tenant form. */
  sourceKey(kind: string, tenant: string): string {
    const def = this.byKind.get(kind);
    return `${kind}:${def?.tenantKey ? def.tenantKey(tenant.trim()) : tenant.trim()}`;
  }
}

/**
 * The one registry. ingest/sources.ts registers the built-in sources into it when first
 * imported (the store, the queries and the front ends import SOURCES from there, which
 * guarantees the registration); src/analysis, which imports only src/model, reads it from here.
 */
export const SOURCES = new SourceRegistry();
