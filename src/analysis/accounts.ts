/**
 * Departed subjects and departure times, exactly as the catalogue defines them: for one account
 * at the analysis time `at`, whether it is departed and why, whether it is disabled in its own
 * source (or assumed so by a what-if), its departure time D and where D came from, and whether
 * it is still usable. Per account, never per person. What an account's own source says (its
 * disable, status, leave date and D) is read by the source's registered account kind
 * (ingest/<source>/account.ts); HR termination, the what-if and the fall-back D are here.
 */
import { SOURCES } from '../model/source.js';
import type { GraphNode, Prov } from '../model/types.js';
import { EdgeKind, type NodeKind } from '../model/schema.js';
import type { GraphReader } from '../store/GraphReader.js';
import { nodeName } from '../model/props.js';

export interface AccountState {
  key: string;
  node: GraphNode;
  /** The source kind of the account (`entra`, `okta`, or any registered source with accounts). */
  source: string;
  id: string;
  name: string;
  /** Only known by reference (not listed): its state cannot be judged. */
  stub: boolean;
  departed: boolean;
  because: string[];
  /** Disabled in its own source (Entra disabled or deleted; Okta SUSPENDED/DEPROVISIONED), or assumed so. */
  disabled: boolean;
  /** A what-if made this account disabled (it was not disabled in its own source). */
  assumed: boolean;
  /** Departure time D (ms), or null when unknown. */
  departedAt: number | null;
  departedAtFrom: string | null;
  departedAtEvidence: Prov | null;
  /** Entra: enabled and not deleted; Okta: ACTIVE, PASSWORD_EXPIRED, LOCKED_OUT or RECOVERY (after any what-if). */
  usable: boolean;
  /** The source's own status word after any what-if (Okta status; DEPROVISIONED when assumed), else null. */
  status: string | null;
  /** Departed because HR says the person is terminated. */
  hrDeparted: boolean;
  hrTerminationDate: number | null;
  hrRecord: GraphNode | null;
  /** Departed because its own leave date (Entra employeeLeaveDateTime) has passed. */
  leaveDeparted: boolean;
  /** Borrowed departure (GitHub): the IdP accounts asserted to be this one, with their states; else empty. */
  linked: AccountState[];
  /** What its source's rules read besides the above (OwnAccountState.facts; GitHub: samlEnforcement, emu). */
  facts: Readonly<Record<string, unknown>>;
}

/** What an account's departure reads of the graph besides its own row (see departureReads). */
export interface DepartureReads {
  /** Edges followed from a node read (direction from that node, kind). */
  edges: { dir: 'out' | 'in'; kind: EdgeKind }[];
  /** Kinds of nodes read by key (not through an edge), with the account kinds that read them. */
  keyed: Map<NodeKind, NodeKind[]>;
}

/**
 * Everything accountState reads besides the account's own row, over the registered sources: the
 * core's (hrTermination: the account's person, the person's records; assertedLinks: the asserted
 * SAME_PERSON links, both ways) and each account kind's own (`reads`). A change to nothing named
 * here cannot depart an account (test/delta/departureReads checks that every read is named).
 */
export function departureReads(): DepartureReads {
  const edges: DepartureReads['edges'] = [
    { dir: 'out', kind: EdgeKind.BELONGS_TO },
    { dir: 'in', kind: EdgeKind.BELONGS_TO },
    { dir: 'out', kind: EdgeKind.SAME_PERSON },
    { dir: 'in', kind: EdgeKind.SAME_PERSON },
  ];
  const keyed = new Map<NodeKind, NodeKind[]>();
  for (const kind of SOURCES.accountKinds()) {
    const reads = SOURCES.account(kind)?.account.reads;
    for (const e of reads?.edges ?? []) if (!edges.some((x) => x.dir === e.dir && x.kind === e.kind)) edges.push(e);
    for (const k of reads?.keyed ?? []) keyed.set(k, [...(keyed.get(k) ?? []), kind]);
  }
  return { edges, keyed };
}

