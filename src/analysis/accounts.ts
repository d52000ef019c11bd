/**
 * Departed subjects and departure times, exactly as the catalogue defines them: for one account
 * at the analysis time `at`, whether it is departed and why, whether it is disabled in its own
 * source (or assumed so by a what-if), its departure time D and where D came from, and whether
 * it is still usable. Per account, never per person.
 */
import { NodeKind } from '../model/schema.js';
import { instant } from '../model/time.js';
import type { GraphNode, Prov } from '../model/types.js';
import { EdgeKind } from '../model/schema.js';
import type { GraphReader } from '../store/GraphReader.js';
import { nodeName, propsOf } from '../model/props.js';

export const OKTA_USABLE: ReadonlySet<string> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);
export const OKTA_DISABLED: ReadonlySet<string> = new Set(['SUSPENDED', 'DEPROVISIONED']);

export interface AccountState {
  key: string;
  node: GraphNode;
  source: 'entra' | 'okta';
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
  /** Okta status after any what-if (DEPROVISIONED when assumed). */
  oktaStatus: string | null;
  /** Departed because HR says the person is terminated. */
  hrDeparted: boolean;
  hrTerminationDate: number | null;
  hrRecord: GraphNode | null;
  /** Departed because its own Entra employeeLeaveDateTime has passed. */
  leaveDeparted: boolean;
}

/** The HR records of the person an account belongs to. */
function hrRecordsOf(g: GraphReader, accountKey: string): GraphNode[] {
  const out: GraphNode[] = [];
  for (const b of g.out(accountKey, EdgeKind.BELONGS_TO)) {
    for (const m of g.in(b.to, EdgeKind.BELONGS_TO)) {
      const n = g.node(m.from);
      if (n && n.kind === NodeKind.HrPerson) out.push(n);
    }
  }
  return out;
}

function hrTermination(g: GraphReader, key: string, at: number): { record: GraphNode; date: number | null } | null {
  for (const r of hrRecordsOf(g, key)) {
    const p = propsOf(r, NodeKind.HrPerson);
    if (p.status !== 'terminated') continue;
    const d = instant(p.terminationDate);
    if (d === null || d <= at) return { record: r, date: d };
  }
  return null;
}

/** The latest `Disable account` audit event targeting the account at or before `at`. */
function lastDisable(g: GraphReader, key: string, at: number): { t: number; prov: Prov | null } | null {
  let best: { t: number; prov: Prov | null } | null = null;
  for (const e of g.in(key, EdgeKind.TARGETS)) {
    const ev = g.node(e.from);
    if (!ev || ev.kind !== NodeKind.EntraAuditEvent) continue;
    const p = propsOf(ev, NodeKind.EntraAuditEvent);
    if (p.activity !== 'Disable account') continue;
    const t = instant(p.activityDateTime);
    if (t !== null && t <= at && (!best || t > best.t)) best = { t, prov: ev.prov ?? null };
  }
  return best;
}

export function accountState(g: GraphReader, node: GraphNode, at: number, assume: boolean): AccountState | undefined {
  if (node.kind === NodeKind.EntraUser) return entraState(g, node, at, assume);
  if (node.kind === NodeKind.OktaUser) return oktaState(g, node, at, assume);
  return undefined;
}

function base(node: GraphNode, source: 'entra' | 'okta'): AccountState {
  return {
    key: node.key,
    node,
    source,
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
    oktaStatus: null,
    hrDeparted: false,
    hrTerminationDate: null,
    hrRecord: null,
    leaveDeparted: false,
  };
}

function entraState(g: GraphReader, node: GraphNode, at: number, assume: boolean): AccountState {
  const p = propsOf(node, NodeKind.EntraUser);
  const s = base(node, 'entra');
  if (s.stub) return s;
  const disabledOwn = p.accountEnabled === false || p.deleted === true;
  if (p.accountEnabled === false) s.because.push('accountEnabled=false');
  if (p.deleted) s.because.push('deleted');
  const leave = instant(p.employeeLeaveDateTime);
  if (leave !== null && leave <= at) {
    s.leaveDeparted = true;
    s.because.push(`employeeLeaveDateTime=${p.employeeLeaveDateTime}`);
  }
  const hr = hrTermination(g, node.key, at);
  if (hr) {
    s.hrDeparted = true;
    s.hrTerminationDate = hr.date;
    s.hrRecord = hr.record;
    s.because.push(`hr:terminated${hr.date !== null ? ` ${new Date(hr.date).toISOString().slice(0, 10)}` : ''}`);
  }
  s.departed = s.because.length > 0;
  // Departure time: disable event, deletion, leave date, HR termination — in that order.
  const ev = s.departed ? lastDisable(g, node.key, at) : null;
  if (ev) {
    s.departedAt = ev.t;
    s.departedAtFrom = 'Disable account audit event';
    s.departedAtEvidence = ev.prov;
  } else if (p.deleted && instant(p.deletedDateTime) !== null) {
    s.departedAt = instant(p.deletedDateTime);
    s.departedAtFrom = 'deletedDateTime';
  } else if (s.leaveDeparted) {
    s.departedAt = leave;
    s.departedAtFrom = 'employeeLeaveDateTime';
  } else if (s.hrDeparted && s.hrTerminationDate !== null) {
    s.departedAt = s.hrTerminationDate;
    s.departedAtFrom = 'HR terminationDate';
  }
  s.disabled = disabledOwn;
  s.usable = p.accountEnabled === true && !p.deleted;
  if (assume && !disabledOwn) {
    s.assumed = true;
    s.disabled = true;
    s.usable = false;
    s.because.push('assumed departed (what-if)');
    if (!s.departed) {
      s.departedAt = at;
      s.departedAtFrom = 'what-if (at)';
    }
    s.departed = true;
  }
  return s;
}

function oktaState(g: GraphReader, node: GraphNode, at: number, assume: boolean): AccountState {
  const p = propsOf(node, NodeKind.OktaUser);
  const s = base(node, 'okta');
  if (s.stub) return s;
  s.oktaStatus = p.status;
  const disabledOwn = OKTA_DISABLED.has(p.status);
  if (disabledOwn) s.because.push(`status=${p.status}`);
  const hr = hrTermination(g, node.key, at);
  if (hr) {
    s.hrDeparted = true;
    s.hrTerminationDate = hr.date;
    s.hrRecord = hr.record;
    s.because.push(`hr:terminated${hr.date !== null ? ` ${new Date(hr.date).toISOString().slice(0, 10)}` : ''}`);
  }
  s.departed = s.because.length > 0;
  if (disabledOwn && instant(p.statusChanged) !== null) {
    s.departedAt = instant(p.statusChanged);
    s.departedAtFrom = 'statusChanged';
  } else if (s.hrDeparted && s.hrTerminationDate !== null) {
    s.departedAt = s.hrTerminationDate;
    s.departedAtFrom = 'HR terminationDate';
  }
  s.disabled = disabledOwn;
  s.usable = OKTA_USABLE.has(p.status);
  if (assume && !disabledOwn) {
    s.assumed = true;
    s.disabled = true;
    s.usable = false;
    s.oktaStatus = 'DEPROVISIONED';
    s.because.push('assumed deactivated (what-if)');
    if (!s.departed) {
      s.departedAt = at;
      s.departedAtFrom = 'what-if (at)';
    }
    s.departed = true;
  }
  return s;
}
