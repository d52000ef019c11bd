/**
 * The residual-access analysis of a snapshot, unit by unit, with what each unit read. A unit is
 * a person (every departed account of theirs, and their person report) or, for an account
 * without a person, the account alone: nothing in one unit's answer depends on another's
 * findings. While a unit is analysed, every node it reads — a node, or its edges of a kind — and
 * every kind it scans is recorded, and so are the instants its answer can change at by time
 * alone (each date in what it read, and that date plus the session window). Reads are recorded
 * as dependency codes (node numbers and edge kind indexes, deps.ts), the way they are stored. A delta snapshot
 * re-analyses only the units whose reads it changed or whose next instant it passed; the
 * document assembled from units is the one `runResidual(--all)` gives, byte for byte.
 */
import { Analysis } from '../src/analysis/Analysis.js';
import { type AccountState, accountState } from '../src/analysis/accounts.js';
import type { SourceCoverage } from '../src/analysis/coverage.js';
import { EdgeKind, NodeKind } from '../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../src/model/types.js';
import { ForwardingReader } from '../src/store/ForwardingReader.js';
import type { GraphReader, SourceInfo } from '../src/store/GraphReader.js';
import { edgeDep, nodeDep } from '../src/store/delta/deps.js';
import { edgeKindIndex } from '../src/store/kindCodes.js';
import { SOURCES } from '../ingest/sources.js';
import { instant } from '../src/model/time.js';
import { TOKEN_WINDOW_MS } from './residual-access/entra.sessions-not-revoked.js';
import {
  FINDINGS_FORMAT,
  type Finding,
  type FindingsDoc,
  type PersonReport,
  type SubjectReport,
  assembleFindingsDoc,
  departedAccounts,
  outOfScope,
  rawHits,
  sortFindings,
} from './residual.js';

/** Account kinds: every registered source's (a unit without GitHub accounts would miss their findings). */
const accountKinds = (): ReadonlySet<string> => new Set<string>(SOURCES.accountKinds());

export interface UnitResult {
  /** Person key, or the account key of an account without a person. */
  key: string;
  /** Departed subjects of the unit, in account key order. */
  subjects: { key: string; report: SubjectReport }[];
  person: PersonReport | null;
  /** Findings in the order found; `pre` sorts them into the order `sortFindings` starts from. */
  findings: { pre: string; finding: Finding }[];
  /** What the unit read, as dependency codes (deps.ts): a node's row, or its edges of a kind in a direction. */
  deps: number[];
  /** Keys it read that named no node (a node that appears later changes its answer). */
  missing: string[];
  /** Node kinds it scanned. */
  kinds: string[];
  /** The earliest instant after `at` at which time alone can change its answer (null: never). */
  next: number | null;
  /** Source keys of its subjects. */
  sources: string[];
}

/** What a unit (or a memoised account state) read. */
interface Frame {
  /** Dependency codes (deps.ts). */
  deps: Set<number>;
  /** The nodes read (their dates bound when time alone changes the answer). */
  nodes: Set<GraphNode>;
  /** Keys read that named no node. */
  missing: Set<string>;
  /** Node kinds scanned. */
  kinds: Set<string>;
}

const newFrame = (): Frame => ({ deps: new Set(), nodes: new Set(), missing: new Set(), kinds: new Set() });

/**
 * A GraphReader that records what is read into the current frame, as numbers: the node number of
 * each key read (`nidOf`, the reader's own numbering: the numbers the stored units are matched
 * against) and the edge kind's index — no string built per read.
 */
export class TracingReader extends ForwardingReader {
  frame: Frame = newFrame();

  constructor(
    inner: GraphReader,
    readonly nidOf: (key: string) => number | undefined,
  ) {
    super(inner);
  }

  override node(key: string): GraphNode | undefined {
    const nid = this.nidOf(key);
    if (nid === undefined) this.frame.missing.add(key);
    else this.frame.deps.add(nodeDep(nid));
    const n = this.inner.node(key);
    if (n) this.frame.nodes.add(n);
    return n;
  }
  override out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    this.edges(key, 0, kind);
    return this.inner.out(key, kind);
  }
  override in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    this.edges(key, 1, kind);
    return this.inner.in(key, kind);
  }
  private edges(key: string, dir: 0 | 1, kind: EdgeKind): void {
    const nid = this.nidOf(key);
    if (nid === undefined) this.frame.missing.add(key);
    else this.frame.deps.add(edgeDep(nid, dir, edgeIndexOf(kind)));
  }
  override *nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    this.frame.kinds.add(kind);
    yield* this.inner.nodesOfKind(kind);
  }
}

