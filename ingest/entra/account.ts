/**
 * How an Entra user's state and departure are read, for the source registry: disabled when
 * `accountEnabled` is false or it is deleted, departed also by a passed `employeeLeaveDateTime`;
 * D from the latest `Disable account` audit event, else the deletion, else the leave date (the
 * core falls back to HR). Its correlation keys (employeeId; mail and a non-guest UPN) and the
 * same predicates in Cypher for the Neo4j engine.
 */
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { AccountKindDef, CorrelationKeys, Departure, GraphView, OwnAccountState } from '../../src/model/source.js';
import { instant } from '../../src/model/time.js';
import type { GraphNode, Prov } from '../../src/model/types.js';
import { propsOf } from '../../src/model/props.js';
import { Activity } from './directoryAudits.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The latest `Disable account` audit event targeting the account at or before `at`. */
function lastDisable(g: GraphView, key: string, at: number): { t: number; prov: Prov | null } | null {
  let best: { t: number; prov: Prov | null } | null = null;
  for (const e of g.in(key, EdgeKind.TARGETS)) {
    const ev = g.node(e.from);
    if (!ev || ev.kind !== NodeKind.EntraAuditEvent) continue;
    const p = propsOf(ev, NodeKind.EntraAuditEvent);
    if (p.activity !== Activity.disableAccount) continue;
    const t = instant(p.activityDateTime);
    if (t !== null && t <= at && (!best || t > best.t)) best = { t, prov: ev.prov ?? null };
  }
  return best;
}

function own(node: GraphNode, at: number, g: GraphView): OwnAccountState {
  const p = propsOf(node, NodeKind.EntraUser);
  const because: string[] = [];
  if (p.accountEnabled === false) because.push('accountEnabled=false');
  if (p.deleted) because.push('deleted');
  const leave = instant(p.employeeLeaveDateTime);
  const leaveDeparted = leave !== null && leave <= at;
  if (leaveDeparted) because.push(`employeeLeaveDateTime=${p.employeeLeaveDateTime}`);
  return {
    disabled: p.accountEnabled === false || p.deleted === true,
    usable: p.accountEnabled === true && !p.deleted,
    status: null,
    because,
    leaveDeparted,
    // Departure time: disable event, deletion, leave date (the core then tries HR termination).
    departure(departed: boolean): Departure | null {
      const ev = departed ? lastDisable(g, node.key, at) : null;
      if (ev) return { at: ev.t, from: 'Disable account audit event', evidence: ev.prov };
      if (p.deleted && instant(p.deletedDateTime) !== null) return { at: instant(p.deletedDateTime), from: 'deletedDateTime' };
      if (leaveDeparted) return { at: leave, from: 'employeeLeaveDateTime' };
      return null;
    },
  };
}

function correlation(props: Record<string, unknown>): CorrelationKeys {
  const upn = s(props.upn);
  return {
    employeeId: s(props.employeeId),
    mails: [s(props.mail), upn && !upn.toUpperCase().includes('#EXT#') ? upn : null].filter((x): x is string => !!x),
  };
}

export const ENTRA_ACCOUNT: AccountKindDef = {
  kind: NodeKind.EntraUser,
  reach: 'entraObject',
  own,
  // lastDisable: the audit events that target the account.
  reads: { edges: [{ dir: 'in', kind: EdgeKind.TARGETS }] },
  whatIf: { because: 'assumed departed (what-if)' },
  correlation,
  disable: (id) => [`PATCH /users/${id} {"accountEnabled":false}`, `POST /users/${id}/revokeSignInSessions`],
  cypher: {
    departedOwn: (u) => `coalesce(${u}.accountEnabled = false, false) OR coalesce(${u}.deleted = true, false) OR coalesce(${u}.employeeLeaveDateTimeMs <= $at, false)`,
    usable: (u) => `coalesce(${u}.accountEnabled = true, false) AND NOT coalesce(${u}.deleted = true, false)`,
    disabledOwn: (u) => `(coalesce(${u}.accountEnabled = false, false) OR coalesce(${u}.deleted = true, false))`,
    leaveDeparted: (u) => `coalesce(${u}.employeeLeaveDateTimeMs <= $at, false)`,
    stateFacts: (u, h) =>
      `COLLECT { MATCH (ev:${h.label(NodeKind.EntraAuditEvent)})-[t:${h.rel(EdgeKind.TARGETS)}]->(${u})
            WHERE ev.activity = $k.disableActivity AND ev.activityDateTimeMs <= $at
            WITH ev, t ORDER BY ev.activityDateTimeMs DESC, t.seq ASC LIMIT 1
            RETURN {n: ${h.node('ev')}, r: ${h.edge('t')}} }`,
    constants: { disableActivity: Activity.disableAccount },
  },
};
