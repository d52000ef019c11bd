/**
 * The residual-access analysis of a snapshot, unit by unit, with what each unit read. A unit is
 * a person (every departed account of theirs, and their person report) or, for an account
 * without a person, the account alone: nothing in one unit's answer depends on another's
 * findings. While a unit is analysed, every node it reads — a node, or its edges of a kind — and
 * every kind it scans is recorded, and so are the instants its answer can change at by time
 * alone (each date in what it read, and that date plus the session window). A delta snapshot
 * re-analyses only the units whose reads it changed or whose next instant it passed; the
 * document assembled from units is the one `runResidual(--all)` gives, byte for byte.
 */
import { Analysis } from '../src/analysis/Analysis.js';
import { type AccountState, accountState } from '../src/analysis/accounts.js';
import type { SourceCoverage } from '../src/analysis/coverage.js';
import { EdgeKind, NodeKind } from '../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../src/model/types.js';
import type { GraphReader, InputFile, SourceInfo } from '../src/store/GraphReader.js';
import { edgeDep, nodeDep } from '../src/store/delta/deps.js';
import { edgeIndexes } from '../src/store/kindCodes.js';
import { SOURCES } from '../ingest/sources.js';
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
  /** What the unit read: `n\0key` (a node), `o\0kind\0key` / `i\0kind\0key` (a node's edges of a kind). */
  deps: string[];
  /** Node kinds it scanned. */
  kinds: string[];
  /** The earliest instant after `at` at which time alone can change its answer (null: never). */
  next: number | null;
  /** Source keys of its subjects. */
  sources: string[];
}

/** A GraphReader that records what is read into the current frame. */
export class TracingReader implements GraphReader {
  frame: Set<string> = new Set();
  kinds: Set<string> = new Set();

  constructor(readonly inner: GraphReader) {}

  get snapshotId(): string | null {
    return this.inner.snapshotId;
  }
  get sources(): readonly SourceInfo[] {
    return this.inner.sources;
  }
  get collectedAt(): string {
    return this.inner.collectedAt;
  }
  node(key: string): GraphNode | undefined {
    this.frame.add(`n\u0000${key}`);
    return this.inner.node(key);
  }
  out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    this.frame.add(`o\u0000${kind}\u0000${key}`);
    return this.inner.out(key, kind);
  }
  in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    this.frame.add(`i\u0000${kind}\u0000${key}`);
    return this.inner.in(key, kind);
  }
  *nodesOfKind(kind: NodeKind): Iterable<GraphNode> {
    this.kinds.add(kind);
    yield* this.inner.nodesOfKind(kind);
  }
  lookup(name: string): string[] {
    return this.inner.lookup(name);
  }
  files(): InputFile[] {
    return this.inner.files();
  }
}

/** An Analysis whose memoised account states replay what computing them read. */
class TracingAnalysis extends Analysis {
  private readonly memo = new Map<string, { state: AccountState | undefined; deps: Set<string>; kinds: Set<string> }>();

  constructor(
    readonly t: TracingReader,
    at: number,
  ) {
    super(t, at);
  }

  override state(key: string): AccountState | undefined {
    const hit = this.memo.get(key);
    if (hit) {
      for (const d of hit.deps) this.t.frame.add(d);
      for (const k of hit.kinds) this.t.kinds.add(k);
      return hit.state;
    }
    const outer = this.t.frame;
    const outerKinds = this.t.kinds;
    const deps = new Set<string>();
    const kinds = new Set<string>();
    this.t.frame = deps;
    this.t.kinds = kinds;
    let state: AccountState | undefined;
    try {
      const n = this.t.node(key);
      state = n ? accountState(this.t, n, this.at, false) : undefined;
    } finally {
      this.t.frame = outer;
      this.t.kinds = outerKinds;
    }
    for (const d of deps) outer.add(d);
    for (const k of kinds) outerKinds.add(k);
    this.memo.set(key, { state, deps, kinds });
    return state;
  }
}

/** An analysis run over a graph, unit by unit. */
export class UnitAnalyser {
  readonly t: TracingReader;
  readonly a: TracingAnalysis;
  private readonly scopes: Map<string, SourceInfo>;

  constructor(
    readonly g: GraphReader,
    readonly at: number,
    readonly coverage: Record<string, SourceCoverage>,
  ) {
    this.t = new TracingReader(g);
    this.a = new TracingAnalysis(this.t, at);
    this.scopes = new Map(g.sources.map((s) => [s.sourceKey, s]));
  }

  /** The unit an account belongs to (untraced). */
  unitOf(accountKey: string): string {
    return this.g.out(accountKey, EdgeKind.BELONGS_TO)[0]?.to ?? accountKey;
  }

  /** Every unit with a departed account (a tenant-wide sweep). */
  allUnits(): string[] {
    const a = new Analysis(this.g, this.at);
    return [...new Set(departedAccounts(a).map((k) => this.unitOf(k)))].sort();
  }

  /** Analyse one unit; null when it has no departed account (any more). */
  analyse(unitKey: string): UnitResult | null {
    const t = this.t;
    t.frame = new Set();
    t.kinds = new Set();
    const a = this.a;
    const ACCOUNT_KINDS = accountKinds();
    const isPerson = this.g.node(unitKey)?.kind === NodeKind.Person;
    const members = isPerson ? t.in(unitKey, EdgeKind.BELONGS_TO).map((e) => e.from) : [unitKey];
    const states: AccountState[] = [];
    for (const k of [...new Set(members)].sort()) {
      const n = t.node(k);
      if (!n || !ACCOUNT_KINDS.has(n.kind) || n.props.stub || outOfScope(this.scopes.get(n.sourceKey), n.id)) continue;
      const s = a.state(k);
      if (s?.departed) states.push(s);
    }
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
    const deps = [...t.frame];
    return {
      key: unitKey,
      subjects: doc.subjects.map((r, i) => ({ key: states[i].key, report: r })),
      person: doc.persons[0] ?? null,
      findings,
      deps,
      kinds: [...t.kinds],
      next: earliest(nextInstant(deps, this.g, this.at), findings.map((f) => (f.finding.validUntil ? Date.parse(f.finding.validUntil) : NaN)), this.at),
      sources: [...new Set(states.map((s) => s.node.sourceKey))].sort(),
    };
  }
}

/** The sort key that puts findings in the order a tenant-wide sweep finds them. */
export function preOf(subjectKey: string, index: number): string {
  return `${subjectKey}\u0000${String(index).padStart(6, '0')}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

/** The earliest instant after `at` among the dates of the nodes read (and those dates plus the session window). */

/** The dependency code of a read (deps.ts), or the key it read that names no node. */
export function depCode(dep: string, nidOf: (key: string) => number | undefined): { code: number } | { missing: string } {
  const parts = dep.split('\u0000');
  const key = parts[parts.length - 1];
  const nid = nidOf(key);
  if (nid === undefined) return { missing: key };
  if (parts[0] === 'n') return { code: nodeDep(nid) };
  return { code: edgeDep(nid, parts[0] === 'o' ? 0 : 1, edgeIndexOf(parts[1] as EdgeKind)) };
}

function edgeIndexOf(kind: EdgeKind): number {
  return edgeIndexes().get(kind) ?? 63;
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

function nextInstant(keys: readonly string[], g: GraphReader, at: number): number | null {
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
  for (const d of keys) if (d.startsWith('n\u0000')) consider(g.node(d.slice(2))?.props);
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