/** Add everything `from` read to `to`. */
function addFrame(to: Frame, from: Frame): void {
  for (const d of from.deps) to.deps.add(d);
  for (const n of from.nodes) to.nodes.add(n);
  for (const m of from.missing) to.missing.add(m);
  for (const k of from.kinds) to.kinds.add(k);
}

/** An Analysis whose memoised account states replay what computing them read. */
class TracingAnalysis extends Analysis {
  private readonly memo = new Map<string, { state: AccountState | undefined; read: Frame }>();

  constructor(
    readonly t: TracingReader,
    at: number,
  ) {
    super(t, at);
  }

  override state(key: string): AccountState | undefined {
    const hit = this.memo.get(key);
    if (hit) {
      addFrame(this.t.frame, hit.read);
      return hit.state;
    }
    const outer = this.t.frame;
    const read = newFrame();
    this.t.frame = read;
    let state: AccountState | undefined;
    try {
      const n = this.t.node(key);
      state = n ? accountState(this.t, n, this.at, false) : undefined;
    } finally {
      this.t.frame = outer;
    }
    addFrame(outer, read);
    this.memo.set(key, { state, read });
    return state;
  }

  /** The earliest instant after `at` at which time alone can make an account it found not departed departed (departInstant of what its state read). */
  pending(): number {
    let best = Infinity;
    for (const { state, read } of this.memo.values()) if (state && !state.departed) best = Math.min(best, departInstant(read.nodes, this.at));
    return best;
  }

  /** departInstant of what the state of `key` read, if computed and not departed (Infinity: never, or not computed, or departed). */
  accountPending(key: string): number {
    const hit = this.memo.get(key);
    return hit?.state && !hit.state.departed ? departInstant(hit.read.nodes, this.at) : Infinity;
  }
}

/**
 * An untraced Analysis (the tenant-wide sweep of every account's state) that keeps the earliest
 * instant after `at` at which time alone can make an account it found not departed departed: the
 * dates its state read (departInstant) — a person who is not a unit becomes one then. It keeps
 * that instant per unit too (`byUnit`: the unit an account belongs to, `unitOf`), the earliest
 * over the unit's accounts: a delta past it analyses that unit again.
 */
class PendingAnalysis extends Analysis {
  pending = Infinity;
  readonly byUnit = new Map<string, number>();

  constructor(
    readonly r: DateReader,
    at: number,
    private readonly unitOf: (accountKey: string) => string,
  ) {
    super(r, at);
  }

  override state(key: string): AccountState | undefined {
    const r = this.r;
    const outer = r.min;
    r.min = Infinity;
    const s = super.state(key);
    if (s && !s.departed && r.min !== Infinity) {
      if (r.min < this.pending) this.pending = r.min;
      const u = this.unitOf(key);
      const was = this.byUnit.get(u);
      if (was === undefined || r.min < was) this.byUnit.set(u, r.min);
    }
    r.min = Math.min(outer, r.min);
    return s;
  }
}

/** A GraphReader that keeps the earliest instant after `at` among the dates of the nodes read (since `min` was last reset). */
class DateReader extends ForwardingReader {
  min = Infinity;
  private readonly seen = new WeakMap<GraphNode, number>();

  constructor(
    inner: GraphReader,
    readonly at: number,
  ) {
    super(inner);
  }

  override node(key: string): GraphNode | undefined {
    const n = this.inner.node(key);
    if (n) {
      let t = this.seen.get(n);
      if (t === undefined) this.seen.set(n, (t = departInstant([n], this.at)));
      if (t < this.min) this.min = t;
    }
    return n;
  }
}

/** An analysis run over a graph, unit by unit. */
export class UnitAnalyser {
  readonly t: TracingReader;
  readonly a: TracingAnalysis;
  private readonly scopes: Map<string, SourceInfo>;

  /** `nidOf`: the node number of a key in `g` (undefined: no such node), as the stored units are to be matched. */
  constructor(
    readonly g: GraphReader,
    readonly at: number,
    readonly coverage: Record<string, SourceCoverage>,
    nidOf: (key: string) => number | undefined,
  ) {
    this.t = new TracingReader(g, nidOf);
    this.a = new TracingAnalysis(this.t, at);
    this.scopes = new Map(g.sources.map((s) => [s.sourceKey, s]));
  }