/** The accounts an identity provider asserts `key` is (SAME_PERSON with key `asserted`) of kinds that do not borrow departure. */
export function assertedLinks(g: GraphReader, key: string): GraphNode[] {
  const out: GraphNode[] = [];
  for (const e of [...g.out(key, EdgeKind.SAME_PERSON), ...g.in(key, EdgeKind.SAME_PERSON)]) {
    if (e.props?.key !== 'asserted') continue;
    const n = g.node(e.from === key ? e.to : e.from);
    const reg = n ? SOURCES.account(n.kind) : undefined;
    if (n && reg && !reg.account.borrowsDeparture && !out.some((x) => x.key === n.key)) out.push(n);
  }
  return out;
}

/** The terminating record (HR) of the person an account belongs to, at `at`. */
function hrTermination(g: GraphReader, key: string, at: number): { record: GraphNode; date: number | null } | null {
  for (const b of g.out(key, EdgeKind.BELONGS_TO)) {
    for (const m of g.in(b.to, EdgeKind.BELONGS_TO)) {
      const n = g.node(m.from);
      const t = n ? SOURCES.record(n.kind)?.record.terminated?.(n.props, at) : undefined;
      if (n && t) return { record: n, date: t.date };
    }
  }
  return null;
}

/**
 * The state of an account at `at`; undefined for a node that is not of a registered account kind.
 * `assume`: a what-if assumes it departed; `assumed`: every account the what-if names (an
 * account that borrows its departure reads its linked accounts under it).
 */
export function accountState(g: GraphReader, node: GraphNode, at: number, assume: boolean, assumed: ReadonlySet<string> = new Set()): AccountState | undefined {
  const reg = SOURCES.account(node.kind);
  if (!reg) return undefined;
  const s: AccountState = {
    key: node.key,
    node,
    source: reg.source.kind,
    id: node.id,
    name: nodeName(node),
    stub: node.props.stub === true,
    departed: false,
    because: [],
    disabled: false,
    assumed: false,
    departedAt: null,
    departedAtFrom: null,
    departedAtEvidence: null,
    usable: false,
    status: null,
    hrDeparted: false,
    hrTerminationDate: null,
    hrRecord: null,
    leaveDeparted: false,
    linked: [],
    facts: {},
  };
  if (s.stub) return s;
  if (reg.account.borrowsDeparture) {
    s.linked = assertedLinks(g, node.key)
      .map((n) => accountState(g, n, at, assumed.has(n.key), assumed))
      .filter((x): x is AccountState => !!x && !x.stub);
  }
  const own = reg.account.own(node, at, g, s.linked);
  s.facts = own.facts ?? {};
  s.status = own.status;
  s.because.push(...own.because);
  s.leaveDeparted = own.leaveDeparted;
  const hr = hrTermination(g, node.key, at);
  if (hr) {
    s.hrDeparted = true;
    s.hrTerminationDate = hr.date;
    s.hrRecord = hr.record;
    s.because.push(`hr:terminated${hr.date !== null ? ` ${new Date(hr.date).toISOString().slice(0, 10)}` : ''}`);
  }
  s.departed = s.because.length > 0;
  // Departure time: the source's own (disable event, deletion, leave date, status change), else HR termination.
  const d = own.departure(s.departed);
  if (d) {
    s.departedAt = d.at;
    s.departedAtFrom = d.from;
    s.departedAtEvidence = d.evidence ?? null;
  } else if (s.hrDeparted && s.hrTerminationDate !== null) {
    s.departedAt = s.hrTerminationDate;
    s.departedAtFrom = 'HR terminationDate';
  }
  s.disabled = own.disabled;
  s.usable = own.usable;
  if (assume && !own.disabled) {
    s.assumed = true;
    s.disabled = true;
    s.usable = false;
    if (reg.account.whatIf.status) s.status = reg.account.whatIf.status;
    s.because.push(reg.account.whatIf.because);
    if (!s.departed) {
      s.departedAt = at;
      s.departedAtFrom = 'what-if (at)';
    }
    s.departed = true;
  }
  return s;
}