  /** The unit an account belongs to (untraced). */
  unitOf(accountKey: string): string {
    return this.g.out(accountKey, EdgeKind.BELONGS_TO)[0]?.to ?? accountKey;
  }

  /** Every unit with a departed account (a tenant-wide sweep). */
  allUnits(): string[] {
    return this.sweep().units;
  }

  /**
   * Every unit with a departed account, and `pending`: the earliest instant after `at` at which
   * time alone can make another account departed (null: never) — a person who is not a unit may
   * become one then, with nothing of theirs changed. `instants`: that instant per unit key (a
   * person, or an account without one) with an account not departed that time alone can depart
   * (none listed: never); `pending` is their minimum.
   */
  sweep(): { units: string[]; pending: number | null; instants: Map<string, number> } {
    const a = new PendingAnalysis(new DateReader(this.g, this.at), this.at, (k) => this.unitOf(k));
    const units = [...new Set(departedAccounts(a).map((k) => this.unitOf(k)))].sort();
    return { units, pending: a.pending === Infinity ? null : a.pending, instants: a.byUnit };
  }

  /** `pending` (see sweep) over the account states this analyser computed (what a delta re-read). */
  pending(): number | null {
    const p = this.a.pending();
    return p === Infinity ? null : p;
  }

  /** Unit keys whose accounts this analyser computed every state of (analyse, hasDeparted): their instants (unitPending) are known. */
  readonly visited = new Set<string>();

  /**
   * The sweep's instant of a unit this analyser visited (see sweep's `instants`): the earliest
   * instant after `at` at which time alone can depart one of its accounts not departed (null: never).
   */
  unitPending(unitKey: string): number | null {
    let best = Infinity;
    for (const k of this.members(unitKey)) best = Math.min(best, this.a.accountPending(k));
    return best === Infinity ? null : best;
  }

  /** The accounts of a unit (untraced): a person's, or the account itself. */
  private members(unitKey: string): string[] {
    const isPerson = this.g.node(unitKey)?.kind === NodeKind.Person;
    return isPerson ? [...new Set(this.g.in(unitKey, EdgeKind.BELONGS_TO).map((e) => e.from))] : [unitKey];
  }

  /** The departed accounts of a unit (its subjects), in account key order, read into the current frame. */
  private departedStates(unitKey: string, ACCOUNT_KINDS: ReadonlySet<string>): AccountState[] {
    const t = this.t;
    this.visited.add(unitKey);
    const isPerson = this.g.node(unitKey)?.kind === NodeKind.Person;
    const members = isPerson ? t.in(unitKey, EdgeKind.BELONGS_TO).map((e) => e.from) : [unitKey];
    const states: AccountState[] = [];
    for (const k of [...new Set(members)].sort()) {
      const n = t.node(k);
      if (!n || !ACCOUNT_KINDS.has(n.kind) || n.props.stub || outOfScope(this.scopes.get(n.sourceKey), n.id)) continue;
      const s = this.a.state(k);
      if (s?.departed) states.push(s);
    }
    return states;
  }

  /** Whether `analyse(unitKey)` gives a unit (it has a departed account): without the rules. */
  hasDeparted(unitKey: string): boolean {
    this.t.frame = newFrame();
    return this.departedStates(unitKey, accountKinds()).length > 0;
  }

  /** Analyse one unit; null when it has no departed account (any more). */
  analyse(unitKey: string): UnitResult | null {
    const t = this.t;
    t.frame = newFrame();
    const a = this.a;
    const ACCOUNT_KINDS = accountKinds();
    const states = this.departedStates(unitKey, ACCOUNT_KINDS);
    if (states.length === 0) return null;
    const doc = assembleFindingsDoc(
      {
        at: this.at,
        snapshotId: this.g.snapshotId,
        sources: this.g.sources,
        states,
        hitsOf: (s) => rawHits(s, a),
        personOf: (key) => {
          const person = t.out(key, EdgeKind.BELONGS_TO)[0]?.to ?? null;
          return person ? { key: person, id: t.node(person)?.id ?? null } : null;
        },
        person: (pkey) => {
          const pnode = t.node(pkey);
          const accounts = t
            .in(pkey, EdgeKind.BELONGS_TO)
            .map((e) => t.node(e.from))
            .filter((n): n is GraphNode => !!n && ACCOUNT_KINDS.has(n.kind))
            .map((n) => ({ source: n.sourceKey.split(':')[0], id: n.id, name: String(n.props.name ?? n.id), departed: a.state(n.key)?.departed ?? false }));
          return { id: pnode?.id ?? pkey, name: String(pnode?.props.name ?? pkey), accounts };
        },
        provOf: (k) => a.node(k)?.prov,
      },
      { coverage: this.coverage, sort: false },
    );
    // Findings come subject by subject, each subject's `findings` of them.
    const findings: UnitResult['findings'] = [];
    let at = 0;
    doc.subjects.forEach((subj, i) => {
      for (let j = 0; j < subj.findings; j++) findings.push({ pre: preOf(states[i].key, j), finding: doc.findings[at++] });
    });
    const read = t.frame;
    return {
      key: unitKey,
      subjects: doc.subjects.map((r, i) => ({ key: states[i].key, report: r })),
      person: doc.persons[0] ?? null,
      findings,
      deps: [...read.deps],
      missing: [...read.missing],
      kinds: [...read.kinds],
      next: earliest(nextInstant(read.nodes, this.at), findings.map((f) => (f.finding.validUntil ? Date.parse(f.finding.validUntil) : NaN)), this.at),
      sources: [...new Set(states.map((s) => s.node.sourceKey))].sort(),
    };
  }
}

/** The sort key that puts findings in the order a tenant-wide sweep finds them. */
export function preOf(subjectKey: string, index: number): string {
  return `${subjectKey}\u0000${String(index).padStart(6, '0')}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * The earliest instant after `at` among the dates of the nodes read (Infinity: none): when time
 * alone can make an account departed. Every rule of departure compares a date it reads with the
 * analysis time (a leave date, an HR termination date: `date <= at`, residual-access-rules.md),
 * so only the dates themselves count here — not the session window after them, which changes
 * findings (a unit's `next`, nextInstant), not whether an account is departed.
 */
function departInstant(nodes: Iterable<GraphNode>, at: number): number {
  let best = Infinity;
  const consider = (v: unknown) => {
    if (typeof v === 'string') {
      if (!DATE.test(v)) return;
      // Both readings of a date without a zone (the rules' `instant`, and Date.parse's).
      for (const x of [instant(v), Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)]) if (x !== null && x > at && x < best) best = x;
    } else if (Array.isArray(v)) for (const x of v) consider(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) consider(x);
  };
  for (const n of nodes) consider(n.props);
  return best;
}

/** The index of an edge kind in dependency codes (63: a kind no snapshot knows). */
function edgeIndexOf(kind: EdgeKind): number {
  return edgeKindIndex(kind) ?? 63;
}

/**
 * The earliest of `next` and the instants after `at` among `more`: a finding's `validUntil` is
 * when its status changes (a GitHub SAML window becomes dormant 24 h after D, whatever window
 * the dates a unit read suggest).
 */
function earliest(next: number | null, more: readonly number[], at: number): number | null {
  let best = next ?? Infinity;
  for (const t of more) if (t > at && t < best) best = t;
  return best === Infinity ? null : best;
}

/** The earliest instant after `at` among the dates of the nodes read (and those dates plus the session window). */
function nextInstant(nodes: Iterable<GraphNode>, at: number): number | null {
  let best = Infinity;
  const consider = (v: unknown) => {
    if (typeof v === 'string') {
      if (!DATE.test(v)) return;
      const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
      if (Number.isNaN(t)) return;
      for (const x of [t, t + TOKEN_WINDOW_MS]) if (x > at && x < best) best = x;
    } else if (Array.isArray(v)) for (const x of v) consider(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) consider(x);
  };
  for (const n of nodes) consider(n.props);
  return best === Infinity ? null : best;
}

/** The findings document of a snapshot from its units (any order): what runResidual(--all) gives. */
export function docFromUnits(at: number, snapshotId: string | null, coverage: Record<string, SourceCoverage>, units: Iterable<UnitResult>): FindingsDoc {
  const subjects: { key: string; report: SubjectReport }[] = [];
  const persons: PersonReport[] = [];
  const findings: { pre: string; finding: Finding }[] = [];
  for (const u of units) {
    subjects.push(...u.subjects);
    if (u.person) persons.push(u.person);
    findings.push(...u.findings);
  }
  subjects.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  persons.sort((x, y) => x.id.localeCompare(y.id));
  findings.sort((x, y) => (x.pre < y.pre ? -1 : x.pre > y.pre ? 1 : 0));
  return {
    format: FINDINGS_FORMAT,
    at: new Date(at).toISOString(),
    snapshot: snapshotId,
    coverage,
    subjects: subjects.map((s) => s.report),
    persons,
    findings: sortFindings(findings.map((f) => f.finding)),
  };
}
